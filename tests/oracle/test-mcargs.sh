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

# ---- systemd units (mcargs --unit, --unit-listeners) over image roots ----
# Expectations from systemd.unit(5) (search path, drop-ins, templates),
# systemd.service(5) "Command lines", systemd.exec(5) Environment= and
# EnvironmentFile=, systemd.syntax(7), for systemd 252.

# put ROOT PATH: stdin to ROOT/PATH
put() { mkdir -p "$(dirname "$1$2")" && cat >"$1$2"; }
newroot() { local r="$TMP/unit-$1"; rm -rf "$r"; mkdir -p "$r"; echo "$r"; }
argv_of() { "$MCARGS" --unit "$1" "$2" | tr '\n' ' '; }

# systemd 252's own reading of a root, where it can be had without booting:
# `systemd --test` (as nobody; it refuses root) with SYSTEMD_UNIT_PATH set
# to the root's search directories dumps the unit as loaded: its fragment,
# drop-ins, Environment=, EnvironmentFile= and ExecStart= words, before the
# exec-time expansion. xcheck compares that with mcargs --unit-dump.
XCHECKED=0
SYSTEMD=/lib/systemd/systemd
if [ "$(id -u)" = 0 ] && [ -x "$SYSTEMD" ] && command -v setpriv >/dev/null &&
        "$SYSTEMD" --version 2>/dev/null | grep -q '^systemd 252'; then
        chmod 755 "$TMP"
else
        echo "skip: cross-checks against systemd 252's own unit loader (needs root, setpriv and systemd 252)"
        SYSTEMD=
fi
xcheck() { # ROOT UNIT
        local r=$1 u=$2 p="" d dump mine sys line
        [ -n "$SYSTEMD" ] || return 0
        for d in /etc/systemd/system.control /run/systemd/system.control /run/systemd/transient /etc/systemd/system \
                /etc/systemd/system.attached /run/systemd/system /run/systemd/system.attached \
                /usr/local/lib/systemd/system /lib/systemd/system /usr/lib/systemd/system; do
                p+="$r$d:"
        done
        chmod -R a+rX "$r"
        dump=$(cd / && setpriv --reuid=nobody --regid=nogroup --clear-groups env SYSTEMD_UNIT_PATH="$p" \
                timeout 30 "$SYSTEMD" --test --system --unit="$u" --no-pager --log-target=null 2>/dev/null |
                U=$u awk '/^\t-> Unit /{on = ($3 == ENVIRON["U"] ":")} on')
        sys=$(while IFS= read -r line; do
                case "$line" in
                *"Fragment Path: $r"*) echo "fragment ${line#*Fragment Path: "$r"}" ;;
                *"DropIn Path: $r"*) echo "dropin ${line#*DropIn Path: "$r"}" ;;
                *"Environment: "*) echo "environment ${line#*Environment: }" ;;
                *"EnvironmentFile: "*) echo "environment-file ${line#*EnvironmentFile: }" ;;
                *"Command Line: "*) eval "set -- ${line#*Command Line: }"; printf 'argv <%s>\n' "$@" ;;
                esac
        done <<<"$dump")
        mine=$("$MCARGS" --unit-dump "$r" "$u" 2>&1)
        check "systemd 252 itself: $u" "$sys" "$mine"
        XCHECKED=$((XCHECKED + 1))
}

# Debian 12's package: the wrapper reads /etc/memcached.conf itself. The
# unit as shipped (the machine's own copy when memcached is installed).
R=$(newroot debian)
if [ -f /lib/systemd/system/memcached.service ]; then
        put "$R" /lib/systemd/system/memcached.service </lib/systemd/system/memcached.service
else
        put "$R" /lib/systemd/system/memcached.service <<'UNIT'
# It's not recommended to modify this file in-place, because it will be
# overwritten during upgrades.
[Unit]
Description=memcached daemon
After=network.target
Documentation=man:memcached(1)

[Service]
ExecStart=/usr/share/memcached/scripts/systemd-memcached-wrapper /etc/memcached.conf
PrivateTmp=true
PIDFile=/run/memcached/memcached.pid
Restart=always

