# Shared by the robustness tests: hostile images, half-written backups,
# concurrent runs, and faults injected at every syscall of the write path.
# Each test works on fresh copies of fixture roots in its own temp dir
# (removed on exit, also on failure, with any background process it started)
# and reports like "N passed, N failed" at the end. Every command runs under
# a timeout: a hang is a failure.
#
# Results are judged by independent means (file bytes, sha256sum, stat,
# find, jq on the manifests), never by memharden's own claims.
#
# The fixture roots, test_begin/fail/ok, expect_out/err/same and the
# memcached oracle (effective) come from tests/cli/lib.sh; this file adds a
# timeout to every run, skips, background processes and the sweeps.
. "$(dirname "${BASH_SOURCE[0]}")/../cli/lib.sh"

# Names a writer's temp files may have, as paths relative to the root
# (extended regexp): write_file_at()'s NAME.memharden.XXXXXX, Augeas's
# NAME.XXXXXX next to a config (its save mode "overwrite") and NAME.augnew /
# NAME.augsave, and any *.tmp. None may be left once a clean run is over.
TEMP_PATTERN='(\.memharden\.|\.tmp($|\.)|(^|/)\.tmp-|\.augnew$|\.augsave$|(^|/)etc/([^/]+/)*[^/]+\.[A-Za-z0-9]{6}$|manifest\.json\.)'

# Seconds any one memharden run may take before it counts as a hang.
CMD_TIMEOUT=${ROBUST_CMD_TIMEOUT:-20}

# The lock every writer takes, inside the root.
LOCK_FILE=/var/backups/memharden/.lock
LOCK_MESSAGE="another memharden is running"

BG_PIDS=()
cleanup() {
        local p
        for p in "${BG_PIDS[@]}"; do
                kill "$p" 2>/dev/null
        done
        for p in "${BG_PIDS[@]}"; do
                wait "$p" 2>/dev/null
        done
        rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
SKIPPED=0
OUT="" ERR="" RC=0

# run ARGS...: runs memharden under a timeout, sets OUT, ERR, RC
run() {
        OUT=$(timeout -k 5 "$CMD_TIMEOUT" "$MEMHARDEN" "$@" 2>"$TMP/stderr" </dev/null)
        RC=$?
        ERR=$(cat "$TMP/stderr")
}

skip() { SKIPPED=$((SKIPPED + 1)); echo "skip: $CURRENT: $*"; }

# A hang (timeout's 124/137) or a crash (abort, segfault, bus error, FPE,
# ASan's default 1 with a report is caught by the exit code checks) is
# never an answer.
expect_sane_rc() {
        case $RC in
        124 | 137) fail "hung: killed after ${CMD_TIMEOUT}s" ;;
        134 | 135 | 136 | 139) fail "crashed (signal $((RC - 128)))" ;;
        *) return 0 ;;
        esac
}
expect_rc() { expect_sane_rc && { [ "$RC" -eq "$1" ] || fail "exit code $RC, expected $1"; }; }
# expect_one_error_line: exactly one line on stderr
expect_one_error_line() { [ "$(grep -c . <<<"$ERR")" = 1 ] || fail "not one message on stderr"; }

sha() { sha256sum < "$1" | cut -d' ' -f1; }

# state DIR: every entry below DIR with type, size, mode, owner, mtime and,
# for a file, its checksum (a FIFO is never opened)
state() {
        (cd "$1" && find . -mindepth 1 -printf '%p %y %s %m %u:%g %T@ %l\n' | sort |
                while read -r p y rest; do
                        if [ "$y" = f ]; then
                                echo "$p $y $rest $(sha "$p")"
                        else
                                echo "$p $y $rest"
                        fi
                done)
}

