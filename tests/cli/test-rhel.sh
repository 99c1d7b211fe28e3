#!/bin/bash
# RHEL family: the OPTIONS variable of /etc/sysconfig/memcached.
. "$(dirname "$0")/lib.sh"

test_begin "detects the RHEL family and hardens OPTIONS"
R=$(root rhel-exposed); cp "$R/etc/sysconfig/memcached" "$TMP/orig"
run apply --no-restart --root "$R"
{ expect_rc 0 && [ "$(effective "$R/etc/sysconfig/memcached")" = "listen=127.0.0.1 udp=0 socket=none" ] ||
        fail "effective: $(effective "$R/etc/sysconfig/memcached")"; } &&
{ grep -qx 'OPTIONS="-l 127.0.0.1 -U 0"' "$R/etc/sysconfig/memcached" || fail "OPTIONS line"; } &&
{ [ "$(diff "$TMP/orig" "$R/etc/sysconfig/memcached" | grep -c '^[<>]')" = 2 ] || fail "more than OPTIONS changed"; } && ok

test_begin "idempotent, check passes, rollback restores"
run apply --no-restart --root "$R"; { expect_rc 0 && expect_err "unchanged"; } &&
{ run check --root "$R"; expect_rc 0; } &&
{ run rollback --root "$R"; expect_rc 0 && expect_same "$R/etc/sysconfig/memcached" "$TMP/orig"; } && ok

shapes rhel-exposed /etc/sysconfig/memcached <<'CASES'
missing OPTIONS is appended|PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\n|listen=127.0.0.1 udp=0 socket=none
RHEL 9 default|PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1,::1"\n|listen=127.0.0.1,::1 udp=0 socket=none
single quotes and export|PORT=11211\nUSER=memcached\nMAXCONN=1024\nCACHESIZE=64\nexport OPTIONS='-l 0.0.0.0 -U 11211'\n|listen=127.0.0.1 udp=0 socket=none
empty OPTIONS|PORT=11211\nUSER=memcached\nMAXCONN=1024\nCACHESIZE=64\nOPTIONS=""\n|listen=127.0.0.1 udp=0 socket=none
double quotes, export, trailing comment|PORT=11211\nUSER=memcached\nMAXCONN=1024\nCACHESIZE=64\nexport OPTIONS="-l 0.0.0.0 -U 11211 -o modern"  # tuned\n# end\n|listen=127.0.0.1 udp=0 socket=none
two assignments, the last counts|PORT=11211\nUSER=memcached\nMAXCONN=1024\nCACHESIZE=64\nOPTIONS="-l 10.0.0.1 -U 0"\nOPTIONS="-l 10.0.0.1 -U 5 -l 0.0.0.0"\n|listen=10.0.0.1 udp=0 socket=none
no final newline, OPTIONS last|PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 0.0.0.0 -U 11211"|listen=127.0.0.1 udp=0 socket=none
no final newline, OPTIONS appended|PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"|listen=127.0.0.1 udp=0 socket=none
CASES

finish