[Install]
WantedBy=multi-user.target
UNIT
fi
check "Debian's unit" "$(argv_of "$R" memcached.service)" \
        "</usr/share/memcached/scripts/systemd-memcached-wrapper> </etc/memcached.conf> "
xcheck "$R" memcached.service

# An admin's `systemctl edit`: the empty ExecStart= resets the list.
put "$R" /etc/systemd/system/memcached.service.d/override.conf <<'UNIT'
[Service]
ExecStart=
ExecStart=/usr/bin/memcached -l 0.0.0.0
UNIT
check "override.conf replaces ExecStart" "$(argv_of "$R" memcached.service)" "</usr/bin/memcached> <-l> <0.0.0.0> "
check "override.conf: listeners" "$("$MCARGS" --unit-listeners "$R" memcached.service)" \
        "tcp=0.0.0.0:11211 udp=off inter=0.0.0.0"
xcheck "$R" memcached.service
# Without the reset it is a second command: systemd refuses the unit.
printf '[Service]\nExecStart=/usr/bin/memcached -l 0.0.0.0\n' >"$R/etc/systemd/system/memcached.service.d/override.conf"
check "a second ExecStart= is refused" "$("$MCARGS" --unit "$R" memcached.service 2>&1; echo "rc=$?")" \
        "mcargs: memcached.service has 2 ExecStart= commands (systemd refuses that but for Type=oneshot)
rc=1"
# A drop-in of the same name in an earlier directory masks the later one:
# /etc's link to /dev/null hides /lib's; the fragment's ExecStart stands.
rm "$R/etc/systemd/system/memcached.service.d/override.conf"
put "$R" /lib/systemd/system/memcached.service.d/10-listen.conf <<'UNIT'
[Service]
ExecStart=
ExecStart=/usr/bin/memcached -l 0.0.0.0 -U 11211
UNIT
check "a /lib drop-in applies" "$(argv_of "$R" memcached.service)" "</usr/bin/memcached> <-l> <0.0.0.0> <-U> <11211> "
ln -s /dev/null "$R/etc/systemd/system/memcached.service.d/10-listen.conf"
check "an /etc drop-in linked to /dev/null masks /lib's of that name" "$(argv_of "$R" memcached.service)" \
        "</usr/share/memcached/scripts/systemd-memcached-wrapper> </etc/memcached.conf> "
rm "$R/etc/systemd/system/memcached.service.d/10-listen.conf"
printf '[Service]\nExecStart=\nExecStart=/usr/bin/memcached -l 127.0.0.1\n' >"$R/etc/systemd/system/memcached.service.d/10-listen.conf"
printf '[Service]\nExecStart=\nExecStart=/usr/bin/memcached -l 10.0.0.1\n' >"$R/lib/systemd/system/memcached.service.d/05-early.conf"
check "/etc's drop-in of a name replaces /lib's; all run in the order of their names" "$(argv_of "$R" memcached.service)" \
        "</usr/bin/memcached> <-l> <127.0.0.1> "
xcheck "$R" memcached.service
# The fragment masked: an /etc link to /dev/null, or an empty file.
ln -s /dev/null "$R/etc/systemd/system/memcached.service"
check "masked by a link to /dev/null" "$("$MCARGS" --unit "$R" memcached.service 2>&1; echo "rc=$?")" \
        "mcargs: memcached.service is masked (/etc/systemd/system/memcached.service)
rc=1"
rm "$R/etc/systemd/system/memcached.service"
: >"$R/etc/systemd/system/memcached.service"
check "masked by an empty file" "$("$MCARGS" --unit "$R" memcached.service >/dev/null 2>&1; echo "rc=$?")" "rc=1"

# Puppet-style template, instantiated per port; ${MAXCONN} is unset (one
# empty word), $LISTEN and $OPTIONS split into words.
R=$(newroot puppet)
put "$R" /etc/systemd/system/memcached@.service <<'UNIT'
[Unit]
Description=memcached instance %i
After=network.target

