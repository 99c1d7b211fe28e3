#!/bin/bash
# The Ansible collection against a fleet of four hosts booted here, each on
# its own overlay of this machine and in its own namespaces:
#   deb     Debian under systemd (systemd-nspawn), /etc/memcached.conf exposed
#   rhel    RHEL-shaped under systemd (nspawn), /etc/sysconfig/memcached exposed
#   sysv    Debian under memcached's SysV script (unshare + pivot_root)
#   broken  Debian under systemd whose memcached refuses to start once the
#           config has -U 0 (the rollback case of test-systemd.sh)
# Ansible connects with community.docker.nsenter to each host's leader PID:
# no SSH, and every module runs inside the host's mount, network and PID
# namespaces (see lib.sh). Results are judged by the UDP/TCP probe, the
# bytes and checksums of the files, and the per-host JSON results.
#   1. --check --diff: every host changed, its diff shown, no file changed.
#   2. a real run of the role: three hosts hardened (no UDP reply, TCP
#      works), broken failed with rolled_back and its config byte-identical,
#      and the play goes on on the others.
#   3. a second run: changed=false on every good host.
#   4. state=rolled_back on deb: the exposed config back, UDP answers again,
#      and state=checked reports the findings again.
. "$(dirname "$0")/lib.sh"

fleet_ansible_env
command -v jq >/dev/null || skip "jq is not installed"
PLAYS=$FLEET_HERE/playbooks

declare -A CONF=([deb]=/etc/memcached.conf [rhel]=/etc/sysconfig/memcached
        [sysv]=/etc/memcached.conf [broken]=/etc/memcached.conf)
for name in deb rhel sysv broken; do
        kind=systemd
        [ "$name" = sysv ] && kind=sysv
        fleet_overlay "$name" "$kind"
        if [ "$name" = rhel ]; then
                write_rhel_shape
                HOST_FAMILY[rhel]=rhel
                cp "$IT_DIR/exposed.sysconfig" "$IT_DIR/exposed"
        else
                write_exposed_debian_conf
                cp "$IT_DIR/exposed.conf" "$IT_DIR/exposed"
        fi
        [ "$name" = broken ] && write_fail_when_hardened_dropin
done
for name in "${HOSTS[@]}"; do fleet_boot "$name"; done

step "the fleet: memcached exposed on every host"
for name in "${HOSTS[@]}"; do
        echo "$name: $(host_start_exposed "$name")"
done
fleet_inventory "$FLEET_DIR/inventory"
sed 's/^/  | /' "$FLEET_DIR/inventory"

# play NAME PLAYBOOK ARGS...: runs ansible-playbook, its output in
# FLEET_DIR/NAME.out (shown) and the hosts' results in FLEET_DIR/NAME/;
# sets PLAY_RC.
play() {
        local name=$1 book=$2
        shift 2
        rm -rf "${FLEET_DIR:?}/$name"
        mkdir -p "$FLEET_DIR/$name"
        PLAY_RC=0
        # stdin closed: ansible-playbook waits on a terminal ctest leaves open.
        timeout 300 ansible-playbook -i "$FLEET_DIR/inventory" "$PLAYS/$book" -e results_dir="$FLEET_DIR/$name" "$@" \
                </dev/null >"$FLEET_DIR/$name.out" 2>&1 || PLAY_RC=$?
        sed 's/^/  | /' "$FLEET_DIR/$name.out"
        echo "ansible-playbook exit status: $PLAY_RC"
}
# recap NAME HOST FIELD: FIELD (ok, changed, failed...) of HOST in the
# PLAY RECAP of run NAME.
recap() {
        sed -n "/^PLAY RECAP/,\$ s/^$2 *:.* $3=\([0-9]*\).*/\1/p" "$FLEET_DIR/$1.out"
}
# result NAME HOST FILTER: jq FILTER over HOST's result in run NAME.
result() { jq -r "$3" "$FLEET_DIR/$1/$2.json"; }

step "1: ansible-playbook --check --diff: every host changed, diffs shown, nothing written"
fleet_sums >"$FLEET_DIR/sums.before"
play check harden.yml --check --diff
[ "$PLAY_RC" = 0 ] || fail "the check-mode run failed"
fleet_sums >"$FLEET_DIR/sums.after"
cmp "$FLEET_DIR/sums.before" "$FLEET_DIR/sums.after" || {
        diff "$FLEET_DIR/sums.before" "$FLEET_DIR/sums.after"
        fail "a file changed in check mode"
}
echo "checksums of $(wc -l <"$FLEET_DIR/sums.before") files under the hosts' /etc and backups: unchanged"
for name in "${HOSTS[@]}"; do
        [ "$(recap check "$name" changed)" = 1 ] || fail "$name is not reported changed in check mode"
        [ "$(recap check "$name" failed)" = 0 ] || fail "$name failed in check mode"
        [ "$(result check "$name" .changed)" = true ] || fail "$name's result is not changed"
        d=$(result check "$name" '.diff.prepared')
        grep -q -- "^--- a${CONF[$name]}\$" <<<"$d" || fail "$name: no diff of ${CONF[$name]}"
        grep -Eq -- '^\+.*-U *0' <<<"$d" || fail "$name: the diff does not turn UDP off"
        # The diff is what --diff printed.
        grep -qF -- "$(grep -m1 -E '^\+.*-U *0' <<<"$d")" "$FLEET_DIR/check.out" || fail "$name's diff is not in the output"
