/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Other tools' firewall files, read by check only: firewalld's zones,
 * policies and services (fw_firewalld.c) and ufw's rule files (fw_ufw.c),
 * judged for a rule that lets UDP reach one of memcached's ports. memharden
 * never writes them and apply never reads them: a rule there is the admin's
 * to remove, so each one becomes a finding that says how (fwfiles.c adds
 * them to the report, as files of their own marked foreign).
 *
 * The parsers are pure functions of the bytes handed in, which are another
 * tool's files in a possibly hostile image: they never open a path and never
 * expand an entity. An FwFindings owns its paths and messages; release it
 * with fw_findings_done(). Functions return 0 or a negative errno (-ENOMEM
 * only: what a file holds never fails them, a file that does not parse is a
 * finding of kind FW_UNREADABLE).
 *
 * firewalld's rules count whether or not its service is enabled (that is
 * the init system's, not in its files); ufw's only with ENABLED=yes in
 * ufw.conf, and as info otherwise. Where memcached is not installed, check
 * judges nothing, these files included.
 */

#include <stdbool.h>
#include <stddef.h>

#include "report.h"

/* The ports a rule is judged against: memcached's TCP and UDP ports from the
 * effective options, and 11211 always (what an attacker sends to). */
#define FW_PORTS_MAX 64
typedef struct FwPorts {
        int port[FW_PORTS_MAX];
        size_t n;
} FwPorts;

/* Adds PORT (1-65535, once). */
void fw_ports_add(FwPorts *p, int port);

typedef enum FwKind {
        FW_OPENS_UDP,   /* the rule lets UDP to one of the ports in */
        FW_UNREADABLE,  /* the file could not be read or parsed: nothing judged in it */
} FwKind;

typedef struct FwFinding {
        FwKind kind;
        char *path;     /* inside the root */
        unsigned line;  /* 0: the file as a whole */
        char *message;  /* what opens what, and the admin's fix */
        bool inactive;  /* the tool is off (ufw's ENABLED=no): the rule opens nothing now */
} FwFinding;

typedef struct FwFindings {
        FwFinding *items;
        size_t n, n_allocated;
} FwFindings;

void fw_findings_done(FwFindings *f);
int fw_findings_add(FwFindings *f, FwKind kind, const char *path, unsigned line, bool inactive, const char *fmt, ...)
        __attribute__((format(printf, 6, 7)));

/* A firewalld service's definition by name, as firewalld picks it
 * (/etc/firewalld/services over /usr/lib/firewalld/services): its bytes and
 * path, malloc()ed. -ENOENT when there is none. */
typedef int (*FwServiceLookup)(void *userdata, const char *name, char **ret_text, size_t *ret_size,
                               char **ret_path);

/* Judges the zone (POLICY false) or policy file PATH with bytes TEXT: its
 * services (looked up with LOOKUP), ports, protocols, target and rich rules. */
int fw_firewalld_judge(const char *path, const char *text, size_t size, bool policy, const FwPorts *ports,
                       FwServiceLookup lookup, void *userdata, FwFindings *out);

/* Judges ufw's rule file PATH (user.rules or user6.rules) with bytes TEXT,
 * in order, as ufw's first match does. ENABLED: ufw.conf's ENABLED=yes. */
int fw_ufw_judge(const char *path, const char *text, const FwPorts *ports, bool enabled, FwFindings *out);

/* Whether ufw.conf's text says ENABLED=yes, as ufw reads it. */
bool fw_ufw_enabled(const char *conf_text);

/* check's call: judges ROOT's firewalld and ufw files against the ports of
 * CONFIG's effective options and adds each finding to REPORT as a foreign
 * file (report.h): firewall-opens-udp, medium (info where the tool is off or
 * memharden's own table drops the UDP), firewall-unreadable, info. */
struct Config;
int fwfiles_check(const char *root, const struct Config *config, Report *report);
