#!/bin/bash
# The collection without a fleet: ansible-doc renders the module, the
# validate-modules sanity test passes (ansible-test's validator, run
# offline: packaging/ansible/validate-modules), and the module's mapping of
# memharden's results to task results, on copies of the fixture roots
# (--root: nothing is restarted) through the local connection. Files are
# judged by their checksums and bytes, not by the module's word.
set -euo pipefail
skip() { echo "skip: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v ansible-doc >/dev/null || skip "ansible-core is not installed"
/usr/bin/python3 -c 'import voluptuous' 2>/dev/null || skip "python3-voluptuous is not installed (validate-modules)"
command -v jq >/dev/null || skip "jq is not installed"
: "${MEMHARDEN:?}" "${MEMHARDEN_LENS_DIR:?}" "${FIXTURES:?}"
REPO=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d /tmp/memharden-coll.XXXXXX)
trap 'rm -rf "$dir"' EXIT
export ANSIBLE_COLLECTIONS_PATH=$REPO/packaging/ansible ANSIBLE_HOME=$dir/home ANSIBLE_LOCAL_TEMP=$dir/tmp
export ANSIBLE_NOCOLOR=1 ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 ANSIBLE_LOAD_CALLBACK_PLUGINS=1
export ANSIBLE_STDOUT_CALLBACK=json ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false
export PATH=/usr/bin:/usr/sbin:/bin:/sbin:$PATH

doc=$(ansible-doc memharden.hardening.memharden 2>&1) || { echo "$doc"; fail "ansible-doc failed"; }
for word in state listen restart timeout root profile binary fail_on_findings EXAMPLES RETURN rolled_back; do
        grep -q -- "$word" <<<"$doc" || fail "ansible-doc does not show $word"
done
echo "ansible-doc memharden.hardening.memharden: renders ($(wc -l <<<"$doc") lines)"
"$REPO/packaging/ansible/validate-modules" >"$dir/vm.json" || { cat "$dir/vm.json"; fail "validate-modules found errors"; }
echo "validate-modules: no error"
if [ "$(id -u)" != 0 ]; then
        echo "skip: the module on fixture roots: needs root (apply writes root-owned backups)"
        exit 0
fi

# run NAME [--check] [--diff] -- ARGS: the module on localhost; its result
# (the json callback's) in NAME.json, the module's in R; sets RC.
run() {
        local name=$1 opts=()
        shift
        while [ "$1" != -- ]; do opts+=("$1"); shift; done
        shift
        RC=0
        MEMHARDEN_LENS_DIR=$MEMHARDEN_LENS_DIR ansible localhost -i localhost, -c local "${opts[@]}" \
                -m memharden.hardening.memharden -a "$*" </dev/null >"$dir/$name.json" 2>"$dir/$name.err" || RC=$?
        R=$(jq '.plays[0].tasks[0].hosts.localhost' "$dir/$name.json") || { cat "$dir/$name.json" "$dir/$name.err"; fail "$name: no result"; }
}
field() { jq -r "$1" <<<"$R"; }

root=$dir/root
cp -a "$FIXTURES/debian-exposed/." "$root/"
cp "$root/etc/memcached.conf" "$dir/exposed.conf"
common="binary=$MEMHARDEN root=$root"

run dry --check --diff -- $common
[ "$(field .changed)" = true ] && [ "$(field .failed)" != true ] || fail "check mode: expected changed"
field '.diff.prepared' | grep -q '^+-U 0$' || fail "check mode: no diff turning UDP off"
cmp "$root/etc/memcached.conf" "$dir/exposed.conf" || fail "check mode wrote the file"
[ ! -e "$root/var/backups/memharden" ] || fail "check mode wrote a backup"
echo "check mode: changed, diff returned, nothing written"

run checked -- state=checked $common
[ "$(field .failed)" = true ] && [ "$RC" != 0 ] || fail "checked on an exposed root: expected failed"
field .msg | grep -q 'UDP is on' || fail "checked: the message does not give the findings"
run checked-ok -- state=checked fail_on_findings=false $common
[ "$(field .failed)" != true ] && [ "$RC" = 0 ] || fail "checked with fail_on_findings=false: expected ok"
[ "$(field '.findings | length')" -ge 2 ] && [ "$(field .exit_status)" = 1 ] || fail "checked: findings or exit status missing"
echo "checked: failed by default, ok with fail_on_findings=false; findings $(field '[.findings[].id] | join(",")')"

run apply -- $common listen=127.0.0.1
[ "$(field .changed)" = true ] && [ "$(field .failed)" != true ] || fail "apply: expected changed"
grep -q '^-U 0$' "$root/etc/memcached.conf" && grep -q '^-l 127.0.0.1$' "$root/etc/memcached.conf" || fail "apply: the file is not hardened"
backup=$(field .backup)
[ -d "$root/var/backups/memharden/$backup" ] || fail "apply: no backup $backup"
sum=$(sha256sum <"$root/etc/memcached.conf")
run again -- $common listen=127.0.0.1
[ "$(field .changed)" = false ] && [ "$(field .compliant)" = true ] || fail "a second apply: expected unchanged, compliant"
[ "$(sha256sum <"$root/etc/memcached.conf")" = "$sum" ] || fail "a second apply changed the file"
echo "apply: changed, file hardened, backup $backup; again: unchanged"

run rb-dry --check -- state=rolled_back $common
[ "$(field .changed)" = true ] && [ "$(field .backup)" = "$backup" ] || fail "rollback in check mode: expected changed, backup $backup"
[ "$(sha256sum <"$root/etc/memcached.conf")" = "$sum" ] || fail "rollback in check mode changed the file"
run rb -- state=rolled_back $common
[ "$(field .changed)" = true ] || fail "rollback: expected changed"
cmp "$root/etc/memcached.conf" "$dir/exposed.conf" || fail "rollback: the exposed file is not back byte for byte"
echo "rolled_back: predicted in check mode, then the file back byte for byte"

run bad-root -- binary=$MEMHARDEN root=$dir/nowhere
[ "$(field .failed)" = true ] && [ "$(field .exit_status)" = 3 ] || fail "a missing root: expected failed, exit status 3"
field .msg | grep -q 'no such directory' || fail "exit 3: memharden's message is not the task's"
echo "exit 3: failed with '$(field .msg)'"
run bad-bin -- binary=$dir/no-memharden root=$root
[ "$(field .failed)" = true ] && field .msg | grep -q 'binary' || fail "a missing binary: the failure does not name the binary parameter"
echo "missing binary: failed with '$(field .msg)'"
echo "PASS"
