#!/bin/bash
# check reads other tools' firewall files in the root: firewalld's zones,
# policies and services, ufw's rule files. The files are the real tools':
# firewalld's stock tree copied from the installed package, ufw's rules
# written by ufw itself (--datadir on the root, in a network namespace of
# its own, so the host's firewall is never touched). The oracle is the real
# tools again: firewall-offline-cmd reads the root's zones and says what is
# open, and the fix each finding names, run with firewall-offline-cmd or
# ufw on the root, must leave check compliant. memharden itself never
# changes a byte of those files.
. "$(dirname "$0")/lib.sh"

FIREWALLD=/usr/lib/firewalld
have_firewalld() { [ -f "$FIREWALLD/services/memcache.xml" ] && command -v firewall-offline-cmd >/dev/null; }
have_ufw() { command -v ufw >/dev/null && [ -d /lib/ufw ] && [ -f /etc/default/ufw ] && command -v unshare >/dev/null; }
skip_case() { echo "skip: $1: $2"; }

# fw_root [FIXTURE]: a copy of FIXTURE (debian-hardened) with firewalld's
# stock files from the package in /usr/lib/firewalld and an empty /etc/firewalld.
fw_root() {
        local r
        r=$(root "${1:-debian-hardened}")
        mkdir -p "$r/usr/lib" "$r/etc/firewalld/zones" "$r/etc/firewalld/policies" "$r/etc/firewalld/services"
        cp -a "$FIREWALLD" "$r/usr/lib/"
        cp /etc/firewalld/firewalld.conf "$r/etc/firewalld/" 2>/dev/null || :
        echo "$r"
}

# zone R NAME LINES: /etc/firewalld/zones/NAME.xml from the stock zone NAME with LINES before </zone>
zone() {
        awk -v add="$3" '/<\/zone>/ { printf "%s", add } { print }' "$FIREWALLD/zones/$2.xml" >"$1/etc/firewalld/zones/$2.xml"
}

# offline R ARGS: firewall-offline-cmd on R's firewalld files only
offline() {
        local r=$1
        shift
        unshare -n firewall-offline-cmd --system-config "$r/etc/firewalld" --default-config "$r/usr/lib/firewalld" "$@"
}

# ufw_in R ARGS: the real ufw on R's ufw files (R/etc/ufw, R/lib/ufw), in a throwaway network
# namespace, with ENABLED=no while it runs: ufw then writes its files and loads no rule anywhere
ufw_in() {
        local r=$1 rc
        shift
        cp -p "$r/etc/ufw/ufw.conf" "$TMP/ufw.conf.saved"
        sed -i 's/^ENABLED=.*/ENABLED=no/' "$r/etc/ufw/ufw.conf"
        unshare -n ufw --datadir="$r" "$@" >"$TMP/ufw.log" 2>&1
        rc=$?
        [ "$rc" -eq 0 ] || cat "$TMP/ufw.log" >&2
        cp -p "$TMP/ufw.conf.saved" "$r/etc/ufw/ufw.conf"
        return "$rc"
}

# ufw_root R ENABLED: ufw's stock files in R, ENABLED=yes|no in ufw.conf (written, never 'ufw enable')
ufw_root() {
        mkdir -p "$1/etc/default" "$1/lib"
        cp -a /etc/ufw "$1/etc/"
        cp -a /lib/ufw "$1/lib/"
        cp /etc/default/ufw "$1/etc/default/"
        sed -i "s/^ENABLED=.*/ENABLED=$2/" "$1/etc/ufw/ufw.conf"
}

# fw_findings: the firewall-opens-udp lines of the last run's stdout
fw_findings() { grep -E '^[^ ]+: (medium|info) firewall-opens-udp: ' <<<"$OUT" || :; }
expect_findings() {
        local n
        n=$(fw_findings | grep -c " $1 firewall-opens-udp: ")
        [ "$n" -eq "$2" ] || fail "$n $1 firewall-opens-udp findings, expected $2"
}

# hashes R: every firewall file of R with its checksum, to prove nothing was written
hashes() { (cd "$1" && find etc/firewalld usr/lib/firewalld etc/ufw etc/memharden -type f 2>/dev/null | sort | xargs -r sha256sum); }

# fixes: the fix commands the last run's findings name, one per line
fixes() { fw_findings | grep -oE "(remove it|set it back) with '(firewall-cmd --permanent|ufw delete) [^']*'" | sed -E "s/^(remove it|set it back) with '//; s/'$//"; }

