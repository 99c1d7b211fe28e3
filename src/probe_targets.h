/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What the probe aims at by default: every address and port memcached
 * listens on by its effective config (endpoints.h) and by the running
 * daemons' sockets, each only where it is an address of this host (a
 * wildcard: every address of this host's interfaces), and 127.0.0.1 and ::1
 * on each of those ports. For the probe command and for apply's probe before and after its
 * restart. The caller owns the array.
 */

#include <stddef.h>

#include "config.h"
#include "probe.h"

/* CONFIG may be NULL (no config read): the live daemons and 11211 then. */
int probe_default_targets(const Config *config, ProbeTarget **ret, size_t *ret_n);

/* The port a target without one gets: memcached's UDP port where the config
 * turns UDP on, else its TCP port, else 11211. */
int probe_default_port(const Config *config);