# The canary: a directory outside every root, holding an exposed config, an
# os-release, a backup-like tree. Nothing may change or appear in it.
canary_make() {
        CANARY=$TMP/canary
        rm -rf "$CANARY"
        mkdir -p "$CANARY/etc/sysconfig" "$CANARY/var/backups/memharden" "$CANARY/bk"
        cp "$FIXTURES/debian-exposed/etc/memcached.conf" "$CANARY/conf"
        cp "$FIXTURES/debian-exposed/etc/memcached.conf" "$CANARY/etc/memcached.conf"
        cp "$FIXTURES/debian-exposed/etc/memcached.conf" "$CANARY/etc/memcached_x.conf"
        cp "$FIXTURES/debian-exposed/etc/os-release" "$CANARY/etc/os-release"
        cp "$FIXTURES/debian-exposed/etc/os-release" "$CANARY/os-release"
        cp "$FIXTURES/rhel-exposed/etc/sysconfig/memcached" "$CANARY/etc/sysconfig/memcached"
        echo "canary" > "$CANARY/file"
        touch -d '2001-02-03 04:05:06' "$CANARY"/* "$CANARY"/etc/* "$CANARY"/etc/sysconfig/*
        canary_snapshot
}
canary_snapshot() { state "$CANARY" > "$TMP/canary.state"; stat -c '%Y %s' "$CANARY" > "$TMP/canary.dir"; }
# expect_canary: nothing changed or appeared in the canary
expect_canary() {
        local d
        d=$(state "$CANARY" | diff "$TMP/canary.state" - | head -20)
        [ -z "$d" ] || fail "the canary outside the root changed:
$d"
}

# snapshot R / expect_unchanged R: the whole tree is as it was, but for the
# lock file (a writer may note its pid there) and directory times
tree_state() { state "$1" | grep -v "^\.$LOCK_FILE " | awk '$2 == "d" { $6 = "-" } { print }'; }
snapshot() { tree_state "$1" > "$TMP/tree.state"; }
expect_unchanged() {
        local d
        d=$(tree_state "$1" | diff "$TMP/tree.state" - | head -20)
        [ -z "$d" ] || fail "files in the root changed:
$d"
}

# A path that climbs far above anything: the kernel stops at /, a chroot
# stops at its root.
CLIMB=../../../../../../../../../../../../../../..

HARDENED_VIEW="listen=127.0.0.1 udp=0 socket=none"

# leftovers R: temp files anywhere under R (relative paths)
leftovers() { (cd "$1" && find . -mindepth 1 -printf '%P\n' | grep -E "$TEMP_PATTERN"); }

BK=/var/backups/memharden

# backups_json R: `backups --json` into BJ; fails unless it exits 0 with
# one JSON document
backups_json() {
        run backups --json --root "$1"
        BJ=$OUT
        expect_rc 0 && { jq -e -s 'length == 1 and (.[0].backups | type == "array")' <<<"$BJ" >/dev/null ||
                fail "backups --json is not one document with a backups array"; }
}

# verify_backup R ID: the manifest of backup ID parses, and every copy it
# names exists and matches its sha256. Prints what is wrong, nothing if all
# is well.
verify_backup() {
        local m="$1$BK/$2/manifest.json" p s
        jq -e '.files | type == "array" and length > 0' "$m" >/dev/null 2>&1 || { echo "$2: manifest unreadable"; return; }
        # A file that was not there (absent: a drop-in apply created) has no copy.
        jq -r '.files[] | [.path, (.sha256 // "-"), (.absent // false)] | @tsv' "$m" | while IFS=$'\t' read -r p s a; do
                case $p in
                /*) ;;
                *) echo "$2: path '$p'"; continue ;;
                esac
                if [ "$a" = true ]; then
                        [ "$s" = - ] && [ ! -e "$1$BK/$2/files$p" ] || echo "$2: absent $p has a copy or checksum"
                elif [ ! -f "$1$BK/$2/files$p" ] || [ -L "$1$BK/$2/files$p" ]; then
                        echo "$2: copy of $p missing"
                elif [ "$(sha "$1$BK/$2/files$p")" != "$s" ]; then
                        echo "$2: copy of $p does not match its sha256"
                fi
        done
}

# expect_complete_backups_ok R: `backups --json` exits 0, and every backup it
# calls complete really is (checked against the files, not its word)
expect_complete_backups_ok() {
        local id bad=""
        backups_json "$1" || return 1
        for id in $(jq -r '.backups[] | select(.status == "complete") | .id' <<<"$BJ"); do
                bad+=$(verify_backup "$1" "$id")
        done
        [ -z "$bad" ] || fail "a backup listed as complete is not: $bad"
}

# expect_all_backups_complete R: every directory under var/backups/memharden
# is a complete backup, and `backups --json` says so
expect_all_backups_complete() {
        local d id bad=""
        for d in "$1$BK"/*; do
                [ -d "$d" ] || continue
                id=${d##*/}
                bad+=$(verify_backup "$1" "$id")
        done
        [ -z "$bad" ] || { fail "backups not complete: $bad"; return 1; }
        backups_json "$1" || return 1
        jq -e '.backups | all(.status == "complete")' <<<"$BJ" >/dev/null || fail "backups --json lists a backup as not complete"
}

