/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What apply measures of the running daemons around its restart, for the
 * report: before it, how many items (and bytes) each changed file's daemon
 * holds, which the restart drops; and the probe (probe.h) before and after,
 * on the same targets, so the report can say "148x before, no reply after".
 * Only on this host (root "/") with a service manager; a failed
 * measurement is left out of the report, never an error of apply's.
 */

#include "cli.h"
#include "config.h"
#include "probe.h"

typedef struct ApplyMeasure {
        ProbeTarget *targets;
        size_t n_targets;
} ApplyMeasure;

/* The cache of every changed file's daemon into REPORT's files (dry run
 * too); unless a dry run or --no-restart, the probe before into REPORT. */
void apply_measure_before(const Context *c, const Profile *p, const Config *config, Report *report,
                          ApplyMeasure *m);

/* The probe after the restart, on the targets of before, into REPORT. */
void apply_measure_after(const ApplyMeasure *m, Report *report);

void apply_measure_done(ApplyMeasure *m);
