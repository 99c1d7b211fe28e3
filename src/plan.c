/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "plan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "diff.h"
#include "lines.h"
#include "resolve.h"
#include "util.h"

/* Whether ARGS hold the same options as F's, -l/-U aside: the edit may
 * touch nothing else. */
static bool others_unchanged(const ConfigFile *f, const Arg *args, size_t n) {
        size_t i = 0, k = 0;

        for (;;) {
                while (i < f->n_args && policy_edits_letter(f->args[i].letter))
                        i++;
                while (k < n && policy_edits_letter(args[k].letter))
                        k++;
                if (i == f->n_args || k == n)
                        return i == f->n_args && k == n;
                if (f->args[i].letter != args[k].letter || f->args[i].effective != args[k].effective ||
                    !streq_ptr(f->args[i].value, args[k].value))
                        return false;
                i++, k++;
        }
}

/* Matches the lines of TEXT to F's: KEPT_FROM[L] is the line of F that
 * line L of TEXT is byte for byte (0: a line the edit wrote), taking every
 * line of F that holds no edited option, in order, at its next equal line.
 * *RET_KEPT: every such line was found, so the edit rewrote only its own
 * lines. */
static int match_lines(const ConfigFile *f, const Edit *edits, size_t n_edits, const char *text,
                       unsigned **ret_kept_from, bool *ret_kept) {
        _cleanup_free_ unsigned *from = NULL;
        _cleanup_free_ bool *edited = NULL;
        TextLine next = text_line_first(text);
        size_t n_old = 1, n_new = 1;

        FOREACH_LINE(l, f->text)
                n_old = l.no + 1;
        FOREACH_LINE(l, text)
                n_new = l.no + 1;
        edited = calloc(n_old + 1, sizeof *edited);
        from = calloc(n_new + 1, sizeof *from);
        if (!edited || !from)
                return -ENOMEM;
        if ((n_edits > 0 || f->state.rewrite_why) && f->state.value_line <= n_old)
                edited[f->state.value_line] = true;
        for (size_t i = 0; i < f->state.n_rewrite_lines; i++)
                if (f->state.rewrite_lines[i] <= n_old)
                        edited[f->state.rewrite_lines[i]] = true;
        for (size_t i = 0; i < n_edits; i++)
                if (edits[i].op != EDIT_APPEND && f->args[edits[i].arg].line <= n_old)
                        edited[f->args[edits[i].arg].line] = true;
                else if (edits[i].op == EDIT_APPEND)
                        for (size_t k = 0; k < f->state.n_append_lines; k++)
                                if (f->state.append_lines[k] <= n_old)
                                        edited[f->state.append_lines[k]] = true;

        *ret_kept = true;
        FOREACH_LINE(l, f->text) {
                if (edited[l.no])
                        continue;
                /* The next line of the new text that is this one. */
                while (next.start && !text_line_is(&next, l.start, l.len))
                        text_line_next(&next);
                if (!next.start) {
                        *ret_kept = false;
                        break;
                }
                from[next.no] = l.no;
                text_line_next(&next);
        }
        *ret_kept_from = TAKE_PTR(from);
        return 0;
}

/* Reads the new TEXT back as memcached's start script would and runs the
 * policy on it again: a hardened file must need no further edit, and hold
 * every other option and line as before, or nothing is written. */
static int check_converged(Config *c, const ConfigFile *f, const Edit *edits, size_t n_edits, const char *text,
                           const char *listen, const HostTable *hosts, ErrorInfo *e) {
        _cleanup_free_ unsigned *kept_from = NULL;
        PolicyResult again = {};
        bool kept = false;
        Arg *args = NULL;
        size_t n = 0;
        int r;

        r = match_lines(f, edits, n_edits, text, &kept_from, &kept);
        if (r < 0)
                return r;
        r = config_reread(c, f, text, kept_from, &args, &n, e);
        if (r < 0)
                return r;
        r = policy_evaluate(args, n, listen, hosts, &again);
        if (r >= 0 && again.n_edits > 0)
                r = error_set(e, -ENOTRECOVERABLE, "harden", f->real_path, 0,
                              "nothing was written; please report this file",
                              "the edited file would still need %zu edits", again.n_edits);
        if (r >= 0 && (!others_unchanged(f, args, n) || !kept))
                r = error_set(e, -ENOTRECOVERABLE, "harden", f->real_path, 0,
                              "nothing was written; please report this file",
                              "the edit would change more than the -l and -U options");
        policy_result_done(&again);
        args_free(args, n);
        return r;
}

/* The resolve stage: what the host names among every file's listeners
 * resolve to. With --listen the config's listeners are replaced, so no name
 * of theirs matters. */