# n_backups R: how many backup directories there are
n_backups() { find "$1$BK" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | wc -l; }

# bg CMD...: runs CMD in the background, remembered for cleanup; sets BG
bg() {
        "$@" &
        BG=$!
        BG_PIDS+=("$BG")
}

# finish: the closing line; exit 77 (ctest's SKIP_RETURN_CODE) when every
# case was skipped, failure when nothing at all was judged
finish() {
        [ "$SKIPPED" -eq 0 ] || echo "$SKIPPED skipped (reasons above)"
        echo "$PASSED passed, $FAILED failed"
        [ "$FAILED" -eq 0 ] || exit 1
        [ "$PASSED" -gt 0 ] && exit 0
        [ "$SKIPPED" -gt 0 ] && exit 77
        exit 1
}

# ---------------------------------------------------------------------------
# Fault sweeps: run a command once per (syscall, occurrence) with strace
# failing that one call (error=EIO, error=ENOSPC) or killing the process on
# it (signal=KILL), and judge what is left on disk.
#
# The occurrences are counted on a clean run first. By default these are
# tried: every call that changes something (a mkdir, an openat that creates
# or opens for writing, a rename, unlink, flock, fchmod, fchown, fsync,
# syncfs), and every call of every kind from the first change after the
# lock is taken (the backup, the config, the output) to the end. The
# read-only part before that (the dynamic loader, reading the config, the
# lenses) is sampled every ROBUST_PRE_STEP-th call of each kind.
# ROBUST_FULL=1 tries every occurrence of every kind.
# strace 6.1 injects only into traced calls: -e trace=none would inject
# nothing, so each trial traces the one kind it injects into, to /dev/null.

SWEEP_SYSCALLS=${ROBUST_SYSCALLS:-"openat write fsync fdatasync syncfs rename renameat renameat2 fchmod fchmodat fchown fchownat mkdir mkdirat newfstatat close unlink unlinkat flock"}
ROBUST_FULL=${ROBUST_FULL:-0}
ROBUST_PRE_STEP=${ROBUST_PRE_STEP:-8}
# Failures shown in full per syscall kind; the rest are only counted.
ROBUST_SHOW_FAILS=${ROBUST_SHOW_FAILS:-3}

# The config files a sweep root holds, and which of them each sweep writes:
# Debian's two, an admin's own unit (edited in place) and the drop-in apply
# creates for a vendor unit (absent in the original state).
SWEEP_UNIT=/etc/systemd/system/memcached_sess.service
SWEEP_VENDOR=/usr/lib/systemd/system/memcached-extra.service
SWEEP_DROPIN=/etc/systemd/system/memcached-extra.service.d/50-memharden.conf
SWEEP_CONFIGS=(/etc/memcached.conf /etc/memcached_b.conf "$SWEEP_UNIT" "$SWEEP_DROPIN")

