#!/bin/bash
# When a write fails, apply puts its backup back, and its one message says
# whether that worked too: renameat fails for the config (the 3rd rename:
# the backup copy and the manifest come first), then for the restore too.
. "$(dirname "$0")/lib.sh"

command -v strace >/dev/null || { echo "SKIP: strace is not installed"; exit 77; }

# apply_with_failed_renames WHEN: apply with renameat failing from call WHEN
# on. LeakSanitizer cannot run under ptrace (it fails the run with exit 1),
# so leaks are left to the sanitizer build's other tests here.
apply_with_failed_renames() {
        OUT=$(ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
              timeout -k 5 "$CMD_TIMEOUT" strace -f -qq -o /dev/null -e trace=renameat \
                -e inject="renameat:error=EIO:when=$1" "$MEMHARDEN" apply --no-restart --root "$R" 2>"$TMP/stderr")
        RC=$?
        ERR=$(cat "$TMP/stderr")
}

test_begin "a failed write is undone, and the message says so"
R=$(root debian-exposed); cp "$R/etc/memcached.conf" "$TMP/orig"
apply_with_failed_renames 3
{ expect_rc 5 && expect_one_error_line && expect_err "nothing changed: the old config is back in place"; } &&
expect_same "$R/etc/memcached.conf" "$TMP/orig" && ok

test_begin "a failed restore after a failed write is reported, with the backup to use"
R=$(root debian-exposed); cp "$R/etc/memcached.conf" "$TMP/orig"
apply_with_failed_renames 3+
{ expect_rc 5 && expect_one_error_line && expect_err "then cannot restore" &&
  expect_err "restoring the old config failed too: restore by hand with 'memharden rollback 2"; } &&
{ id=$(sed -n "s/.*memharden rollback \([0-9TZ-]*\)'.*/\1/p" <<<"$ERR"); [ -n "$id" ]; } &&
{ run rollback --no-restart --root "$R" "$id"; expect_rc 0; } &&
expect_same "$R/etc/memcached.conf" "$TMP/orig" && ok

finish
