#!/bin/bash
# FIFOs where files should be: the config, an instance file, os-release, a
# manifest, a backup copy, the lock file. memharden must never block on one:
# a clean error (exit 3) within the timeout, nothing written.
. "$(dirname "$0")/lib.sh"

test_begin "the config is a FIFO"
R=$(root debian-exposed); rm "$R/etc/memcached.conf"; mkfifo "$R/etc/memcached.conf"; snapshot "$R"
run apply --no-restart --root "$R"
expect_rc 3 && expect_err "/etc/memcached.conf" && expect_one_error_line && expect_unchanged "$R" &&
{ run check --root "$R"; expect_rc 3; } && ok

test_begin "an instance file is a FIFO"
R=$(root debian-exposed); mkfifo "$R/etc/memcached_x.conf"; snapshot "$R"
run apply --no-restart --root "$R"
expect_rc 3 && expect_err "memcached_x.conf" && expect_unchanged "$R" &&
{ run check --json --root "$R"; expect_rc 3 && { jq -e '.error | type == "object"' <<<"$OUT" >/dev/null || fail "no JSON error"; }; } && ok

test_begin "os-release is a FIFO: detection falls back or fails cleanly"
R=$(root debian-exposed); rm "$R/etc/os-release"; mkfifo "$R/etc/os-release"; touch "$R/etc/debian_version"; snapshot "$R"
run check --root "$R"
expect_sane_rc && { [ "$RC" = 1 ] || [ "$RC" = 3 ] || fail "exit $RC, expected 1 (fell back) or 3"; } && expect_unchanged "$R" &&
{ run apply --no-restart --profile debian --root "$R"; expect_rc 0; } && ok

test_begin "/usr/lib/os-release is a FIFO and /etc/os-release absent"
R=$(root debian-exposed); rm "$R/etc/os-release"; mkdir -p "$R/usr/lib"; mkfifo "$R/usr/lib/os-release"
run check --root "$R"
expect_sane_rc && { [ "$RC" = 3 ] || fail "exit $RC, expected 3"; } && ok

test_begin "a manifest.json is a FIFO"
backed_up_root && {
        mkdir -p "$R$BK/$FORGED"; mkfifo "$R$BK/$FORGED/manifest.json"; snapshot "$R"
        run rollback "$FORGED" --no-restart --root "$R"
        expect_rc 3 && expect_err "$FORGED" && expect_unchanged "$R" &&
        { backups_json "$R" && { jq -e --arg id "$FORGED" '.backups[] | select(.id == $id) | .status != "complete" and (.error | type == "string")' \
                <<<"$BJ" >/dev/null || fail "backups --json does not list $FORGED as damaged"; }; } &&
        { run rollback --no-restart --root "$R"; expect_rc 0 && expect_same "$R/etc/memcached.conf" "$TMP/orig.conf"; } && ok
}

test_begin "a backup copy is a FIFO"
backed_up_root && {
        cp -a "$R$BK/$B0" "$R$BK/$FORGED"
        jq --arg id "$FORGED" '.id = $id' "$R$BK/$B0/manifest.json" > "$R$BK/$FORGED/manifest.json"
        rm "$R$BK/$FORGED/files/etc/memcached.conf"; mkfifo "$R$BK/$FORGED/files/etc/memcached.conf"; snapshot "$R"
        run rollback "$FORGED" --no-restart --root "$R"
        expect_rc 3 && expect_err "$FORGED" && expect_unchanged "$R" &&
        { run backups --json --root "$R"; expect_rc 0; } &&
        { run backups --root "$R"; expect_rc 0; } && ok
}

test_begin "the lock file is a FIFO"
R=$(root debian-exposed); mkdir -p "$R$BK"; mkfifo "$R$LOCK_FILE"
run apply --no-restart --root "$R"
expect_sane_rc && case $RC in
0) [ "$(effective "$R/etc/memcached.conf")" = "$HARDENED_VIEW" ] || fail "exit 0, not hardened" ;;
3 | 5) expect_same "$R/etc/memcached.conf" "$FIXTURES/debian-exposed/etc/memcached.conf" ;;
*) fail "exit $RC" ;;
esac && ok

finish
