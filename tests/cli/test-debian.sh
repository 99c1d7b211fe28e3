#!/bin/bash
# Debian family: check, dry run, apply, idempotency, rollback, and a table of
# config shapes judged by what memcached would really run with.
. "$(dirname "$0")/lib.sh"

test_begin "check finds the exposure"
R=$(root debian-exposed)
run check --root "$R"
{ expect_rc 1 && expect_out "listen-wildcard" && expect_out "udp-enabled" && expect_out ":35:"; } && ok

test_begin "dry run prints diff -u's patch and writes nothing"
R=$(root debian-exposed); cp "$R/etc/memcached.conf" "$TMP/orig"
run apply --dry-run --root "$R"
expected=$(cd "$R" && sed -e 's/^-l 0.0.0.0$/-l 127.0.0.1/' -e 's/^-U 11211$/-U 0/' etc/memcached.conf > "$TMP/new"; \
           diff -u --label a/etc/memcached.conf --label b/etc/memcached.conf etc/memcached.conf "$TMP/new")
{ expect_rc 0 && expect_same "$R/etc/memcached.conf" "$TMP/orig" && [ "$OUT" = "$expected" ] || fail "diff differs from diff -u"; } &&
{ [ ! -e "$R/var/backups/memharden" ] || fail "dry run made a backup"; } && ok

test_begin "apply hardens what memcached runs with, keeps mode and owner"
R=$(root debian-exposed); cp "$R/etc/memcached.conf" "$TMP/orig"
chmod 0640 "$R/etc/memcached.conf"; chown 1:2 "$R/etc/memcached.conf"
run apply --no-restart --root "$R"
{ expect_rc 0 && [ "$(effective "$R/etc/memcached.conf")" = "listen=127.0.0.1 udp=0 socket=none" ] ||
        fail "effective: $(effective "$R/etc/memcached.conf")"; } &&
{ [ "$(stat -c %a:%u:%g "$R/etc/memcached.conf")" = "640:1:2" ] || fail "mode/owner: $(stat -c %a:%u:%g "$R/etc/memcached.conf")"; } &&
{ [ "$(diff "$TMP/orig" "$R/etc/memcached.conf" | grep -c '^[<>]')" = 4 ] || fail "more than the two lines changed"; } &&
{ b=$(ls "$R/var/backups/memharden"); expect_same "$R/var/backups/memharden/$b/files/etc/memcached.conf" "$TMP/orig"; } &&
{ jq -e --arg s "$(sha256sum < "$TMP/orig" | cut -d' ' -f1)" '.files[0] | .sha256 == $s and .path == "/etc/memcached.conf" and .mode == 416 and .uid == 1 and .gid == 2' \
        "$R/var/backups/memharden/$b/manifest.json" >/dev/null || fail "manifest"; } && ok

test_begin "a second apply changes nothing and makes no backup"
run apply --no-restart --root "$R"
{ expect_rc 0 && expect_err "unchanged" && [ -z "$OUT" ] && [ "$(ls "$R/var/backups/memharden" | wc -l)" = 1 ] || fail "not idempotent"; } && ok

test_begin "check passes after apply"
run check --root "$R"
{ expect_rc 0 && expect_out "compliant"; } && ok

test_begin "rollback restores byte for byte, mode and owner"
run rollback --root "$R"
{ expect_rc 0 && expect_same "$R/etc/memcached.conf" "$TMP/orig" &&
  [ "$(stat -c %a:%u:%g "$R/etc/memcached.conf")" = "640:1:2" ] || fail "rollback"; } && ok

test_begin "a rollback can itself be undone"
cp "$R/etc/memcached.conf" "$TMP/rolled-back"
run apply --no-restart --root "$R"; cp "$R/etc/memcached.conf" "$TMP/hardened"
run rollback --json --root "$R"
undo=$(jq -r .undo_backup <<<"$OUT")
{ expect_rc 0 && [ "$undo" != null ] && expect_same "$R/etc/memcached.conf" "$TMP/rolled-back"; } &&
{ run rollback "$undo" --root "$R"; expect_rc 0 && expect_same "$R/etc/memcached.conf" "$TMP/hardened"; } &&
{ run rollback --root "$R"; expect_rc 0; } && ok

test_begin "backups lists the run"
run backups --root "$R"
{ expect_rc 0 && expect_out "/etc/memcached.conf"; } && ok

test_begin "backups --json: each file as its manifest records it, with a copy that matches"
run backups --json --root "$R"
bad=$(jq -r '.backups[] | .id as $id | .files[] | [$id, .path, .copy, (.mode | tostring), (.uid | tostring),
                                                   (.gid | tostring), .sha256] | @tsv' <<<"$OUT" |
      while IFS=$'\t' read -r id path copy mode uid gid sum; do
              m="$R/var/backups/memharden/$id/manifest.json"
              want=$(jq -r --arg p "$path" '.files[] | select(.path == $p) |
                     [(.mode | tostring), (.uid | tostring), (.gid | tostring), .sha256] | @tsv' "$m")
              [ "$want" = "$mode	$uid	$gid	$sum" ] &&
              [ "$copy" = "/var/backups/memharden/$id/files$path" ] &&
              [ "$(sha256sum < "$R$copy" | cut -d' ' -f1)" = "$sum" ] || echo "$id $path"
      done)
