#!/bin/bash
# memharden firewall over copies of the fixture roots (--root: nothing is
# loaded, nothing of this machine's is read or written): the dry run, the
# persisted file and the unit's link, idempotence, --remove, files
# memharden did not write, apply --firewall, and nft's own check of every
# ruleset printed (nft -c -f in a network namespace of its own). The live
# path runs only as nobody in a fresh network namespace, where it can
# change nothing: a kernel that refuses (no permission, no nftables).
. "$(dirname "$0")/lib.sh"
: "${MEMHARDEN_SYSTEMD_UNITDIR:?set by ctest}" "${MEMHARDEN_FIREWALL_UNIT:?set by ctest}"

FILE=/etc/memharden/firewall.nft
LINK=/etc/systemd/system/sysinit.target.wants/memharden-firewall.service
UNIT=$MEMHARDEN_SYSTEMD_UNITDIR/memharden-firewall.service
CONF=/etc/memcached.conf
snapshot() { rm -rf "$TMP/before"; cp -a "$R" "$TMP/before"; }
unchanged() { diff -r --no-dereference "$TMP/before" "$R" >/dev/null || fail "files changed"; }
one_message() { [ "$(grep -c . <<<"$ERR")" = 1 ] || fail "not one message"; }

# nft_check TEXT: nft -c accepts TEXT (the load transaction around it too),
# in a network namespace of its own so the check reads nothing of this
# machine's ruleset. Skipped (true) where nft or unshare is missing.
nft_check() {
        command -v nft >/dev/null && unshare --net true 2>/dev/null || return 0
        printf 'table inet memharden {\n}\ndelete table inet memharden\n%s\n' "$1" >"$TMP/check.nft"
        unshare --net nft -c -f "$TMP/check.nft" 2>"$TMP/nft.err" || { ERR=$(cat "$TMP/nft.err"); fail "nft -c refuses the ruleset"; }
}

test_begin "dry run: the ruleset on stdout, nothing written, nft accepts it"
R=$(root debian-exposed); snapshot
run firewall --dry-run --root "$R"
expect_rc 0 && unchanged && expect_out "table inet memharden {" &&
expect_out $'\t\tudp dport 11211 drop' && expect_out $'\t\tudp sport 11211 drop' &&
expect_out $'\t\ttype filter hook prerouting priority raw; policy accept;' &&
expect_out $'\t\toif "lo" accept' && expect_err "firewall: table inet memharden would be loaded" &&
expect_err "TCP left to the bind layer (no private listener)" && nft_check "$OUT" && ok

test_begin "--root: the file written inside the root, the unit's link where the unit is there, nothing loaded"
R=$(root debian-exposed)
mkdir -p "$R$MEMHARDEN_SYSTEMD_UNITDIR" && cp "$MEMHARDEN_FIREWALL_UNIT" "$R$UNIT"
run firewall --root "$R"
ruleset=$OUT
expect_rc 0 && expect_err "table inet memharden not loaded (--root)" && expect_err "firewall: written to $R$FILE" &&
expect_err "memharden-firewall.service enabled: it loads $FILE at boot" &&
{ [ "$(head -1 "$R$FILE")" = "# memharden firewall: table inet memharden" ] || fail "no header line"; } &&
{ [ "$(readlink "$R$LINK")" = "$UNIT" ] || fail "link is '$(readlink "$R$LINK")', not to $UNIT"; } &&
{ grep -qxF "delete table inet memharden" "$R$FILE" || fail "the file does not replace the table"; } &&
{ [ "$(sed -n '/^delete table/,$p' "$R$FILE" | tail -n +2)" = "$ruleset" ] || fail "the file does not hold the ruleset printed"; } &&
{ [ "$(stat -c %a "$R$FILE")" = 644 ] || fail "mode $(stat -c %a "$R$FILE")"; } && ok

