/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * A unified diff of two texts, as `diff -u` writes it (3 lines of context,
 * "\ No newline at end of file" markers). Config files are small, so a plain
 * LCS table is fast enough and easy to trust. The returned string is owned by
 * the caller; it is "" when the texts are equal.
 */

/* LABEL is the path shown after "--- a" and "+++ b", e.g. "/etc/memcached.conf";
 * A NULL is a file that does not exist yet, shown as "--- /dev/null". */
int diff_unified(const char *label, const char *a, const char *b, char **ret);