n=$(jq '[.backups[].files[]] | length' <<<"$OUT")
{ expect_rc 0 && [ "$n" -ge 3 ] && [ -z "$bad" ] || fail "n=$n, mismatched: $bad"; } && ok

test_begin "rollback refuses a damaged backup and changes nothing"
run apply --no-restart --root "$R"; cp "$R/etc/memcached.conf" "$TMP/hardened"
b=$(ls "$R/var/backups/memharden" | tail -1); echo "-U 1" >> "$R/var/backups/memharden/$b/files/etc/memcached.conf"
run rollback "$b" --root "$R"
{ [ "$RC" -ne 0 ] && expect_err "checksum" && expect_same "$R/etc/memcached.conf" "$TMP/hardened"; } && ok

# shape | config text | memcached's view after apply
shapes debian-exposed /etc/memcached.conf <<'CASES'
already hardened, one line|-m 64\n-l 127.0.0.1 -U 0\n|listen=127.0.0.1 udp=0 socket=none
stacked flags and long forms|-vv\n--listen=0.0.0.0\n-U0\n|listen=127.0.0.1 udp=0 socket=none
keeps a private address|-l 10.0.0.5,0.0.0.0\n|listen=10.0.0.5 udp=0 socket=none
drops a public -l, keeps a private one|-l 1.2.3.4\n-l 192.168.1.5:11211\n|listen=192.168.1.5:11211 udp=0 socket=none
attached values, indent, trailing comment|  -l127.0.0.1 -U11211 # legacy\n|listen=127.0.0.1 udp=0 socket=none
a -d line is ignored by the start script|-d -l 127.0.0.1\n-m 64\n|listen=127.0.0.1 udp=0 socket=none
no final newline|-m 64\n-l 0.0.0.0|listen=127.0.0.1 udp=0 socket=none
unix socket only|-s /run/memcached/memcached.sock\n|listen=any udp=0 socket=/run/memcached/memcached.sock
several -U, the last wins|--udp-port 11211\n-U 5\n-l ::1\n|listen=::1 udp=0 socket=none
IPv6 wildcard with port|-l [::]:11211,[::1]:11211\n|listen=[::1]:11211 udp=0 socket=none
notls prefix|-l notls:0.0.0.0:11211\n|listen=127.0.0.1 udp=0 socket=none
directive and clusters|logfile /var/log/memcached.log\n-dk\n-p 11211 -U 11211\n|listen=127.0.0.1 udp=0 socket=none
empty file|\n|listen=127.0.0.1 udp=0 socket=none
zero-byte file||listen=127.0.0.1 udp=0 socket=none
localhost is loopback|-l localhost\n|listen=localhost udp=0 socket=none
a removed line keeps its comment|-l 127.0.0.1\n-U 0\n-U 11211 # old udp\n|listen=127.0.0.1 udp=0 socket=none
removal inside a cluster|-l 127.0.0.1\n-U 0\n-kU 11211 -m 64\n|listen=127.0.0.1 udp=0 socket=none
two -U on one line, tabs kept|\t-l\t0.0.0.0 -U 11211\t-U 5   # x\n|listen=127.0.0.1 udp=0 socket=none
additions before empty trailing lines|-m 64\n# end\n\n\n|listen=127.0.0.1 udp=0 socket=none
additions before blank lines with spaces|-m 64\n  \n\t\n|listen=127.0.0.1 udp=0 socket=none
only comments|# nothing here\n|listen=127.0.0.1 udp=0 socket=none
CASES

test_begin "--listen sets exactly the requested addresses"
R=$(root debian-exposed)
run apply --no-restart --listen 10.1.2.3,127.0.0.1 --root "$R"
{ expect_rc 0 && [ "$(effective "$R/etc/memcached.conf")" = "listen=10.1.2.3,127.0.0.1 udp=0 socket=none" ] ||
        fail "effective: $(effective "$R/etc/memcached.conf")"; } && ok

test_begin "per-instance configs are hardened too"
R=$(root debian-exposed)
printf -- '-p 11212\n-l 0.0.0.0\n' > "$R/etc/memcached_b.conf"
run apply --no-restart --root "$R"
{ expect_rc 0 && [ "$(effective "$R/etc/memcached_b.conf")" = "listen=127.0.0.1 udp=0 socket=none" ] ||
        fail "instance: $(effective "$R/etc/memcached_b.conf")"; } && ok

test_begin "JSON is one document with the contract's fields"
R=$(root debian-exposed)
run apply --dry-run --json --root "$R"
{ expect_rc 0 && jq -e '.profile == "debian" and .changed == true and .compliant == false and .dry_run == true
        and (.files[0] | .path == "/etc/memcached.conf" and .changed and (.diff | startswith("--- a/etc/memcached.conf")) and .backup == null)
        and ([.findings[].id] | index("udp-enabled") != null) and (.findings[0] | has("severity") and has("message"))' <<<"$OUT" >/dev/null ||
        fail "JSON contract"; } && ok

test_begin "JSON after a real apply names the backup"
run apply --no-restart --json --root "$R"
{ expect_rc 0 && jq -e '.changed and .compliant and (.backup | type == "string") and (.files[0].backup | startswith("/var/backups/memharden/"))' <<<"$OUT" >/dev/null ||
        fail "JSON apply"; } && ok

finish
