/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Small json-c helpers shared by the report, the backup manifest and the
 * service report. Returned objects are new references owned by the caller.
 */

#include <json-c/json.h>

#include "cleanup.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put);

/* A JSON string, or null (NULL) when S is NULL. */
static inline json_object *json_string_or_null(const char *s) {
        return s ? json_object_new_string(s) : NULL;
}
