#!/bin/bash
# The unit store from the command line, judged by the oracle alone
# (tests/oracle: systemd's unit rules as mcargs --unit-listeners reads them,
# written from systemd's manuals, and memcached's own listener grammar):
# for each unit shape real hosts have, in a copy of a fixture root,
#   - check exits 1 and names the file the value comes from (for a drop-in
#     still to be written, the unit and the file its command line is in);
#   - the dry run writes nothing and shows exactly what apply writes (a new
#     drop-in as a diff from /dev/null);
#   - after apply the unit exposes nothing, keeps every safe listener, check
#     passes and a second apply changes nothing;
#   - vendor units and templates are never edited;
#   - rollback puts the tree back byte for byte, removing a created drop-in.
. "$(dirname "$0")/lib.sh"

S=/etc/systemd/system
V=/usr/lib/systemd/system

# snapshot R: a copy of R's etc and usr to compare against, backups aside
snapshot() { rm -rf "$TMP/snap"; mkdir -p "$TMP/snap"; cp -a "$1/etc" "$1/usr" "$TMP/snap/" 2>/dev/null || cp -a "$1/etc" "$TMP/snap/"; }
same_tree() { diff -r --no-dereference "$TMP/snap/etc" "$1/etc" >/dev/null && { [ ! -d "$1/usr" ] || diff -r --no-dereference "$TMP/snap/usr" "$1/usr" >/dev/null; }; }

# written R FILE...: what apply wrote, as the dry run would show it
written() {
        local r=$1 f
        shift
        for f in "$@"; do
                if [ -e "$TMP/snap${f}" ]; then
                        diff -u --label "a${f}" --label "b${f}" "$TMP/snap${f}" "$r$f"
                else
                        diff -u --label /dev/null --label "b${f}" /dev/null "$r$f"
                fi
        done
}

