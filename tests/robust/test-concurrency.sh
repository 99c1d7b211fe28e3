#!/bin/bash
# One writer at a time per root: apply and rollback take an exclusive lock
# (ROOT/var/backups/memharden/.lock), wait up to --timeout, then exit 5
# saying another memharden is running; check and --dry-run take no lock.
. "$(dirname "$0")/lib.sh"

N=${ROBUST_RACERS:-16}

# racers DIR CMD...: starts CMD (memharden arguments) in the background,
# its stdout, stderr and exit code in DIR/NAME.{out,err,rc}
racer() {
        local f=$1
        shift
        bg bash -c 'timeout -k 5 "$1" "$2" "${@:4}" > "$3.out" 2> "$3.err" </dev/null; echo $? > "$3.rc"' \
                racer "$CMD_TIMEOUT" "$MEMHARDEN" "$f" "$@"
}
wait_racers() {
        local p
        for p in "${BG_PIDS[@]}"; do wait "$p" 2>/dev/null; done
        BG_PIDS=()
}

test_begin "$N applies at once: one changes, one backup, all exit 0"
R=$(root debian-exposed); rm -rf "$TMP/race"; mkdir "$TMP/race"
for i in $(seq "$N"); do racer "$TMP/race/$i" apply --no-restart --root "$R" --json; done
wait_racers
changed=0 bad=""
for i in $(seq "$N"); do
        rc=$(cat "$TMP/race/$i.rc")
        [ "$rc" = 0 ] || bad+=" #$i exit $rc: $(head -c 300 "$TMP/race/$i.err");"
        jq -e -s 'length == 1' "$TMP/race/$i.out" >/dev/null 2>&1 || bad+=" #$i not one JSON document;"
        [ "$(jq -r .changed "$TMP/race/$i.out" 2>/dev/null)" = true ] && changed=$((changed + 1))
done
{ [ -z "$bad" ] || fail "$bad"; } &&
{ [ "$changed" = 1 ] || fail "$changed runs say they changed the config"; } &&
{ [ "$(n_backups "$R")" = 1 ] || fail "$(n_backups "$R") backups"; } &&
{ [ "$(effective "$R/etc/memcached.conf")" = "$HARDENED_VIEW" ] || fail "not hardened"; } &&
expect_all_backups_complete "$R" &&
{ [ -z "$(leftovers "$R")" ] || fail "temp files: $(leftovers "$R")"; } && ok

test_begin "applies racing rollbacks: each waits or says who holds the lock, state consistent"
R=$(root debian-exposed); cp "$R/etc/memcached.conf" "$TMP/orig.conf"
run apply --no-restart --root "$R"; cp "$R/etc/memcached.conf" "$TMP/hard.conf"
{ expect_rc 0; } && {
        rm -rf "$TMP/race"; mkdir "$TMP/race"
        for i in $(seq $((N / 2))); do
                racer "$TMP/race/a$i" apply --no-restart --timeout 10 --root "$R"
                racer "$TMP/race/r$i" rollback --no-restart --timeout 10 --root "$R"
        done
        wait_racers
        bad=""
        for f in "$TMP"/race/*.rc; do
                rc=$(cat "$f")
                case $rc in
                0) ;;
                5) grep -qE "$LOCK_MESSAGE \(pid [0-9]+\)" "${f%.rc}.err" || bad+=" ${f##*/} exit 5 without the lock message: $(head -c 300 "${f%.rc}.err");" ;;
                *) bad+=" ${f##*/} exit $rc: $(head -c 300 "${f%.rc}.err");" ;;
                esac
        done
        { [ -z "$bad" ] || fail "$bad"; } &&
        { cmp -s "$R/etc/memcached.conf" "$TMP/orig.conf" || cmp -s "$R/etc/memcached.conf" "$TMP/hard.conf" ||
                fail "the config is neither the original nor the hardened one"; } &&
        expect_all_backups_complete "$R" &&
        { [ -z "$(leftovers "$R")" ] || fail "temp files: $(leftovers "$R")"; } &&
        { run apply --no-restart --root "$R"; expect_rc 0 && expect_same "$R/etc/memcached.conf" "$TMP/hard.conf"; } && ok
}

# lock_for SEC R: another process holds the lock of root R for SEC seconds:
# flock(1) takes it on an fd of a shell that then becomes the sleep, so
# killing that one pid releases it
lock_for() {
        mkdir -p "$2$BK"
        bg bash -c 'exec 9>"$1" && flock -x 9 && exec sleep "$2"' lock "$2$LOCK_FILE" "$1" >/dev/null 2>&1 </dev/null
}
# hold_lock R: the lock of root R is held elsewhere until the test ends
hold_lock() {
        lock_for 60 "$1"
        local i
        for i in $(seq 50); do
                flock -n -x "$1$LOCK_FILE" true 2>/dev/null || return 0
                sleep 0.1
        done
        fail "could not take the lock"
}

test_begin "apply with the lock held elsewhere: exit 5 after --timeout, nothing written"
R=$(root debian-exposed); hold_lock "$R" && {
        snapshot "$R"; t0=$(date +%s%N)
        run apply --no-restart --timeout 1 --root "$R"
        t=$((($(date +%s%N) - t0) / 1000000))
        expect_rc 5 && expect_err "$LOCK_MESSAGE" && expect_one_error_line && expect_unchanged "$R" &&
        { [ "$t" -lt 5000 ] || fail "took ${t} ms with --timeout 1"; } &&
        { [ "$t" -ge 900 ] || fail "gave up after ${t} ms, before --timeout 1"; } &&
        { run apply --no-restart --timeout 1 --json --root "$R"
          expect_rc 5 && { jq -e '.error.exit_code == 5 and (.error.message | contains("another memharden is running"))' <<<"$OUT" >/dev/null ||
                fail "JSON error"; }; } && ok
}

test_begin "check and --dry-run take no lock"
R=$(root debian-exposed); hold_lock "$R" && snapshot "$R"
run check --root "$R"
expect_rc 1 && { run apply --dry-run --root "$R"; expect_rc 0 && expect_out "+-l 127.0.0.1"; } &&
{ run check --json --root "$R"; expect_rc 1; } && { run backups --root "$R"; expect_rc 0; } && expect_unchanged "$R" && ok

test_begin "rollback with the lock held elsewhere: exit 5, nothing written"
backed_up_root && hold_lock "$R" && {
        snapshot "$R"
        run rollback --no-restart --timeout 1 --root "$R"
        expect_rc 5 && expect_err "$LOCK_MESSAGE" && expect_unchanged "$R" && ok
}

test_begin "a lock released within --timeout is waited for"
R=$(root debian-exposed)
lock_for 1 "$R"
sleep 0.3
run apply --no-restart --timeout 10 --root "$R"
expect_rc 0 && { [ "$(effective "$R/etc/memcached.conf")" = "$HARDENED_VIEW" ] || fail "not hardened"; } && ok

test_begin "a stale lock file left by a killed run does not block"
R=$(root debian-exposed); mkdir -p "$R$BK"; echo 999999 > "$R$LOCK_FILE"
run apply --no-restart --timeout 1 --root "$R"
expect_rc 0 && ok

finish
