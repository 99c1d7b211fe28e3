#!/bin/bash
# Host names among the listeners, judged by what they resolve to: under
# --root, in the image's own /etc/hosts only. RDO's memcached listens on
# "-l 127.0.0.1,::1,controller"; here controller is private, public, or
# not resolvable (then apply refuses, exit 3, and writes nothing).
. "$(dirname "$0")/lib.sh"

RDO='PORT="11211"\nUSER="memcached"\nMAXCONN="8192"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1,::1,controller -U 0"\n'

# rdo [HOSTS]: a copy of rhel-exposed with RDO's sysconfig and HOSTS as its
# /etc/hosts (none without); prints the root.
rdo() {
        local r
        r=$(root rhel-exposed)
        printf '%b' "$RDO" >"$r/etc/sysconfig/memcached"
        [ $# -eq 0 ] || printf '%b' "$1" >"$r/etc/hosts"
        echo "$r"
}

# resolved_unsafe LINE HOSTS: the oracle's listeners of LINE that expose
# memcached once each host name is read from the hosts file HOSTS (every
# address it has there must be safe; a name it lacks is unsafe).
resolved_unsafe() {
        local kind addr host a found
        listener_set "$1" | while read -r kind addr; do
                host=${addr%:*}
                if [ "$kind" = udp ]; then echo "$kind $addr"; continue; fi
                safe_host "$host" && continue
                [[ "$host" =~ ^[A-Za-z][A-Za-z0-9.-]*$ ]] || { echo "$kind $addr"; continue; }
                found=0
                for a in $(sed 's/#.*//' "$2" 2>/dev/null | awk -v n="$host" '{ for (i = 2; i <= NF; i++) if (tolower($i) == tolower(n)) print $1 }'); do
                        found=1
                        case $a in *:*) a="[$a]" ;; esac
                        safe_host "$a" || echo "$kind $addr ($a)"
                done
                [ "$found" = 1 ] || echo "$kind $addr (unresolved)"
        done
}

# tree R: every file of R with its checksum, for "nothing was written".
tree() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum; find . | sort); }

test_begin "controller private in /etc/hosts: compliant, kept, the addresses in check's JSON"
R=$(rdo '127.0.0.1 localhost\n192.168.24.3 controller.ctlplane controller\nfd00:24::3 controller\n')
F=$R/etc/sysconfig/memcached
cp "$F" "$TMP/orig"
before=$(listeners "$F")
run check --root "$R" --json
{ expect_rc 0 && [ "$(jq -c '[.findings[] | select(.id == "listen-hostname") | .addresses]' <<<"$OUT")" = '[["192.168.24.3","fd00:24::3"]]' ] ||
        fail "listen-hostname addresses: $(jq -c '.findings' <<<"$OUT")"; } &&
{ [ "$(jq -r '.findings[] | select(.id == "listen-hostname") | "\(.severity) \(.host) \(.line)"' <<<"$OUT")" = "info controller 5" ] ||
        fail "listen-hostname finding"; } &&
{ run apply --no-restart --root "$R"; expect_rc 0 && expect_err "unchanged" && expect_same "$F" "$TMP/orig"; } &&
{ [ "$(listeners "$F")" = "$before" ] || fail "listeners changed: $before -> $(listeners "$F")"; } &&
{ [ -z "$(resolved_unsafe "$before" "$R/etc/hosts")" ] || fail "oracle: exposed: $(resolved_unsafe "$before" "$R/etc/hosts")"; } && ok

test_begin "controller public in /etc/hosts: dropped, loopback kept, the rest byte for byte"
R=$(rdo '127.0.0.1 localhost\n203.0.113.5 controller\n')
F=$R/etc/sysconfig/memcached
cp "$F" "$TMP/orig"
run check --root "$R" --json
{ expect_rc 1 && [ "$(jq -c '[.findings[] | select(.id == "listen-hostname-public") | [.severity, .host, .addresses]]' <<<"$OUT")" = '[["high","controller",["203.0.113.5"]]]' ] ||
        fail "listen-hostname-public: $(jq -c '.findings' <<<"$OUT")"; } &&
{ run apply --dry-run --root "$R"; preview=$OUT; expect_rc 0 && expect_same "$F" "$TMP/orig"; } &&
{ run apply --no-restart --root "$R"; expect_rc 0; } &&
{ written=$(diff -u --label a/etc/sysconfig/memcached --label b/etc/sysconfig/memcached "$TMP/orig" "$F")
  [ "$preview" = "$written" ] || fail "the dry run showed another diff than apply wrote: $preview // $written"; } &&
{ grep -qx 'OPTIONS="-l 127.0.0.1,::1 -U 0"' "$F" || fail "OPTIONS: $(grep OPTIONS "$F")"; } &&
{ [ "$(diff "$TMP/orig" "$F" | grep -c '^[<>]')" = 2 ] || fail "more than OPTIONS changed"; } &&
{ after=$(listeners "$F"); [ -z "$(resolved_unsafe "$after" "$R/etc/hosts")" ] ||
        fail "oracle: still exposed: $(resolved_unsafe "$after" "$R/etc/hosts")"; } &&
{ [ -z "$(comm -23 <(safe_tcp "$(listeners "$TMP/orig")") <(listener_set "$after"))" ] || fail "a safe listener went: $after"; } &&
{ run check --root "$R"; expect_rc 0; } &&
{ run apply --no-restart --root "$R"; expect_rc 0 && expect_err "unchanged"; } && ok

