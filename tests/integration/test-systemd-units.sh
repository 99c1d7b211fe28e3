#!/bin/bash
# The unit store on the real systemd: a Debian system booted with
# systemd-nspawn (private network) from an overlay of this machine, one boot,
# one unit shape after the other (each removed before the next, so that
# memharden sees one exposed unit at a time and ports never clash):
#   a: Puppet's template /etc/systemd/system/memcached@.service, its options
#      in Environment= variables, instance memcached@11211.service enabled:
#      apply writes memharden's drop-in for the instance, reloads, restarts;
#      systemd itself reports the new LISTEN; rollback removes the drop-in,
#      reloads, restarts on the old definition (UDP answers again).
#   b: Chef's /etc/systemd/system/memcached_sessions.service, an inline
#      ExecStart= over continuation lines: edited in place (only the -U and
#      -l words), rolled back byte for byte.
#   c: Debian's memcached.service with the admin's override.conf resetting
#      ExecStart=: check --root on the image's files names override.conf;
#      apply edits it in place; check inside sees the live daemon hardened.
# Debian's own memcached.service stays masked until (c), on a hardened
# /etc/memcached.conf, so it neither clashes nor needs a change.
. "$(dirname "$0")/lib.sh"

SYS=/etc/systemd/system

overlay_up
cat >"$ROOTFS/etc/memcached.conf" <<'EOF'
# memcached default config file (integration test copy: hardened)
-d
logfile /var/log/memcached.log
-m 64
-p 11211
-u memcache
-l 127.0.0.1
-U 0
-P /var/run/memcached/memcached.pid
EOF
ln -sf /dev/null "$ROOTFS$SYS/memcached.service"

# (a) As Puppet's memcached module writes a multi-instance template.
cat >"$ROOTFS$SYS/memcached@.service" <<'EOF'
# This file is managed by Puppet. DO NOT EDIT.
[Unit]
Description=memcached instance on port %i
After=network.target

[Service]
Environment=CACHESIZE=64
Environment=MAXCONN=1024
Environment="LISTEN=-l 0.0.0.0"
Environment="OPTIONS=-U 11211 -v"
ExecStart=/usr/bin/memcached -p %i -m ${CACHESIZE} -c ${MAXCONN} -u memcache $LISTEN $OPTIONS
Restart=on-failure

[Install]
WantedBy=multi-user.target
EOF
cp "$ROOTFS$SYS/memcached@.service" "$IT_DIR/template.orig"
machine_boot

# NeedDaemonReload of UNIT must be "no": systemd runs what is on disk.
expect_reloaded() {
        local v
        v=$(in_machine systemctl show -p NeedDaemonReload --value "$1")
        [ "$v" = no ] || fail "$1: NeedDaemonReload=$v: systemd was not reloaded after the change on disk"
        echo "$1: NeedDaemonReload=no"
}

# UNIT active with a main PID other than OLD; prints the new one.
expect_new_pid() {
        local pid state
        state=$(in_machine systemctl is-active "$1") || true
        [ "$state" = active ] || fail "$1 is '$state', not active"
        pid=$(main_pid "$1")
        [ "$pid" != 0 ] && [ "$pid" != "$2" ] || fail "$1: MainPID did not change ($2 -> $pid)"
        echo "$pid"
}

# The live command line of PID, blank-separated.
cmdline() { in_machine cat "/proc/$1/cmdline" | tr '\0' ' '; }

# No UDP reply on UDP_PORT and TCP set/get on 127.0.0.1:PORT: sets AFTER.
expect_hardened_live() {
        if AFTER=$(in_machine "$T/mcprobe" udp-stats "$UDP_PORT"); then
                fail "UDP still answers after apply: $AFTER"
        fi
        echo "after: $AFTER"
        in_machine "$T/mcprobe" tcp-setget "$PORT" || fail "TCP set/get on 127.0.0.1:$PORT broken after apply"
}

