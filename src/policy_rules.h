/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What the policy's rules share (policy.c, policy_listen.c), below them in
 * policy_result.c. Not for callers outside the policy: they use policy.h.
 */

#include <stddef.h>

#include "policy.h"

struct HostTable;

/* Adds an edit; VALUE is copied. */
int policy_add_edit(PolicyResult *r, EditOp op, size_t arg, char letter, const char *value);

/* The edit R has for option ARG (a set or a delete), or NULL. */
const Edit *policy_edit_of(const PolicyResult *r, size_t arg);

/* The listen rule (policy_listen.c): with LISTEN, exactly those addresses;
 * else every listener memcached takes kept when safe, dropped when not. */
int policy_rule_listen(PolicyResult *out, const Arg *args, size_t n, const char *listen,
                       const struct HostTable *hosts);
