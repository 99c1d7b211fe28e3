/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The firewall layer's side of the kernel: the table loaded, listed and
 * deleted through libnftables (nft_run_cmd_from_buffer(), one transaction
 * per call, output and errors captured, never printed by the library), and
 * the host's interface addresses (getifaddrs()). Called by cmd_firewall.c;
 * the text it loads is firewall.c's. Nothing here reads or writes a file.
 *
 * Each call returns 0 or a negative errno and fills E on failure:
 * -EPROTONOSUPPORT when the kernel has no nf_tables (what the command
 * reports with exit 3), -EPERM without CAP_NET_ADMIN.
 */

#include <stddef.h>

#include "error.h"
#include "firewall.h"

/* Whether the kernel speaks nf_tables netlink at all: libnftables itself
 * exit()s when it cannot open its socket, so this is asked first. */
int firewall_nft_probe(ErrorInfo *e);

/* Runs BUFFER (firewall_load_buffer()) as one transaction. */
int firewall_nft_load(const char *buffer, ErrorInfo *e);

/* "nft list table inet memharden" into *RET; -ENOENT when there is none. */
int firewall_nft_list(char **ret, ErrorInfo *e);

/* Deletes the table; -ENOENT (E untouched) when there was none. */
int firewall_nft_delete(ErrorInfo *e);

/* The negative errno an nft error message MSG reports ("Error: Could not
 * process rule: Operation not permitted"), -EIO when it names none. */
int firewall_nft_errno(const char *msg);

/* This network namespace's interface addresses with their prefix lengths
 * (AF_INET and AF_INET6 only). */
int firewall_host_addresses(FirewallNet **ret, size_t *ret_n);
