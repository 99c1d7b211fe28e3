#!/bin/bash
# Odd but legal instance file names, and control bytes in a config.
. "$(dirname "$0")/lib.sh"

# files R: every path in R but the backups (and the /var they make)
files() { (cd "$1" && find . -path ./var/backups -prune -o -print | grep -vx ./var | sort); }

for name in 'x\y' 'a[1]' 'a|b' 'a b' "a'b" 'a*' 'a]b[' 'a"b'; do
        f="/etc/memcached_$name.conf"
        test_begin "instance file '$f': checked and hardened, exactly that file"
        R=$(root debian-hardened)
        printf -- '-p 11212\n-l 0.0.0.0\n' > "$R$f"
        files "$R" > "$TMP/files.before"; cp "$R/etc/memcached.conf" "$TMP/main.before"
        run check --root "$R"
        expect_rc 1 && expect_out "$f" || continue
        run check --json --root "$R"
        { expect_rc 1 && jq -e --arg f "$f" '[.files[] | select(.path == $f and .compliant == false)] | length == 1' <<<"$OUT" >/dev/null; } ||
                { fail "check --json does not name '$f' as not compliant"; continue; }
        run apply --no-restart --root "$R"
        expect_rc 0 &&
        { [ "$(effective "$R$f")" = "$HARDENED_VIEW" ] || fail "'$f' gives $(effective "$R$f")"; } &&
        expect_same "$R/etc/memcached.conf" "$TMP/main.before" &&
        { files "$R" | diff "$TMP/files.before" - >/dev/null || fail "files appeared or vanished: $(files "$R" | diff "$TMP/files.before" -)"; } &&
        { run check --root "$R"; expect_rc 0; } && ok
done

# control BYTES LINE: a config whose line LINE holds a control byte
control() {
        test_begin "control bytes: $1"
        R=$(root debian-exposed)
        printf -- "$2" > "$R/etc/memcached.conf"; snapshot "$R"
        run apply --no-restart --root "$R"
        expect_rc 3 && expect_err "/etc/memcached.conf" && expect_err "line $3" && expect_one_error_line && expect_unchanged "$R" &&
        { run check --root "$R"; expect_rc 3 && expect_err "line $3"; } &&
        { run apply --dry-run --root "$R"; expect_rc 3; } &&
        { run apply --json --no-restart --root "$R"
          expect_rc 3 && { jq -e -s 'length == 1 and (.[0].error | type == "object") and (.[0].error.exit_code == 3)' <<<"$OUT" >/dev/null ||
                fail "--json is not one document with an error object"; }; } &&
        expect_unchanged "$R" && ok
}
control 'EOT after a value' '-m 64\004 \n\t\n' 1
control 'escape in a -l value' '-m 64\n# listen\n-l 0.0.0.0\033[2J\n' 3
control 'BEL alone on a line' '-m 64\n\a\n-U 0\n' 2

test_begin "control bytes in a RHEL OPTIONS value"
R=$(root rhel-exposed)
printf 'PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 0.0.0.0\004"\n' > "$R/etc/sysconfig/memcached"; snapshot "$R"
run apply --no-restart --root "$R"
expect_rc 3 && expect_err "line 5" && expect_unchanged "$R" && ok

finish
