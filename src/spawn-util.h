/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Running a helper program, the only way memharden starts one: posix_spawn()
 * with a fixed argument vector and a fixed clean environment, its output
 * captured. Used by the restart stage (service_sysv.c runs the init script
 * through it, service_openrc.c rc-service); it calls nothing of memharden
 * but util.c. Not "spawn.h": src/ is on the include path, and that would
 * hide <spawn.h>.
 */

/* Captured output beyond this is cut: only the report needs it. */
#define SPAWN_OUTPUT_MAX (16 * 1024)

/* Runs ARGV (argv[0] an absolute path) with a fixed clean environment,
 * stdin /dev/null, stdout+stderr captured (bounded, trailing newlines cut)
 * into *ret_output (may be NULL). *ret_status is the exit status, or
 * 128+signal. Kills the child after TIMEOUT_SEC: -ETIMEDOUT. */
int spawn_capture(char *const argv[], unsigned timeout_sec, int *ret_status, char **ret_output);
