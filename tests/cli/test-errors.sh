#!/bin/bash
# Bad input: one clear message on stderr, the right exit code, nothing written.
. "$(dirname "$0")/lib.sh"

# expect_refused RC TEXT: exit code, message, and the tree byte-identical
expect_refused() {
        expect_rc "$1" && expect_err "$2" && { diff -r "$TMP/before" "$R" >/dev/null || fail "files changed"; } &&
        { [ "$(grep -c . <<<"$ERR")" = 1 ] || fail "not one message"; }
}
snapshot() { rm -rf "$TMP/before"; cp -a "$R" "$TMP/before"; }

test_begin "unparseable line: file and line named, exit 3"
R=$(root debian-exposed); printf -- '-m 64\n\n-l 127.0.0.1 stray\n' > "$R/etc/memcached.conf"; snapshot
run apply --root "$R"
expect_refused 3 "cannot parse '$R/etc/memcached.conf' line 3" && ok

test_begin "unknown memcached option, exit 3"
R=$(root debian-exposed); printf -- '-Q 1\n' > "$R/etc/memcached.conf"; snapshot
run apply --root "$R"
expect_refused 3 "cannot parse" && ok

test_begin "long options checked against memcached's table, exit 3"
R=$(root debian-exposed); printf -- '-m 64\n--udp-port\n' > "$R/etc/memcached.conf"; snapshot
run apply --root "$R"; expect_refused 3 "option '--udp-port' needs a value" &&
{ printf -- '--daemon 5\n' > "$R/etc/memcached.conf"; snapshot; run apply --root "$R"; expect_refused 3 "takes no value"; } &&
{ printf -- '--frobnicate\n' > "$R/etc/memcached.conf"; snapshot; run apply --root "$R"; expect_refused 3 "unknown memcached option '--frobnicate'"; } && ok

test_begin "missing config, exit 3"
R=$(root debian-exposed); rm "$R/etc/memcached.conf"; snapshot
run check --root "$R"
expect_refused 3 "no such file" && ok

test_begin "a --root that does not exist, exit 3, for every command"
for cmd in check apply rollback backups; do
        run $cmd --root "$TMP/no-such-root"
        { expect_rc 3 && expect_err "cannot open '$TMP/no-such-root': no such directory" &&
          [ ! -e "$TMP/no-such-root" ] || fail "$cmd: created the root"; } || break
done && ok

test_begin "config is a directory, exit 3"
R=$(root debian-exposed); rm "$R/etc/memcached.conf"; mkdir "$R/etc/memcached.conf"; snapshot
run apply --root "$R"
expect_refused 3 "it is a directory" && ok

test_begin "NUL bytes, exit 3"
R=$(root debian-exposed); printf -- '-l 0.0.0.0\0\n' > "$R/etc/memcached.conf"; snapshot
run apply --root "$R"
expect_refused 3 "NUL bytes" && ok

test_begin "unsupported distribution names its ID and --profile"
R=$(root debian-exposed); printf 'ID=arch\n' > "$R/etc/os-release"; snapshot
run apply --root "$R"
{ expect_refused 3 "'arch'" && expect_err "--profile"; } && ok

test_begin "--profile overrides detection"
run check --profile debian --root "$R"
expect_rc 1 && ok

test_begin "os-release ID_LIKE and fallback release files"
R=$(root debian-exposed); printf 'ID=someubuntu\nID_LIKE="ubuntu debian"\n' > "$R/etc/os-release"
run check --root "$R"; expect_rc 1 &&
{ rm "$R/etc/os-release"; touch "$R/etc/debian_version"; run check --root "$R"; expect_rc 1; } && ok

test_begin "broken RHEL OPTIONS value, exit 3"
R=$(root rhel-exposed); printf 'OPTIONS="-l $(hostname -i)"\n' > "$R/etc/sysconfig/memcached"; snapshot
run apply --root "$R"
expect_refused 3 "cannot parse" && ok

test_begin "--listen refuses a wildcard or public address, exit 2"
R=$(root debian-exposed); snapshot
run apply --listen 0.0.0.0 --root "$R"; expect_refused 2 "refuses a wildcard" &&
{ run apply --listen 8.8.8.8 --root "$R"; expect_refused 2 "refuses a public"; } &&
{ run check --listen 0.0.0.0 --root "$R"; expect_refused 2 "refuses a wildcard"; } && ok

test_begin "usage errors, exit 2"
R=$(root debian-exposed); snapshot
run check --dry-run --root "$R"; expect_refused 2 "does not apply to 'check'" &&
{ run frobnicate; expect_rc 2; } && { run apply --bogus; expect_rc 2; } && { run apply --timeout 0; expect_rc 2; } &&
{ run check --root relative/dir; expect_rc 2; } && { run; expect_rc 2; } && ok

test_begin "help and version"
run --help; { expect_rc 0 && expect_out "Exit codes:"; } &&
{ run help apply; expect_rc 0 && expect_out "--dry-run"; } &&
{ run --version; expect_rc 0 && expect_out "memharden "; } && ok

test_begin "JSON on error is still one document"
R=$(root debian-exposed); rm "$R/etc/memcached.conf"
run check --json --root "$R"
{ expect_rc 3 && jq -e '.error.exit_code == 3 and (.error.message | contains("no such file"))' <<<"$OUT" >/dev/null ||
        fail "JSON error"; } && ok

test_begin "rollback with no backups, exit 3"
R=$(root debian-exposed)
run rollback --root "$R"
{ expect_rc 3 && expect_err "no backups"; } && ok

finish
