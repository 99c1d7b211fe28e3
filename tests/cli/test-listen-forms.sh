#!/bin/bash
# Every listener form memcached reads (tests/oracle/mcargs.c --listeners,
# proved on the real daemon by tests/integration/test-listen-forms.sh), in
# Debian's memcached.conf and RHEL's sysconfig: check, the dry run and apply,
# judged by the oracle only (see listen_forms in lib.sh).
. "$(dirname "$0")/lib.sh"

# name | memcached.conf | check's exit | inter after apply (- for any)
# (No ';' list here: Debian's start scripts hand a line with ';' to /bin/sh,
# which ends the command there; memharden refuses it, see test-errors.sh.)
listen_forms debian-exposed /etc/memcached.conf <<'CASES'
btls listener kept, UDP made explicit|-p 11211\n-l 10.0.0.5,btls:10.0.0.5:11212\n|1|10.0.0.5,btls:10.0.0.5:11212
btls under -Z, every listener kept|-p 11211\n-Z\n-l 10.0.0.5,btls:10.0.0.5:11212\n|1|10.0.0.5,btls:10.0.0.5:11212
notls wildcard beside loopback|-p 11211\n-l notls:0.0.0.0:11211,127.0.0.1\n-U 0\n|1|-
notls wildcard under -Z on another port|-p 11211\n-Z\n-l notls:0.0.0.0:11212,127.0.0.1\n-U 0\n|1|-
proto[ascii] on a private address is kept|-p 11211\n-l proto[ascii]:10.0.0.5:11211,127.0.0.1:11212\n-U 0\n|0|proto[ascii]:10.0.0.5:11211,127.0.0.1:11212
proto[ascii] on the wildcard|-p 11211\n-l proto[ascii]:0.0.0.0:11212\n-U 0\n|1|-
tag[x] on a private address is kept|-p 11211\n-l tag[x]:192.168.1.5\n-U 0\n|0|tag[x]:192.168.1.5
tag[x] on the wildcard|-p 11211\n-l tag[x]:0.0.0.0,127.0.0.1:11212\n-U 0\n|1|-
star is every interface|-p 11211\n-l *\n-U 0\n|1|-
0 is 0.0.0.0|-p 11211\n-l 0\n-U 0\n|1|-
substring: 27.0.0.2 is ignored, compliant|-p 11211\n-l 127.0.0.2\n-l 27.0.0.2\n-U 0\n|0|127.0.0.2
a kept listener the list before would swallow|-p 11211\n-l 10.0.0.10\n-l 8.8.8.8,10.0.0.1\n-U 0\n|1|10.0.0.10,10.0.0.1
a public address given twice|-p 11211\n-l 127.0.0.1,5.6.7.8\n-l 5.6.7.8\n-U 0\n|1|-
-U -1 turns UDP on|-p 11211\n-l 127.0.0.1\n-U -1\n|1|127.0.0.1
TripleO with TLS, compliant|-p 11211\n-l 127.0.0.1,192.168.122.100,notls:192.168.122.100:11211,notls:127.0.0.1:11211 -U 0 -Z\n|0|127.0.0.1,192.168.122.100,notls:192.168.122.100:11211,notls:127.0.0.1:11211
CASES

# name | sysconfig | check's exit | inter after apply (- for any)
listen_forms rhel-exposed /etc/sysconfig/memcached <<'CASES'
Salt formula's OPTIONS="$OPTIONS -k"|PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 10.0.0.5"\nOPTIONS="$OPTIONS -k"\n|1|-
geerlingguy's redirection in OPTIONS|PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1 -t 4 -I 1m -v >> /var/log/memcached.log 2>&1"\n|1|127.0.0.1
semicolon list with a public address, a plain character to both readers|PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1;8.8.8.8:11212 -U 0"\n|1|127.0.0.1
export OPTIONS, which systemd ignores|PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nexport OPTIONS="-l 127.0.0.1 -U 0"\n|1|-
CASES

test_begin "geerlingguy: apply adds -U 0 and keeps every other word byte for byte"
R=$(root rhel-exposed)
printf 'PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1 -t 4 -I 1m -v >> /var/log/memcached.log 2>&1"\n' \
        >"$R/etc/sysconfig/memcached"
before=$("$MCARGS" --systemd-argv "$R/etc/sysconfig/memcached")
run apply --no-restart --root "$R"
after=$("$MCARGS" --systemd-argv "$R/etc/sysconfig/memcached")
added=$(diff <(sort <<<"$before") <(sort <<<"$after") | sed -n 's/^> //p' | tr '\n' ' ')
removed=$(diff <(sort <<<"$before") <(sort <<<"$after") | sed -n 's/^< //p' | tr '\n' ' ')
{ expect_rc 0 && [ -z "$removed" ] && { [ "$added" = "<-U> <0> " ] || [ "$added" = "<-U0> " ]; } ||
        fail "systemd's argv: removed '$removed', added '$added'"; } &&
{ [ "$(grep -c . <(diff <(printf 'PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\n') "$R/etc/sysconfig/memcached" | grep '^>'))" = 1 ] ||
        fail "lines other than OPTIONS changed"; } && ok

test_begin "Salt: after apply systemd and the init script's shell read the same listeners, none a wildcard"
R=$(root rhel-exposed)
printf 'PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 10.0.0.5"\nOPTIONS="$OPTIONS -k"\n' >"$R/etc/sysconfig/memcached"
run apply --no-restart --root "$R"
sd=$(systemd_listeners "$R/etc/sysconfig/memcached")
sh=$(sh_listeners "$R/etc/sysconfig/memcached")
{ expect_rc 0 && [ "$sd" = "$sh" ] || fail "systemd: $sd; shell: $sh"; } &&
{ [ -z "$(unsafe "$sd")" ] || fail "exposed: $(unsafe "$sd" | tr '\n' ' ')"; } && ok

finish