# sweep_prepare apply|rollback: $TMP/prep is the root each trial starts
# from; $TMP/orig/ and $TMP/hard/ hold each config's original and hardened
# bytes (the hardened ones from a clean apply on another copy). For
# rollback, prep is already hardened and has backup $B0 of the original.
sweep_prepare() {
        local f R
        rm -rf "$TMP/prep" "$TMP/orig" "$TMP/hard"
        mkdir -p "$TMP/orig/etc" "$TMP/hard/etc"
        cp -a "$FIXTURES/debian-exposed" "$TMP/prep"
        printf -- '# second instance\n-p 11212\n-l 0.0.0.0\n-U 11212\n-m 32\n' > "$TMP/prep/etc/memcached_b.conf"
        chmod 0640 "$TMP/prep/etc/memcached_b.conf"
        chown 1:2 "$TMP/prep/etc/memcached_b.conf"
        mkdir -p "$TMP/prep${SWEEP_UNIT%/*}" "$TMP/prep${SWEEP_VENDOR%/*}"
        printf '[Service]\nExecStart=/usr/bin/memcached \\\n  -p 11213 -l 0.0.0.0 \\\n  -U 11213\n' >"$TMP/prep$SWEEP_UNIT"
        printf '[Service]\nExecStart=/usr/bin/memcached -p 11214 -l 0.0.0.0 -U 11214\n' >"$TMP/prep$SWEEP_VENDOR"
        for f in "${SWEEP_CONFIGS[@]}"; do
                mkdir -p "$TMP/orig${f%/*}" "$TMP/hard${f%/*}"
                [ ! -e "$TMP/prep$f" ] || cp "$TMP/prep$f" "$TMP/orig$f"
        done
        R=$TMP/ref
        rm -rf "$R"
        cp -a "$TMP/prep" "$R"
        run apply --no-restart --root "$R"
        [ "$RC" -eq 0 ] || { fail "clean apply for the reference failed"; return 1; }
        for f in "${SWEEP_CONFIGS[@]}"; do
                cp "$R$f" "$TMP/hard$f" || { fail "reference apply did not write $f"; return 1; }
                case $f in
                *.conf) [[ $f == */systemd/* ]] || [ "$(effective "$R$f")" = "$HARDENED_VIEW" ] ||
                        { fail "reference apply did not harden $f"; return 1; } ;;
                esac
        done
        local u
        for u in memcached_sess.service memcached-extra.service; do
                [ -z "$(unsafe "$("$MCARGS" --unit-listeners "$R" "$u")")" ] ||
                        { fail "reference apply did not harden $u"; return 1; }
        done
        if [ "$1" = rollback ]; then
                run apply --no-restart --root "$TMP/prep"
                [ "$RC" -eq 0 ] || { fail "clean apply to prepare the rollback failed"; return 1; }
                B0=$(ls "$TMP/prep$BK")
                [ "$(wc -w <<<"$B0")" = 1 ] || { fail "expected one backup, got '$B0'"; return 1; }
                # the backup must not share its id's second with the rollback's
                sleep 1
        fi
}

# sweep_args apply|rollback R: memharden's arguments for a trial
sweep_args() {
        case $1 in
        apply) echo "apply --no-restart --root $2" ;;
        rollback) echo "rollback --no-restart --root $2" ;;
        esac
}

# sweep_plan apply|rollback: counts the calls of a clean run and prints the
# trials, one "SYSCALL N" a line
sweep_plan() {
        local cmd=$1 R=$TMP/count valid=() s
        for s in $SWEEP_SYSCALLS; do
                strace -o /dev/null -e trace="$s" true 2>/dev/null && valid+=("$s")
        done
        rm -rf "$R"
        cp -a "$TMP/prep" "$R"
        # shellcheck disable=SC2046
        timeout -k 5 "$CMD_TIMEOUT" strace -f -qq -o "$TMP/trace" -e trace="$(IFS=,; echo "${valid[*]}")" \
                -- "$MEMHARDEN" $(sweep_args "$cmd" "$R") >/dev/null 2>&1
        awk -v full="$ROBUST_FULL" -v step="$ROBUST_PRE_STEP" -v kinds="${valid[*]}" '
                function mutating(name, line) {
                        return name ~ /^(mkdir|mkdirat|rename|renameat|renameat2|unlink|unlinkat|flock|fchmod|fchmodat|fchown|fchownat|fsync|fdatasync|syncfs)$/ ||
                               (name == "openat" && line ~ /O_CREAT|O_WRONLY|O_RDWR/)
                }
                {
                        # "PID name(args) = ret"; "PID <... name resumed>" continues a call
                        if ($2 ~ /^<\.\.\./) next
                        name = $2; sub(/\(.*/, "", name)
                        if (name !~ /^[a-z0-9_]+$/) next
                }
                # first pass: where the lock is taken
                NR == FNR {
                        i++
                        if (name == "flock" && !locked) locked = i
                        next
                }
                # second pass: every call from the first change after the lock
                # on, every call that changes something before it (the lock
                # itself), a sample of the rest
                {
                        j++
                        n[name]++
                        total[name] = n[name]
                        if (!marker && j > locked && name != "flock" && mutating(name, $0)) marker = j
                        if (full || (marker && j >= marker) || mutating(name, $0) || n[name] % step == 1)
                                print name, n[name]
                }
                END {
                        split(kinds, k, " ")
                        for (x in k)
                                if (!(k[x] in total))
                                        print k[x], 0
                }' "$TMP/trace" "$TMP/trace"
}

