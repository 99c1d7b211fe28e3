/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* memharden probe: the amplification self-test of probe.h, on the targets
 * given or on probe_targets.h's defaults. Exit 0 when no target answers
 * UDP, 1 when one does (memcached can be used for reflection there). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "plan.h"
#include "probe_targets.h"

/* The effective config of this host, or NULL where there is none to read:
 * the probe then goes by the live daemons and memcached's default port. */
static Config *read_config(const Context *c) {
        Report scratch = { .command = "probe", .root = c->root };
        Config *config = NULL;
        const Profile *p;

        if (context_profile(c, &p, NULL) < 0 || plan_build(p, c->root, NULL, PLAN_JUDGE, &config, &scratch, NULL) < 0) {
                config_free(config);
                config = NULL;
        }
        report_done(&scratch);
        return config;
}

static int parse_targets(const Context *c, const Config *config, ProbeTarget *v, ErrorInfo *e) {
        int port = probe_default_port(config);

        for (int i = 0; i < c->n_args; i++) {
                bool local;
                int r = probe_target_parse(c->args[i], port, &v[i]);

                if (r == -EINVAL)
                        return error_set(e, r, "probe", c->args[i], 0,
                                         "give an address of this host as ADDR, ADDR:PORT or [IPV6]:PORT",
                                         "not an address literal");
                if (r >= 0)
                        r = probe_is_local(&v[i], &local);
                if (r < 0)
                        return error_set(e, r, "probe", c->args[i], 0, NULL, "%s", strerror(-r));
                if (!local)
                        return error_set(e, -EADDRNOTAVAIL, "probe", c->args[i], 0,
                                         "probe tests this host's own memcached: give loopback or an address "
                                         "of one of its interfaces",
                                         "not an address of this host");
        }
        return 0;
}

int cmd_probe(const Context *c) {
        Report report = { .command = "probe", .root = c->root };
        _cleanup_(config_freep) Config *config = read_config(c);
        _cleanup_free_ ProbeTarget *targets = NULL;
        ErrorInfo e = {};
        size_t n = 0;
        int r;

        if (c->n_args > 0) {
                n = (size_t) c->n_args;
                targets = calloc(n, sizeof *targets);
                if (!targets)
                        return command_fail(c, &report, EXIT_RUNTIME, -ENOMEM, NULL);
                r = parse_targets(c, config, targets, &e);
                if (r < 0)
                        return command_fail(c, &report, r == -EADDRNOTAVAIL || r == -EINVAL ? EXIT_USAGE : EXIT_RUNTIME, r, &e);
        } else if ((r = probe_default_targets(config, &targets, &n)) < 0)
                return command_fail(c, &report, EXIT_RUNTIME, r, NULL);

        report.probes = calloc(n ?: 1, sizeof *report.probes);
        if (!report.probes)
                return command_fail(c, &report, EXIT_RUNTIME, -ENOMEM, NULL);
        r = probe_run(targets, n, report.probes);
        if (r < 0)
                return command_fail(c, &report, EXIT_RUNTIME, r, NULL);
        report.n_probes = n;
        report.compliant = true;
        for (size_t i = 0; i < n; i++)
                report.compliant = report.compliant && report.probes[i].datagrams == 0;
        report.exit_code = report.compliant ? EXIT_COMPLIANT : EXIT_NONCOMPLIANT;
        return command_finish(c, &report);
}