done
[ "$(grep -c '^--- a/etc/memcached.conf$' "$FLEET_DIR/check.out")" = 3 ] || fail "expected three memcached.conf diffs in the output"
[ "$(grep -c '^--- a/etc/sysconfig/memcached$' "$FLEET_DIR/check.out")" = 1 ] || fail "expected one sysconfig diff in the output"
for name in "${HOSTS[@]}"; do
        host_udp "$name" >/dev/null || fail "$name stopped answering UDP in check mode"
done
echo "RESULT check-diff: 4 hosts changed=1 failed=0, 4 diffs shown, no file written, UDP still on everywhere"

step "2: the real run: three hosts hardened, broken rolled back, the play goes on"
sum_broken=$(sha256sum <"${HOST_ROOT[broken]}/etc/memcached.conf")
play run1 harden.yml --diff
[ "$PLAY_RC" = 2 ] || fail "ansible-playbook exited $PLAY_RC, expected 2 (one host failed)"
for name in deb rhel sysv; do
        [ "$(recap run1 "$name" failed)" = 0 ] || fail "$name failed"
        [ "$(recap run1 "$name" changed)" = 1 ] || fail "$name is not changed"
        [ "$(result run1 "$name" .changed)" = true ] || fail "$name's result is not changed"
        [ "$(result run1 "$name" .rolled_back)" = false ] || fail "$name rolled back"
        if after=$(host_udp "$name"); then
                fail "$name: UDP still answers after the run: $after"
        fi
        in_host "$name" "$T/mcprobe" tcp-setget "$PORT" || fail "$name: TCP set/get broken"
        grep -Eq -- '-U *0' "${HOST_ROOT[$name]}${CONF[$name]}" || fail "$name: ${CONF[$name]} does not turn UDP off"
        echo "RESULT run1 $name: changed, no UDP reply, TCP set/get works, backup $(result run1 "$name" .backup)"
done
# The task after the role ran on the three good hosts, and not on broken.
tcp_task=$(sed -n '/^TASK \[TCP set\/get still works/,/^$/p' "$FLEET_DIR/run1.out")
for name in deb rhel sysv; do
        grep -q "^ok: \[$name\]" <<<"$tcp_task" || fail "the play did not go on on $name"
done
! grep -q "\[broken\]" <<<"$tcp_task" || fail "the play went on on the failed host"
[ "$(recap run1 broken failed)" = 1 ] || fail "broken is not failed"
[ "$(result run1 broken .rolled_back)" = true ] || fail "broken's result does not say rolled_back"
result run1 broken .msg | grep -qi "old config\|restored\|back" || fail "broken's message does not say the old config is back: $(result run1 broken .msg)"
cmp "${HOST_ROOT[broken]}/etc/memcached.conf" "$FLEET_DIR/broken/exposed" || fail "broken's config is not byte-identical"
[ "$(sha256sum <"${HOST_ROOT[broken]}/etc/memcached.conf")" = "$sum_broken" ] || fail "broken's checksum differs"
host_wait_tcp broken
host_udp broken >/dev/null || fail "broken does not run on its old settings"
echo "RESULT run1 broken: failed, rolled_back true, config byte-identical (sha256 ${sum_broken%% *}), memcached up on the old settings"
echo "RESULT run1 broken: msg: $(result run1 broken .msg)"

step "3: a second run changes nothing on the good hosts"
play run2 harden.yml --limit deb,rhel,sysv
[ "$PLAY_RC" = 0 ] || fail "the second run failed"
for name in deb rhel sysv; do
        [ "$(recap run2 "$name" changed)" = 0 ] || fail "$name changed again"
        [ "$(result run2 "$name" .changed)" = false ] || fail "$name's result is changed"
        [ "$(result run2 "$name" .compliant)" = true ] || fail "$name is not compliant"
done
echo "RESULT run2: deb, rhel, sysv changed=0, compliant"

step "4: state=rolled_back on deb, then state=checked reports the findings again"
play rollback module.yml --limit deb -e state=rolled_back --diff
[ "$PLAY_RC" = 0 ] || fail "the rollback run failed"
[ "$(recap rollback deb changed)" = 1 ] || fail "the rollback is not changed"
cmp "${HOST_ROOT[deb]}/etc/memcached.conf" "$FLEET_DIR/deb/exposed" || fail "deb's exposed config is not back byte for byte"
host_wait_tcp deb
host_udp deb >/dev/null || fail "deb's memcached does not answer UDP after the rollback"
play checked module.yml --limit deb -e state=checked -e fail_on_findings=false
[ "$PLAY_RC" = 0 ] || fail "the checked run (fail_on_findings=false) failed"
[ "$(recap checked deb changed)" = 0 ] || fail "state=checked reported a change"
ids=$(result checked deb '[.findings[].id] | sort | join(",")')
[[ ",$ids," == *,udp-enabled,* && ",$ids," == *,listen-wildcard,* ]] || fail "the findings are not back: $ids"
play checked-fail module.yml --limit deb -e state=checked
[ "$PLAY_RC" = 2 ] && [ "$(recap checked-fail deb failed)" = 1 ] || fail "state=checked does not fail an exposed host by default"
echo "RESULT rollback deb: config back byte for byte, UDP answers again; checked: findings $ids (failed by default, ok with fail_on_findings=false)"
echo
echo "PASS"
