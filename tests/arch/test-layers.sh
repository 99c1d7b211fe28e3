#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The shape of src/, as the code's layout promises it:
#   - no call cycle between .c files: from the core library's symbol
#     tables (nm), file A calls file B when A uses a function B defines;
#     no two files may reach each other that way;
#   - no file in src/ over 600 lines.
# Usage: test-layers.sh CORE_LIBRARY SRC_DIR
set -euo pipefail

lib=$1 src=$2
fail=0

# "obj.o T name" for definitions, "obj.o U name" for uses.
# nm -A: "LIB:OBJ.c.o:ADDRESS T NAME", "LIB:OBJ.c.o: U NAME".
syms=$(nm -A "$lib" 2>/dev/null | awk '$2 == "T" || $2 == "U" {
        n = split($1, p, ":"); obj = p[n - 1]; sub(/\.o$/, "", obj)
        print obj, $2, $3 }')
[[ -n $syms ]] || { echo "test-layers: no symbols read from $lib" >&2; exit 1; }

cycles=$(awk '
        $2 == "T" { def[$3] = $1; node[$1] = 1 }
        $2 == "U" { use[++n] = $1 " " $3; node[$1] = 1 }
        END {
                for (i = 1; i <= n; i++) {
                        split(use[i], u, " ")
                        if ((u[2] in def) && def[u[2]] != u[1]) reach[u[1], def[u[2]]] = 1
                }
                for (k in node) for (i in node) if ((i, k) in reach) for (j in node)
                        if ((k, j) in reach) reach[i, j] = 1
                for (i in node) for (j in node)
                        if (i < j && ((i, j) in reach) && ((j, i) in reach)) print i " <-> " j
        }' <<<"$syms")
if [[ -n $cycles ]]; then
        echo "test-layers: call cycles between files of src/:" >&2
        sed 's/^/  /' <<<"$cycles" >&2
        fail=1
fi
n_files=$(awk '$2 == "T" { print $1 }' <<<"$syms" | sort -u | wc -l)
[[ -n $cycles ]] || echo "test-layers: $n_files files of the core library define functions; none calls back into a caller"

long=$(wc -l "$src"/*.c "$src"/*.h | awk '$2 != "total" && $1 > 600 { print "  " $2 ": " $1 " lines" }')
if [[ -n $long ]]; then
        echo "test-layers: files over 600 lines:" >&2
        echo "$long" >&2
        fail=1
fi
exit $fail
