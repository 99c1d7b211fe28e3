/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json-util.h"
#include "report_probe.h"
#include "util.h"

void report_done(Report *r) {
        for (size_t i = 0; i < r->n_files; i++) {
                FileResult *f = &r->files[i];
                free(f->path);
                free(f->instance);
                free(f->unit);
                free(f->label);
                strv_free(f->exec_argv);
                free(f->backup);
                free(f->diff);
                free(f->text);
                policy_result_done(&f->policy);
                if (f->has_service)
                        service_report_done(&f->service);
        }
        free(r->files);
        free(r->probes);
        free(r->before);
        free(r->after);
        free(r->firewall.ruleset);
        free(r->firewall.summary);
        free(r->firewall.persisted);
        free(r->firewall.unit);
        strv_free(r->firewall.actions);
        free(r->backup_id);
        free(r->undo_backup_id);
        free(r->error);
        *r = (Report) {};
}

/* One line per finding, file:line first like a compiler's, so editors can
 * jump to it: on OUT for check, on ERR otherwise. Returns how many are above
 * SEVERITY_INFO, printed or not. */
static size_t print_findings(const Report *r, FILE *out, FILE *err, bool quiet, size_t *ret_foreign) {
        FILE *to = strcmp(r->command, "check") == 0 ? out : err;
        size_t findings = 0;

        *ret_foreign = 0;

        for (size_t i = 0; i < r->n_files; i++) {
                const FileResult *f = &r->files[i];
                for (size_t k = 0; k < f->policy.n_findings; k++) {
                        const Finding *x = &f->policy.findings[k];
                        findings += x->severity > SEVERITY_INFO;
                        *ret_foreign += x->severity > SEVERITY_INFO && f->foreign;
                        if (quiet && (x->severity == SEVERITY_INFO || to == err))
                                continue;
                        if (x->line)
                                fprintf(to, "%s:%u: %s %s: %s\n", f->path, x->line, severity_to_string(x->severity),
                                        x->id, x->message);
                        else
                                fprintf(to, "%s: %s %s: %s\n", f->label ?: f->path, severity_to_string(x->severity),
                                        x->id, x->message);
                }
        }
        return findings;
}

#define NOT_INSTALLED "memcached is not installed; nothing to check"

/* check: the live daemon, then the verdict. */
static void print_check(const Report *r, FILE *out, bool quiet, size_t findings, size_t foreign) {
        if (quiet)
                return;
        if (r->not_installed) {
                fputs(NOT_INSTALLED "\n", out);
                return;
        }
        for (size_t i = 0; i < r->n_files; i++)
                if (r->files[i].has_service)
                        service_report_print(out, &r->files[i].service);
        if (!r->compliant && findings == foreign) /* apply edits none of those files */
                fprintf(out, "not compliant: %zu finding%s in other tools' firewall files, which memharden does "
                             "not edit; each says its fix\n", findings, findings == 1 ? "" : "s");
        else
                fprintf(out, r->compliant ? "compliant\n" : "not compliant: %zu finding%s; run 'memharden apply --dry-run' to see the fix\n",
                        findings, findings == 1 ? "" : "s");
}

/* apply, rollback: the diff on stdout (a patch for `patch -p1`), the rest on stderr. */
static void print_changes(const Report *r, FILE *out, FILE *err, bool quiet) {
        if (r->not_installed && !quiet)
                fputs(NOT_INSTALLED "\n", err);
        for (size_t i = 0; i < r->n_files; i++)
                if (r->files[i].changed)
                        fputs(r->files[i].diff, out);
        if (quiet)
                return;
        for (size_t i = 0; i < r->n_files; i++) {
                const FileResult *f = &r->files[i];
                if (!f->changed)
                        fprintf(err, "%s: unchanged\n", f->path);
                else if (r->dry_run)
                        fprintf(err, "%s: would change (dry run, nothing written)\n", f->path);
                else if (strcmp(r->command, "rollback") == 0)
                        if (f->created) /* the backup says there was no such file */
                                fprintf(err, "%s: removed, as it was not there before backup %s\n", f->path,
                                        r->backup_id ?: "-");
                        else
                                fprintf(err, "%s: restored from %s\n", f->path, f->backup ?: "-");
                else
                        fprintf(err, "%s: changed, backup %s\n", f->path, f->backup ?: "-");
                if (f->has_drop && f->drop_bytes < 1024 * 1024)
                        fprintf(err, "%s: %s drops %ld item%s (%ld bytes) from the cache\n", f->path,
                                r->dry_run ? "a restart" : "the restart", f->drop_items,
                                f->drop_items == 1 ? "" : "s", f->drop_bytes);
                else if (f->has_drop)
                        fprintf(err, "%s: %s drops %ld item%s (%.1f MiB) from the cache\n", f->path,
                                r->dry_run ? "a restart" : "the restart", f->drop_items,
                                f->drop_items == 1 ? "" : "s", (double) f->drop_bytes / (1024 * 1024));
                if (f->has_service)
                        service_report_print(err, &f->service);
        }
        if (r->n_before > 0 && r->n_after > 0) /* none after a failed restart: the old settings are back */
                probe_amplification_print(err, r->before, r->n_before, r->after, r->n_after);
        if (r->undo_backup_id)
                fprintf(err, "the replaced files are kept as backup %s: 'memharden rollback %s' undoes this\n",
                        r->undo_backup_id, r->undo_backup_id);
}

