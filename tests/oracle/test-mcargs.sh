#!/bin/bash
# Self test of the oracle (mcargs.c, readings.sh) against expectations
# written by hand from memcached's memcached.c (main()'s `case 'l'`,
# server_sockets(), server_socket()) and systemd's manuals (systemd.exec(5)
# EnvironmentFile=, systemd.service(5) "Command lines").
set -euo pipefail
: "${MCARGS:?set by ctest}"
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/readings.sh"
TMP=$(mktemp -d /tmp/mcargs-test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
PASSED=0 FAILED=0

check() { # NAME GOT WANT
        if [ "$2" = "$3" ]; then
                PASSED=$((PASSED + 1))
        else
                FAILED=$((FAILED + 1))
                printf 'FAIL: %s\n  got:  %s\n  want: %s\n' "$1" "$2" "$3" >&2
        fi
}

# ARGS | memcached's view (the listener line, then "refused: ..." if it exits)
while IFS='|' read -r mc args want; do
        [ -n "$args" ] || continue
        got=$("$MCARGS" --listeners --mc "$mc" "$args" | tr '\n' '~')
        check "$mc: $args" "${got%\~}" "$want"
done <<'CASES'
head|-m 64|tcp=*:11211 udp=off inter=NULL
head|-l 127.0.0.1|tcp=127.0.0.1:11211 udp=off inter=127.0.0.1
head|-p 5 -l 127.0.0.1,[::1]:6;::1|tcp=127.0.0.1:5,[::1]:6,[::1]:5 udp=off inter=127.0.0.1,[::1]:6;::1
head|-l 127.0.0.2 -l 27.0.0.2|tcp=127.0.0.2:11211 udp=off inter=127.0.0.2
head|-l 27.0.0.2 -l 127.0.0.2|tcp=27.0.0.2:11211,127.0.0.2:11211 udp=off inter=27.0.0.2,127.0.0.2
head|-l 127.0.0.1,5.6.7.8 -l 5.6.7.8|tcp=127.0.0.1:11211,5.6.7.8:11211 udp=off inter=127.0.0.1,5.6.7.8
head|-l 127.0.0.1:11211 -l 127.0.0.1|tcp=127.0.0.1:11211 udp=off inter=127.0.0.1:11211
head|--listen=10.0.0.1 -l10.0.0.2|tcp=10.0.0.1:11211,10.0.0.2:11211 udp=off inter=10.0.0.1,10.0.0.2
head|-l *|tcp=*:11211 udp=off inter=*
head|-l 0|tcp=0.0.0.0:11211 udp=off inter=0
head|-l 127.1 -l 0x7f000002|tcp=127.0.0.1:11211,127.0.0.2:11211 udp=off inter=127.1,0x7f000002
head|-l 0:0:0:0:0:0:0:1|tcp=[::1]:11211 udp=off inter=0:0:0:0:0:0:0:1
head|-l localhost|tcp=localhost:11211 udp=off inter=localhost
head|-U 0 -U 5 -p 7|tcp=*:7 udp=*:5 inter=NULL
head|-U 5|tcp=*:5 udp=*:5 inter=NULL
head|-p 7 -U -1|tcp=*:7 udp=*:0 inter=NULL
head|-U -1|tcp=*:0 udp=*:0 inter=NULL
head|-U 11211x -l 127.0.0.1|tcp=127.0.0.1:11211 udp=127.0.0.1:11211 inter=127.0.0.1
head|-U 5 -l 127.0.0.1:9|tcp=127.0.0.1:9 udp=127.0.0.1:9 inter=127.0.0.1:9
head|-p 0 -l 127.0.0.1|tcp=none udp=off inter=127.0.0.1
head|-s /run/m.sock -l 0.0.0.0 -U 5|tcp=none udp=off unix=/run/m.sock inter=0.0.0.0
head|-l proto[ascii]:127.0.0.1:5|tcp=127.0.0.1:5 udp=off inter=proto[ascii]:127.0.0.1:5
head|-l proto[binary]:127.0.0.1,tag[x]:10.0.0.1:6|tcp=127.0.0.1:11211,10.0.0.1:6 udp=off inter=proto[binary]:127.0.0.1,tag[x]:10.0.0.1:6
head|-l tag_abc_:127.0.0.1|tcp=127.0.0.1:11211 udp=off inter=tag_abc_:127.0.0.1
head|-l tag_x_127.0.0.1|tcp=27.0.0.1:11211 udp=off inter=tag_x_127.0.0.1
1.6.18|-l tag_x_:127.0.0.1|tcp=none udp=off inter=tag_x_:127.0.0.1~refused: Invalid port number: "127.0.0.1"
head|-l protocache|tcp=cache:11211 udp=off inter=protocache
head|-Z -l notls:10.0.0.1:6,btls:10.0.0.2,mtls:[::1]:7|tcp=10.0.0.1:6,10.0.0.2:11211,[::1]:7 udp=off inter=notls:10.0.0.1:6,btls:10.0.0.2,mtls:[::1]:7
head|-l notls:127.0.0.1:6|tcp=127.0.0.1:6 udp=off inter=notls:127.0.0.1:6~refused: 'notls' option is valid only when SSL is enabled
head|-l 10.0.0.5,btls:10.0.0.5:11212|tcp=10.0.0.5:11211,10.0.0.5:11212 udp=off inter=10.0.0.5,btls:10.0.0.5:11212~refused: 'btls' option is valid only when SSL is enabled
1.6.18|-Z -l 10.0.0.5,btls:10.0.0.5:11212|tcp=10.0.0.5:11211 udp=off inter=10.0.0.5,btls:10.0.0.5:11212~refused: getaddrinfo(): no such host "btls:10.0.0.5:11212"
head|-l 127.0.0.1,127.0.0.1|tcp=127.0.0.1:11211,127.0.0.1:11211 udp=off inter=127.0.0.1,127.0.0.1~refused: bind(): address already in use: 127.0.0.1
head|-l *,127.0.0.1|tcp=*:11211,127.0.0.1:11211 udp=off inter=*,127.0.0.1~refused: bind(): address already in use: 127.0.0.1
head|-l 0.0.0.0,[::1]|tcp=0.0.0.0:11211,[::1]:11211 udp=off inter=0.0.0.0,[::1]
head|-p 11211 -Z -l 127.0.0.1,192.168.122.100,notls:192.168.122.100:11211,notls:127.0.0.1:11211 -U 0|tcp=127.0.0.1:11211,192.168.122.100:11211,192.168.122.100:11211,127.0.0.1:11211 udp=off inter=127.0.0.1,192.168.122.100,notls:192.168.122.100:11211,notls:127.0.0.1:11211~refused: bind(): address already in use: 192.168.122.100
head|-l tag[123456789]:127.0.0.1|tcp=none udp=off inter=tag[123456789]:127.0.0.1~refused: Listener tags must be between 1 and 8 characters
head|-l proto[proxy]:127.0.0.1|tcp=none udp=off inter=proto[proxy]:127.0.0.1~refused: proto[proxy]: the proxy is not built in or not enabled
head|-l [::1]:x|tcp=none udp=off inter=[::1]:x~refused: Invalid port number: "x"
head|-l [::1|tcp=none udp=off inter=[::1~refused: Invalid IPV6 address: "[::1"
head|-p 70000|tcp=none udp=off inter=NULL~refused: ERROR: Invalid port number 70000 (-p)
head|-q|tcp=none udp=off inter=NULL~refused: getopt: unknown option or missing value
CASES

# An exact argument vector: -l "" makes the list empty, so nothing is bound.
check 'argv: -l ""' "$("$MCARGS" --listeners -- -l "" -U 5)" "tcp=none udp=none inter="
check "argv: non-option words are ignored" "$("$MCARGS" --listeners -- -l 127.0.0.1 '>>' /var/log/m.log '2>&1')" \
        "tcp=127.0.0.1:11211 udp=off inter=127.0.0.1"
# The legacy mode lib.sh's mc() uses is unchanged.
check "legacy" "$("$MCARGS" '--udp-port 5 -l ::1 -l 10.0.0.1')" "listen=::1,10.0.0.1 udp=5 socket=none"

# ---- systemd's EnvironmentFile= ----
printf '%s\n' 'A=plain' '  B = spaced value  ' '# C=comment' '; C=comment too' 'C' \
        "D='single \\ \$X \"verbatim\"'" 'E="dq \" \\ \$ \` \n kept"' 'F=$A ${A} not expanded' \
        'export G=dropped' 'H="quoted"tail  # not a comment' 'I=one' 'I=two' 'J=a\' 'b' 'K=x\ ' 'L=' >"$TMP/env"
while IFS='|' read -r name want; do
        check "EnvironmentFile $name" "$("$MCARGS" --systemd-env "$TMP/env" "$name")" "$want"
done <<'CASES'
A|plain
B|spaced value
C|unset
D|single \ $X "verbatim"
E|dq " \ $ ` \n kept
F|$A ${A} not expanded
G|unset
export G|unset
H|quotedtail  # not a comment
I|two
J|ab
K|x 
L|
CASES

# ---- RHEL: systemd and SysV readings of /etc/sysconfig/memcached ----
sysconfig() { printf 'PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\n%s\n' "$1" >"$TMP/$2"; }

# saltstack-formulas/memcached-formula: systemd does not expand $OPTIONS in
# the file, so memcached gets the words "$OPTIONS" and "-k" and no -l: every
# interface. The init script's shell expands it: -l 10.0.0.5 -k.
sysconfig $'OPTIONS="-l 10.0.0.5"\nOPTIONS="$OPTIONS -k"' salt
check "salt: systemd's argv" "$("$MCARGS" --systemd-argv "$TMP/salt" | tr '\n' ' ')" \
        "</usr/bin/memcached> <-p> <11211> <-u> <memcached> <-m> <64> <-c> <1024> <\$OPTIONS> <-k> "
check "salt: systemd" "$(systemd_listeners "$TMP/salt")" "tcp=*:11211 udp=off inter=NULL"
check "salt: shell's argv" "$(sh_argv "$TMP/salt" | tr '\n' ' ')" \
        "</usr/bin/memcached> <-p> <11211> <-u> <memcached> <-m> <64> <-c> <1024> <-l> <10.0.0.5> <-k> "
check "salt: shell" "$(sh_listeners "$TMP/salt")" "tcp=10.0.0.5:11211 udp=off inter=10.0.0.5"

# geerlingguy.memcached: the redirection is no redirection under systemd;
# memcached gets ">>", the path and "2>&1" as words it ignores. UDP is off
# (1.6's default) but not explicitly.
sysconfig 'OPTIONS="-l 127.0.0.1 -t 4 -I 1m -v >> /var/log/memcached.log 2>&1"' geerling
check "geerlingguy: systemd's argv" "$("$MCARGS" --systemd-argv "$TMP/geerling" | tail -5 | tr '\n' ' ')" \
        "<1m> <-v> <>>> </var/log/memcached.log> <2>&1> "
check "geerlingguy: systemd" "$(systemd_listeners "$TMP/geerling")" "tcp=127.0.0.1:11211 udp=off inter=127.0.0.1"
check "geerlingguy: shell" "$(sh_listeners "$TMP/geerling")" "tcp=127.0.0.1:11211 udp=off inter=127.0.0.1"

# export: the shell exports it; systemd drops the assignment ("export
# OPTIONS" is no variable name), so memcached listens everywhere.
sysconfig "export OPTIONS='-l 127.0.0.1 -U 0'" export
check "export: systemd" "$(systemd_listeners "$TMP/export")" "tcp=*:11211 udp=off inter=NULL"
check "export: shell" "$(sh_listeners "$TMP/export")" "tcp=127.0.0.1:11211 udp=off inter=127.0.0.1"

# A comment after the closing quote is part of systemd's value: "-U 0#"
# is atoi 0, and memcached ignores the word "hardened".
sysconfig 'OPTIONS="-l 127.0.0.1 -U 0"  # hardened' comment
check "trailing comment: systemd's argv" "$("$MCARGS" --systemd-argv "$TMP/comment" | tail -5 | tr '\n' ' ')" \
        "<-l> <127.0.0.1> <-U> <0#> <hardened> "
check "trailing comment: shell" "$(sh_listeners "$TMP/comment")" "tcp=127.0.0.1:11211 udp=off inter=127.0.0.1"

# ${PORT} stays one word; $OPTIONS is split, with quotes honoured.
printf 'PORT="1 2"\nUSER=u\nMAXCONN=1\nCACHESIZE=1\nOPTIONS="-l \x27127.0.0.1, 10.0.0.1\x27"\n' >"$TMP/words"
check "\${PORT} is one word, \$OPTIONS honours quotes" "$("$MCARGS" --systemd-argv "$TMP/words" | sed -n '3p;10,$p' | tr '\n' ' ')" \
        "<1 2> <-l> <127.0.0.1, 10.0.0.1> "
check "a custom ExecStart: \$\$ is a dollar, \${} inside a word, unset \$NONE is no word" "$("$MCARGS" --systemd-argv "$TMP/words" '/bin/m -x$${USER} "${PORT}x" $NONE $USER' | tr '\n' ' ')" \
        '</bin/m> <-x${USER}> <1 2x> <u> '

# listener_set / unsafe / safe_tcp
line="tcp=127.0.0.1:1,*:2,10.0.0.1:3,8.8.8.8:4,[fd00::1]:5,[::]:6,db:7,0.0.0.0:8 udp=127.0.0.1:9 inter=x"
check "unsafe" "$(unsafe "$line" | tr '\n' ' ')" "tcp *:2 tcp 0.0.0.0:8 tcp 8.8.8.8:4 tcp [::]:6 tcp db:7 udp 127.0.0.1:9 "
check "safe_tcp" "$(safe_tcp "$line" | tr '\n' ' ')" "tcp 10.0.0.1:3 tcp 127.0.0.1:1 tcp [fd00::1]:5 "

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
