# Shared by the CLI tests: each test works on a copy of a fixture root in its
# own temp dir (removed on exit, also on failure) and reports like
# "N passed, N failed" at the end.
set -u
: "${MCARGS:?set by ctest}" "${MEMHARDEN:?set by ctest}" "${FIXTURES:?set by ctest}" "${MEMHARDEN_LENS_DIR:?set by ctest}"
# apply writes its backups owned by root and the cases chown files, so as
# another user (a package build) there is nothing to test here.
if [ "$(id -u)" != 0 ]; then
        echo "skip: ${0##*/}: needs root (apply writes root-owned backups; the cases chown files)"
        exit 77
fi
export MEMHARDEN_LENS_DIR

TMP=$(mktemp -d /tmp/memharden-test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
PASSED=0
FAILED=0
CURRENT=""

# root NAME: a fresh copy of fixture NAME; prints its path
root() {
        local d="$TMP/root.$RANDOM$RANDOM"
        cp -a "$FIXTURES/$1" "$d"
        echo "$d"
}

# run ARGS...: runs memharden, sets OUT, ERR, RC
run() {
        OUT=$("$MEMHARDEN" "$@" 2>"$TMP/stderr")
        RC=$?
        ERR=$(cat "$TMP/stderr")
}

test_begin() { CURRENT=$1; }
fail() {
        echo "FAIL: $CURRENT: $*" >&2
        echo "  rc=$RC" >&2
        echo "  stdout: ${OUT:0:2000}" >&2
        echo "  stderr: ${ERR:0:2000}" >&2
        FAILED=$((FAILED + 1))
        return 1
}
ok() { PASSED=$((PASSED + 1)); echo "ok: $CURRENT"; }

expect_rc() { [ "$RC" -eq "$1" ] || fail "exit code $RC, expected $1"; }
expect_out() { grep -qF -- "$1" <<<"$OUT" || fail "stdout lacks '$1'"; }
expect_err() { grep -qF -- "$1" <<<"$ERR" || fail "stderr lacks '$1'"; }
expect_same() { cmp -s "$1" "$2" || fail "'$1' and '$2' differ"; }

# The options memcached really gets from a Debian config, as the start
# script builds them: comments cut, blank lines, directive lines and lines
# starting with -d/-h dropped, the rest joined. Uses the packaged script's
# own rules, not memharden's.
debian_effective() {
        perl -ne 's/(?<!\\)\#[^\#]*//g; s/\s+$//; s/^\s+//; next unless $_; next if /^\-[dh]/; next if /^[^\-]/; push @p, $_; END { print join(" ", @p), "\n" }' "$1"
}

# memcached's own view of an argument string (tests/oracle/mcargs.c):
# "listen=A,B udp=N socket=S".
mc() { "$MCARGS" "$1"; }

# What memcached would run with for config file F of root R's profile.
effective() {
        case "$1" in
        *sysconfig*) (set -a; . "$1"; mc "-p $PORT -u $USER -m $CACHESIZE -c $MAXCONN ${OPTIONS:-}") ;;
        *) mc "$(debian_effective "$1")" ;;
        esac
}