test_begin "controller public by one of its addresses: dropped"
R=$(rdo '192.168.24.3 controller\n2001:db8::3 controller\n')
run check --root "$R" --json
{ expect_rc 1 && [ "$(jq -c '[.findings[] | select(.id == "listen-hostname-public") | .addresses]' <<<"$OUT")" = '[["192.168.24.3","2001:db8::3"]]' ] ||
        fail "addresses: $(jq -c '.findings' <<<"$OUT")"; } && ok

for hosts in none '127.0.0.1 localhost\n10.0.0.9 other # controller\n'; do
        test_begin "controller not resolvable (/etc/hosts: ${hosts:0:20}): check reports it, apply refuses with exit 3 and writes nothing"
        if [ "$hosts" = none ]; then R=$(rdo); else R=$(rdo "$hosts"); fi
        tree "$R" >"$TMP/tree.before"
        run check --root "$R" --json
        { expect_rc 1 && [ "$(jq -c '[.findings[] | select(.id == "listen-unresolved") | [.severity, .host, .addresses, .line]]' <<<"$OUT")" = '[["high","controller",[],5]]' ] ||
                fail "listen-unresolved: $(jq -c '.findings' <<<"$OUT")"; } &&
        { run check --root "$R"; expect_rc 1 && expect_out "listen-unresolved" && expect_out "controller"; } &&
        { run apply --no-restart --root "$R"; expect_rc 3 && [ -z "$OUT" ]; } &&
        { expect_err "'controller' does not resolve" && expect_err "give --listen with the addresses you mean" &&
          expect_err "add the name to $R/etc/hosts" && expect_err "sysconfig/memcached' line 5"; } &&
        { run apply --dry-run --root "$R"; expect_rc 3 && [ -z "$OUT" ] && expect_err "'controller' does not resolve"; } &&
        { run apply --no-restart --root "$R" --json; expect_rc 3 &&
          [ "$(jq -r '.error.exit_code, (.findings[] | select(.id == "listen-unresolved") | .host)' <<<"$OUT" | tr '\n' ' ')" = "3 controller " ] ||
                fail "JSON: $OUT"; } &&
        { tree "$R" >"$TMP/tree.after"; cmp -s "$TMP/tree.before" "$TMP/tree.after" || fail "the tree changed: $(diff "$TMP/tree.before" "$TMP/tree.after")"; } && ok
done

test_begin "not resolvable, decided with --listen: apply writes the addresses given"
R=$(rdo)
F=$R/etc/sysconfig/memcached
run apply --no-restart --root "$R" --listen 127.0.0.1,::1,192.168.24.3
{ expect_rc 0 && grep -qx 'OPTIONS="-l 127.0.0.1,::1,192.168.24.3 -U 0"' "$F" || fail "OPTIONS: $(grep OPTIONS "$F")"; } &&
{ [ -z "$(unsafe "$(listeners "$F")")" ] || fail "oracle: exposed: $(listeners "$F")"; } && ok

test_begin "Debian: a private name beside TLS listeners is kept byte for byte"
R=$(root debian-exposed)
F=$R/etc/memcached.conf
printf -- '-p 11211\n-l 127.0.0.1,cache,btls:cache:11212\n-U 0\n' >"$F"
printf '10.1.2.3 cache\n' >"$R/etc/hosts"
cp "$F" "$TMP/orig"
run check --root "$R"
{ expect_rc 0 && expect_out "resolves to 10.1.2.3"; } &&
{ run apply --no-restart --root "$R"; expect_rc 0 && expect_same "$F" "$TMP/orig"; } && ok

test_begin "Debian: a name that is a number in IPv4 form (0 is 0.0.0.0) is judged by that address"
R=$(root debian-exposed)
F=$R/etc/memcached.conf
printf -- '-p 11211\n-l 127.0.0.1,0\n-U 0\n' >"$F"
run check --root "$R" --json
{ expect_rc 1 && [ "$(jq -c '[.findings[] | select(.id == "listen-hostname-public") | .addresses]' <<<"$OUT")" = '[["0.0.0.0"]]' ] ||
        fail "$(jq -c .findings <<<"$OUT")"; } &&
{ run apply --no-restart --root "$R"; expect_rc 0 && grep -qx -- '-l 127.0.0.1' "$F" || fail "$(cat "$F")"; } && ok

test_begin "--listen refuses host names and ';', exit 2"
R=$(rdo)
tree "$R" >"$TMP/tree.before"
run apply --no-restart --root "$R" --listen 127.0.0.1,controller
{ expect_rc 2 && expect_err "controller" && expect_err "not host names"; } &&
{ run apply --no-restart --root "$R" --listen '127.0.0.1;10.0.0.1'; expect_rc 2 && expect_err "separate addresses with ','"; } &&
{ run check --root "$R" --listen '127.0.0.1;10.0.0.1'; expect_rc 2; } &&
{ tree "$R" >"$TMP/tree.after"; cmp -s "$TMP/tree.before" "$TMP/tree.after" || fail "the tree changed"; } && ok

finish