# unit_case NAME FIXTURE UNIT FILE... (the files apply may write; stdin
# sets up the root in "$R")
unit_case() {
        local name=$1 fixture=$2 unit=$3 before after preview missing
        shift 3
        test_begin "units: $name"
        R=$(root "$fixture")
        eval "$(cat)"
        before=$("$MCARGS" --unit-listeners "$R" "$unit") || { fail "the oracle cannot read $unit: $before"; return; }
        [ -n "$(unsafe "$before")" ] || { fail "the case is not exposed to begin with: $before"; return; }
        snapshot "$R"
        run check --root "$R"
        expect_rc 1 || return
        # It names the file to edit, or (a drop-in to create) the unit.
        local named=$1
        [ -e "$R$1" ] || named="$unit ("
        grep -qF -- "$named" <<<"$OUT$ERR" || { fail "check does not name $named"; return; }
        run apply --dry-run --root "$R"
        preview=$OUT
        { expect_rc 0 && same_tree "$R"; } || { fail "the dry run changed the tree"; return; }
        run apply --no-restart --root "$R"
        expect_rc 0 || return
        [ "$preview" = "$(written "$R" "$@")" ] || { fail "dry run showed a different diff than apply wrote:
$preview
---- written:
$(written "$R" "$@")"; return; }
        diff -r --no-dereference "$TMP/snap/usr" "$R/usr" >/dev/null 2>&1 || [ ! -d "$R/usr" ] || { fail "a vendor unit was edited"; return; }
        after=$("$MCARGS" --unit-listeners "$R" "$unit")
        [ -z "$(unsafe "$after")" ] || { fail "still exposed after apply: $(unsafe "$after" | tr '\n' ' ')(oracle: $after)"; return; }
        missing=$(comm -23 <(safe_tcp "$before") <(listener_set "$after"))
        [ -z "$missing" ] || { fail "safe listeners dropped: $(tr '\n' ' ' <<<"$missing")(before: $before; after: $after)"; return; }
        run check --root "$R"
        expect_rc 0 || return
        run apply --no-restart --root "$R"
        { expect_rc 0 && expect_err "unchanged"; } || return
        run rollback --no-restart --root "$R"
        expect_rc 0 || return
        same_tree "$R" || { fail "rollback did not put the tree back: $(diff -r --no-dereference "$TMP/snap/etc" "$R/etc")"; return; }
        ok
}

PUPPET='[Unit]
Description=memcached daemon

[Service]
User=memcache
Environment=CACHESIZE=64
Environment=MAXCONN=1024
Environment="LISTEN=-l 0.0.0.0"
Environment="OPTIONS=-U 11211 -v"
ExecStart=/usr/bin/memcached -p %i -m ${CACHESIZE} -c ${MAXCONN} $LISTEN $OPTIONS
Restart=always

[Install]
WantedBy=multi-user.target'

unit_case "Puppet's template instance: an Environment= drop-in" debian-hardened memcached@11211.service \
        "$S/memcached@11211.service.d/50-memharden.conf" <<EOF
mkdir -p "\$R$S/multi-user.target.wants"
printf '%s\n' '$PUPPET' >"\$R$S/memcached@.service"
ln -s $S/memcached@.service "\$R$S/multi-user.target.wants/memcached@11211.service"
EOF

unit_case "Puppet's instance with its own override: edited in place" debian-hardened memcached@11212.service \
        "$S/memcached@11212.service.d/override.conf" <<EOF
mkdir -p "\$R$S/multi-user.target.wants" "\$R$S/memcached@11212.service.d"
printf '%s\n' '$PUPPET' >"\$R$S/memcached@.service"
ln -s $S/memcached@.service "\$R$S/multi-user.target.wants/memcached@11212.service"
printf '[Service]\nEnvironment="LISTEN=-l 10.0.0.5,0.0.0.0" "OPTIONS=-U 11212"\n' >"\$R$S/memcached@11212.service.d/override.conf"
EOF

unit_case "Chef's own unit, ExecStart over continued lines: edited in place" debian-hardened \
        memcached_sessions.service "$S/memcached_sessions.service" <<EOF
mkdir -p "\$R$S"
cat >"\$R$S/memcached_sessions.service" <<'UNIT'
# Systemd unit file for sessions

[Unit]
Description=memcached instance sessions
After=network.target

[Service]
ExecStart=/usr/bin/memcached \\
  -m 64 \\
  -U 11211 \\
  -p 11211 \\
  -u memcache \\
  -l 0.0.0.0 \\
  -c 1024

[Install]
WantedBy=multi-user.target
UNIT
EOF

unit_case "an admin's drop-in overriding Debian's ExecStart=" debian-hardened memcached.service \
        "$S/memcached.service.d/override.conf" <<EOF
mkdir -p "\$R$V" "\$R$S/memcached.service.d"
cp /lib/systemd/system/memcached.service "\$R$V/memcached.service" 2>/dev/null ||
        printf '[Service]\nExecStart=/usr/share/memcached/scripts/systemd-memcached-wrapper /etc/memcached.conf\n' >"\$R$V/memcached.service"
printf '[Service]\nExecStart=\nExecStart=/usr/bin/memcached -u memcache -l 127.0.0.1,0.0.0.0 -U 11211\n' >"\$R$S/memcached.service.d/override.conf"
EOF

unit_case "Arch's vendor unit: an ExecStart= drop-in" debian-hardened memcached.service \
        "$S/memcached.service.d/50-memharden.conf" <<EOF
printf 'NAME="Arch Linux"\nID=arch\n' >"\$R/etc/os-release"
rm -f "\$R/etc/memcached.conf"
mkdir -p "\$R$V"
printf '[Unit]\nDescription=memcached daemon\n\n[Service]\nUser=memcached\nExecStart=/usr/bin/memcached -o modern\n' >"\$R$V/memcached.service"
EOF

unit_case "a vendor unit taking \$OPTS from an EnvironmentFile=: inlined in the drop-in" debian-hardened \
        memcached.service "$S/memcached.service.d/50-memharden.conf" <<EOF
printf 'ID=arch\n' >"\$R/etc/os-release"
rm -f "\$R/etc/memcached.conf"
mkdir -p "\$R$V"
printf 'OPTS="-l 0.0.0.0 -U 11211"\n' >"\$R/etc/memcached.env"
printf '[Service]\nEnvironment="OPTS=-l ::1"\nEnvironmentFile=/etc/memcached.env\nExecStart=/usr/bin/memcached -t 4 \$OPTS\n' >"\$R$V/memcached.service"
EOF

# A unit that chains to the profile's file is judged there, once.
test_begin "units: Debian's own unit leaves the judging to /etc/memcached.conf"
R=$(root debian-exposed)
mkdir -p "$R$V"
printf '[Service]\nExecStart=/usr/share/memcached/scripts/systemd-memcached-wrapper /etc/memcached.conf\n' >"$R$V/memcached.service"
run check --root "$R" --json
{ expect_rc 1 && [ "$(jq -r '[.files[].path] | join(" ")' <<<"$OUT")" = /etc/memcached.conf ]; } &&
        { [ "$("$MCARGS" --unit "$R" memcached.service | sed -n 2p)" = "</etc/memcached.conf>" ] ||
          fail "the oracle does not see the wrapper's file"; } && ok

test_begin "units: a listener option memharden cannot change alone is refused, nothing written"
R=$(root debian-hardened)
mkdir -p "$R$S"
printf '[Service]\nExecStart=/usr/bin/memcached -vl0.0.0.0\n' >"$R$S/memcached_x.service"
snapshot "$R"
run apply --root "$R"
{ expect_rc 3 && expect_err "memcached_x.service" && same_tree "$R"; } && ok

# Hostile images: a unit that is a FIFO is refused before it can block;
# a link out of the root means the image's own file, here none.
test_begin "units: a FIFO for a unit is refused, a link leads nowhere outside the root"
R=$(root debian-hardened)
mkdir -p "$R$S"
mkfifo "$R$S/memcached_x.service"
run check --root "$R"
{ expect_rc 3 && expect_err "memcached_x.service': not a regular file"; } || true
if [ "$RC" = 3 ]; then
        rm "$R$S/memcached_x.service"
        ln -s ../../../../../../etc/passwd "$R$S/memcached_y.service"
        run check --root "$R"
        expect_rc 0 && ok
fi

test_begin "units: rollback says it removed the drop-in it had created"
R=$(root debian-hardened)
mkdir -p "$R$V"
printf '[Service]\nExecStart=/usr/bin/memcached -l 0.0.0.0\n' >"$R$V/memcached-extra.service"
run apply --no-restart --root "$R"
expect_rc 0 && run rollback --no-restart --root "$R" && expect_rc 0 &&
        expect_err "memcached-extra.service.d/50-memharden.conf: removed, as it was not there before backup" &&
        [ ! -e "$R$S" ] && ok || fail "rollback left $(find "$R/etc/systemd" 2>/dev/null | tr '\n' ' ')"

finish
