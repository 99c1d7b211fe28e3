#!/bin/bash
# openSUSE and SLES: MEMCACHED_PARAMS in /etc/sysconfig/memcached, which the
# unit hands to memcached as `-u $MEMCACHED_USER $MEMCACHED_PARAMS`. Judged
# by the oracle's reading of systemd's EnvironmentFile= and that ExecStart.
. "$(dirname "$0")/lib.sh"

SUSE_EXEC='/usr/bin/memcached -u $MEMCACHED_USER $MEMCACHED_PARAMS'
CONF=/etc/sysconfig/memcached
suse_listeners() { "$MCARGS" --systemd "$1" "$SUSE_EXEC"; }

test_begin "openSUSE detected from os-release, the exposed shipping shape found"
R=$(root suse-exposed)
run check --root "$R" --json
{ expect_rc 1 && expect_out '"profile":"suse"' && expect_out '"udp-enabled"' && expect_out '"listen-wildcard"'; } && ok

test_begin "apply hardens MEMCACHED_PARAMS, every other line byte for byte"
R=$(root suse-exposed)
before=$(suse_listeners "$R$CONF")
cp "$R$CONF" "$TMP/suse.orig"
run apply --dry-run --root "$R"
preview=$OUT
run apply --no-restart --root "$R"
after=$(suse_listeners "$R$CONF")
written=$(diff -u --label "a$CONF" --label "b$CONF" "$TMP/suse.orig" "$R$CONF")
{ expect_rc 0 && [[ $before == *"udp=0.0.0.0:11211"* ]] && [[ $after == "tcp=127.0.0.1:11211 udp=off "* ]] ||
        fail "oracle before: $before; after: $after"; } &&
{ [ "$preview" = "$written" ] || fail "the dry run showed another diff than apply wrote"; } &&
{ [ "$(diff "$TMP/suse.orig" "$R$CONF" | grep -c '^[<>]')" = 2 ] || fail "more than MEMCACHED_PARAMS changed"; } &&
{ run check --root "$R"; expect_rc 0; } && ok

test_begin "openSUSE's unit, its EnvironmentFile= read: the sysconfig file judged, MEMCACHED_PARAMS hardened"
R=$(root suse-exposed)
mkdir -p "$R/usr/lib/systemd/system"
printf '[Service]\nEnvironmentFile=-/etc/sysconfig/memcached\nExecStart=%s\n' "$SUSE_EXEC" \
        >"$R/usr/lib/systemd/system/memcached.service"
cp "$R/usr/lib/systemd/system/memcached.service" "$TMP/suse.unit"
run check --root "$R"
{ expect_rc 1 && expect_out "$CONF:8: high udp-enabled"; } &&
{ run apply --no-restart --root "$R"; expect_rc 0; } &&
{ [[ $(suse_listeners "$R$CONF") == "tcp=127.0.0.1:11211 udp=off "* ]] || fail "oracle: $(suse_listeners "$R$CONF")"; } &&
expect_same "$TMP/suse.unit" "$R/usr/lib/systemd/system/memcached.service" && ok

test_begin "OPTIONS means nothing to openSUSE's unit and stays as it is"
R=$(root suse-exposed)
printf 'OPTIONS="-l 0.0.0.0"\nMEMCACHED_PARAMS="-l 127.0.0.1 -U 0"\nMEMCACHED_USER="memcached"\n' >"$R$CONF"
run check --root "$R"
{ expect_rc 0 && [[ $(suse_listeners "$R$CONF") == "tcp=127.0.0.1:11211 udp=off "* ]] ||
        fail "oracle: $(suse_listeners "$R$CONF")"; } && ok

test_begin "--profile suse on a root without os-release"
R=$(root suse-exposed)
rm "$R/etc/os-release"
run check --root "$R" --profile suse
expect_rc 1 && ok

test_begin "SLES's os-release"
R=$(root suse-exposed)
printf 'NAME="SLES"\nVERSION_ID="15.6"\nID="sles"\nID_LIKE="suse"\n' >"$R/etc/os-release"
run check --root "$R" --json
{ expect_rc 1 && expect_out '"profile":"suse"'; } && ok

finish
