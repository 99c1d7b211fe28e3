/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The measurements of apply_measure.h. */
#include "apply_measure.h"

#include <stdlib.h>
#include <string.h>

#include "probe_targets.h"
#include "service.h"

static bool on_host(const Context *c) {
        return strcmp(c->root, "/") == 0 && service_manager_detect(c->root) != &service_manager_none;
}

static void read_caches(const Profile *p, const char *root, Report *report) {
        for (size_t i = 0; i < report->n_files; i++) {
                FileResult *f = &report->files[i];
                ServiceReport s = {};

                if (f->changed && service_live_state(p, root, f->instance, f->unit, &s, NULL) >= 0 && s.active &&
                    s.cache_items >= 0) {
                        f->has_drop = true;
                        f->drop_items = s.cache_items;
                        f->drop_bytes = s.cache_bytes;
                }
                service_report_done(&s);
        }
}

static void probe(const ApplyMeasure *m, ProbeResult **ret, size_t *ret_n) {
        ProbeResult *v = calloc(m->n_targets ?: 1, sizeof *v);

        if (!v || m->n_targets == 0 || probe_run(m->targets, m->n_targets, v) < 0) {
                free(v);
                return;
        }
        *ret = v;
        *ret_n = m->n_targets;
}

void apply_measure_before(const Context *c, const Profile *p, const Config *config, Report *report,
                          ApplyMeasure *m) {
        bool answered = false;

        if (!on_host(c) || !report->changed || c->no_restart)
                return;
        read_caches(p, c->root, report);
        if (c->dry_run || probe_default_targets(config, &m->targets, &m->n_targets) < 0)
                return;
        probe(m, &report->before, &report->n_before);
        /* Only where the daemon answered before is there an "after" to tell. */
        for (size_t i = 0; i < report->n_before; i++)
                answered = answered || report->before[i].datagrams > 0 || report->before[i].tcp;
        if (!answered) {
                free(report->before);
                report->before = NULL;
                report->n_before = 0;
        }
}

void apply_measure_after(const ApplyMeasure *m, Report *report) {
        if (report->n_before > 0)
                probe(m, &report->after, &report->n_after);
}

void apply_measure_done(ApplyMeasure *m) {
        free(m->targets);
        *m = (ApplyMeasure) {};
}
