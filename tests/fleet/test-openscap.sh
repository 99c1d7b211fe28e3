#!/bin/bash
# packaging/openscap's SCE check run by Debian's real OpenSCAP
# (openscap-scanner): `oscap xccdf eval` of memharden-xccdf.xml, its values
# pointed at this build's memharden and lenses and at fixture roots. Judged
# by oscap's exit status and the rule's result in the XCCDF results file:
# fail on the exposed fixture (with memharden's findings in the imported
# stdout), pass on the hardened one, notchecked without memharden.
set -euo pipefail
skip() { echo "skip: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v oscap >/dev/null || skip "oscap is not installed (openscap-scanner)"
oscap -V | grep -q '^SCE Version' || skip "this oscap has no Script Check Engine"
: "${MEMHARDEN:?}" "${MEMHARDEN_LENS_DIR:?}" "${FIXTURES:?}"
SRC=$(cd "$(dirname "$0")/../../packaging/openscap" && pwd)
dir=$(mktemp -d /tmp/memharden-oscap.XXXXXX)
trap 'rm -rf "$dir"' EXIT

# evaluate NAME BINARY ROOT: sets RC and RESULT (the rule's XCCDF result).
evaluate() {
        local name=$1
        mkdir -p "$dir/$name" "$dir/$name-root"
        cp -a "$3/." "$dir/$name-root/"
        cp "$SRC/memharden-check.sh" "$dir/$name/"
        # The benchmark as shipped, with its three values set for this run.
        sed -e "/value_binary\"/,/<\/Value>/ s|<value>[^<]*</value>|<value>$2</value>|" \
                -e "/value_root\"/,/<\/Value>/ s|<value>[^<]*</value>|<value>$dir/$name-root</value>|" \
                -e "/value_lens_dir\"/,/<\/Value>/ s|<value>[^<]*</value>|<value>$MEMHARDEN_LENS_DIR</value>|" \
                "$SRC/memharden-xccdf.xml" >"$dir/$name/memharden-xccdf.xml"
        RC=0
        (cd "$dir/$name" && oscap xccdf eval --check-engine-results --results "$dir/$name.results.xml" memharden-xccdf.xml) \
                >"$dir/$name.out" 2>&1 || RC=$?
        sed "s/^/  $name | /" "$dir/$name.out"
        RESULT=$(sed -n 's/.*<result>\([a-z]*\)<\/result>.*/\1/p' "$dir/$name.results.xml" | head -1)
        echo "$name: oscap exit status $RC, rule result '$RESULT'"
}

oscap xccdf validate "$SRC/memharden-xccdf.xml" >/dev/null || fail "the benchmark does not validate"

evaluate exposed "$MEMHARDEN" "$FIXTURES/debian-exposed"
[ "$RESULT" = fail ] && [ "$RC" = 2 ] || fail "exposed fixture: expected fail and exit 2"
grep -q 'udp-enabled' "$dir/exposed.results.xml" || fail "memharden's findings are not in the results (stdout import)"

evaluate hardened "$MEMHARDEN" "$FIXTURES/debian-hardened"
[ "$RESULT" = pass ] && [ "$RC" = 0 ] || fail "hardened fixture: expected pass and exit 0"

evaluate missing "$dir/no-such-memharden" "$FIXTURES/debian-hardened"
[ "$RESULT" = notchecked ] || fail "without memharden: expected notchecked"
echo "PASS"
