#!/bin/bash
# What a first run meets: the help of each command, a host without
# memcached, the listing of backups, and what rollback says it did.
. "$(dirname "$0")/lib.sh"

NOT_INSTALLED="memcached is not installed; nothing to check"

# ---- help ----

test_begin "help COMMAND and COMMAND --help: each option with what it does and an example"
for cmd in check apply rollback backups; do
        run help "$cmd"; help_out=$OUT
        { expect_rc 0 && expect_out "usage: memharden $cmd " && expect_out "Options:"; } || break
        run "$cmd" --help
        { expect_rc 0 && [ "$OUT" = "$help_out" ] || fail "'$cmd --help' differs from 'help $cmd'"; } || break
        # Every option of the usage line has its own entry and example.
        opts=$(sed -n 1p <<<"$help_out" | grep -o '\[-[-a-z]*' | tr -d '[')
        [ -n "$opts" ] || { fail "no options in the usage line of $cmd"; break; }
        for o in $opts; do
                grep -qE "^  (-[a-z], )?$o( |,|$)" <<<"$help_out" || { fail "$cmd: no entry for $o"; break 2; }
                grep -qE "^ +e\.g\. memharden $cmd $o( |$)" <<<"$help_out" || { fail "$cmd: no example of $o"; break 2; }
        done
done && ok

test_begin "rollback's help names its BACKUP argument, with an example"
run help rollback
{ expect_rc 0 && expect_out "usage: memharden rollback [BACKUP]" && expect_out "e.g. memharden rollback 2"; } && ok

test_begin "-V and --version print the version, and the help says so"
run -V; { expect_rc 0 && expect_out "memharden "; } && v=$OUT &&
{ run --version; expect_rc 0 && [ "$OUT" = "$v" ] || fail "-V and --version differ"; } &&
{ run --help; expect_rc 0 && expect_out "  -V, --version"; } && ok

# ---- a host without memcached ----

# bare ID: a root with only os-release, ID=ID: no config file, no binary.
bare() {
        local d="$TMP/bare.$RANDOM$RANDOM"
        mkdir -p "$d/etc"
        printf 'ID=%s\n' "$1" >"$d/etc/os-release"
        echo "$d"
}

test_begin "no config and no binary: check and apply exit 0, say memcached is not installed, write nothing"
for id in debian rhel opensuse-leap arch; do
        R=$(bare "$id"); cp -a "$R" "$TMP/bare.before"
        run check --root "$R"
        { expect_rc 0 && [ "$OUT" = "$NOT_INSTALLED" ] || fail "$id: check"; } || break
        for a in "" --dry-run --no-restart; do
                run apply $a --root "$R"
                { expect_rc 0 && [ -z "$OUT" ] && [ "$ERR" = "$NOT_INSTALLED" ] || fail "$id: apply $a"; } || break 2
        done
        { diff -r "$TMP/bare.before" "$R" >/dev/null || fail "$id: files changed"; } || break
        rm -rf "$TMP/bare.before"
done && ok