static int resolve_names(const Config *c, const char *root, const char *listen, HostTable *ret) {
        HostTable t = {};
        int r;

        r = host_table_init(&t, root);
        for (size_t i = 0; r >= 0 && !listen && i < c->n_files; i++)
                r = resolve_listen_names(&t, c->files[i].args, c->files[i].n_args);
        if (r < 0) {
                host_table_done(&t);
                return r;
        }
        *ret = t;
        return 0;
}

/* Judges every file into REPORT's files. */
static int judge_files(const Config *c, const char *listen, const HostTable *hosts, Report *report) {
        report->files = calloc(c->n_files ?: 1, sizeof *report->files);
        if (!report->files)
                return -ENOMEM;
        report->compliant = true;

        for (size_t i = 0; i < c->n_files; i++) {
                const ConfigFile *f = &c->files[i];
                FileResult *fr = &report->files[report->n_files++];
                int r;

                if (!(fr->path = strdup(f->path)) || (f->instance && !(fr->instance = strdup(f->instance))) ||
                    (f->unit && !(fr->unit = strdup(f->unit))) || (f->label && !(fr->label = strdup(f->label))))
                        return -ENOMEM;
                fr->unit_file = f->unit_file;
                if (f->exec_argv && !(fr->exec_argv = strv_copy(f->exec_argv)))
                        return -ENOMEM;
                fr->created = f->absent;
                r = policy_evaluate(f->args, f->n_args, listen, hosts, &fr->policy);
                if (r < 0)
                        return r;
                report->compliant = report->compliant && policy_compliant(&fr->policy);
                /* A file its readers take differently is rewritten into one
                 * reading, whatever the policy says of that reading. */
                if (f->state.rewrite_why) {
                        r = policy_add_finding(&fr->policy, "readers-differ", SEVERITY_HIGH, f->state.value_line, "%s",
                                               f->state.rewrite_why);
                        if (r < 0)
                                return r;
                        report->compliant = false;
                }
                fr->changed = fr->policy.n_edits > 0 || f->state.rewrite_why;
                report->changed = report->changed || fr->changed;
        }
        return 0;
}

/* A listener whose name does not resolve: there is nothing to edit it to,
 * so apply (and its dry run) stops before anything is rendered or written. */
static int refuse_unresolved(const Config *c, const Report *report, const HostTable *hosts, ErrorInfo *e) {
        for (size_t i = 0; i < report->n_files; i++) {
                const Finding *x = policy_unresolved(&report->files[i].policy);
                const HostEntry *h;

                if (!x)
                        continue;
                h = host_table_find(hosts, x->host);
                (void) error_set(e, -EADDRNOTAVAIL, "harden", c->files[i].real_path, x->line, NULL,
                                 "the listener's host name '%s' does not resolve (%s), so memharden cannot tell "
                                 "where memcached would listen; nothing was written",
                                 x->host, h && h->why ? h->why : "not looked up");
                if (hosts->hosts_path)
                        error_set_hint(e, "give --listen with the addresses you mean, or add the name to %s",
                                       hosts->hosts_path);
                else
                        error_set_hint(e, "give --listen with the addresses you mean, or add the name to "
                                          "/etc/hosts (or make it resolve through DNS)");
                return -EADDRNOTAVAIL;
        }
        return 0;
}

int plan_build(const Profile *p, const char *root, const char *listen, PlanMode mode, Config **ret_config,
               Report *report, ErrorInfo *e) {
        _cleanup_(config_freep) Config *c = NULL;
        _cleanup_(host_table_done) HostTable hosts = {};
        int r;

        r = config_open(p, root, &c, e);
        if (r < 0)
                return r;
        r = resolve_names(c, root, listen, &hosts);
        if (r >= 0)
                r = judge_files(c, listen, &hosts, report);
        if (r >= 0 && mode != PLAN_JUDGE)
                r = refuse_unresolved(c, report, &hosts, e);
        if (r < 0)
                return r;

        for (size_t i = 0; mode != PLAN_JUDGE && i < c->n_files; i++) {
                ConfigFile *f = &c->files[i];
                FileResult *fr = &report->files[i];

                if (!fr->changed)
                        continue;
                r = config_change(c, f, fr->policy.edits, fr->policy.n_edits, &fr->text, e);
                if (r >= 0)
                        r = check_converged(c, f, fr->policy.edits, fr->policy.n_edits, fr->text, listen, &hosts, e);
                if (r >= 0)
                        r = diff_unified(f->path, f->absent ? NULL : f->text, fr->text, &fr->diff);
                if (r < 0)
                        return r;
        }

        *ret_config = TAKE_PTR(c);
        return 0;
}