declare -A TRIALS=() TRIAL_FAILS=() CALLS=()

# trial_fail KIND MESSAGE: one failed trial
trial_fail() {
        TRIAL_FAILS[$1]=$(( ${TRIAL_FAILS[$1]:-0} + 1 ))
        FAILED=$((FAILED + 1))
        if [ "${TRIAL_FAILS[$1]}" -le "$ROBUST_SHOW_FAILS" ]; then
                echo "FAIL: $CURRENT: $2" >&2
                echo "  injected run: rc=$TRC stderr: $(head -c 600 "$TMP/trial.err")" >&2
                [ "$RC" = "$TRC" ] || echo "  last check: rc=$RC stderr: ${ERR:0:600}" >&2
        elif [ "${TRIAL_FAILS[$1]}" -eq $((ROBUST_SHOW_FAILS + 1)) ]; then
                echo "FAIL: $1: further failures of this kind are only counted" >&2
        fi
        return 1
}

# expect_files_in R STATE...: every config is byte for byte one of the
# given states (orig, hard); prints what is not
files_not_in() {
        local R=$1 f st good
        shift
        for f in "${SWEEP_CONFIGS[@]}"; do
                good=""
                for st in "$@"; do
                        # a state without the file: it must not be there (a drop-in not yet made)
                        if { [ ! -e "$TMP/$st$f" ] && [ ! -e "$R$f" ]; } ||
                           { [ -f "$R$f" ] && [ ! -L "$R$f" ] && cmp -s "$R$f" "$TMP/$st$f"; }; then
                                good=1
                                break
                        fi
                done
                [ -n "$good" ] || echo -n "$f is neither ${*// / nor } ($(stat -c %F "$R$f" 2>&1)) "
        done
}