[Service]
Environment=CACHESIZE=64
Environment="LISTEN=-l 0.0.0.0"
Environment="OPTIONS=-U 11211 -v"
ExecStart=/usr/bin/memcached -p %i -m ${CACHESIZE} -c ${MAXCONN} $LISTEN $OPTIONS

[Install]
WantedBy=multi-user.target
UNIT
check "puppet template, instance 11211" "$(argv_of "$R" memcached@11211.service)" \
        "</usr/bin/memcached> <-p> <11211> <-m> <64> <-c> <> <-l> <0.0.0.0> <-U> <11211> <-v> "
check "puppet template: listeners" "$("$MCARGS" --unit-listeners "$R" memcached@11211.service)" \
        "tcp=0.0.0.0:11211 udp=0.0.0.0:11211 inter=0.0.0.0"
xcheck "$R" memcached@11211.service
put "$R" /etc/systemd/system/memcached@11211.service.d/50-x.conf <<'UNIT'
[Service]
Environment="LISTEN=-l 127.0.0.1"
UNIT
check "an instance drop-in overrides LISTEN" "$("$MCARGS" --unit-listeners "$R" memcached@11211.service)" \
        "tcp=127.0.0.1:11211 udp=127.0.0.1:11211 inter=127.0.0.1"
check "... for that instance only" "$(argv_of "$R" memcached@11212.service)" \
        "</usr/bin/memcached> <-p> <11212> <-m> <64> <-c> <> <-l> <0.0.0.0> <-U> <11211> <-v> "
xcheck "$R" memcached@11211.service
# The template's own drop-ins apply to every instance; an instance file in
# any directory beats the template.
put "$R" /etc/systemd/system/memcached@.service.d/cache.conf <<'UNIT'
[Service]
Environment=CACHESIZE=128 MAXCONN=512
UNIT
check "a template drop-in" "$(argv_of "$R" memcached@11212.service | cut -d' ' -f4-7)" "<-m> <128> <-c> <512>"
printf '[Service]\nExecStart=/usr/bin/memcached -p %%i -l 10.0.0.%%i\n' | put "$R" /usr/lib/systemd/system/memcached@7.service
check "an instance file beats the template" "$(argv_of "$R" memcached@7.service)" "</usr/bin/memcached> <-p> <7> <-l> <10.0.0.7> "
xcheck "$R" memcached@7.service
check "a template is no unit to start" "$("$MCARGS" --unit "$R" memcached@.service 2>&1; echo "rc=$?")" \
        "mcargs: memcached@.service: a template cannot be started; name an instance
rc=1"

# Chef-style unit: ExecStart over lines with trailing backslashes; a
# comment line inside the continuation is skipped, it does not end it.
R=$(newroot chef)
put "$R" /etc/systemd/system/memcached_sessions.service <<'UNIT'
[Unit]
Description=memcached instance sessions

[Service]
ExecStart=/usr/bin/memcached \
  -m 64 -U 11211 -p 11211 \
# memory, UDP and TCP ports above
  -u memcache -l 0.0.0.0 \
  -c 1024
Restart=always
UNIT
check "chef: continued lines" "$(argv_of "$R" memcached_sessions.service)" \
        "</usr/bin/memcached> <-m> <64> <-U> <11211> <-p> <11211> <-u> <memcache> <-l> <0.0.0.0> <-c> <1024> "
check "chef: listeners" "$("$MCARGS" --unit-listeners "$R" memcached_sessions.service)" \
        "tcp=0.0.0.0:11211 udp=0.0.0.0:11211 inter=0.0.0.0"
xcheck "$R" memcached_sessions.service

# Arch Linux's unit (extra/memcached).
R=$(newroot arch)
put "$R" /usr/lib/systemd/system/memcached.service <<'UNIT'
[Unit]
Description=Memcached Daemon
After=network.target

[Service]
User=memcached
# Remove '-l 127.0.0.1' to listen on all addresses
ExecStart=/usr/bin/memcached -l 127.0.0.1
Restart=always

