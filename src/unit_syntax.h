/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * systemd's unit file syntax and command lines, as systemd 252 reads them:
 * the lines of a unit file (src/shared/conf-parser.c: comments, sections,
 * KEY=VALUE, a trailing backslash joins the next line with a space, comment
 * lines inside a continuation are skipped), the words of a value
 * (extract_first_word() with EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE), the
 * specifiers a service's settings expand, and the expansion of $NAME and
 * ${NAME} when the command runs (replace_env_argv()). Pure functions for
 * unit_load.c and store_unit.c; no I/O. Units are read here, not through a
 * lens: memharden never puts a unit tree back, it splices words into the
 * text where it read them, and compiling a lens would cost more than all
 * of the reading.
 */

#include <stdbool.h>
#include <stddef.h>

/* One KEY=VALUE of a [Service] section. VALUE is as systemd reads it
 * (continuations joined, blanks stripped); MAP[i] is the offset in the
 * file's text of VALUE[i], so a word can be spliced where it was read. */
typedef struct UnitEntry {
        char *key;
        char *value;
        size_t *map;
        unsigned line;      /* the first line of the entry */
} UnitEntry;

void unit_entries_free(UnitEntry *v, size_t n);

/* The [Service] entries of TEXT in order; a line without '=' is passed
 * over, as systemd does (with a warning). -EINVAL (RET_LINE: where) for a
 * section header without its ']', which makes systemd refuse the unit. */
int unit_parse(const char *text, UnitEntry **ret, size_t *ret_n, unsigned *ret_line);

/* One word of a value: the word as systemd reads it, and where it was in
 * the value, [START, END). */
typedef struct UnitWord {
        char *word;
        size_t start, end;
} UnitWord;

void unit_words_free(UnitWord *v, size_t n);

/* VALUE split into words with quotes, as extract_first_word() with
 * EXTRACT_UNQUOTE does: with CUNESCAPE (ExecStart=, Environment=) C
 * escapes are decoded, else (a $NAME's value on the command line) a
 * backslash keeps the next character. An escape systemd does not know stays
 * as written; -EINVAL for an open quote or a backslash at the end. */
int unit_split(const char *value, bool cunescape, UnitWord **ret, size_t *ret_n);

/* What the specifiers of a service expand to. */
typedef struct UnitNames {
        const char *name;      /* %n: "memcached@11211.service" */
        const char *prefix;    /* %p: "memcached" */
        const char *instance;  /* %i: "11211", NULL for no instance */
} UnitNames;

/* S with %n %N %p %P %i %I %j %J %f %% expanded; -EOPNOTSUPP (RET_SPEC
 * the letter) for any other specifier, which memharden does not model. */
int unit_specifiers(const char *s, const UnitNames *u, char **ret, char *ret_spec);

/* One environment variable as the command sees it. */
typedef struct UnitVar {
        char *name, *value;
} UnitVar;

/* WORD with ${NAME}, ${NAME:-alt}, ${NAME:+alt} and $$ expanded from ENV
 * (the last of a name wins); an unset NAME is "". */
int unit_expand_word(const char *word, const UnitVar *env, size_t n_env, char **ret);

/* The value of NAME in ENV (the last assignment), or NULL. */
const char *unit_env_get(const UnitVar *env, size_t n_env, const char *name);

/* A word that is exactly $NAME: NAME (into BUF of SIZE), which the command
 * line replaces by NAME's value split at blanks; else NULL. */
const char *unit_split_var(const char *word, char *buf, size_t size);

/* WORD quoted so that unit_split() and unit_specifiers() give it back:
 * '%' as "%%", quotes where it has blanks or quotes, and (EXEC: a command
 * line, which expands $) '$' as "$$". */
int unit_quote(const char *word, bool exec, char **ret);
