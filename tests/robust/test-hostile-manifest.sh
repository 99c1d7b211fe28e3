#!/bin/bash
# Hostile backups: a manifest that names a path outside the root, with "..",
# relative, with control characters or not memcached's, or with fields of
# the wrong type or range. rollback refuses it (exit 3, naming the backup
# and the field) and writes nothing, inside the root or out; `backups`
# still lists it, as damaged.
. "$(dirname "$0")/lib.sh"

# refused_path NAME PATH: a forged backup of PATH is refused and nothing
# is written anywhere
refused_path() {
        test_begin "manifest path $1"
        canary_make
        backed_up_root || return
        forge "$R" "$FORGED" "$2" $'-l 0.0.0.0\n'
        snapshot "$R"
        run rollback "$FORGED" --no-restart --root "$R"
        expect_rc 3 && expect_err "$FORGED" && expect_err "path" && expect_one_error_line &&
                expect_unchanged "$R" && expect_canary || return
        # without an id the forged backup is skipped: the real one is restored
        run rollback --no-restart --root "$R"
        expect_rc 0 && expect_same "$R/etc/memcached.conf" "$TMP/orig.conf" && expect_canary &&
                { [ ! -e "$CANARY/newfile" ] || fail "wrote outside the root"; } &&
                { backups_json "$R" && jq -e --arg id "$FORGED" '.backups[] | select(.id == $id) |
                        .status == "damaged" and (.error | type == "string" and length > 0)' <<<"$BJ" >/dev/null ||
                        fail "backups --json does not list $FORGED as damaged"; } && ok
}

# The root is three levels below / ($TMP/root.N): five ".." from the copy
# directory land on the root, from the root on /.
refused_path "climbing out of the root" "/../../../../..$TMP/canary/newfile"
refused_path "with .. inside the root" "/etc/../etc/memcached.conf"
refused_path "relative" "etc/memcached.conf"
refused_path "empty" ""
refused_path "with a control character" $'/etc/memcached\001.conf'
refused_path "with a newline" $'/etc/memcached.conf\n'
refused_path "with an escape sequence" $'/etc/memcached_\033[2J.conf'
refused_path "/etc/passwd, not memcached's" "/etc/passwd"
refused_path "/root/.ssh/authorized_keys, not memcached's" "/root/.ssh/authorized_keys"
refused_path "a backup's own file" "$BK/$FORGED/manifest.json"

# damaged FIELD JQ-FILTER: backup B0's manifest, changed by the filter, as
# a newer backup: rollback names the backup and the field, backups lists it
damaged() {
        test_begin "manifest field $1: $2"
        backed_up_root || return
        cp -a "$R$BK/$B0" "$R$BK/$FORGED"
        jq "$2 | .id = \"$FORGED\"" "$R$BK/$B0/manifest.json" > "$R$BK/$FORGED/manifest.json" ||
                { fail "jq"; return; }
        snapshot "$R"
        run rollback "$FORGED" --no-restart --root "$R"
        expect_rc 3 && expect_err "$FORGED" && expect_err "$1" && expect_one_error_line && expect_unchanged "$R" || return
        backups_json "$R" || return
        jq -e --arg id "$FORGED" --arg b0 "$B0" '
                (.backups[] | select(.id == $id) | .status == "damaged" and (.error | type == "string" and length > 0)) and
                (.backups[] | select(.id == $b0) | .status == "complete")' <<<"$BJ" >/dev/null ||
                { fail "backups --json: $FORGED not damaged or $B0 not complete"; return; }
        run backups --root "$R"
        expect_rc 0 && expect_out "$FORGED" && ok
}

damaged mode '.files[0].mode = null'
damaged mode '.files[0].mode = "420"'
damaged mode '.files[0].mode = 1e30'
damaged mode '.files[0].mode = 99999'
damaged mode '.files[0].mode = -1'
damaged mode '.files[0].mode = 420.5'
damaged mode 'del(.files[0].mode)'
damaged uid '.files[0].uid = -1'
damaged uid '.files[0].uid = 4294967296'
damaged uid '.files[0].uid = 1e30'
damaged uid '.files[0].uid = null'
damaged uid '.files[0].uid = "0"'
damaged gid '.files[0].gid = -5'
damaged gid '.files[0].gid = 99999999999'
damaged gid 'del(.files[0].gid)'
damaged sha256 'del(.files[0].sha256)'
damaged sha256 '.files[0].sha256 = 5'
damaged sha256 '.files[0].sha256 = ("z" * 64)'
damaged path '.files[0].path = null'
damaged path '.files[0].path = 7'
damaged path 'del(.files[0].path)'
damaged files '.files = null'
damaged files '.files = {}'
damaged files 'del(.files)'
damaged 'entry 1' '.files[0] = "x"'

finish