# memharden rollback inside the container: prints its output, must exit 0.
machine_rollback() {
        local rc=0
        in_machine "$T/memharden" rollback "$@" >"$IT_DIR/rollback.out" 2>&1 || rc=$?
        sed 's/^/  | /' "$IT_DIR/rollback.out"
        echo "memharden rollback exit status: $rc"
        [ "$rc" = 0 ] || fail "rollback exited $rc"
}

# ---- (a) ----
UNIT=memcached@11211.service
DROPIN=$SYS/$UNIT.d/50-memharden.conf
PORT=11211 UDP_PORT=11211
step "(a) Puppet-style template, $UNIT exposed (LISTEN=\"-l 0.0.0.0\", OPTIONS=\"-U 11211 -v\")"
in_machine systemctl enable "$UNIT" 2>&1 | sed 's/^/  | /'
machine_start_exposed "$UNIT"
BEFORE_A=$BEFORE

machine_apply_watched
[ "$APPLY_RC" = 0 ] || fail "apply exited $APPLY_RC"
[ -f "$ROOTFS$DROPIN" ] || fail "apply did not write $DROPIN"
echo "$DROPIN:"
sed 's/^/  | /' "$ROOTFS$DROPIN"
cmp "$IT_DIR/template.orig" "$ROOTFS$SYS/memcached@.service" || fail "apply changed the template itself"
expect_reloaded "$UNIT"
pid1=$(expect_new_pid "$UNIT" "$PID0")
expect_hardened_live
AFTER_A=$AFTER
# The oracle: what systemd itself reports for the unit, and what runs.
env=$(in_machine systemctl show -p Environment --value "$UNIT")
exec=$(in_machine systemctl show -p ExecStart --value "$UNIT")
live=$(cmdline "$pid1")
echo "systemd: Environment=$env"
echo "systemd: ExecStart=$exec"
echo "running: $live"
[[ $exec == *'argv[]=/usr/bin/memcached -p 11211 -m ${CACHESIZE} -c ${MAXCONN} -u memcache $LISTEN $OPTIONS ;'* ]] ||
        fail "systemd's ExecStart= for $UNIT is not the template's"
[[ " $env " == *' "LISTEN=-l 127.0.0.1" '* ]] || fail "systemd does not report LISTEN=-l 127.0.0.1"
[[ " $env " == *' "OPTIONS=-U 0 -v" '* ]] || fail "systemd does not report OPTIONS=-U 0 -v"
[[ " $live " == *' -l 127.0.0.1 -U 0 -v '* && $live != *0.0.0.0* ]] || fail "the running command line is not hardened"