/* The firewall layer: the ruleset on OUT (as the diff of apply is), one
 * line per action on ERR. */
static void print_firewall(const FirewallResult *f, FILE *out, FILE *err, bool quiet) {
        if (!f->present)
                return;
        if (f->ruleset && !f->removed)
                fputs(f->ruleset, out);
        if (quiet)
                return;
        for (char **a = f->actions; a && *a; a++)
                fprintf(err, "firewall: %s\n", *a);
}

void report_print_text(const Report *r, FILE *out, FILE *err, bool quiet) {
        /* The firewall command judges no file: what it found in the
         * config is check's and apply's to say. */
        size_t foreign = 0,
               findings = strcmp(r->command, "firewall") == 0 ? 0 : print_findings(r, out, err, quiet, &foreign);

        if (strcmp(r->command, "probe") == 0) {
                for (size_t i = 0; !quiet && i < r->n_probes; i++)
                        probe_result_print(out, &r->probes[i]);
        } else if (strcmp(r->command, "check") == 0)
                print_check(r, out, quiet, findings, foreign);
        else if (strcmp(r->command, "firewall") != 0)
                print_changes(r, out, err, quiet);
        print_firewall(&r->firewall, out, err, quiet);
}

static json_object *firewall_json(const FirewallResult *f) {
        json_object *o = json_object_new_object(), *a = json_object_new_array();

        if (!o || !a) {
                json_object_put(o);
                json_object_put(a);
                return NULL;
        }
        for (char **p = f->actions; p && *p; p++)
                json_object_array_add(a, json_object_new_string(*p));
        json_object_object_add(o, "table", json_object_new_string("inet memharden"));
        json_object_object_add(o, "ruleset", json_string_or_null(f->ruleset));
        json_object_object_add(o, "summary", json_string_or_null(f->summary));
        json_object_object_add(o, "loaded", json_object_new_boolean(f->loaded));
        json_object_object_add(o, "removed", json_object_new_boolean(f->removed));
        json_object_object_add(o, "persisted", json_string_or_null(f->persisted));
        json_object_object_add(o, "unit", json_string_or_null(f->unit));
        json_object_object_add(o, "actions", a);
        return o;
}

static json_object *file_json(const FileResult *f) {
        json_object *o = json_object_new_object();
        if (!o)
                return NULL;
        json_object_object_add(o, "path", json_object_new_string(f->path));
        json_object_object_add(o, "instance", json_string_or_null(f->instance));
        json_object_object_add(o, "unit", json_string_or_null(f->unit));
        json_object_object_add(o, "created", json_object_new_boolean(f->created));
        json_object_object_add(o, "changed", json_object_new_boolean(f->changed));
        json_object_object_add(o, "compliant", json_object_new_boolean(policy_compliant(&f->policy)));
        json_object_object_add(o, "backup", json_string_or_null(f->backup));
        json_object_object_add(o, "diff", f->changed ? json_string_or_null(f->diff) : NULL);
        return o;
}

/* A finding about a host name: the name and the addresses it resolved to
 * ([] when it did not), after the keys every finding has. */
static int add_host_json(json_object *o, const Finding *x) {
        json_object *a;

        if (!x->host)
                return 0;
        a = json_object_new_array();
        if (!a)
                return -ENOMEM;
        for (char **p = x->addresses; p && *p; p++)
                json_object_array_add(a, json_object_new_string(*p));
        json_object_object_add(o, "host", json_object_new_string(x->host));
        json_object_object_add(o, "addresses", a);
        return 0;
}

