/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The probe's results as text and JSON, for report.c: each target's line
 * and object, and the amplification apply measured before and after its
 * restart. Renders only; probe.c measures.
 */

#include <stdio.h>

#include "probe.h"

struct json_object;

/* {"address","port","request_bytes","reply_bytes","datagrams","factor","tcp","version"}; NULL on OOM. */
struct json_object *probe_result_to_json(const ProbeResult *r);

/* "127.0.0.1:11211: UDP 2224 bytes in 2 datagrams for 15 (148.3x); TCP: version 1.6.18" */
void probe_result_print(FILE *f, const ProbeResult *r);

/* The result of V with the most UDP bytes back (the first of equals), or NULL for none. */
const ProbeResult *probe_worst(const ProbeResult *v, size_t n);

/* {"before": worst before, "after": worst after} (each NULL when not
 * measured); NULL on OOM. */
struct json_object *probe_amplification_to_json(const ProbeResult *before, size_t n_before,
                                                 const ProbeResult *after, size_t n_after);

/* "amplification: 148.3x before (2224 bytes back for 15 to 127.0.0.1:11211), no reply after" */
void probe_amplification_print(FILE *f, const ProbeResult *before, size_t n_before, const ProbeResult *after,
                               size_t n_after);