# trial CMD SYSCALL N INJECT: one injected run and its judgement
trial() {
        local cmd=$1 s=$2 n=$3 inj=$4 kind="$2:$4" R=$TMP/trial t0 t1 bad success
        CURRENT="$cmd $inj at $s #$n"
        TRIALS[$kind]=$(( ${TRIALS[$kind]:-0} + 1 ))
        rm -rf "$R"
        cp -a "$TMP/prep" "$R"
        t0=$(date +%s)
        # (in a command substitution, so that bash does not report the kill)
        # shellcheck disable=SC2046
        TRC=$(timeout -k 5 "$CMD_TIMEOUT" strace -f -qq -o /dev/null -e trace="$s" -e inject="$s:$inj:when=$n" \
                -- "$MEMHARDEN" $(sweep_args "$cmd" "$R") >/dev/null 2>"$TMP/trial.err" </dev/null; echo $?)
        RC=$TRC ERR=""
        t1=$(date +%s)
        [ $((t1 - t0)) -lt "$CMD_TIMEOUT" ] || { trial_fail "$kind" "hung"; return; }
        case $TRC in
        134 | 135 | 136 | 139) trial_fail "$kind" "crashed (signal $((TRC - 128)))"; return ;;
        137) [ "$inj" = signal=KILL ] || { trial_fail "$kind" "killed"; return; } ;;
        esac
        if [ "$cmd" = apply ]; then success=hard; else success=orig; fi
        bad=$(files_not_in "$R" orig hard)
        [ -z "$bad" ] || { trial_fail "$kind" "config torn: $bad"; return; }
        if [ "$TRC" -eq 0 ]; then
                bad=$(files_not_in "$R" "$success")
                [ -z "$bad" ] || { trial_fail "$kind" "exit 0 but $bad"; return; }
        fi
        # every backup called complete really is
        run backups --json --root "$R"
        [ "$RC" -eq 0 ] && jq -e '.backups | type == "array"' <<<"$OUT" >/dev/null ||
                { trial_fail "$kind" "backups --json failed afterwards"; return; }
        local id
        bad=""
        for id in $(jq -r '.backups[] | select(.status == "complete") | .id' <<<"$OUT"); do
                bad+=$(verify_backup "$R" "$id")
        done
        [ -z "$bad" ] || { trial_fail "$kind" "a backup listed as complete is not: $bad"; return; }
        # the next clean run recovers and leaves no temp file behind
        if [ "$cmd" = apply ]; then
                run apply --no-restart --root "$R"
                [ "$RC" -eq 0 ] || { trial_fail "$kind" "the next apply failed"; return; }
                bad=$(files_not_in "$R" hard)
                [ -z "$bad" ] || { trial_fail "$kind" "the next apply did not harden: $bad"; return; }
        else
                run rollback "$B0" --no-restart --root "$R"
                [ "$RC" -eq 0 ] || { trial_fail "$kind" "the next rollback $B0 failed"; return; }
                bad=$(files_not_in "$R" orig)
                [ -z "$bad" ] || { trial_fail "$kind" "the next rollback did not restore: $bad"; return; }
                run apply --no-restart --root "$R"
                [ "$RC" -eq 0 ] || { trial_fail "$kind" "apply after the next rollback failed"; return; }
        fi
        run check --root "$R"
        [ "$RC" -eq 0 ] || { trial_fail "$kind" "check after recovery exits $RC"; return; }
        bad=$(leftovers "$R")
        [ -z "$bad" ] || { trial_fail "$kind" "temp files left after a clean run: $(echo $bad)"; return; }
        PASSED=$((PASSED + 1))
}