test_begin "twice: the same file, byte for byte, and 'unchanged'"
cp "$R$FILE" "$TMP/first.nft"
run firewall --root "$R"
expect_rc 0 && expect_same "$R$FILE" "$TMP/first.nft" && expect_err "$R$FILE unchanged" &&
expect_err "memharden-firewall.service already enabled" && ok

test_begin "--json: one document with the firewall object"
run firewall --root "$R" --json
expect_rc 0 && jq -e --arg f "$FILE" '.command == "firewall" and .firewall.table == "inet memharden" and
        .firewall.loaded == false and .firewall.persisted == $f and .firewall.unit == "memharden-firewall.service"
        and (.firewall.ruleset | startswith("table inet memharden {")) and .changed == false
        and (.firewall.actions | length) >= 3' <<<"$OUT" >/dev/null || fail "JSON" && ok

test_begin "--remove --dry-run: says what it would remove, removes nothing"
snapshot
run firewall --remove --dry-run --root "$R"
expect_rc 0 && unchanged && expect_err "memharden-firewall.service would be disabled" &&
expect_err "$R$FILE would be removed" && ok

test_begin "--remove: the file, its directory and the link go; the unit stays"
run firewall --remove --root "$R"
expect_rc 0 && expect_err "firewall: $R$FILE removed" && expect_err "memharden-firewall.service disabled" &&
{ [ ! -e "$R$FILE" ] && [ ! -e "$R/etc/memharden" ] && [ ! -L "$R$LINK" ] && [ -f "$R$UNIT" ] || fail "left behind"; } &&
run firewall --remove --root "$R" && expect_rc 0 && expect_err "is not there, and memharden-firewall.service is not enabled" && ok

test_begin "no unit installed: the file only, and how to load it at boot"
R=$(root debian-exposed)
run firewall --root "$R"
expect_rc 0 && [ -f "$R$FILE" ] && { [ ! -e "$R$LINK" ] || fail "a link to a unit that is not there"; } &&
expect_err "memharden-firewall.service is not installed in $MEMHARDEN_SYSTEMD_UNITDIR" && ok

test_begin "a file memharden did not write: refused, exit 3, nothing written, also by --remove"
R=$(root debian-exposed); mkdir -p "$R/etc/memharden"; printf 'table inet mine {\n}\n' >"$R$FILE"; snapshot
run firewall --root "$R"
expect_rc 3 && unchanged && one_message &&
expect_err "memharden: cannot write '$R$FILE': memharden did not write it (its first line is not '# memharden firewall: table inet memharden'); move it away, then run again" &&
run firewall --remove --root "$R" && expect_rc 3 && unchanged && expect_err "memharden did not write it" && ok

test_begin "a link memharden did not make: refused, exit 3"
R=$(root debian-exposed); mkdir -p "$R${LINK%/*}"; ln -s /dev/null "$R$LINK"; snapshot
run firewall --root "$R"
expect_rc 3 && unchanged && one_message && expect_err "it is not a link to memharden-firewall.service, so memharden did not make it" && ok

test_begin "private listeners under --root: their private block, said; nft accepts the TCP rules"
R=$(root debian-exposed)
sed -i 's/^-l 0.0.0.0$/-l 10.213.0.1,127.0.0.1:11300,[fd00:5::1]/' "$R$CONF"
run firewall --dry-run --root "$R"
expect_rc 0 && expect_out $'\t\ttcp dport { 11211, 11300 } ip saddr 10.0.0.0/8 accept' &&
expect_out $'\t\ttcp dport { 11211, 11300 } ip6 saddr fc00::/7 accept' &&
expect_out $'\t\ttcp dport { 11211, 11300 } drop' && expect_out $'\t\tudp dport { 11211, 11300 } drop' &&
expect_err "2 private listener addresses are on no interface of a network (--root reads none): TCP accepted from their private block" &&
nft_check "$OUT" && ok

