#!/bin/bash
# packaging/lynis/tests_custom run by Debian's real Lynis (package lynis):
# `lynis audit system --tests CUST-1211` from a copy of Lynis's include and
# db directories with the test added (--usecwd: Lynis reads tests_custom
# from its include directory only, and the machine's stays untouched), on
# fixture roots given through MEMHARDEN_ROOT. Judged by Lynis's own report
# file: one warning per high finding of the exposed fixture, with the file
# and line memharden names, and none on the hardened fixture.
set -euo pipefail
skip() { echo "skip: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || skip "Lynis audits as root only"
command -v lynis >/dev/null || skip "lynis is not installed"
[ -d /usr/share/lynis/include ] || skip "no /usr/share/lynis/include"
: "${MEMHARDEN:?}" "${MEMHARDEN_LENS_DIR:?}" "${FIXTURES:?}"
HERE=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d /tmp/memharden-lynis.XXXXXX)
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/lynis"
cp -r /usr/share/lynis/include /usr/share/lynis/db "$dir/lynis/"
install -m 640 "$HERE/../../packaging/lynis/tests_custom" "$dir/lynis/include/tests_custom"

# audit NAME ROOT: Lynis's report of CUST-1211 on fixture ROOT in NAME.report.
audit() {
        cp -a "$2/." "$dir/$1-root/" 2>/dev/null || { mkdir "$dir/$1-root" && cp -a "$2/." "$dir/$1-root/"; }
        (cd "$dir/lynis" && MEMHARDEN_ROOT=$dir/$1-root timeout 300 lynis audit system --usecwd --quick --no-colors \
                --tests CUST-1211 --profile /etc/lynis/default.prf \
                --logfile "$dir/$1.log" --report-file "$dir/$1.report") >"$dir/$1.out" 2>&1 ||
                { cat "$dir/$1.out"; fail "lynis failed on $1"; }
        grep -q 'Performing test ID CUST-1211' "$dir/$1.log" || { cat "$dir/$1.log"; fail "Lynis did not run CUST-1211 on $1"; }
        grep 'CUST-1211' "$dir/$1.report" | sed "s/^/  $1 report: /" || true
}

audit exposed "$FIXTURES/debian-exposed"
expected=$({ "$MEMHARDEN" check --json --root "$dir/exposed-root" || true; } | jq -r '.findings[] | select(.severity == "high") | "\(.id)|\(.path):\(.line)"' | sort)
[ -n "$expected" ] || fail "the exposed fixture has no high finding"
got=$(sed -n 's/^warning\[\]=CUST-1211|memcached: \([a-z-]*\): [^|]*|\([^|]*\)|.*/\1|\2/p' "$dir/exposed.report" | sort)
[ "$got" = "$expected" ] || fail "Lynis's warnings differ from memharden's findings: got '$got', expected '$expected'"
echo "exposed fixture: Lynis reported $(wc -l <<<"$got") warnings, one per high finding: $(tr '\n' ' ' <<<"$got")"

audit hardened "$FIXTURES/debian-hardened"
! grep -Eq '^(warning|suggestion)\[\]=CUST-1211' "$dir/hardened.report" || fail "Lynis reported something on the hardened fixture"
grep -q 'CUST-1211' "$dir/hardened.log" && grep -q 'memharden check exited 0' "$dir/hardened.log" || fail "the hardened fixture was not checked"
echo "hardened fixture: no warning, no suggestion"
echo "PASS"
