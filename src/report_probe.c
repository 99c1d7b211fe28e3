/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The probe's part of the report (report_probe.h). */
#include "report_probe.h"

#include <arpa/inet.h>
#include <json-c/json.h>
#include <string.h>

#include "json-util.h"

json_object *probe_result_to_json(const ProbeResult *r) {
        json_object *o = json_object_new_object();
        char addr[INET6_ADDRSTRLEN] = "";
        unsigned port = 0;

        if (!o)
                return NULL;
        probe_target_address(&r->target, addr, sizeof addr, &port);
        json_object_object_add(o, "address", json_object_new_string(addr));
        json_object_object_add(o, "port", json_object_new_int((int) port));
        json_object_object_add(o, "request_bytes", json_object_new_int(PROBE_REQUEST_BYTES));
        json_object_object_add(o, "reply_bytes", json_object_new_int64(r->reply_bytes));
        json_object_object_add(o, "datagrams", json_object_new_int64(r->datagrams));
        json_object_object_add(o, "factor", json_object_new_double((double) (long) (probe_factor(r) * 10 + 0.5) / 10));
        json_object_object_add(o, "tcp", json_object_new_boolean(r->tcp));
        json_object_object_add(o, "version", r->tcp ? json_object_new_string(r->version) : NULL);
        return o;
}

void probe_result_print(FILE *f, const ProbeResult *r) {
        char t[INET6_ADDRSTRLEN + 8];

        probe_target_format(&r->target, t, sizeof t);
        if (r->datagrams > 0)
                fprintf(f, "%s: UDP %ld bytes in %ld datagram%s for %d (%.1fx)", t, r->reply_bytes, r->datagrams,
                        r->datagrams == 1 ? "" : "s", PROBE_REQUEST_BYTES, probe_factor(r));
        else
                fprintf(f, "%s: UDP no reply", t);
        if (r->tcp)
                fprintf(f, "; TCP: version %s\n", r->version);
        else
                fprintf(f, "; TCP: no answer\n");
}

const ProbeResult *probe_worst(const ProbeResult *v, size_t n) {
        const ProbeResult *w = n > 0 ? &v[0] : NULL;

        for (size_t i = 1; i < n; i++)
                if (v[i].reply_bytes > w->reply_bytes)
                        w = &v[i];
        return w;
}

json_object *probe_amplification_to_json(const ProbeResult *before, size_t n_before, const ProbeResult *after,
                                         size_t n_after) {
        const ProbeResult *b = probe_worst(before, n_before), *a = probe_worst(after, n_after);
        json_object *o = json_object_new_object();

        if (!o)
                return NULL;
        json_object_object_add(o, "before", b ? probe_result_to_json(b) : NULL);
        json_object_object_add(o, "after", a ? probe_result_to_json(a) : NULL);
        return o;
}

static void print_one(FILE *f, const ProbeResult *r, const char *when) {
        char t[INET6_ADDRSTRLEN + 8];

        if (!r) {
                fprintf(f, "not measured %s", when);
                return;
        }
        probe_target_format(&r->target, t, sizeof t);
        if (r->datagrams == 0)
                fprintf(f, "no reply %s", when);
        else
                fprintf(f, "%.1fx %s (%ld bytes back for %d to %s)", probe_factor(r), when, r->reply_bytes,
                        PROBE_REQUEST_BYTES, t);
}

void probe_amplification_print(FILE *f, const ProbeResult *before, size_t n_before, const ProbeResult *after,
                               size_t n_after) {
        fprintf(f, "amplification: ");
        print_one(f, probe_worst(before, n_before), "before");
        fprintf(f, ", ");
        print_one(f, probe_worst(after, n_after), "after");
        fprintf(f, "\n");
}