test_begin "UDP off on another port: that port and 11211 dropped still"
R=$(root debian-hardened)
sed -i 's/^-p 11211$/-p 11400/' "$R$CONF"
grep -q '^-p 11400$' "$R$CONF" || echo '-p 11400' >>"$R$CONF"
run firewall --dry-run --root "$R"
expect_rc 0 && expect_out $'\t\tudp dport { 11211, 11400 } drop' && nft_check "$OUT" && ok

test_begin "apply --firewall --dry-run: the diff, then the ruleset of the options as applied"
R=$(root debian-exposed); sed -i 's/^-U 11211$/-U 11311/' "$R$CONF"; snapshot
run apply --firewall --dry-run --root "$R"
expect_rc 0 && unchanged && expect_out "+-U 0" && expect_out $'\t\tudp dport { 11211, 11311 } drop' &&
expect_err "firewall: table inet memharden would be loaded" && ok

test_begin "apply --firewall: hardened, then the file"
run apply --firewall --no-restart --root "$R"
expect_rc 0 && [ -f "$R$FILE" ] && grep -q '^-U 0$' "$R$CONF" && ok
test_begin "apply --firewall on a config that does not parse: exit 3, no firewall"
R=$(root debian-exposed); printf -- '-m 64\n-vQ 1\n' >"$R$CONF"; snapshot
run apply --firewall --root "$R"
expect_rc 3 && unchanged && one_message && ok

test_begin "usage: --remove and --firewall only where they apply"
run check --remove --root "$R"; expect_rc 2 && expect_err "option '--remove' does not apply to 'check'" &&
run firewall --firewall --root "$R" && expect_rc 2 && run firewall --listen 127.0.0.1 && expect_rc 2 && ok

test_begin "a --root that is not there: exit 3, also for --remove"
run firewall --root "$TMP/nonexistent"; expect_rc 3 && expect_err "no such directory" &&
run firewall --remove --root "$TMP/nonexistent" && expect_rc 3 && one_message && ok

test_begin "memcached not installed: nothing to protect, exit 0, nothing written"
R=$TMP/empty; mkdir -p "$R/etc"; printf 'ID=debian\n' >"$R/etc/os-release"; snapshot
run firewall --root "$R"
expect_rc 0 && unchanged && expect_err "memcached is not installed; nothing to protect, nothing loaded" && ok

# The live path, as nobody in a network namespace of its own: it can load
# nothing and write nothing whatever happens.
as_nobody() { unshare --net setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
if command -v setpriv >/dev/null && unshare --net true 2>/dev/null && [ -f "$CONF" ]; then
        test_begin "live, without CAP_NET_ADMIN: exit 5, run as root, nothing written"
        host_before=$(ls -la /etc/memharden 2>&1)
        OUT=$(as_nobody env MEMHARDEN_LENS_DIR="$MEMHARDEN_LENS_DIR" "$MEMHARDEN" firewall --profile debian 2>"$TMP/stderr"); RC=$?
        ERR=$(cat "$TMP/stderr")
        expect_rc 5 && one_message && expect_err "memharden: cannot " && expect_err "Operation not permitted; run as root" &&
        { [ "$(ls -la /etc/memharden 2>&1)" = "$host_before" ] || fail "/etc/memharden changed"; } && ok

        if command -v strace >/dev/null; then
                test_begin "live, a kernel without nftables: exit 3, said so"
                # The first socket memharden opens is its netfilter probe.
                # LeakSanitizer cannot run under ptrace (the sanitizer build).
                OUT=$(as_nobody strace -f -qq -o /dev/null -e trace=socket -e inject=socket:error=EPROTONOSUPPORT:when=1 \
                      env MEMHARDEN_LENS_DIR="$MEMHARDEN_LENS_DIR" ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
                      "$MEMHARDEN" firewall --profile debian 2>"$TMP/stderr"); RC=$?
                ERR=$(cat "$TMP/stderr")
                expect_rc 3 && one_message &&
                expect_err "memharden: cannot load 'inet memharden': the kernel has no netfilter netlink socket; this kernel has no nftables (nf_tables) support" && ok
        fi
fi

finish