[Install]
WantedBy=multi-user.target
UNIT
check "arch" "$("$MCARGS" --unit-listeners "$R" memcached.service)" "tcp=127.0.0.1:11211 udp=off inter=127.0.0.1"
xcheck "$R" memcached.service
# A link inside the root resolves inside it: /etc's absolute link to
# /opt/... is ROOT/opt/..., never the host's.
put "$R" /opt/mc/memcached.service <<'UNIT'
[Service]
ExecStart=/usr/bin/memcached -l 10.1.1.1
UNIT
mkdir -p "$R/etc/systemd/system"
ln -s /opt/mc/memcached.service "$R/etc/systemd/system/memcached.service"
check "an absolute link resolves inside the root" "$(argv_of "$R" memcached.service)" "</usr/bin/memcached> <-l> <10.1.1.1> "
printf '[Service]\nEnvironment=Y=1\n' | put "$R" /opt/mc/y.conf
ln -s ../../../../opt/mc "$R/usr/lib/systemd/system/memcached.service.d"
check "a drop-in directory linked inside the root" "$("$MCARGS" --unit-dump "$R" memcached.service | grep -c dropin)" "1"

# openSUSE: EnvironmentFile=-/etc/sysconfig/memcached (missing is fine).
R=$(newroot suse)
put "$R" /usr/lib/systemd/system/memcached.service <<'UNIT'
[Unit]
Description=memcached daemon
After=network.target

[Service]
EnvironmentFile=-/etc/sysconfig/memcached
ExecStart=/usr/bin/memcached -u $MEMCACHED_USER $MEMCACHED_PARAMS

[Install]
WantedBy=multi-user.target
UNIT
check "suse, no sysconfig: -u takes no value" "$(argv_of "$R" memcached.service)" "</usr/bin/memcached> <-u> "
check "suse, no sysconfig: memcached refuses" "$("$MCARGS" --unit-listeners "$R" memcached.service | tail -1)" \
        "refused: getopt: unknown option or missing value"
printf 'MEMCACHED_PARAMS="-l 0.0.0.0 -U 11211 -m 64"\nMEMCACHED_USER="memcached"\n' | put "$R" /etc/sysconfig/memcached
check "suse" "$(argv_of "$R" memcached.service)" "</usr/bin/memcached> <-u> <memcached> <-l> <0.0.0.0> <-U> <11211> <-m> <64> "
check "suse: listeners" "$("$MCARGS" --unit-listeners "$R" memcached.service)" "tcp=0.0.0.0:11211 udp=0.0.0.0:11211 inter=0.0.0.0"
xcheck "$R" memcached.service
# The file's variables beat Environment=, wherever either is written; a
# file without "-" that is missing fails the start.
put "$R" /etc/systemd/system/memcached.service.d/env.conf <<'UNIT'
[Service]
EnvironmentFile=/etc/sysconfig/memcached
Environment="MEMCACHED_PARAMS=-l 127.0.0.1 -U 0" EXTRA=1
UNIT
check "EnvironmentFile= beats Environment=" "$(argv_of "$R" memcached.service)" \
        "</usr/bin/memcached> <-u> <memcached> <-l> <0.0.0.0> <-U> <11211> <-m> <64> "
xcheck "$R" memcached.service
rm "$R/etc/sysconfig/memcached"
check "a missing EnvironmentFile= without -" "$("$MCARGS" --unit "$R" memcached.service 2>&1; echo "rc=$?")" \
        "mcargs: EnvironmentFile=/etc/sysconfig/memcached: cannot be read (the start fails)
rc=1"
printf '[Service]\nEnvironmentFile=\nEnvironment=MEMCACHED_USER=mc\n' >>"$R/etc/systemd/system/memcached.service.d/env.conf"
check "an empty EnvironmentFile= resets the list" "$(argv_of "$R" memcached.service)" \
        "</usr/bin/memcached> <-u> <mc> <-l> <127.0.0.1> <-U> <0> "