/* Adds F's findings to array FINDINGS, each naming F's path. */
static int add_findings_json(json_object *findings, const FileResult *f) {
        for (size_t k = 0; k < f->policy.n_findings; k++) {
                const Finding *x = &f->policy.findings[k];
                json_object *o = json_object_new_object();
                if (!o)
                        return -ENOMEM;
                json_object_object_add(o, "id", json_object_new_string(x->id));
                json_object_object_add(o, "severity", json_object_new_string(severity_to_string(x->severity)));
                json_object_object_add(o, "message", json_object_new_string(x->message));
                json_object_object_add(o, "path", json_object_new_string(f->path));
                json_object_object_add(o, "unit", json_string_or_null(f->unit));
                json_object_object_add(o, "line", x->line ? json_object_new_int((int) x->line) : NULL);
                json_object_array_add(findings, o);
                if (add_host_json(o, x) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* Fills the arrays FILES, FINDINGS and SERVICES from R's files; *RET_FIRST
 * is the first service (borrowed from SERVICES), or NULL. */
static int add_files_json(const Report *r, json_object *files, json_object *findings, json_object *services,
                          json_object **ret_first) {
        json_object *first = NULL;
        int k;

        for (size_t i = 0; i < r->n_files; i++) {
                const FileResult *f = &r->files[i];
                if (!f->foreign) /* "files" are memharden's; another tool's has its findings only */
                        json_object_array_add(files, file_json(f));
                k = add_findings_json(findings, f);
                if (k < 0)
                        return k;
                if (f->has_service) {
                        json_object *s = service_report_to_json(&f->service);
                        if (!s)
                                return -ENOMEM;
                        json_object_array_add(services, s);
                        if (!first)
                                first = s;
                }
        }
        *ret_first = first;
        return 0;
}

int report_print_json(const Report *r, FILE *out) {
        _cleanup_(json_object_putp) json_object *root = json_object_new_object(),
                                                *services = json_object_new_array();
        json_object *files = json_object_new_array(), *findings = json_object_new_array(), *first_service;
        int k;

        if (!root || !files || !findings || !services) {
                json_object_put(files);
                json_object_put(findings);
                return -ENOMEM;
        }
        json_object_object_add(root, "command", json_object_new_string(r->command));
        json_object_object_add(root, "profile", json_string_or_null(r->profile));
        json_object_object_add(root, "root", json_string_or_null(r->root));
        json_object_object_add(root, "dry_run", json_object_new_boolean(r->dry_run));
        json_object_object_add(root, "changed", json_object_new_boolean(r->changed));
        json_object_object_add(root, "compliant", json_object_new_boolean(r->compliant));
        if (strcmp(r->command, "check") == 0 || strcmp(r->command, "apply") == 0)
                json_object_object_add(root, "installed", json_object_new_boolean(!r->not_installed));
        json_object_object_add(root, "backup", json_string_or_null(r->backup_id));
        json_object_object_add(root, "rolled_back", json_object_new_boolean(r->rolled_back));
        json_object_object_add(root, "undo_backup", json_string_or_null(r->undo_backup_id));
        json_object_object_add(root, "files", files);
        json_object_object_add(root, "findings", findings);
        k = add_files_json(r, files, findings, services, &first_service);
        if (k < 0)
                return k;
        /* "service" is the main config's daemon; "services" has every instance. */
        json_object_object_add(root, "service", first_service ? json_object_get(first_service) : NULL);
        json_object_object_add(root, "services", TAKE_PTR(services));
        if (strcmp(r->command, "probe") == 0) {
                json_object *probes = json_object_new_array();
                if (!probes)
                        return -ENOMEM;
                for (size_t i = 0; i < r->n_probes; i++)
                        json_object_array_add(probes, probe_result_to_json(&r->probes[i]));
                json_object_object_add(root, "probes", probes);
        }
        if (strcmp(r->command, "apply") == 0)
                json_object_object_add(root, "amplification",
                                       r->n_before > 0 ? probe_amplification_to_json(r->before, r->n_before, r->after,
                                                                                     r->n_after)
                                                       : NULL);
        if (r->firewall.present) {
                json_object *fw = firewall_json(&r->firewall);
                if (!fw)
                        return -ENOMEM;
                json_object_object_add(root, "firewall", fw);
        }
        if (r->error) {
                json_object *e = json_object_new_object();
                json_object_object_add(e, "message", json_object_new_string(r->error));
                json_object_object_add(e, "exit_code", json_object_new_int(r->exit_code));
                json_object_object_add(root, "error", e);
        }

        fprintf(out, "%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
                                                                     JSON_C_TO_STRING_NOSLASHESCAPE));
        return fflush(out) == 0 ? 0 : -errno;
}