# shapes FIXTURE CONFIG: for each "name|config text|memcached's view" line
# on stdin, write the text to CONFIG in a copy of FIXTURE, apply, judge the
# result by the oracle, and check that a second apply changes nothing.
shapes() {
        local name text want got R
        while IFS='|' read -r name text want; do
                [ -n "$name" ] || continue
                test_begin "shape: $name"
                R=$(root "$1")
                printf '%b' "$text" > "$R$2"
                cp "$R$2" "$TMP/shape.orig"
                run apply --dry-run --root "$R"
                local preview=$OUT
                run apply --no-restart --root "$R"
                got=$(effective "$R$2")
                local written
                written=$(diff -u --label "a${2}" --label "b${2}" "$TMP/shape.orig" "$R$2")
                { expect_rc 0 && [ "$got" = "$want" ] || fail "got '$got', want '$want'"; } &&
                { [ "$preview" = "$written" ] || fail "dry run showed a different diff than apply wrote:
$preview
---- written:
$written"; } &&
                { run apply --no-restart --root "$R"; expect_rc 0 && expect_err "unchanged"; } && ok
        done
}

finish() {
        echo "$PASSED passed, $FAILED failed"
        [ "$FAILED" -eq 0 ]
}

# ---- listener forms (tests/oracle/readings.sh; memcached's own grammar) ----
. "$(dirname "${BASH_SOURCE[0]}")/../oracle/readings.sh"

# listeners F: what memcached binds for config file F, by the oracle:
# Debian's start script's options, or systemd's reading of a sysconfig file.
listeners() {
        case "$1" in
        *sysconfig*) systemd_listeners "$1" ;;
        *) "$MCARGS" --listeners "$(debian_effective "$1")" ;;
        esac
}

# listen_forms FIXTURE CONFIG: for each "name|config text|check's exit|inter
# after apply, or -" line on stdin, in a copy of FIXTURE: check exits as
# given; the dry run writes nothing and shows what apply writes; after apply
# the oracle sees no wildcard, public or named listener and no UDP, every
# loopback/private TCP listener from before is still there, memcached does
# not newly refuse the config, check passes and a second apply changes
# nothing. A compliant config (exit 0) must stay byte for byte. For a
# sysconfig file, the init script's shell reading must agree with systemd's.
listen_forms() {
        local name text want_rc want_inter R f before after preview written missing
        while IFS='|' read -r name text want_rc want_inter; do
                [ -n "$name" ] || continue
                test_begin "listen form: $name"
                R=$(root "$1")
                f=$R$2
                printf '%b' "$text" >"$f"
                cp "$f" "$TMP/form.orig"
                before=$(listeners "$f")
                run check --root "$R"
                expect_rc "$want_rc" || continue
                run apply --dry-run --root "$R"
                preview=$OUT
                { expect_rc 0 && expect_same "$f" "$TMP/form.orig"; } || continue
                run apply --no-restart --root "$R"
                expect_rc 0 || continue
                written=$(diff -u --label "a${2}" --label "b${2}" "$TMP/form.orig" "$f")
                [ "$preview" = "$written" ] || { fail "dry run showed a different diff than apply wrote:
$preview
---- written:
$written"; continue; }
                after=$(listeners "$f")
                [ -z "$(unsafe "$after")" ] || { fail "still exposed after apply: $(unsafe "$after" | tr '\n' ' ')(oracle: $after)"; continue; }
                ! refused "$after" || refused "$before" || { fail "memcached refuses the applied config: $after"; continue; }
                missing=$(comm -23 <(safe_tcp "$before") <(listener_set "$after"))
                [ -z "$missing" ] || { fail "safe listeners dropped: $(tr '\n' ' ' <<<"$missing")(before: $before; after: $after)"; continue; }
                [ "$want_inter" = - ] || [ "$(sed -n '1s/.* inter=//p' <<<"$after")" = "$want_inter" ] ||
                        { fail "inter after apply: $(sed -n '1s/.* inter=//p' <<<"$after"), want $want_inter"; continue; }
                [ "$want_rc" != 0 ] || { [ -z "$preview" ] && expect_same "$f" "$TMP/form.orig"; } || { fail "a compliant config was changed"; continue; }
                if [[ "$2" == *sysconfig* ]]; then
                        [ "$(sh_listeners "$f")" = "$after" ] ||
                                { fail "the init script's shell reads $(sh_listeners "$f"), systemd $after"; continue; }
                fi
                run check --root "$R"
                expect_rc 0 || continue
                run apply --no-restart --root "$R"
                { expect_rc 0 && expect_err "unchanged"; } || continue
                ok
        done
}
