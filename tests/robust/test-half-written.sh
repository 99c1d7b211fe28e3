#!/bin/bash
# Half-written backups (a run killed while backing up) never block:
# `backups` lists them as incomplete or damaged, `rollback` without an id
# skips them for the newest complete backup, `rollback ID` of one exits 3.
. "$(dirname "$0")/lib.sh"

# half NAME SETUP: backup $FORGED (newer than the real one) is left in the
# state SETUP makes it, from a copy of backup B0
half() {
        test_begin "$1"
        backed_up_root || return
        mkdir -p "$R$BK/$FORGED"
        local M=$R$BK/$FORGED/manifest.json
        eval "$2"
        snapshot "$R"

        backups_json "$R" || return
        jq -e --arg id "$FORGED" --arg b0 "$B0" '
                (.backups[] | select(.id == $id) | (.status == "incomplete" or .status == "damaged") and (.error | type == "string" and length > 0)) and
                (.backups[] | select(.id == $b0) | .status == "complete" and (has("error") | not))' <<<"$BJ" >/dev/null ||
                { fail "backups --json: $FORGED not listed as incomplete/damaged with an error, or $B0 not complete"; return; }
        run backups --root "$R"
        expect_rc 0 && expect_out "$FORGED" && expect_out "$B0" || return
        run rollback "$FORGED" --no-restart --root "$R"
        expect_rc 3 && expect_err "$FORGED" && expect_unchanged "$R" || return
        run rollback --no-restart --root "$R"
        expect_rc 0 && expect_same "$R/etc/memcached.conf" "$TMP/orig.conf" || return
        # and what that rollback kept is a complete backup
        [ -z "$(verify_backup "$R" "$(ls "$R$BK" | grep -vx -e "$B0" -e "$FORGED")")" ] || { fail "the undo backup is not whole"; return; }
        ok
}

half "an empty backup directory" ':'
half "a backup directory without manifest.json" 'cp -a "$R$BK/$B0/files" "$R$BK/$FORGED/"'
half "a truncated manifest.json" 'cp -a "$R$BK/$B0/files" "$R$BK/$FORGED/"; jq --arg id "$FORGED" ".id = \$id" "$R$BK/$B0/manifest.json" | head -c 60 > "$M"'
half "an empty manifest.json" 'cp -a "$R$BK/$B0/files" "$R$BK/$FORGED/"; : > "$M"'
half "a manifest.json that is not JSON" 'cp -a "$R$BK/$B0/files" "$R$BK/$FORGED/"; printf "\x00\x01garbage" > "$M"'
half "a copy missing" 'jq --arg id "$FORGED" ".id = \$id" "$R$BK/$B0/manifest.json" > "$M"'
half "a copy truncated" 'cp -a "$R$BK/$B0/files" "$R$BK/$FORGED/"; jq --arg id "$FORGED" ".id = \$id" "$R$BK/$B0/manifest.json" > "$M"; truncate -s 10 "$R$BK/$FORGED/files/etc/memcached.conf"'
half "a leftover temp file instead of the manifest" 'cp -a "$R$BK/$B0/files" "$R$BK/$FORGED/"; head -c 30 "$R$BK/$B0/manifest.json" > "$M.memharden.AbC123"'

test_begin "several half-written backups around complete ones"
backed_up_root && {
        run rollback --no-restart --root "$R"; B1=$(ls "$R$BK" | grep -vx "$B0")
        for id in 20000101T000000Z "$B0-9" 20991231T235959Z "$FORGED"; do mkdir -p "$R$BK/$id/files"; done
        : > "$R$BK/20991231T235959Z/manifest.json"
        backups_json "$R" && {
                jq -e '[.backups[] | select(.status == "complete")] | length == 2' <<<"$BJ" >/dev/null &&
                jq -e '[.backups[] | select(.status != "complete")] | length == 4' <<<"$BJ" >/dev/null ||
                        fail "expected 2 complete and 4 other backups"; } &&
        { run rollback --no-restart --root "$R"; expect_rc 0 && expect_same "$R/etc/memcached.conf" "$TMP/hard.conf"; } &&
        { [ -n "$B1" ] || fail "no undo backup"; } && ok
}

test_begin "only half-written backups: rollback says there is nothing to restore"
R=$(root debian-exposed); mkdir -p "$R$BK/$FORGED/files"; snapshot "$R"
run rollback --no-restart --root "$R"
expect_rc 3 && expect_unchanged "$R" && { backups_json "$R"; } && ok

finish
