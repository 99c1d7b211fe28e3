#!/bin/bash
# The fleet part of tests/bench/run: on four hosts booted as in
# test-ansible-fleet.sh (deb, rhel, sysv, and a fourth Debian host under
# systemd, deb2, without the failing drop-in: a host whose restart always
# fails would time the rollback, not the steady state), the wall time of
# ansible-playbook running
#   ping      only ansible.builtin.ping (the engine's floor per task),
#   memharden only the memharden module,
#   template  a template-and-handler play as the popular roles do it,
# each against one host at a time (--limit: per-host seconds) and against
# the four at once (forks 5), the three plays taking turns in every round.
# Timed in the steady state a fleet run mostly is: every host hardened
# once by memharden and once by the template before the rounds, so that
# neither play changes or restarts anything while timed.
# Prints one "ROW|label|value|target|result" line per figure on stdout.
# BENCH_FLEET_ROUNDS rounds (default 5); medians reported.
. "$(dirname "$0")/lib.sh"
fleet_ansible_env
ROUNDS=${BENCH_FLEET_ROUNDS:-5}
PLAYS=$FLEET_HERE/playbooks

for name in deb rhel sysv deb2; do
        kind=systemd
        [ "$name" = sysv ] && kind=sysv
        fleet_overlay "$name" "$kind" >&2
        if [ "$name" = rhel ]; then
                write_rhel_shape
                HOST_FAMILY[rhel]=rhel
        else
                write_exposed_debian_conf
        fi
done
for name in "${HOSTS[@]}"; do fleet_boot "$name" >&2; done
for name in "${HOSTS[@]}"; do host_start_exposed "$name" >&2; done
fleet_inventory "$FLEET_DIR/inventory"

# timed PLAY LIMIT: seconds of one ansible-playbook run.
timed() {
        local t0 t1
        t0=$(date +%s.%N)
        ansible-playbook -i "$FLEET_DIR/inventory" "$PLAYS/bench-$1.yml" --limit "$2" </dev/null \
                >"$FLEET_DIR/last.out" 2>&1 || { cat "$FLEET_DIR/last.out" >&2; fail "bench-$1.yml failed on $2"; }
        t1=$(date +%s.%N)
        awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
fmt() { printf '%.2f s' "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f\n", a / b }'; }

# Warm-up, untimed: memharden hardens (and restarts), then the template
# writes its file (and restarts once); both are unchanged from then on.
timed memharden fleet >/dev/null
timed template fleet >/dev/null
timed memharden fleet >/dev/null
grep -q 'changed=0' "$FLEET_DIR/last.out" || { cat "$FLEET_DIR/last.out" >&2; fail "memharden is not idempotent after the template"; }
for name in "${HOSTS[@]}"; do
        ! host_udp "$name" >/dev/null 2>&1 || fail "$name still answers UDP"
done

declare -A S=()
targets=("${HOSTS[@]}" fleet)
for ((r = 1; r <= ROUNDS; r++)); do
        for h in "${targets[@]}"; do
                for p in ping memharden template; do
                        S[$h.$p]+=" $(timed "$p" "$h")"
                done
        done
        echo "bench fleet: round $r of $ROUNDS done" >&2
done
grep -q 'changed=0' "$FLEET_DIR/last.out" || fail "the last timed run changed something"

verdict() { if awk "BEGIN { exit !($1 $2 $3) }"; then echo PASS; else echo MISS; fi; }
for h in "${targets[@]}"; do
        # shellcheck disable=SC2086 # one word per sample
        ping=$(median ${S[$h.ping]}) mh=$(median ${S[$h.memharden]}) tpl=$(median ${S[$h.template]})
        what="$h ($([ "$h" = fleet ] && echo "all four hosts, forks 5" || echo "${HOST_KIND[$h]}, ${HOST_FAMILY[$h]:-debian}"))"
        echo "ROW|fleet: $what: ping / memharden / template-and-handler play|$(fmt "$ping") / $(fmt "$mh") / $(fmt "$tpl")|—|—"
        r1=$(ratio "$mh" "$ping") r2=$(ratio "$mh" "$tpl")
        echo "ROW|fleet: $what: memharden / ping|$(printf '%.2fx' "$r1")|≤ 1.2x|$(verdict "$r1" '<=' 1.2)"
        echo "ROW|fleet: $what: memharden / template-and-handler|$(printf '%.2fx' "$r2")|< 1x|$(verdict "$r2" '<' 1)"
done
