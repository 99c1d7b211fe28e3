/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>

/*
 * The pure parts of the OpenRC manager (service_openrc.c): the service that
 * runs an instance, what rc-service's status exit code says, the pid file
 * in OpenRC's daemon record, and what its output says went wrong. Declared here for that file and its unit
 * test only; nothing else calls them. All return 0 or a negative errno and
 * write ret_* only on success.
 */

typedef enum OpenrcState {
        OPENRC_STARTED,
        OPENRC_STOPPED,
        OPENRC_STOPPING,
        OPENRC_STARTING,
        OPENRC_INACTIVE,
        OPENRC_CRASHED,   /* started, but the daemon it recorded is gone */
} OpenrcState;

/* SERVICE ("memcached") for the main config (INSTANCE NULL), "SERVICE.NAME"
 * for instance NAME: OpenRC's multi-instance convention, a link
 * /etc/init.d/memcached.NAME -> memcached reading /etc/conf.d/memcached.NAME.
 * -EINVAL for an empty name or one with '/'. malloc()ed. */
int openrc_service_name(const char *service, const char *instance, char **ret);

/* The state that the exit status of 'rc-service SERVICE status' gives:
 * openrc-run's _status() returns 0 started, 3 stopped, 4 stopping,
 * 8 starting, 16 inactive, 32 crashed. -EBADMSG for any other status
 * (1: no such service, OpenRC not booted, or a script's own failure). */
int openrc_status_parse(int status, OpenrcState *ret);

/* "started", "stopped", "stopping", "starting", "inactive", "crashed". */
const char *openrc_state_to_string(OpenrcState s);

/* The pid file of a daemon record that OpenRC's start-stop-daemon writes to
 * /run/openrc/daemons/SERVICE/NNN: "exec=...", "argv_N=..." and
 * "pidfile=PATH" lines. -ENOENT when it names no pid file. malloc()ed. */
int openrc_record_pidfile(const char *record, char **ret);

/* The words of rc-service's OUTPUT for a one-line error, into BUF (SIZE >
 * 0): openrc-run's last "ERROR: ..." line and the message before it (the
 * script's own, or start-stop-daemon's), without their " * " marks; lines
 * that end in "[ ok ]" say nothing went wrong and are passed over. Without
 * an ERROR line, the last line that says something; "no output" for none. */
void openrc_failure_reason(const char *output, char *buf, size_t size);