step "(a) rollback: the drop-in removed, $UNIT restarted on the template as it was"
machine_rollback
[ ! -e "$ROOTFS$DROPIN" ] || fail "rollback left $DROPIN"
[ ! -d "$ROOTFS${DROPIN%/*}" ] || echo "rollback kept the directory ${DROPIN%/*} ($(count_entries "$ROOTFS${DROPIN%/*}") entries)"
cmp "$IT_DIR/template.orig" "$ROOTFS$SYS/memcached@.service" || fail "the template differs after rollback"
expect_reloaded "$UNIT"
pid2=$(expect_new_pid "$UNIT" "$pid1")
machine_wait_tcp
ROLLBACK_A=$(in_machine "$T/mcprobe" udp-stats "$UDP_PORT") || fail "no UDP reply after rollback: not restarted on the old definition"
echo "after rollback: $ROLLBACK_A"
echo "running: $(cmdline "$pid2")"
echo "RESULT units (a) template $UNIT: before:   $BEFORE_A"
echo "RESULT units (a) template $UNIT: after:    $AFTER_A"
echo "RESULT units (a) template $UNIT: rollback: $ROLLBACK_A"
echo "RESULT units (a) template $UNIT: MainPID $PID0 -> $pid1 -> $pid2; $(cat "$IT_DIR/watch.out")"

in_machine systemctl disable --now "$UNIT" 2>&1 | sed 's/^/  | /'
rm -f "$ROOTFS$SYS/memcached@.service"
rm -rf "$ROOTFS$SYS/$UNIT.d"
in_machine systemctl daemon-reload

# ---- (b) ----
UNIT=memcached_sessions.service
PORT=11212 UDP_PORT=11211
step "(b) Chef-style $UNIT, inline ExecStart= over continuation lines (-p 11212 -U 11211 -l 0.0.0.0)"
cat >"$ROOTFS$SYS/$UNIT" <<'EOF'
# Generated by Chef for memcached instance sessions
[Unit]
Description=memcached instance sessions
After=network.target

[Service]
ExecStart=/usr/bin/memcached \
  -m 64 \
  -U 11211 \
  -p 11212 \
  -u memcache \
  -l 0.0.0.0 \
  -c 1024
Restart=on-failure

[Install]
WantedBy=multi-user.target
EOF
cp "$ROOTFS$SYS/$UNIT" "$IT_DIR/sessions.orig"
in_machine systemctl daemon-reload
in_machine systemctl enable "$UNIT" 2>&1 | sed 's/^/  | /'
machine_start_exposed "$UNIT"
BEFORE_B=$BEFORE

machine_apply_watched
[ "$APPLY_RC" = 0 ] || fail "apply exited $APPLY_RC"
diff -u "$IT_DIR/sessions.orig" "$ROOTFS$SYS/$UNIT" | sed 's/^/  | /' || true
sed -e 's/^  -U 11211 \\$/  -U 0 \\/' -e 's/^  -l 0\.0\.0\.0 \\$/  -l 127.0.0.1 \\/' \
        "$IT_DIR/sessions.orig" >"$IT_DIR/sessions.expected"
cmp "$IT_DIR/sessions.expected" "$ROOTFS$SYS/$UNIT" || fail "more than the -U and -l words changed in $UNIT"
[ ! -e "$ROOTFS$SYS/$UNIT.d/50-memharden.conf" ] || fail "apply wrote a drop-in for the admin's own unit"
expect_reloaded "$UNIT"
pid1=$(expect_new_pid "$UNIT" "$PID0")
expect_hardened_live
AFTER_B=$AFTER
live=$(cmdline "$pid1")
echo "running: $live"
[[ " $live " == *' -U 0 '* && " $live " == *' -l 127.0.0.1 '* && $live != *0.0.0.0* ]] ||
        fail "the running command line is not hardened"

step "(b) check: a unit edited but not reloaded is reported (NeedDaemonReload over D-Bus)"
cp "$ROOTFS$SYS/$UNIT" "$IT_DIR/sessions.hardened"
sed -i 's/^  -m 64 \\$/  -m 65 \\/' "$ROOTFS$SYS/$UNIT"
check_rc=0
in_machine "$T/memharden" check >"$IT_DIR/check.out" 2>&1 || check_rc=$?
sed 's/^/  | /' "$IT_DIR/check.out"
[ "$check_rc" = 1 ] && grep -q "unit-not-reloaded" "$IT_DIR/check.out" ||
        fail "check does not report the unit changed on disk (exit $check_rc)"
cp "$IT_DIR/sessions.hardened" "$ROOTFS$SYS/$UNIT"
in_machine systemctl daemon-reload
check_rc=0
in_machine "$T/memharden" check >"$IT_DIR/check.out" 2>&1 || check_rc=$?
[ "$check_rc" = 0 ] || { sed 's/^/  | /' "$IT_DIR/check.out"; fail "check exited $check_rc once the unit is reloaded"; }
echo "check: unit-not-reloaded while the edit was not loaded; compliant after daemon-reload"

step "(b) rollback: $UNIT byte for byte, restarted on it"
machine_rollback
cmp "$IT_DIR/sessions.orig" "$ROOTFS$SYS/$UNIT" || fail "$UNIT not restored byte for byte"
expect_reloaded "$UNIT"
pid2=$(expect_new_pid "$UNIT" "$pid1")
machine_wait_tcp
ROLLBACK_B=$(in_machine "$T/mcprobe" udp-stats "$UDP_PORT") || fail "no UDP reply after rollback: not restarted on the old unit"
echo "after rollback: $ROLLBACK_B"
echo "RESULT units (b) inline $UNIT: before:   $BEFORE_B"
echo "RESULT units (b) inline $UNIT: after:    $AFTER_B"
echo "RESULT units (b) inline $UNIT: rollback: $ROLLBACK_B"
echo "RESULT units (b) inline $UNIT: MainPID $PID0 -> $pid1 -> $pid2; $(cat "$IT_DIR/watch.out")"

in_machine systemctl disable --now "$UNIT" 2>&1 | sed 's/^/  | /'
rm -f "$ROOTFS$SYS/$UNIT"
in_machine systemctl daemon-reload

# ---- (c) ----
UNIT=memcached.service
OVERRIDE=$SYS/$UNIT.d/override.conf
PORT=11213 UDP_PORT=11213
step "(c) Debian's $UNIT with the admin's override.conf (ExecStart= reset, -l 0.0.0.0 -U 11213)"
rm "$ROOTFS$SYS/$UNIT" # the mask
mkdir -p "$ROOTFS$SYS/$UNIT.d"
cat >"$ROOTFS$OVERRIDE" <<'EOF'
[Service]
ExecStart=
ExecStart=/usr/bin/memcached -p 11213 -u memcache -l 0.0.0.0 -U 11213
EOF
cp "$ROOTFS$OVERRIDE" "$IT_DIR/override.orig"

# First the image's files alone, from the host.
check_rc=0
"$MEMHARDEN" check --root "$ROOTFS" >"$IT_DIR/check-root.out" 2>&1 || check_rc=$?
sed 's/^/  | /' "$IT_DIR/check-root.out"
echo "memharden check --root (host) exit status: $check_rc"
[ "$check_rc" = 1 ] || fail "check --root exited $check_rc, expected 1"
grep -q "^$OVERRIDE:.*udp-enabled" "$IT_DIR/check-root.out" || fail "check --root does not name $OVERRIDE for UDP"
grep -q "^$OVERRIDE:.*listen-wildcard" "$IT_DIR/check-root.out" || fail "check --root does not name $OVERRIDE for -l 0.0.0.0"

in_machine systemctl daemon-reload
machine_start_exposed "$UNIT"
BEFORE_C=$BEFORE

machine_apply_watched
[ "$APPLY_RC" = 0 ] || fail "apply exited $APPLY_RC"
diff -u "$IT_DIR/override.orig" "$ROOTFS$OVERRIDE" | sed 's/^/  | /' || true
sed 's/ -l 0\.0\.0\.0 -U 11213$/ -l 127.0.0.1 -U 0/' "$IT_DIR/override.orig" >"$IT_DIR/override.expected"
cmp "$IT_DIR/override.expected" "$ROOTFS$OVERRIDE" || fail "override.conf not edited in place as expected"
[ ! -e "$ROOTFS$SYS/$UNIT.d/50-memharden.conf" ] || fail "apply wrote a drop-in beside the admin's override.conf"
expect_reloaded "$UNIT"
pid1=$(expect_new_pid "$UNIT" "$PID0")
expect_hardened_live
AFTER_C=$AFTER
echo "running: $(cmdline "$pid1")"
check_rc=0
in_machine "$T/memharden" check --json >"$IT_DIR/check.json" 2>&1 || check_rc=$?
[ "$check_rc" = 0 ] || { cat "$IT_DIR/check.json"; fail "check exited $check_rc after apply"; }
grep -Eq '"live_hardened": *true' "$IT_DIR/check.json" || { cat "$IT_DIR/check.json"; fail "check does not see the live daemon hardened"; }
grep -Eq '"udp_sockets": *0' "$IT_DIR/check.json" || { cat "$IT_DIR/check.json"; fail "check does not report 0 UDP sockets"; }
echo "check --json after apply: exit 0, live_hardened true, udp_sockets 0"
echo "RESULT units (c) override.conf $UNIT: before: $BEFORE_C"
echo "RESULT units (c) override.conf $UNIT: after:  $AFTER_C"
echo "RESULT units (c) override.conf $UNIT: MainPID $PID0 -> $pid1; $(cat "$IT_DIR/watch.out")"
echo
echo "PASS"