test_begin "not installed, in JSON: \"installed\": false, compliant, nothing changed"
R=$(bare debian)
run check --json --root "$R"
{ expect_rc 0 && jq -e '.installed == false and .compliant == true and .changed == false and .files == [] and
                        .findings == [] and (has("error") | not)' <<<"$OUT" >/dev/null || fail "check JSON"; } &&
{ run apply --json --root "$R"; expect_rc 0 &&
  jq -e '.installed == false and .compliant == true and .changed == false and .backup == null' <<<"$OUT" >/dev/null ||
        fail "apply JSON"; } &&
{ run check -q --root "$R"; expect_rc 0 && [ -z "$OUT$ERR" ] || fail "-q printed something"; } && ok

test_begin "an installed memcached is \"installed\": true"
R=$(root debian-exposed)
run check --json --root "$R"
{ expect_rc 1 && jq -e '.installed == true' <<<"$OUT" >/dev/null; } &&
{ run apply --dry-run --json --root "$R"; expect_rc 0 && jq -e '.installed == true' <<<"$OUT" >/dev/null; } && ok

test_begin "a memcached binary without a config file stays exit 3, for each family"
for id in debian rhel opensuse-leap; do
        for bin in /usr/bin/memcached /usr/sbin/memcached /usr/local/bin/memcached; do
                R=$(bare "$id"); mkdir -p "$R${bin%/*}"; : >"$R$bin"
                run check --root "$R"
                { expect_rc 3 && expect_err "no such file; memcached is installed without it" || fail "$id $bin"; } ||
                        break 2
                run apply --root "$R"
                { expect_rc 3 && [ ! -e "$R/var" ] || fail "$id $bin: apply"; } || break 2
        done
done && ok

test_begin "a binary reached through the image's own /usr merge link counts, and one outside the root does not"
R=$(bare debian); mkdir -p "$R/usr/bin"; : >"$R/usr/bin/memcached"; ln -s usr/bin "$R/bin"; rm "$R/usr/bin/memcached"
mkdir -p "$R/usr/lib"; : >"$R/usr/lib/memcached"; ln -s /usr/lib/memcached "$R/usr/bin/memcached"
run check --root "$R"
expect_rc 3 &&
{ R=$(bare debian); ln -s "$TMP" "$R/usr"; mkdir -p "$TMP/bin"; : >"$TMP/bin/memcached"
  run check --root "$R"; expect_rc 0 && [ "$OUT" = "$NOT_INSTALLED" ] || fail "a link out of the root was followed"; } && ok

test_begin "a config that is a dangling link, a directory, or behind a link out of the root is no absence: exit 3"
R=$(bare debian); ln -s /nowhere/memcached.conf "$R/etc/memcached.conf"
run check --root "$R"; { expect_rc 3 && expect_err "no such file" || fail "dangling link"; } &&
{ R=$(bare debian); mkdir "$R/etc/memcached.conf"; run apply --root "$R"; expect_rc 3 && expect_err "it is a directory" ||
        fail "a directory"; } &&
{ R=$(bare rhel); ln -s "$TMP/nowhere" "$R/etc/sysconfig"; run check --root "$R"; expect_rc 3 || fail "/etc/sysconfig out of the root"; } &&
ok

test_begin "a family memharden does not know: nothing of memcached is not installed (exit 0); its binary or any family's config is exit 3"
for id in freebsd ""; do
        R=$(bare "$id"); [ -n "$id" ] || rm "$R/etc/os-release"
        run check --root "$R"
        { expect_rc 0 && [ "$OUT" = "$NOT_INSTALLED" ] || fail "'$id': check"; } || break
        run apply --json --root "$R"
        { expect_rc 0 && jq -e '.installed == false and .profile == null and .changed == false' <<<"$OUT" >/dev/null ||
                fail "'$id': apply JSON"; } || break
done &&
for f in /usr/sbin/memcached /etc/memcached.conf /etc/sysconfig/memcached /etc/conf.d/memcached; do
        R=$(bare freebsd); mkdir -p "$R${f%/*}"; : >"$R$f"
        run check --root "$R"
        { expect_rc 3 && expect_err "is of none of the Debian, RHEL" || fail "with $f"; } || break
done && ok

test_begin "a config without a binary is judged as before (an image with memcached elsewhere)"
R=$(root debian-exposed)
run check --root "$R"
{ expect_rc 1 && expect_out "listen-wildcard"; } && ok

test_begin "arch: a unit of memcached is judged without a binary; no unit and no binary is not installed"
R=$(bare arch); mkdir -p "$R/usr/lib/systemd/system"
printf '[Service]\nExecStart=/usr/bin/memcached -l 0.0.0.0\n' >"$R/usr/lib/systemd/system/memcached.service"
run check --root "$R"
{ expect_rc 1 && expect_out "listen-wildcard"; } &&
{ rm "$R/usr/lib/systemd/system/memcached.service"; mkdir -p "$R/usr/bin"; : >"$R/usr/bin/memcached"
  run check --root "$R"; expect_rc 0 && expect_out "compliant" && ! grep -q "not installed" <<<"$OUT" || fail "arch with a binary"; } && ok

# ---- backups ----

# column_starts LINE: the offset of each column of LINE (two blanks apart).
column_starts() { awk '{ s = $0; o = 0; printf "0"; while (match(s, /  +[^ ]/)) { o += RSTART + RLENGTH - 1; printf " %d", o - 1; s = substr(s, RSTART + RLENGTH - 1) } print "" }' <<<"$1"; }

test_begin "backups: a header, then one aligned line per backup with what it was for"
R=$(root debian-exposed)
run apply --no-restart --root "$R"; run rollback --no-restart --root "$R"
run apply --no-restart --root "$R"; run rollback --no-restart --root "$R"
run backups --root "$R"
header=$(sed -n 1p <<<"$OUT")
{ expect_rc 0 && [[ "$header" =~ ^ID\ +CREATED\ +FOR\ +FILES$ ]] || fail "header: '$header'"; } &&
{ [ "$(wc -l <<<"$OUT")" = 5 ] || fail "not one line per backup"; } &&
{ want=$(column_starts "$header"); bad=""
  while read -r line; do [ "$(column_starts "$line")" = "$want" ] || bad="$bad|$line"; done < <(sed 1d <<<"$OUT")
  [ -z "$bad" ] || fail "not aligned with '$header' ($want): $bad"; } &&
{ [ "$(sed 1d <<<"$OUT" | awk '{ print $3 }' | tr '\n' ' ')" = "apply rollback-undo apply rollback-undo " ] ||
        fail "FOR column"; } &&
{ [ "$(sed 1d <<<"$OUT" | awk '{ print $4 }' | sort -u)" = /etc/memcached.conf ] || fail "FILES column"; } &&
{ ! sed 1d <<<"$OUT" | awk '{ print $2 }' | grep -qvE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$' || fail "CREATED column"; } && ok

test_begin "backups: ids of different lengths stay aligned; damaged and incomplete ones say why"
b=$(ls "$R/var/backups/memharden" | head -1)
mkdir "$R/var/backups/memharden/${b}-17"           # no manifest
cp -a "$R/var/backups/memharden/$b" "$R/var/backups/memharden/${b}-9"
echo "-U 1" >>"$R/var/backups/memharden/${b}-9/files/etc/memcached.conf"
run backups --root "$R"
header=$(sed -n 1p <<<"$OUT"); want=$(column_starts "$header")
{ expect_rc 0 && expect_out "incomplete: no manifest.json" && expect_out "damaged: copy of /etc/memcached.conf: checksum mismatch"; } &&
{ bad=""; while read -r line; do [ "$(column_starts "$line" | cut -d' ' -f1-4)" = "$want" ] || bad="$bad|$line"; done < <(sed 1d <<<"$OUT")
  [ -z "$bad" ] || fail "not aligned: $bad"; } &&
{ grep -E "^${b}-17 +- +- +incomplete" <<<"$OUT" >/dev/null || fail "unknown fields are not '-'"; } && ok

test_begin "backups: an older manifest without a reason shows '-', and JSON has \"reason\""
R=$(root debian-exposed)
run apply --no-restart --root "$R"
b=$(ls "$R/var/backups/memharden")
m="$R/var/backups/memharden/$b/manifest.json"
jq -e '.reason == "apply"' "$m" >/dev/null || fail "the manifest does not record the reason" &&
{ run backups --json --root "$R"; jq -e '.backups[0].reason == "apply"' <<<"$OUT" >/dev/null || fail "JSON reason"; } &&
{ jq 'del(.reason)' "$m" >"$TMP/m" && cat "$TMP/m" >"$m"
  run backups --root "$R"; expect_rc 0 && grep -qE "^$b +[0-9TZ:-]+ +- +/etc/memcached.conf$" <<<"$OUT" || fail "old manifest"; } &&
{ run backups --json --root "$R"; jq -e '.backups[0].reason == null and .backups[0].status == "complete"' <<<"$OUT" >/dev/null ||
        fail "old manifest in JSON"; } &&
{ run rollback --no-restart --root "$R"; expect_rc 0 || fail "an older backup no longer restores"; } && ok

test_begin "backups -q: the lines without the header; none: 'no backups'"
run backups -q --root "$R"
{ expect_rc 0 && ! grep -q '^ID ' <<<"$OUT" && [ "$(wc -l <<<"$OUT")" = 2 ] || fail "-q"; } &&
{ R=$(root debian-exposed); run backups --root "$R"; expect_rc 0 && [ "$OUT" = "no backups" ] || fail "none"; } && ok

# ---- rollback's words ----

test_begin "rollback speaks of the restored settings, apply of the new ones"
R=$(root debian-exposed)
run apply --root "$R"
{ expect_rc 0 && expect_err "the new settings take effect"; } &&
{ run rollback --root "$R"; expect_rc 0 && expect_err "the restored settings take effect" &&
  ! grep -q "new settings" <<<"$ERR" || fail "rollback says 'new settings'"; } &&
{ run apply --no-restart --root "$R"; run rollback --no-restart --root "$R"
  expect_rc 0 && expect_err "not restarted (--no-restart): the restored settings take effect" &&
  ! grep -q "new settings" <<<"$ERR" || fail "rollback --no-restart"; } &&
{ run apply --no-restart --root "$R"; run rollback --json --root "$R"
  jq -e '[.services[].message] | length > 0 and all(test("restored settings")) and all(test("new settings") | not)' \
        <<<"$OUT" >/dev/null || fail "JSON"; } && ok

finish