# sweep apply|rollback INJECT...: the whole sweep, each INJECT being
# "error=EIO" or "signal=KILL" for every kind, or "SYSCALL/error=ENOSPC"
# for one kind only
sweep() {
        local cmd=$1 s n inj plan t0=$SECONDS
        shift
        if ! command -v strace >/dev/null; then
                CURRENT="$cmd sweep"; skip "strace is not installed (apt-get install strace)"
                return 0
        fi
        sweep_prepare "$cmd" || return 1
        plan=$(sweep_plan "$cmd")
        [ -n "$plan" ] || { CURRENT="counting $cmd's calls"; fail "strace counted no calls"; return 1; }
        while read -r s n; do
                [ "$n" -gt 0 ] && CALLS[$s]=$n || CALLS[$s]=${CALLS[$s]:-0}
        done <<<"$plan"
        for inj in "$@"; do
                local only=""
                case $inj in */*) only=${inj%%/*}; inj=${inj#*/} ;; esac
                while read -r s n; do
                        [ "$n" -gt 0 ] || continue
                        [ -z "$only" ] || [ "$s" = "$only" ] || continue
                        trial "$cmd" "$s" "$n" "$inj"
                done <<<"$plan"
        done
        # the summary: trials and failures by kind
        local k line="" total=0 failed=0
        for k in $(printf '%s\n' "${!TRIALS[@]}" | sort); do
                line+=" $k ${TRIALS[$k]}/${TRIAL_FAILS[$k]:-0}"
                total=$((total + TRIALS[$k]))
                failed=$((failed + ${TRIAL_FAILS[$k]:-0}))
        done
        local calls=""
        for k in $(printf '%s\n' "${!CALLS[@]}" | sort); do calls+=" $k=${CALLS[$k]}"; done
        echo "calls in a clean $cmd:$calls"
        echo "trials/failures by kind:$line"
        echo "$cmd sweep ($([ "$ROBUST_FULL" = 1 ] && echo full || echo default)): $total trials, $failed failed, $((SECONDS - t0))s"
        [ "$total" -gt 0 ] || { CURRENT="$cmd sweep"; fail "no trial ran"; }
}

# in_root R PATH: PATH resolved inside R as a chroot would (an absolute link
# starts again at R, ".." stops at R), printed as a host path
in_root() {
        local R=$1 rest=${2#/} cur="" comp link n=0
        while [ -n "$rest" ]; do
                comp=${rest%%/*}
                if [ "$comp" = "$rest" ]; then rest=""; else rest=${rest#*/}; fi
                case $comp in
                "" | .) continue ;;
                ..) cur=${cur%/*}; continue ;;
                esac
                if [ -L "$R$cur/$comp" ]; then
                        n=$((n + 1))
                        [ "$n" -le 40 ] || return 1
                        link=$(readlink "$R$cur/$comp")
                        case $link in /*) cur="" ;; esac
                        rest="${link#/}${rest:+/$rest}"
                else
                        cur="$cur/$comp"
                fi
        done
        echo "$R$cur"
}

# backed_up_root: a Debian root hardened by one apply, so it has backup $B0
# of the original config ($TMP/orig.conf); sets R
backed_up_root() {
        R=$(root debian-exposed)
        cp "$R/etc/memcached.conf" "$TMP/orig.conf"
        run apply --no-restart --root "$R"
        B0=$(ls "$R$BK" 2>/dev/null)
        [ "$RC" -eq 0 ] && [ "$(wc -w <<<"$B0")" = 1 ] || { fail "setup: apply made no single backup"; return 1; }
        cp "$R/etc/memcached.conf" "$TMP/hard.conf"
}

# forge R ID PATH BYTES: backup ID (sorting after any real one) with one
# file PATH whose copy holds BYTES and whose sha256 matches. The copy is put
# where a naive join of the copy directory and PATH lands.
forge() {
        local R=$1 id=$2 p=$3 c
        mkdir -p "$R$BK/$id/files"
        c="$R$BK/$id/files$p"
        mkdir -p "$(dirname "$c")"
        printf '%s' "$4" > "$c"
        jq -n --arg id "$id" --arg p "$p" --arg s "$(printf '%s' "$4" | sha256sum | cut -d' ' -f1)" \
                '{id: $id, created: "2030-01-01T00:00:00Z", files: [{path: $p, mode: 420, uid: 0, gid: 0, sha256: $s}]}' \
                > "$R$BK/$id/manifest.json"
}
FORGED=20300101T000000Z