# An empty Environment= resets it too.
printf '[Service]\nEnvironment=\n' | put "$R" /etc/systemd/system/memcached.service.d/zz.conf
check "an empty Environment= resets the list" "$(argv_of "$R" memcached.service)" "</usr/bin/memcached> <-u> "

# Words: quotes (anywhere in a word), C escapes (an unknown one stays as
# written), "\;" and specifiers in the unit; at exec ${X} in place, $X alone
# split, $$ a dollar; $X inside a word and ${X:-d} stay as written.
R=$(newroot words)
put "$R" '/etc/systemd/system/memcached@a\x2db-c.service' <<'UNIT'
[Service]
Environment="L=-l 127.0.0.1" A=x "Q='a b' c" "S=s p"
ExecStart=/usr/bin/memcached "-l" '10.0.0.1, 10.0.0.2' -o ext_"path=/x y"z \x41\s\q \; $$L $${L} $L a$A ${S} $Q ${X:-d} $A$A "$L" %% %i %I %n %N %p %P %j %f 100%
UNIT
check "quoting, escapes, specifiers, expansion" "$(argv_of "$R" 'memcached@a\x2db-c.service')" \
        "</usr/bin/memcached> <-l> <10.0.0.1, 10.0.0.2> <-o> <ext_path=/x yz> <A \\q> <;> <\$L> <\${L}> <-l> <127.0.0.1> <a\$A> <s p> <a b> <c> <\${X:-d}> <-l> <127.0.0.1> <%> <a\\x2db-c> <a-b/c> <memcached@a\\x2db-c.service> <memcached@a\\x2db-c> <memcached> <memcached> <memcached> </a-b/c> <100%> "
xcheck "$R" 'memcached@a\x2db-c.service'
# ":" turns expansion off; "@" makes the second word argv[0]; "-" "+" "!"
# change nothing here.
printf '[Service]\nEnvironment=X=1\nExecStart=-:@+/usr/bin/memcached mc ${X} $X\n' | put "$R" /etc/systemd/system/m1.service
check "prefixes : and @" "$(argv_of "$R" m1.service)" "<mc> <\${X}> <\$X> "
xcheck "$R" m1.service
printf '[Service]\nExecStart=/usr/bin/memcached -l %%H\n' | put "$R" /etc/systemd/system/m2.service
check "%H needs the running system" "$("$MCARGS" --unit "$R" m2.service >/dev/null 2>&1; echo "rc=$?")" "rc=1"
printf '[Service]\nExecStart=/usr/bin/memcached -l "127.0.0.1\n' | put "$R" /etc/systemd/system/m3.service
check "an open quote after the first word: bad-setting" "$("$MCARGS" --unit "$R" m3.service 2>&1; echo "rc=$?")" \
        "mcargs: ExecStart=/usr/bin/memcached -l \"127.0.0.1: unbalanced quoting
rc=1"
printf '[Service]\nType=simple\n' | put "$R" /etc/systemd/system/m4.service
check "no ExecStart=" "$("$MCARGS" --unit "$R" m4.service 2>&1; echo "rc=$?")" \
        "mcargs: m4.service has no ExecStart= (systemd refuses to load it)
rc=1"
check "no unit" "$("$MCARGS" --unit "$R" nothere.service 2>&1; echo "rc=$?")" \
        "mcargs: nothere.service: no unit file in the search path (not found)
rc=1"
# Syntax: [Unit]'s or an unknown section's ExecStart= is not the service's,
# a line without "=" is ignored, a CRLF file reads the same, keys and values
# are stripped.
printf '[Unit]\r\nExecStart=/bin/no\r\n[X-Other]\r\nExecStart=/bin/no\r\n[Service]\r\njunk\r\n  ExecStart = /usr/bin/memcached  -l ::1  \r\n' |
        put "$R" /etc/systemd/system/m5.service
