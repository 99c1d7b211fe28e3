/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * How the readers of a line see it, so that a refusal can say what they
 * would do:
 *   - Debian's start scripts (start-memcached for SysV,
 *     systemd-memcached-wrapper for systemd) cut "#" comments, skip lines
 *     starting with -d or -h, join the other option lines with blanks and
 *     exec "memcached LINE...": a command line with any shell metacharacter
 *     goes to /bin/sh -c. A line that does not start with "-" is a
 *     directive: start-memcached knows only "logfile FILE" and dies on any
 *     other; the wrapper skips "WORD ARG..." and puts a lone word on
 *     memcached's command line.
 *   - /etc/sysconfig/memcached is sourced by a shell (init script) and read
 *     by systemd's EnvironmentFile=, which expands nothing.
 *   - OpenRC's /etc/conf.d/memcached is sourced by openrc-run's shell only.
 *   - memcached parses its arguments with getopt_long(): "-xVALUE" or
 *     "-x VALUE" (the next word, even one starting with "-"),
 *     "--name=VALUE" or "--name VALUE", clusters of flags ("-vk"), and
 *     leaves other words alone.
 */
#include "config_diagnose.h"

#include <augeas.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "config_aug.h"
#include "lines.h"
#include "mcopt.h"

/* The longest piece of a line a message quotes. */
#define QUOTE_MAX 60
#define QUOTE(s, n) (int) ((n) > QUOTE_MAX ? QUOTE_MAX : (n)), (s), ((n) > QUOTE_MAX ? "..." : "")

#define HINT_VALUE "write out the value memcached should get, then run again"
#define HINT_VALUE_ENV                                                                                    \
        "systemd's EnvironmentFile= keeps it as written, a shell does not: write out the value memcached " \
        "should get, then run again"
#define HINT_OPERATOR "leave only memcached's options there, then run again"
#define HINT_ASSIGNMENT "keep the line a plain assignment, then run again"
#define HINT_DQUOTE "put the value in double quotes, which the shell reads alike, then run again"
#define HINT_UNKNOWN "memcached refuses to start with it: correct or remove it, then run again"
#define HINT_NEEDS_VALUE "give it its value on the same line, then run again"
#define HINT_TAKES_NEXT "memcached would take what follows as its value: give it its own, then run again"
#define HINT_NO_VALUE "remove the value, then run again"
#define HINT_DIRECTIVE_WORD                                                                                \
        "start-memcached (SysV) dies on it and systemd-memcached-wrapper puts it on memcached's command " \
        "line: remove it or make it a comment, then run again"
#define HINT_DIRECTIVE_LINE                                                                              \
        "start-memcached (SysV) dies on it and systemd-memcached-wrapper skips the line: remove it or " \
        "make it a comment, then run again"

/* The first problem found on a line: the one earliest on it is told. */
typedef struct Problem {
        bool found;
        size_t pos;
        const char *hint;
        char detail[sizeof ((ErrorInfo *) NULL)->detail];
} Problem;

