/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Why one of our lenses refused a line, said in memcached's terms (or in
 * Debian's start script's), not in Augeas's: an option memcached's getopt
 * table does not know, an option that lacks its value, a word the start
 * script cannot take, or a shell construct that only a shell can
 * interpret. Owns no state. Called by config_file.c when a config file
 * does not parse, and by store_shellvar.c when a shell variable's value
 * does not; calls mcopt.c, config_aug.c and error.c, never back into its
 * callers.
 */

#include <stddef.h>

#include "error.h"

struct augeas;

typedef enum DiagnoseSyntax {
        DIAGNOSE_CONF_LINE,     /* a line of Debian's memcached.conf: options, or a start-script directive */
        DIAGNOSE_SHELLVAR_LINE, /* a line of a shell-variable file, such as /etc/sysconfig/memcached */
        DIAGNOSE_OPENRC_LINE,   /* a line of a file only a shell reads: OpenRC's /etc/conf.d/memcached */
        DIAGNOSE_ARGS,          /* an argument string: such a variable's value, its quotes already gone */
} DiagnoseSyntax;

/* The first problem on LINE (SIZE bytes, without its newline) read as
 * SYNTAX: -EINVAL with E (if non-NULL) saying what it is and what to do
 * (verb "parse", SUBJECT, LINE_NO), or 0 when it can name none. */
int config_diagnose(DiagnoseSyntax syntax, const char *line, size_t size, const char *subject, unsigned line_no,
                    ErrorInfo *e);

/* Augeas refused the text at node IN, with its error record at ERR: E says
 * why, on the record's line, in memcached's terms where config_diagnose()
 * can name the problem, else in Augeas's words. Returns -EINVAL. */
int config_diagnose_refusal(struct augeas *aug, const char *err, const char *in, DiagnoseSyntax syntax,
                            const char *subject, ErrorInfo *e);