check "sections, CRLF, stripping" "$(argv_of "$R" m5.service)" "</usr/bin/memcached> <-l> <::1> "
xcheck "$R" m5.service
# Prefix drop-ins (memcached-.service.d for memcached-sessions.service) and
# the top-level service.d apply too, in the order of the file names.
printf '[Service]\nExecStart=/usr/bin/memcached -l 127.0.0.1\n' | put "$R" /lib/systemd/system/memcached-sessions.service
printf '[Service]\nExecStart=\nExecStart=/usr/bin/memcached -l 0.0.0.0\n' | put "$R" /etc/systemd/system/memcached-.service.d/10-all.conf
printf '[Service]\nEnvironment=Z=1\n' | put "$R" /etc/systemd/system/service.d/20-z.conf
check "prefix drop-in" "$(argv_of "$R" memcached-sessions.service)" "</usr/bin/memcached> <-l> <0.0.0.0> "
xcheck "$R" memcached-sessions.service
[ -z "$SYSTEMD" ] || echo "cross-checked $XCHECKED units against systemd 252's loader"

# ---- OpenRC: conf.d read by openrc-run and Alpine's / Gentoo's init script ----
# Expectations by hand from the two scripts and openrc-run.sh; the shipped
# conf.d defaults written out as the packages have them.
alpine_confd() { # ROOT [LINE...]: Alpine's shipped defaults, then LINEs
        mkdir -p "$1/etc/conf.d"
        { printf '%s\n' '# memcached config file' 'MEMCACHED_BINARY="/usr/bin/memcached"' 'MEMUSAGE="64"' \
                'MEMCACHED_RUNAS="memcached"' 'MAXCONN="1024"' 'LISTENON="127.0.0.1"' 'PORT="11211"' \
                'UDPPORT="${PORT}"' 'PIDBASE="/var/run/memcached/memcached"' 'MISC_OPTS=""'
          [ $# -lt 2 ] || printf '%s\n' "${@:2}"; } >"$1/etc/conf.d/memcached"
}
gentoo_confd() { # ROOT [LINE...]: Gentoo's shipped defaults, then LINEs
        mkdir -p "$1/etc/conf.d"
        { printf '%s\n' 'MEMCACHED_BINARY="/usr/bin/memcached"' 'MEMUSAGE="64"' 'MEMCACHED_RUNAS="memcached"' \
                'MAXCONN="1024"' 'LISTENON=""' 'PORT="11211"' 'UDPPORT="${PORT}"' \
                'PIDBASE="/var/run/memcached/memcached"' '#SOCKET="/var/run/memcached/memcached.sock"' \
                '#SOCKET_MASK="0700"' 'MISC_OPTS=""'
          [ $# -lt 2 ] || printf '%s\n' "${@:2}"; } >"$1/etc/conf.d/memcached"
}
orc() { openrc_argv "$@" | tr '\n' ' '; }
# Every reading also under busybox ash (Alpine's /bin/sh) when it is here.
ASH=
if command -v busybox >/dev/null && busybox sh -c 'exit 0' 2>/dev/null; then
        ASH="busybox sh"
else
        echo "skip: OpenRC readings under busybox ash (no busybox)"
fi
orc_check() { # NAME ROOT SVC FLAVOR WANT-LISTENERS
        check "openrc $1" "$(openrc_listeners "$2" "$3" "$4")" "$5"
        [ -z "$ASH" ] || check "openrc $1 (busybox ash)" "$(OPENRC_SH=$ASH openrc_listeners "$2" "$3" "$4")" "$5"
}

R=$(newroot alpine)
alpine_confd "$R"
check "alpine defaults: argv" "$(orc "$R" memcached alpine)" \
        "</usr/bin/memcached> <-d> <-p> <11211> <-U> <11211> <-l> <127.0.0.1> <-m> <64> <-c> <1024> <-u> <memcached> <-P> </var/run/memcached/memcached-11211.pid> "
orc_check "alpine defaults" "$R" memcached alpine "tcp=127.0.0.1:11211 udp=127.0.0.1:11211 inter=127.0.0.1"
alpine_confd "$R" 'UDPPORT="0"'
orc_check "alpine UDPPORT=0" "$R" memcached alpine "tcp=127.0.0.1:11211 udp=off inter=127.0.0.1"
# An empty UDPPORT: -U takes the next word, "-l", as its value (atoi 0:
# UDP off) and 127.0.0.1 is a stray word memcached ignores: every interface.
alpine_confd "$R" 'UDPPORT=""'
check "alpine empty UDPPORT: argv" "$(orc "$R" memcached alpine | cut -d' ' -f5-8)" "<-U> <-l> <127.0.0.1> <-m>"
orc_check "alpine empty UDPPORT" "$R" memcached alpine "tcp=*:11211 udp=off inter=NULL"
# -l and -U in MISC_OPTS come last: the last -U wins, -l adds.
alpine_confd "$R" 'MISC_OPTS="-U 0 -l 10.0.0.5 -v"'
orc_check "alpine MISC_OPTS" "$R" memcached alpine "tcp=127.0.0.1:11211,10.0.0.5:11211 udp=off inter=127.0.0.1,10.0.0.5"
# Unquoted: LISTENON with a space is two words, a glob matches nothing.
alpine_confd "$R" 'LISTENON="127.0.0.1 -l 0.0.0.0"' 'MISC_OPTS="-o *"'
check "alpine field splitting and globs" "$(orc "$R" memcached alpine | cut -d' ' -f7-10,19-)" \
        "<-l> <127.0.0.1> <-l> <0.0.0.0> <-o> <*> "
# An instance: conf.d/memcached, then conf.d/memcached.sessions (sourced by
# openrc-run and again by the script), PIDFILE named after the base's PORT.
alpine_confd "$R" 'MISC_OPTS="-v"'
printf '%s\n' 'PORT="11212"' 'LISTENON="10.0.0.7"' 'MISC_OPTS="$MISC_OPTS -t 4"' >"$R/etc/conf.d/memcached.sessions"
check "alpine instance: argv" "$(orc "$R" memcached.sessions alpine)" \
        "</usr/bin/memcached> <-d> <-p> <11212> <-U> <11211> <-l> <10.0.0.7> <-m> <64> <-c> <1024> <-u> <memcached> <-P> </var/run/memcached/memcached-11212.sessions.pid> <-v> <-t> <4> <-t> <4> "
orc_check "alpine instance" "$R" memcached.sessions alpine "tcp=10.0.0.7:11212 udp=10.0.0.7:11211 inter=10.0.0.7"
check "alpine: the base service ignores the instance file" "$(openrc_listeners "$R" memcached alpine)" \
        "tcp=127.0.0.1:11211 udp=127.0.0.1:11211 inter=127.0.0.1"
# A runlevel file replaces conf.d/memcached for that runlevel.
printf '%s\n' 'MEMCACHED_BINARY=/usr/bin/memcached' 'LISTENON=10.9.9.9' 'PORT=1' 'UDPPORT=0' >"$R/etc/conf.d/memcached.default"
check "alpine: conf.d/memcached.default in runlevel default" "$(openrc_listeners "$R" memcached alpine | cut -d' ' -f1-2)" \
        "tcp=10.9.9.9:1 udp=off"
check "... not in runlevel boot" "$(OPENRC_RUNLEVEL=boot openrc_listeners "$R" memcached alpine | cut -d' ' -f1-2)" \
        "tcp=127.0.0.1:11211 udp=127.0.0.1:11211"
rm "$R/etc/conf.d/memcached.default"
# /etc/rc.conf comes first: conf.d overrides it, but what conf.d leaves
# alone stays.
printf '%s\n' 'rc_parallel="NO"' 'MISC_OPTS="-l 10.1.1.2"' 'LISTENON="10.1.1.1"' >"$R/etc/rc.conf"
sed -i '/^MISC_OPTS/d' "$R/etc/conf.d/memcached"
orc_check "alpine rc.conf" "$R" memcached alpine "tcp=127.0.0.1:11211,10.1.1.2:11211 udp=127.0.0.1:11211,10.1.1.2:11211 inter=127.0.0.1,10.1.1.2"
rm "$R/etc/rc.conf"
# A conf.d file whose last command fails stops openrc-run.
alpine_confd "$R" '[ -n "$NOTSET" ] && MISC_OPTS=-v'
check "alpine: a failing last command" "$(openrc_argv "$R" memcached alpine 2>/dev/null; echo "rc=$?")" "rc=3"
# A conf.d that is a link resolves inside the root.
mkdir -p "$R/usr/share/mc"
alpine_confd "$R" 'LISTENON="10.2.2.2"'
mv "$R/etc/conf.d/memcached" "$R/usr/share/mc/confd"
ln -s /usr/share/mc/confd "$R/etc/conf.d/memcached"
orc_check "alpine: conf.d linked inside the root" "$R" memcached alpine "tcp=10.2.2.2:11211 udp=10.2.2.2:11211 inter=10.2.2.2"

R=$(newroot gentoo)
gentoo_confd "$R"
check "gentoo defaults: argv" "$(orc "$R" memcached gentoo)" \
        "</usr/bin/memcached> <-d> <-p> <11211> <-U> <11211> <-m> <64> <-c> <1024> <-u> <memcached> <-P> </var/run/memcached/memcached.pid> "
orc_check "gentoo defaults: every interface, UDP on" "$R" memcached gentoo "tcp=*:11211 udp=*:11211 inter=NULL"
gentoo_confd "$R" 'LISTENON="127.0.0.1"' 'UDPPORT="0"'
orc_check "gentoo LISTENON, UDPPORT=0" "$R" memcached gentoo "tcp=127.0.0.1:11211 udp=off inter=127.0.0.1"
# SOCKET: no -p/-U/-l at all, only the unix socket (MISC_OPTS's -l too is
# not bound: memcached ignores TCP and UDP with -s).
gentoo_confd "$R" 'SOCKET="/run/memcached/memcached.sock"' 'SOCKET_MASK="0700"' 'LISTENON="0.0.0.0"' 'MISC_OPTS="-l 0.0.0.0"'
check "gentoo SOCKET: argv" "$(orc "$R" memcached gentoo | cut -d' ' -f2-6)" "<-d> <-s> </run/memcached/memcached.sock> <-a> <0700>"
orc_check "gentoo SOCKET" "$R" memcached gentoo "tcp=none udp=off unix=/run/memcached/memcached.sock inter=0.0.0.0"
gentoo_confd "$R" 'UDPPORT=""'
check "gentoo empty UDPPORT: -U takes -m" "$(orc "$R" memcached gentoo | cut -d' ' -f5-7)" "<-U> <-m> <64>"
orc_check "gentoo empty UDPPORT" "$R" memcached gentoo "tcp=*:11211 udp=off inter=NULL"
gentoo_confd "$R" 'LISTENON="127.0.0.1"'
printf '%s\n' 'LISTENON="192.168.1.5"' 'PORT="11300"' >"$R/etc/conf.d/memcached.b"
check "gentoo instance: argv" "$(orc "$R" memcached.b gentoo | cut -d' ' -f3-8,15-)" \
        "<-p> <11300> <-U> <11211> <-l> <192.168.1.5> <-P> </var/run/memcached/memcached.b.pid> "
orc_check "gentoo instance" "$R" memcached.b gentoo "tcp=192.168.1.5:11300 udp=192.168.1.5:11211 inter=192.168.1.5"

# listener_set / unsafe / safe_tcp
line="tcp=127.0.0.1:1,*:2,10.0.0.1:3,8.8.8.8:4,[fd00::1]:5,[::]:6,db:7,0.0.0.0:8 udp=127.0.0.1:9 inter=x"
check "unsafe" "$(unsafe "$line" | tr '\n' ' ')" "tcp *:2 tcp 0.0.0.0:8 tcp 8.8.8.8:4 tcp [::]:6 tcp db:7 udp 127.0.0.1:9 "
check "safe_tcp" "$(safe_tcp "$line" | tr '\n' ' ')" "tcp 10.0.0.1:3 tcp 127.0.0.1:1 tcp [fd00::1]:5 "

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