static void problem(Problem *p, size_t pos, const char *hint, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
static void problem(Problem *p, size_t pos, const char *hint, const char *fmt, ...) {
        va_list ap;

        if (p->found && p->pos <= pos)
                return;
        p->found = true;
        p->pos = pos;
        p->hint = hint;
        va_start(ap, fmt);
        vsnprintf(p->detail, sizeof p->detail, fmt, ap);
        va_end(ap);
}

/* A file of assignments that a shell sources. */
static bool is_shell_file(DiagnoseSyntax syntax) {
        return syntax == DIAGNOSE_SHELLVAR_LINE || syntax == DIAGNOSE_OPENRC_LINE;
}

static bool is_blank(char c) {
        return c == ' ' || c == '\t';
}

static bool is_name_start(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool is_name_char(char c) {
        return is_name_start(c) || (c >= '0' && c <= '9');
}

static size_t skip_blanks(const char *s, size_t n, size_t i) {
        while (i < n && is_blank(s[i]))
                i++;
        return i;
}

static size_t word_len(const char *s, size_t n, size_t i) {
        size_t k = i;

        while (k < n && !is_blank(s[k]))
                k++;
        return k - i;
}

/* Where Debian's start scripts cut the line: at the first "#" without a
 * backslash before it. */
static size_t conf_text_end(const char *s, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (s[i] == '#' && (i == 0 || s[i - 1] != '\\'))
                        return i;
        return n;
}

/* How long the construct is that starts at S[0], with OPEN, and ends with
 * the CLOSE that matches it; the rest of the line when none does. */
static size_t span(const char *s, size_t n, char open, char close) {
        unsigned depth = 0;

        for (size_t i = 0; i < n; i++)
                if (s[i] == open)
                        depth++;
                else if (s[i] == close && --depth == 0)
                        return i + 1;
        return n;
}

/* The length of the variable reference at S ("$NAME", "${...}"), or 0. */
static size_t variable_len(const char *s, size_t n) {
        size_t k = 1;

        if (n < 2 || s[0] != '$')
                return 0;
        if (s[1] == '{')
                return 1 + span(s + 1, n - 1, '{', '}');
        if (!is_name_start(s[1]))
                return 0;
        while (k < n && is_name_char(s[k]))
                k++;
        return k;
}

/* Whether the reference at S (LEN bytes) is "$NAME" or "${NAME}": any
 * other "${...}" is a parameter expansion only a shell can work out. */
static bool is_plain_reference(const char *s, size_t len) {
        size_t i = s[1] == '{' ? 2 : 1, end = s[1] == '{' ? len - 1 : len;

        if (s[1] == '{' && (len < 4 || s[len - 1] != '}'))
                return false;
        if (!is_name_start(s[i]))
                return false;
        while (++i < end)
                if (!is_name_char(s[i]))
                        return false;
        return true;
}

/* Whether the variable reference at S[I] (LEN bytes) is a word of its own:
 * the argument lens keeps such a word of a shell variable's value. */
static bool is_whole_word(const char *s, size_t n, size_t i, size_t len) {
        return (i == 0 || is_blank(s[i - 1])) && (i + len == n || is_blank(s[i + len]));
}

/* A command substitution, backticks or a variable expansion at S[I], in
 * double quotes when DQUOTED. */
static void expansion_at(DiagnoseSyntax syntax, const char *s, size_t n, size_t i, bool dquoted, Problem *p) {
        const char *hint = syntax == DIAGNOSE_SHELLVAR_LINE ? HINT_VALUE_ENV : HINT_VALUE;
        size_t len;

        if (s[i] == '`') {
                const char *end = memchr(s + i + 1, '`', n - i - 1);
                len = end ? (size_t) (end - (s + i)) + 1 : n - i;
                problem(p, i, hint, "backticks '%.*s%s', which only a shell can interpret", QUOTE(s + i, len));
        } else if (s[i] == '$' && i + 1 < n && s[i + 1] == '(') {
                bool arith = i + 2 < n && s[i + 2] == '(';
                len = 1 + span(s + i + 1, n - i - 1, '(', ')');
                problem(p, i, hint, "%s '%.*s%s', which only a shell can interpret",
                        arith ? "arithmetic expansion" : "command substitution", QUOTE(s + i, len));
        } else if ((len = variable_len(s + i, n - i)) > 0) {
                if (!is_plain_reference(s + i, len)) {
                        problem(p, i, hint, "parameter expansion '%.*s%s', which only a shell can interpret",
                                QUOTE(s + i, len));
                        return;
                }
                /* Supported where the lenses take it: in double quotes in a
                 * file a shell sources, and as a word of its own in a
                 * variable's value. */
                if ((is_shell_file(syntax) && dquoted) || (syntax == DIAGNOSE_ARGS && is_whole_word(s, n, i, len)))
                        return;
                if (syntax == DIAGNOSE_OPENRC_LINE) /* only the shell reads it: quotes change nothing */
                        problem(p, i, HINT_DQUOTE, "variable expansion '%.*s%s' outside double quotes",
                                QUOTE(s + i, len));
                else
                        problem(p, i, hint, "variable expansion '%.*s%s', which only a shell can interpret",
                                QUOTE(s + i, len));
        }
}

/* A shell operator at S[I], outside quotes. */
static void operator_at(DiagnoseSyntax syntax, const char *s, size_t n, size_t i, Problem *p) {
        const char *hint = is_shell_file(syntax) ? HINT_ASSIGNMENT : HINT_OPERATOR;
        bool doubled = i + 1 < n && s[i + 1] == s[i];

        if (s[i] == ';')
                problem(p, i, hint, "';' joining two commands, which only a shell can interpret");
        else if (s[i] == '|')
                problem(p, i, hint, doubled ? "'||' joining two commands, which only a shell can interpret"
                                            : "a pipe '|', which only a shell can interpret");
        else if (s[i] == '&' && doubled)
                problem(p, i, hint, "'&&' joining two commands, which only a shell can interpret");
        else if (s[i] == '&' && (i == 0 || (s[i - 1] != '>' && s[i - 1] != '<')))
                problem(p, i, hint, "'&', which only a shell can interpret: it runs a command in the background");
}

/* The first construct in S that only a shell can interpret. Quotes count
 * in a file a shell reads, not in a variable's value. Runs first, so any
 * problem found is its own. */
static void find_shell(DiagnoseSyntax syntax, const char *s, size_t n, Problem *p) {
        bool quotes = syntax != DIAGNOSE_ARGS, squoted = false, dquoted = false;

        for (size_t i = 0; i < n && !p->found; i++) {
                if (squoted) {
                        squoted = s[i] != '\'';
                        continue;
                }
                if (quotes && s[i] == '\\')
                        i++;
                else if (quotes && s[i] == '\'' && !dquoted)
                        squoted = true;
                else if (quotes && s[i] == '"')
                        dquoted = !dquoted;
                else if (is_shell_file(syntax) && s[i] == '#' && !dquoted && (i == 0 || is_blank(s[i - 1])))
                        return; /* a comment */
                else {
                        expansion_at(syntax, s, n, i, dquoted, p);
                        if (!dquoted)
                                operator_at(syntax, s, n, i, p);
                }
        }
}

/* The start of the value of the assignment "[export ]NAME=VALUE" on S, or
 * N when S is no assignment. */
static size_t assignment_value(const char *s, size_t n, size_t i) {
        if (n - i > 7 && memcmp(s + i, "export", 6) == 0 && is_blank(s[i + 6]))
                i = skip_blanks(s, n, i + 6);
        if (i == n || !is_name_start(s[i]))
                return n;
        while (i < n && is_name_char(s[i]))
                i++;
        return i < n && s[i] == '=' ? i + 1 : n;
}

/* A line of a shell-variable file that a shell would run as a command: no
 * assignment at all, or words after an unquoted blank in its value. */
static void find_command(const char *s, size_t n, Problem *p) {
        size_t start = skip_blanks(s, n, 0), v = assignment_value(s, n, start);
        char quote = '\0';

        if (v == n && s[start] != '#') {
                problem(p, start, "make it a comment or remove it, then run again",
                        "'%.*s%s' is not an assignment, and a shell reading the file runs it as a command",
                        QUOTE(s + start, n - start));
                return;
        }
        for (size_t i = v; i < n; i++) {
                if (quote != '\'' && s[i] == '\\')
                        i++;
                else if (quote ? s[i] == quote : s[i] == '"' || s[i] == '\'')
                        quote = quote ? '\0' : s[i];
                else if (!quote && is_blank(s[i])) {
                        size_t w = skip_blanks(s, n, i);
                        if (w < n && s[w] != '#')
                                problem(p, w, "put the value in double quotes, then run again",
                                        "'%.*s%s' follows the value after a blank without quotes, and a shell "
                                        "runs it as a command", QUOTE(s + w, word_len(s, n, w)));
                        return;
                }
        }
}

/* An option waiting for its value, as typed ("-l", "--listen"); none while
 * TYPED is "". */
typedef struct Pending {
        size_t pos;
        char typed[72];
} Pending;

static void needs_value(const Pending *o, const char *next, size_t next_len, Problem *p) {
        if (next_len == 0)
                problem(p, o->pos, HINT_NEEDS_VALUE, "'%s' needs a value", o->typed);
        else
                problem(p, o->pos, HINT_TAKES_NEXT, "'%s' needs a value, but '%.*s%s' follows it", o->typed,
                        QUOTE(next, next_len));
}

/* The value V (LEN bytes) written in the word of option O: "-lVALUE",
 * "--listen=VALUE". memcached takes it whatever it is; the lens refuses an
 * empty one and one that looks like an option. */
static void attached_value(const Pending *o, const char *v, size_t len, Problem *p) {
        if (len == 0 || v[0] == '-')
                needs_value(o, v, len, p);
}

/* "--NAME", "--NAME=VALUE" (W, LEN bytes, at POS), as getopt_long() reads
 * it: unknown, a value where none is taken, or an option that takes the
 * next word as its value (into O). */
static void long_option(const char *w, size_t len, size_t pos, Pending *o, Problem *p) {
        const char *eq = memchr(w, '=', len);
        size_t name_len = (eq ? (size_t) (eq - w) : len) - 2;
        const McOption *opt = NULL;
        char name[64];

        if (name_len < sizeof name) {
                memcpy(name, w + 2, name_len);
                name[name_len] = '\0';
                opt = mcopt_by_long(name);
        }
        if (!opt) {
                problem(p, pos, HINT_UNKNOWN, "unknown option '--%.*s%s'", QUOTE(w + 2, name_len));
                return;
        }
        if (!opt->has_arg && eq && opt->letter != 'v') /* --verbose=N: an optional value */
                problem(p, pos, HINT_NO_VALUE, "'--%s' takes no value, but has '%.*s%s'", name,
                        QUOTE(eq + 1, len - name_len - 3));
        if (!opt->has_arg)
                return;
        o->pos = pos;
        snprintf(o->typed, sizeof o->typed, "--%s", name);
        if (eq) {
                attached_value(o, eq + 1, len - name_len - 3, p);
                o->typed[0] = '\0';
        }
}

/* "-abc" (W, LEN bytes, at POS): each letter an option of memcached's; the
 * first that takes a value takes the rest of the word, or the next word
 * (into O). */
static void short_options(const char *w, size_t len, size_t pos, Pending *o, Problem *p) {
        for (size_t j = 1; j < len; j++) {
                const McOption *opt = mcopt_by_letter(w[j]);

                if (!opt && (unsigned char) w[j] < 0x80)
                        problem(p, pos, HINT_UNKNOWN, "unknown option '-%c'", w[j]);
                else if (!opt) /* not a character of its own: the word says more */
                        problem(p, pos, HINT_UNKNOWN, "unknown option in '%.*s%s'", QUOTE(w, len));
                if (!opt)
                        return;
                if (!opt->has_arg)
                        continue;
                o->pos = pos;
                snprintf(o->typed, sizeof o->typed, "-%c", w[j]);
                if (j + 1 < len) {
                        attached_value(o, w + j + 1, len - j - 1, p);
                        o->typed[0] = '\0';
                }
                return;
        }
}

/* The words of S as memcached's getopt_long() reads them. On a line a
 * shell reads, up to the first quote or backslash: the shell would make
 * other words from there. */
static void find_options(DiagnoseSyntax syntax, const char *s, size_t n, Problem *p) {
        Pending o = {};
        size_t len;

        for (size_t i = skip_blanks(s, n, 0); i < n; i = skip_blanks(s, n, i + len)) {
                const char *w = s + i;

                len = word_len(s, n, i);
                if (syntax == DIAGNOSE_CONF_LINE &&
                    (memchr(w, '"', len) || memchr(w, '\'', len) || memchr(w, '\\', len)))
                        return;
                if (o.typed[0] && w[0] == '-') {
                        needs_value(&o, w, len, p);
                        return;
                }
                if (o.typed[0])
                        o.typed[0] = '\0'; /* its value */
                else if (len == 2 && w[0] == '-' && w[1] == '-')
                        return; /* getopt stops at "--" */
                else if (len > 2 && w[0] == '-' && w[1] == '-')
                        long_option(w, len, i, &o, p);
                else if (len > 1 && w[0] == '-')
                        short_options(w, len, i, &o, p);
        }
        if (o.typed[0])
                needs_value(&o, NULL, 0, p);
}

/* A memcached.conf line that does not start with "-": a directive to
 * Debian's start scripts, which know only "logfile FILE". */
static void find_directive(const char *s, size_t n, Problem *p) {
        size_t i = skip_blanks(s, n, 0), len = word_len(s, n, i), rest = skip_blanks(s, n, i + len);

        if (len == 7 && memcmp(s + i, "logfile", 7) == 0) {
                if (rest == n)
                        problem(p, i, "give it the log file's name, then run again", "'logfile' needs a value");
                return;
        }
        /* The wrapper skips "WORD ARG..." unless WORD is false to Perl ("0"). */
        problem(p, i, rest < n && !(len == 1 && s[i] == '0') ? HINT_DIRECTIVE_LINE : HINT_DIRECTIVE_WORD,
                "'%.*s%s' is neither an option nor a directive Debian's start script knows", QUOTE(s + i, len));
}

int config_diagnose(DiagnoseSyntax syntax, const char *line, size_t size, const char *subject, unsigned line_no,
                    ErrorInfo *e) {
        size_t n = syntax == DIAGNOSE_CONF_LINE ? conf_text_end(line, size) : size;
        size_t start = skip_blanks(line, n, 0);
        Problem p = {};

        if (start == n)
                return 0; /* blank, or a comment: nothing of ours to explain */
        if (syntax == DIAGNOSE_CONF_LINE && line[start] != '-')
                find_directive(line, n, &p);
        else {
                find_shell(syntax, line, n, &p);
                if (is_shell_file(syntax))
                        find_command(line, n, &p);
                else
                        find_options(syntax, line, n, &p);
        }
        if (!p.found)
                return 0;
        return error_set(e, -EINVAL, "parse", subject, line_no, p.hint, "%s", p.detail);
}

int config_diagnose_refusal(augeas *aug, const char *err, const char *in, DiagnoseSyntax syntax,
                            const char *subject, ErrorInfo *e) {
        ErrorInfo from_aug = {};
        const char *text = aug_value(aug, in);
        int r = aug_error_info(aug, err, subject, "parse", &from_aug);

        if (from_aug.line > 0)
                FOREACH_LINE(l, text)
                        if (l.no == from_aug.line) {
                                if (config_diagnose(syntax, l.start, l.len, subject, l.no, e) < 0)
                                        return -EINVAL;
                                break;
                        }
        if (e)
                *e = from_aug;
        return r;
}
