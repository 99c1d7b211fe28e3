#!/bin/bash
# OpenRC's /etc/conf.d/memcached on Alpine and Gentoo, and the instance
# files /etc/conf.d/memcached.NAME. Judged by the oracle's OpenRC reading
# (tests/oracle/readings.sh's openrc_argv and openrc_listeners): a real
# /bin/sh sources the files as openrc-run and the init script do, builds
# memcached's command line as the flavor's start() does, and mcargs reads
# the words.
. "$(dirname "$0")/lib.sh"

CONFD=/etc/conf.d/memcached

# The services of root R: memcached, and memcached.NAME for each instance file.
services() {
        local f
        echo memcached
        for f in "$1"/etc/conf.d/memcached.*; do
                [ -e "$f" ] && echo "memcached.${f##*/memcached.}"
        done
}

# rc_cases FLAVOR: for each "name|main file|instance NAME=text or -|check's
# exit" line on stdin, in a copy of FLAVOR-exposed: check exits as given;
# the dry run writes nothing and shows what apply writes; after apply no
# service exposes a listener or UDP and none lost a safe listener, by the
# oracle; a compliant root stays byte for byte; check then passes and a
# second apply changes nothing.
rc_cases() {
        local flavor=$1 name main inst want_rc R svc before after preview written missing f
        while IFS='|' read -r name main inst want_rc; do
                [ -n "$name" ] || continue
                test_begin "$flavor: $name"
                R=$(root "$flavor-exposed")
                printf '%b' "$main" >"$R$CONFD"
                [ "$inst" = - ] || printf '%b' "${inst#*=}" >"$R$CONFD.${inst%%=*}"
                rm -rf "$TMP/orig"; cp -a "$R" "$TMP/orig"
                declare -A before=()
                for svc in $(services "$R"); do before[$svc]=$(openrc_listeners "$R" "$svc" "$flavor"); done
                run check --root "$R"
                expect_rc "$want_rc" || continue
                run apply --dry-run --root "$R"
                preview=$OUT
                { expect_rc 0 && diff -r "$TMP/orig" "$R" >/dev/null; } || { fail "the dry run wrote"; continue; }
                run apply --no-restart --root "$R"
                expect_rc 0 || continue
                written=$(for f in "$R"$CONFD "$R"$CONFD.*; do
                        [ -e "$f" ] && diff -u --label "a${f#"$R"}" --label "b${f#"$R"}" "$TMP/orig${f#"$R"}" "$f"
                done)
                [ "$preview" = "$written" ] || { fail "the dry run showed another diff than apply wrote:
$preview
---- written:
$written"; continue; }
                for svc in $(services "$R"); do
                        after=$(openrc_listeners "$R" "$svc" "$flavor")
                        [ -z "$(unsafe "$after")" ] || { fail "$svc still exposed: $after"; continue 2; }
                        ! refused "$after" || { fail "$svc: memcached refuses the applied config: $after"; continue 2; }
                        missing=$(comm -23 <(safe_tcp "${before[$svc]}") <(listener_set "$after"))
                        [ -z "$missing" ] || { fail "$svc lost safe listeners: $missing (before: ${before[$svc]}; after: $after)"; continue 2; }
                done
                [ "$want_rc" != 0 ] || { [ -z "$preview" ] && diff -r "$TMP/orig" "$R" >/dev/null; } ||
                        { fail "a compliant config was changed"; continue; }
                run check --root "$R"
                expect_rc 0 || continue
                run apply --no-restart --root "$R"
                { expect_rc 0 && expect_err "unchanged"; } || continue
                ok
        done
}

# rc_refused FLAVOR: for each "name|main file|instance NAME=text or -|file
# (after ROOT) and line|message" line on stdin: check, the dry run and
# apply exit 3 with exactly "cannot VERB 'FILE' line N: MESSAGE" (VERB
# before the message's first ': '; no line where none is given; ROOT in
# the message is the root), the tree byte for byte as it was. A main file
# of "-" is the shipped one, "+TEXT" the shipped one and TEXT, and a line
# "+N" then the shipped file's line count plus N.
rc_refused() {
        local flavor=$1 name main inst where msg R cmd want line shipped
        shipped=$FIXTURES/$flavor-exposed$CONFD
        while IFS='|' read -r name main inst where msg; do
                [ -n "$name" ] || continue
                test_begin "$flavor refuses: $name"
                R=$(root "$flavor-exposed")
                case $main in
                -) ;;
                +*) printf '%b' "${main#+}" >>"$R$CONFD" ;;
                *) printf '%b' "$main" >"$R$CONFD" ;;
                esac
                [ "$inst" = - ] || printf '%b' "${inst#*=}" >"$R$CONFD.${inst%%=*}"
                rm -rf "$TMP/orig"; cp -a "$R" "$TMP/orig"
                want="memharden: cannot ${msg%%: *} '$R${where%% *}'"
                line=${where#* }
                [ "$line" = "$where" ] || want+=" line $([[ $line == +* ]] && echo $(($(wc -l <"$shipped") + ${line#+})) || echo "$line")"
                msg=${msg#*: }
                want+=": ${msg//ROOT/$R}"
                for cmd in check "apply --dry-run" "apply --no-restart"; do
                        run $cmd --root "$R"
                        { expect_rc 3 && [ "$ERR" = "$want" ] && diff -r "$TMP/orig" "$R" >/dev/null; } ||
                                { fail "$cmd: want '$want'"; continue 2; }
                done
                ok
        done
}

test_begin "Alpine detected from os-release, UDP on in its shipped file"
R=$(root alpine-exposed)
run check --root "$R" --json
{ expect_rc 1 && expect_out '"profile":"alpine"' && expect_out '"udp-enabled"' &&
  [ "$(openrc_listeners "$R" memcached alpine)" = "tcp=127.0.0.1:11211 udp=127.0.0.1:11211 inter=127.0.0.1" ] ||
  fail "oracle: $(openrc_listeners "$R" memcached alpine)"; } && ok

test_begin "Gentoo detected from os-release, every interface and UDP in its shipped file"
R=$(root gentoo-exposed)
run check --root "$R" --json
{ expect_rc 1 && expect_out '"profile":"gentoo"' && expect_out '"listen-missing"' && expect_out '"udp-enabled"'; } && ok

test_begin "the shipped files: UDPPORT and LISTENON set in place, nothing else changes"
for flavor in alpine gentoo; do
        R=$(root "$flavor-exposed"); cp "$R$CONFD" "$TMP/orig.conf"
        run apply --no-restart --root "$R"
        { expect_rc 0 && [[ $(openrc_listeners "$R" memcached $flavor) == "tcp=127.0.0.1:11211 udp=off "* ]] &&
          grep -qx 'UDPPORT="0"' "$R$CONFD" && grep -qx 'LISTENON="127.0.0.1"' "$R$CONFD" &&
          [ "$(diff "$TMP/orig.conf" "$R$CONFD" | grep -c '^[<>]')" = "$([ $flavor = alpine ] && echo 2 || echo 4)" ] ||
          fail "$flavor: $(diff "$TMP/orig.conf" "$R$CONFD")"; } || break
done && ok

test_begin "--profile alpine|gentoo on a root without os-release; /etc/alpine-release and /etc/gentoo-release"
R=$(root alpine-exposed); rm "$R/etc/os-release"
run check --root "$R" --profile gentoo --json
{ expect_rc 1 && expect_out '"profile":"gentoo"'; } &&
{ touch "$R/etc/alpine-release"; run check --root "$R" --json; expect_rc 1 && expect_out '"profile":"alpine"'; } &&
{ rm "$R/etc/alpine-release"; touch "$R/etc/gentoo-release"; run check --root "$R" --json; expect_rc 1 &&
  expect_out '"profile":"gentoo"'; } && ok

ALPINE=$(cat "$FIXTURES/alpine-exposed$CONFD")
GENTOO=$(cat "$FIXTURES/gentoo-exposed$CONFD")
# The shipped files with the lines that matter replaced.
alpine() { sed -e "s|^LISTENON=.*|$1|" -e "s|^UDPPORT=.*|$2|" -e "s|^MISC_OPTS=.*|$3|" <<<"$ALPINE" | sed 's/$/\\n/' | tr -d '\n'; }
gentoo() { sed -e "s|^LISTENON=.*|$1|" -e "s|^UDPPORT=.*|$2|" -e "s|^MISC_OPTS=.*|$3|" <<<"$GENTOO" | sed 's/$/\\n/' | tr -d '\n'; }

alpine_cases() {
        echo "the shipped file|$(alpine 'LISTENON="127.0.0.1"' 'UDPPORT="${PORT}"' 'MISC_OPTS=""')|-|1"
        echo "hardened: byte for byte|$(alpine 'LISTENON="127.0.0.1"' 'UDPPORT="0"' 'MISC_OPTS=""')|-|0"
        echo "private and loopback listeners kept|$(alpine 'LISTENON="10.0.0.5,127.0.0.1"' 'UDPPORT="0"' 'MISC_OPTS=""')|-|0"
        echo "a wildcard among private listeners|$(alpine 'LISTENON="0.0.0.0,10.0.0.5"' 'UDPPORT="0"' 'MISC_OPTS=""')|-|1"
        echo "every interface|$(alpine 'LISTENON=""' 'UDPPORT="0"' 'MISC_OPTS=""')|-|1"
        echo "LISTENON unset|$(alpine '# LISTENON' 'UDPPORT="0"' 'MISC_OPTS=""')|-|1"
        echo "UDP from MISC_OPTS|$(alpine 'LISTENON="127.0.0.1"' 'UDPPORT="0"' 'MISC_OPTS="-v -U 11211 -t 4"')|-|1"
        echo "a public -l in MISC_OPTS|$(alpine 'LISTENON="127.0.0.1"' 'UDPPORT="0"' 'MISC_OPTS="-l 0.0.0.0 -c 2048"')|-|1"
        echo "a private -l in MISC_OPTS, LISTENON on every interface|$(alpine 'LISTENON="0.0.0.0"' 'UDPPORT="0"' 'MISC_OPTS="-l 10.1.2.3"')|-|1"
        echo "long options and a cluster in MISC_OPTS|$(alpine 'LISTENON="127.0.0.1"' 'UDPPORT="0"' 'MISC_OPTS="--listen=0.0.0.0 -vU11211 --threads 4"')|-|1"
        echo "self-reference, spacing kept|$(alpine 'LISTENON="127.0.0.1"' 'UDPPORT="0"' 'MISC_OPTS="-v"\nMISC_OPTS="$MISC_OPTS  -U 5   -k"')|-|1"
        echo "single quotes and export|$(alpine "export LISTENON='0.0.0.0'" "UDPPORT='11211'" "MISC_OPTS=''")|-|1"
        echo "an instance on its own port, UDP from the main file|$(alpine 'LISTENON="127.0.0.1"' 'UDPPORT="${PORT}"' 'MISC_OPTS=""')|"'a=PORT="11212"\nUDPPORT="${PORT}"\n'"|1"
        echo "an instance whose LISTENON is every interface|$(alpine 'LISTENON="127.0.0.1"' 'UDPPORT="0"' 'MISC_OPTS=""')|"'b=LISTENON="0.0.0.0"\nPORT="11212"\n'"|1"
        echo "an instance adding to MISC_OPTS, sourced twice|$(alpine 'LISTENON="127.0.0.1"' 'UDPPORT="0"' 'MISC_OPTS="-U 11211"')|"'c=MISC_OPTS="${MISC_OPTS} -v"\n'"|1"
        echo "a hardened instance|$(alpine 'LISTENON="127.0.0.1"' 'UDPPORT="0"' 'MISC_OPTS=""')|"'d=PORT="11212"\nLISTENON="10.0.0.7"\n'"|0"
}
rc_cases alpine < <(alpine_cases)

gentoo_cases() {
        echo "the shipped file|$(gentoo 'LISTENON=""' 'UDPPORT="${PORT}"' 'MISC_OPTS=""')|-|1"
        echo "hardened: byte for byte|$(gentoo 'LISTENON="127.0.0.1"' 'UDPPORT="0"' 'MISC_OPTS=""')|-|0"
        echo "a public address|$(gentoo 'LISTENON="192.0.2.10"' 'UDPPORT="0"' 'MISC_OPTS=""')|-|1"
        echo "IPv6 loopback and a private address kept|$(gentoo 'LISTENON="::1,192.168.1.4"' 'UDPPORT="${PORT}"' 'MISC_OPTS=""')|-|1"
        echo "a unix socket: no network, -U 0 still written|$(gentoo 'LISTENON=""' 'UDPPORT="${PORT}"' 'MISC_OPTS=""\nSOCKET="/run/memcached/memcached.sock"')|-|1"
        echo "a unix socket and a mask, hardened|$(gentoo 'LISTENON=""' 'UDPPORT="${PORT}"' 'MISC_OPTS="-U 0"\nSOCKET="/run/memcached/memcached.sock"\nSOCKET_MASK="0700"')|-|0"
        echo "MISC_OPTS with -U and -l|$(gentoo 'LISTENON="127.0.0.1"' 'UDPPORT="0"' 'MISC_OPTS="-U 11211 -l 0.0.0.0 -t 4"')|-|1"
        echo "an instance on every interface|$(gentoo 'LISTENON="127.0.0.1"' 'UDPPORT="0"' 'MISC_OPTS=""')|"'x=LISTENON=""\nPORT="11212"\nUDPPORT="${PORT}"\n'"|1"
        echo "an instance with a socket of its own|$(gentoo 'LISTENON=""' 'UDPPORT="${PORT}"' 'MISC_OPTS=""')|"'y=SOCKET="/run/memcached/y.sock"\n'"|1"
}
rc_cases gentoo < <(gentoo_cases)

rc_refused alpine <<'CASES'
command substitution|LISTENON="$(hostname -i)"\nPORT="11211"\n|-|/etc/conf.d/memcached 1|parse: command substitution '$(hostname -i)', which only a shell can interpret; write out the value memcached should get, then run again
backticks|PORT="11211"\nMISC_OPTS="`cat /etc/memcached.opts`"\n|-|/etc/conf.d/memcached 2|parse: backticks '`cat /etc/memcached.opts`', which only a shell can interpret; write out the value memcached should get, then run again
a reference outside double quotes|PORT="11211"\nUDPPORT=$PORT\n|-|/etc/conf.d/memcached 2|parse: variable expansion '$PORT' outside double quotes; put the value in double quotes, which the shell reads alike, then run again
a parameter expansion|PORT="11211"\nLISTENON="${ADDR:-0.0.0.0}"\n|-|/etc/conf.d/memcached 2|parse: parameter expansion '${ADDR:-0.0.0.0}', which only a shell can interpret; write out the value memcached should get, then run again
a file name pattern|LISTENON="*"\nPORT="11211"\nUDPPORT="0"\n|-|/etc/conf.d/memcached 1|parse: '*' in LISTENON is a file name pattern to the init script's shell, which expands $LISTENON without quotes and puts the names of matching files there; write the value without '*', '?' and '[' (an IPv6 address without brackets), then run again
UDPPORT empty|LISTENON="127.0.0.1"\nPORT="11211"\nUDPPORT=""\n|-|/etc/conf.d/memcached 3|parse: '-U' needs a value, but '-l' follows it: the init script writes $UDPPORT after '-U', and it holds no word; give UDPPORT a value, then run again
an unknown option in MISC_OPTS|+MISC_OPTS="-v -Q"\n|-|/etc/conf.d/memcached +1|parse: unknown option '-Q'; memcached refuses to start with it: correct or remove it, then run again
IFS|IFS=,\nLISTENON="127.0.0.1"\n|-|/etc/conf.d/memcached 1|parse: IFS changes where the init script's shell splits memcached's options; remove it, then run again
openrc-run's variables|PORT="11211"\nPIDBASE="/run/${RC_SVCNAME}"\n|-|/etc/conf.d/memcached 2|parse: '$RC_SVCNAME' is set by openrc-run, not by a file memharden reads; write out the value memcached should get, then run again
a command in the instance file|-|a=PORT="11212"\nmemcached -d\n|/etc/conf.d/memcached.a 2|parse: 'memcached -d' is not an assignment, and a shell reading the file runs it as a command; make it a comment or remove it, then run again
a runlevel's file|-|default=LISTENON="0.0.0.0"\n|/etc/conf.d/memcached.default|read: openrc-run reads it in place of 'ROOT/etc/conf.d/memcached' when memcached starts in runlevel 'default', and no file says which runlevel that is; merge it into that file and remove it, then run again
CASES

rc_refused gentoo <<'CASES'
an unquoted reference|-|a=UDPPORT=$PORT\n|/etc/conf.d/memcached.a 1|parse: variable expansion '$PORT' outside double quotes; put the value in double quotes, which the shell reads alike, then run again
an IPv6 listener in brackets|+LISTENON="[::1]:11211"\n|-|/etc/conf.d/memcached +1|parse: '[::1]:11211' in LISTENON is a file name pattern to the init script's shell, which expands $LISTENON without quotes and puts the names of matching files there; write the value without '*', '?' and '[' (an IPv6 address without brackets), then run again
a socket without its path|+SOCKET=" "\n|-|/etc/conf.d/memcached +1|parse: '-s' needs a value, but '-m' follows it: the init script writes $SOCKET after '-s', and it holds no word; give SOCKET a value, then run again
a runlevel's file for an instance|-|a.boot=PORT="1"\n|/etc/conf.d/memcached.a.boot|read: openrc-run reads it in place of 'ROOT/etc/conf.d/memcached.a' when memcached starts in runlevel 'boot', and no file says which runlevel that is; merge it into that file and remove it, then run again
CASES

test_begin "a -U before the script's own: check finds it, apply refuses to remove the script's"
R=$(root alpine-exposed)
printf 'PORT="11211 -U 5"\nUDPPORT="0"\n' >>"$R$CONFD"
rm -rf "$TMP/orig"; cp -a "$R" "$TMP/orig"
run check --root "$R"
expect_rc 1 &&
for cmd in "apply --dry-run" "apply --no-restart"; do
        run $cmd --root "$R"
        { expect_rc 3 && [ "$ERR" = "memharden: cannot edit '$R$CONFD': '-U' is written by the init script itself, and memharden would have to change or remove it; make it the only one of memcached's command line by hand, then run again" ] &&
          diff -r "$TMP/orig" "$R" >/dev/null; } || { fail "$cmd"; break; }
done && ok

finish