# run_fixes R: each fix with the real tool on R (firewall-cmd's as firewall-offline-cmd, which takes
# --remove-service-from-zone for firewall-cmd's --zone=Z --remove-service; a rich rule as it lists it)
run_fixes() {
        local r=$1 cmd where rule
        while IFS= read -r cmd; do
                case "$cmd" in
                "ufw delete "*)
                        # shellcheck disable=SC2086 # the rule's words, as the message gives them
                        ufw_in "$r" --force ${cmd#ufw } >/dev/null || { fail "'$cmd' failed"; return 1; } ;;
                *--remove-rich-rule=RULE*)
                        where=$(grep -oE -- '--(zone|policy)=[^ ]+' <<<"$cmd")
                        offline "$r" "$where" --list-rich-rules | while IFS= read -r rule; do
                                offline "$r" "$where" --remove-rich-rule="$rule" >/dev/null
                        done ;;
                *)
                        cmd=${cmd#firewall-cmd --permanent }
                        cmd=$(sed -E 's/^(--zone=[^ ]+) --remove-service=/\1 --remove-service-from-zone=/;
                                      s/^(--policy=[^ ]+) --remove-service=/\1 --remove-service-from-policy=/' <<<"$cmd")
                        # shellcheck disable=SC2086
                        offline "$r" $cmd >/dev/null || { fail "'firewall-offline-cmd $cmd' failed"; return 1; } ;;
                esac
        done < <(fixes | awk '!seen[$0]++') # a v4 rule and its v6 twin: one delete takes both
}

if ! have_firewalld; then
        skip_case "firewalld cases" "the firewalld package is not installed (packaging/test-deps.txt), so there are no stock files to build on"
else
        test_begin "firewalld's stock zones and policies open nothing: compliant"
        R=$(fw_root)
        run check --root "$R"
        { expect_rc 0 && expect_out "compliant"; } &&
        { [ -z "$(fw_findings)" ] || fail "findings on the stock files"; } &&
        { ! offline "$R" --zone=public --list-services | grep -qw memcache || fail "oracle: stock public has memcache"; } && ok

        test_begin "firewalld: service, UDP range and rich rule are one finding each; tcp-only port is none; the oracle agrees; the fixes clear them"
        R=$(fw_root)
        zone "$R" public '  <service name="memcache"/>
  <port protocol="udp" port="11000-12000"/>
  <port protocol="tcp" port="11211"/>
  <rule family="ipv4">
    <source address="10.0.0.0/8"/>
    <port protocol="udp" port="11211"/>
    <accept/>
  </rule>
'
        before=$(hashes "$R")
        run check --root "$R"
        f=$R/etc/firewalld/zones/public.xml
        { expect_rc 1 && expect_findings medium 3; } &&
        expect_out "/etc/firewalld/zones/public.xml:$(grep -n 'service name="memcache"' "$f" | cut -d: -f1): medium firewall-opens-udp: firewalld zone 'public' enables service 'memcache', which opens 11211/udp (/usr/lib/firewalld/services/memcache.xml)" &&
        expect_out "/etc/firewalld/zones/public.xml:$(grep -n '11000-12000' "$f" | cut -d: -f1): medium" &&
        expect_out "/etc/firewalld/zones/public.xml:$(grep -n '<rule' "$f" | cut -d: -f1): medium" &&
        expect_out "not compliant: 3 findings in other tools' firewall files" &&
        { offline "$R" --zone=public --list-services | grep -qw memcache &&
          offline "$R" --zone=public --list-ports | grep -qw 11000-12000/udp &&
          offline "$R" --zone=public --list-rich-rules | grep -q 'protocol="udp" accept' ||
                fail "oracle: firewall-offline-cmd does not see what check reported"; } &&
        { [ "$(hashes "$R")" = "$before" ] || fail "check changed a firewall file"; } &&
        run_fixes "$R" &&
        { offline "$R" --zone=public --list-ports | grep -qw 11211/tcp || fail "the fixes removed the TCP port"; } &&
        { run check --root "$R"; expect_rc 0; } && { [ -z "$(fw_findings)" ] || fail "findings left after the fixes"; } && ok

        test_begin "firewalld: --json lists the findings with id, path and line, not among files"
        R=$(fw_root)
        zone "$R" public '  <service name="memcache"/>
'
        run check --root "$R" --json
        { expect_rc 1 &&
          [ "$(jq '[.findings[] | select(.id == "firewall-opens-udp" and .severity == "medium" and .path == "/etc/firewalld/zones/public.xml" and (.line | type) == "number")] | length' <<<"$OUT")" = 1 ] &&
          [ "$(jq '[.files[] | select(.path | test("firewalld"))] | length' <<<"$OUT")" = 0 ] &&
          [ "$(jq .compliant <<<"$OUT")" = false ] || fail "JSON findings or files not as expected"; } && ok

        test_begin "firewalld: a service of the same name in /etc/firewalld/services decides (tcp only: compliant; the oracle reads the same)"
        R=$(fw_root)
        zone "$R" public '  <service name="memcache"/>
  <port protocol="tcp" port="11211"/>
'
        sed '/protocol="udp"/d' "$FIREWALLD/services/memcache.xml" >"$R/etc/firewalld/services/memcache.xml"
        run check --root "$R"
        { expect_rc 0 && [ -z "$(fw_findings)" ] || fail "findings on a TCP-only memcache service"; } &&
        { [ "$(offline "$R" --service=memcache --get-ports)" = 11211/tcp ] || fail "oracle: the override is not what firewalld reads"; } && ok

        test_begin "firewalld: a custom service opening the UDP port is a finding; the oracle agrees"
        R=$(fw_root)
        printf '<?xml version="1.0" encoding="utf-8"?>\n<service>\n  <short>cache</short>\n  <port protocol="udp" port="11200-11300"/>\n</service>\n' \
                >"$R/etc/firewalld/services/cache.xml"
        zone "$R" internal '  <service name="cache"/>
'
        run check --root "$R"
        { expect_rc 1 && expect_findings medium 1 && expect_out "zone 'internal' enables service 'cache', which opens 11211/udp (/etc/firewalld/services/cache.xml)"; } &&
        { offline "$R" --service=cache --get-ports | grep -qw 11200-11300/udp || fail "oracle: firewalld does not read the service"; } && ok

        test_begin "firewalld: a stock zone counts unless /etc overrides it"
        R=$(fw_root)
        awk '/<\/zone>/ { print "  <service name=\"memcache\"/>" } { print }' "$FIREWALLD/zones/work.xml" >"$R/usr/lib/firewalld/zones/work.xml"
        run check --root "$R"
        { expect_rc 1 && expect_out "/usr/lib/firewalld/zones/work.xml:"; } &&
        { cp "$FIREWALLD/zones/work.xml" "$R/etc/firewalld/zones/work.xml"; run check --root "$R"; expect_rc 0; } &&
        { ! offline "$R" --zone=work --list-services | grep -qw memcache || fail "oracle: the override is not what firewalld reads"; } && ok

        test_begin "firewalld: a policy to HOST with memcache is a finding, one between zones is not"
        R=$(fw_root)
        printf '<?xml version="1.0" encoding="utf-8"?>\n<policy target="CONTINUE">\n  <ingress-zone name="ANY"/>\n  <egress-zone name="HOST"/>\n  <service name="memcache"/>\n</policy>\n' \
                >"$R/etc/firewalld/policies/tohost.xml"
        printf '<?xml version="1.0" encoding="utf-8"?>\n<policy target="CONTINUE">\n  <ingress-zone name="internal"/>\n  <egress-zone name="external"/>\n  <service name="memcache"/>\n</policy>\n' \
                >"$R/etc/firewalld/policies/forward.xml"
        run check --root "$R"
        { expect_rc 1 && expect_findings medium 1 && expect_out "/etc/firewalld/policies/tohost.xml:5: medium firewall-opens-udp: firewalld policy 'tohost'"; } &&
        { offline "$R" --policy=tohost --list-services | grep -qw memcache || fail "oracle: firewalld does not read the policy"; } &&
        run_fixes "$R" && { run check --root "$R"; expect_rc 0; } && ok

        test_begin "firewalld: target ACCEPT with an interface, and protocol udp; the fixes they name, run with firewall-offline-cmd, clear them"
        R=$(fw_root)
        zone "$R" internal '  <interface name="eth1"/>
  <protocol value="udp"/>
'
        sed -i 's/^<zone>/<zone target="ACCEPT">/' "$R/etc/firewalld/zones/internal.xml"
        run check --root "$R"
        { expect_rc 1 && expect_findings medium 2 && expect_out "--zone=internal --set-target=default" &&
          expect_out "--zone=internal --remove-protocol=udp"; } &&
        { [ "$(offline "$R" --zone=internal --get-target)" = ACCEPT ] &&
          offline "$R" --zone=internal --list-protocols | grep -qw udp || fail "oracle: firewalld does not read the zone so"; } &&
        run_fixes "$R" && { run check --root "$R"; expect_rc 0; } && ok

        test_begin "firewalld: a UDP port from the config's -p is judged too"
        R=$(fw_root)
        echo "-p 11300" >>"$R/etc/memcached.conf"
        zone "$R" public '  <port protocol="udp" port="11300"/>
'
        run check --root "$R"
        { expect_rc 1 && expect_findings medium 1 && expect_out "lets 11300/udp in"; } && ok

        test_begin "firewalld: memharden's own ruleset makes the findings info, and check compliant"
        R=$(fw_root)
        zone "$R" public '  <service name="memcache"/>
'
        mkdir -p "$R/etc/memharden"
        echo "table inet memharden {}" >"$R/etc/memharden/firewall.nft"
        run check --root "$R"
        { expect_rc 0 && expect_findings info 1 && expect_out "memharden's nftables table (/etc/memharden/firewall.nft) drops that UDP" &&
          expect_out "compliant"; } &&
        { run check --root "$R" -q; [ -z "$OUT" ] || fail "-q printed an info finding"; } && ok

        test_begin "firewalld: a firewall.nft that is a link out of the root is not memharden's ruleset"
        R=$(fw_root)
        zone "$R" public '  <service name="memcache"/>
'
        mkdir -p "$R/etc/memharden"
        echo "table inet memharden {}" >"$TMP/outside.nft"
        ln -s "$TMP/outside.nft" "$R/etc/memharden/firewall.nft"
        run check --root "$R"
        { expect_rc 1 && expect_findings medium 1; } && ok

        test_begin "firewalld: hostile files are info findings, never an error: broken XML, entities, a link out of the root, a huge file"
        R=$(fw_root)
        printf '<?xml version="1.0"?>\n<zone>\n  <service name="memcache">\n</zone>\n' >"$R/etc/firewalld/zones/broken.xml"
        printf '<?xml version="1.0"?>\n<!DOCTYPE zone [<!ENTITY a "aaaaaaaaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">]>\n<zone><short>&f;&f;&f;&f;</short><service name="memcache"/></zone>\n' \
                >"$R/etc/firewalld/zones/laughs.xml"
        # an absolute link means the image's own "/": the file out there is never read
        mkdir -p "$TMP/outside/etc/firewalld/zones"
        zone "$TMP/outside" public '  <service name="memcache"/>
'
        ln -s "$TMP/outside/etc/firewalld/zones/public.xml" "$R/etc/firewalld/zones/outside.xml"
        head -c 2000000 /dev/zero | tr '\0' ' ' >"$R/etc/firewalld/zones/huge.xml"
        run check --root "$R"
        { expect_rc 0 && expect_out "/etc/firewalld/zones/broken.xml: info firewall-unreadable: firewalld zone 'broken' could not be read: it is not well-formed XML" &&
          expect_out "/etc/firewalld/zones/laughs.xml: info firewall-unreadable: firewalld zone 'laughs' could not be read: it declares a document type" &&
          expect_out "/etc/firewalld/zones/outside.xml: info firewall-unreadable: could not be read" &&
          expect_out "/etc/firewalld/zones/huge.xml: info firewall-unreadable: could not be read: larger than" &&
          [ -z "$(fw_findings)" ] && [ "${#OUT}" -lt 4000 ] || fail "hostile files not reported as unreadable"; } && ok

        test_begin "firewalld: apply neither reads nor changes the firewall files"
        R=$(fw_root debian-exposed)
        zone "$R" public '  <service name="memcache"/>
'
        before=$(hashes "$R")
        run apply --no-restart --root "$R"
        { expect_rc 0 && ! grep -qE 'firewall-|firewalld' <<<"$ERR$OUT" || fail "apply spoke of the firewall files"; } &&
        { [ "$(hashes "$R")" = "$before" ] || fail "apply changed a firewall file"; } &&
        { run check --root "$R"; expect_rc 1 && expect_findings medium 1; } &&
        { [ "$(hashes "$R")" = "$before" ] || fail "check changed a firewall file"; } && ok
fi

if ! have_ufw; then
        skip_case "ufw cases" "ufw is not installed (packaging/test-deps.txt), so no rules can be written by ufw itself"
else
        test_begin "ufw: rules written by ufw; allow on every protocol and a UDP range are findings, TCP-only is not; ufw's own deletes clear them"
        R=$(root debian-hardened)
        ufw_root "$R" yes
        ufw_in "$R" allow 11211 >/dev/null && ufw_in "$R" allow 11211/tcp >/dev/null &&
                ufw_in "$R" allow proto udp from 10.0.0.0/8 to any port 11000:12000 >/dev/null &&
                ufw_in "$R" allow 22/tcp >/dev/null || fail "ufw could not write the rules"
        before=$(hashes "$R")
        run check --root "$R"
        { expect_rc 1 && expect_findings medium 3 &&
          expect_out "/etc/ufw/user.rules:$(grep -n '^### tuple ### allow any 11211 ' "$R/etc/ufw/user.rules" | cut -d: -f1): medium firewall-opens-udp: ufw allows port 11211 on every protocol, which lets 11211/udp in: remove it with 'ufw delete allow 11211', then 'ufw allow 11211/tcp'" &&
          expect_out "/etc/ufw/user6.rules:" &&
          expect_out "from 10.0.0.0/8, which lets 11211/udp in: remove it with 'ufw delete allow proto udp from 10.0.0.0/8 to any port 11000:12000'"; } &&
        { [ "$(hashes "$R")" = "$before" ] || fail "check changed a ufw file"; } &&
        run_fixes "$R" &&
        { grep -q '^### tuple ### allow tcp 11211 ' "$R/etc/ufw/user.rules" || fail "ufw's delete took the TCP rule too"; } &&
        { run check --root "$R"; expect_rc 0; } && { [ -z "$(fw_findings)" ] || fail "findings left after ufw's deletes"; } && ok

        test_begin "ufw: application rules (an all-protocol profile, a UDP one from a network) are findings; ufw's own deletes clear them"
        R=$(root debian-hardened)
        ufw_root "$R" yes
        printf '[Memcached]\ntitle=memcached\ndescription=memcached, every protocol\nports=11211\n\n[McMixed]\ntitle=mc\ndescription=UDP and TCP\nports=11211/udp|11300:11310/tcp\n' \
                >"$R/etc/ufw/applications.d/memcached-test"
        ufw_in "$R" allow Memcached >/dev/null && ufw_in "$R" allow from 10.0.0.0/8 to any app McMixed >/dev/null ||
                fail "ufw could not write the rules"
        run check --root "$R"
        { expect_rc 1 && expect_findings medium 3 && expect_out "(application 'Memcached')" &&
          expect_out "remove it with 'ufw delete allow from 10.0.0.0/8 to any app McMixed'"; } &&
        run_fixes "$R" &&
        { ! grep -q '^### tuple ###' "$R/etc/ufw/user.rules" "$R/etc/ufw/user6.rules" || fail "ufw's deletes left rules"; } &&
        { run check --root "$R"; expect_rc 0; } && ok

        test_begin "ufw: a deny of UDP before the allow shadows it (ufw's first match)"
        R=$(root debian-hardened)
        ufw_root "$R" yes
        ufw_in "$R" deny 11211/udp >/dev/null && ufw_in "$R" allow 11211 >/dev/null || fail "ufw could not write the rules"
        run check --root "$R"
        { expect_rc 0 && [ -z "$(fw_findings)" ] || fail "a shadowed rule was reported"; } && ok

        test_begin "ufw: not enabled, its rules are info, saying so"
        R=$(root debian-hardened)
        ufw_root "$R" no
        ufw_in "$R" allow 11211 >/dev/null || fail "ufw could not write the rule"
        run check --root "$R" --json
        { expect_rc 0 &&
          [ "$(jq '[.findings[] | select(.id == "firewall-opens-udp" and .severity == "info")] | length' <<<"$OUT")" = 2 ] &&
          jq -r '.findings[].message' <<<"$OUT" | grep -q "ufw is not enabled" || fail "disabled ufw's rules not info"; } && ok

        test_begin "ufw: a ufw.conf that cannot be read is a finding, and the rules count as enabled ones"
        R=$(root debian-hardened)
        ufw_root "$R" no
        ufw_in "$R" allow 11211 >/dev/null || fail "ufw could not write the rule"
        rm "$R/etc/ufw/ufw.conf"
        ln -s "$TMP/outside/ufw.conf" "$R/etc/ufw/ufw.conf" # an absolute link: the root's own /tmp, not there
        mkdir -p "$R$TMP/outside/ufw.conf"                 # ... made a directory
        run check --root "$R"
        { expect_rc 1 && expect_findings medium 2 &&
          expect_out "/etc/ufw/ufw.conf: info firewall-unreadable: could not be read: Is a directory; ufw's rules are judged as if it were enabled"; } && ok

        test_begin "ufw: apply leaves the rule files byte for byte"
        R=$(root debian-exposed)
        ufw_root "$R" yes
        ufw_in "$R" allow 11211 >/dev/null || fail "ufw could not write the rule"
        before=$(hashes "$R")
        run apply --no-restart --root "$R"
        { expect_rc 0 && [ "$(hashes "$R")" = "$before" ] || fail "apply changed a ufw file"; } && ok
fi

finish
