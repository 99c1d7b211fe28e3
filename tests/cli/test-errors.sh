#!/bin/bash
# Bad input: one clear message on stderr, the right exit code, nothing written.
. "$(dirname "$0")/lib.sh"

# expect_refused RC TEXT: exit code, message, and the tree byte-identical
expect_refused() {
        expect_rc "$1" && expect_err "$2" && { diff -r "$TMP/before" "$R" >/dev/null || fail "files changed"; } &&
        { [ "$(grep -c . <<<"$ERR")" = 1 ] || fail "not one message"; }
}
snapshot() { rm -rf "$TMP/before"; cp -a "$R" "$TMP/before"; }

# expect_message TEXT: stderr is exactly this one message
expect_message() { [ "$ERR" = "memharden: $1" ] || fail "message is not: memharden: $1"; }

# refused_line FIXTURE FILE TEXT LINE MESSAGE: TEXT as FILE of a copy of
# FIXTURE is refused by apply and check, exit 3, with exactly "cannot parse
# 'FILE' line LINE: MESSAGE", and nothing written.
refused_line() {
        R=$(root "$1"); printf -- "$3" > "$R$2"; snapshot
        run apply --root "$R"
        expect_refused 3 "" && expect_message "cannot parse '$R$2' line $4: $5" &&
        { run check --root "$R"; expect_refused 3 "" && expect_message "cannot parse '$R$2' line $4: $5"; }
}
CONF=/etc/memcached.conf
SYSCONFIG=/etc/sysconfig/memcached
SH_HINT="which only a shell can interpret; write out the value memcached should get, then run again"
SH_OP_HINT="which only a shell can interpret; leave only memcached's options there, then run again"
ENV_HINT="which only a shell can interpret; systemd's EnvironmentFile= keeps it as written, a shell does not: write out the value memcached should get, then run again"

test_begin "unparseable line: file and line named, the problem in the shell's terms, exit 3"
refused_line debian-exposed $CONF '-m 64\n\n-l 127.0.0.1 $(hostname)\n' 3 \
        "command substitution '\$(hostname)', $SH_HINT" && ok

test_begin "unknown memcached option, exit 3"
refused_line debian-exposed $CONF '-m 64\n-vQ 1\n' 2 \
        "unknown option '-Q'; memcached refuses to start with it: correct or remove it, then run again" && ok

test_begin "an option without its value at the end of the line, exit 3"
refused_line debian-exposed $CONF '-m 64\n-l\n-p 11211\n' 2 \
        "'-l' needs a value; give it its value on the same line, then run again" &&
refused_line debian-exposed $CONF '-l -U 0\n' 1 \
        "'-l' needs a value, but '-U' follows it; memcached would take what follows as its value: give it its own, then run again" && ok

test_begin "long options checked against memcached's table, exit 3"
refused_line debian-exposed $CONF '-m 64\n--udp-port\n' 2 \
        "'--udp-port' needs a value; give it its value on the same line, then run again" &&
refused_line debian-exposed $CONF '--daemon=5\n' 1 "'--daemon' takes no value, but has '5'; remove the value, then run again" &&
refused_line debian-exposed $CONF '--frobnicate\n' 1 \
        "unknown option '--frobnicate'; memcached refuses to start with it: correct or remove it, then run again" && ok

test_begin "a word that is neither an option nor a directive, exit 3"
refused_line debian-exposed $CONF '-m 64\ngarbage\n' 2 \
        "'garbage' is neither an option nor a directive Debian's start script knows; start-memcached (SysV) dies on it and systemd-memcached-wrapper puts it on memcached's command line: remove it or make it a comment, then run again" &&
refused_line debian-exposed $CONF 'logfile\n' 1 "'logfile' needs a value; give it the log file's name, then run again" && ok

test_begin "shell constructs in memcached.conf, named, exit 3"
bad=0
while IFS='@' read -r text detail hint; do
        refused_line debian-exposed $CONF "-m 64\n$text\n" 2 "$detail, ${!hint}" || { bad=1; break; }
done <<'EOF2'
-l `hostname`@backticks '`hostname`'@SH_HINT
-l $ADDR@variable expansion '$ADDR'@SH_HINT
-m 64; rm -rf /@';' joining two commands@SH_OP_HINT
-m 64 | logger@a pipe '|'@SH_OP_HINT
-m 64 && true@'&&' joining two commands@SH_OP_HINT
-m 64 || true@'||' joining two commands@SH_OP_HINT
EOF2
[ $bad = 0 ] && ok

test_begin "nothing precise to say: Augeas's words, the line, what to do"
refused_line debian-exposed $CONF '-m 64\n-l "127.0.0.1"\n' 2 \
        "Iterated lens matched less than it should; fix it by hand, then run again" && ok

test_begin "RHEL: the sysconfig line and the OPTIONS value explained, exit 3"
refused_line rhel-exposed $SYSCONFIG 'PORT="11211"\nOPTIONS="-l $(hostname -i)"\n' 2 \
        "command substitution '\$(hostname -i)', $ENV_HINT" &&
refused_line rhel-exposed $SYSCONFIG 'PORT="11211"\nOPTIONS="-l 127.0.0.1"; rm -rf /\n' 2 \
        "';' joining two commands, which only a shell can interpret; keep the line a plain assignment, then run again" &&
refused_line rhel-exposed $SYSCONFIG 'OPTIONS=-l 127.0.0.1\n' 1 \
        "'127.0.0.1' follows the value after a blank without quotes, and a shell runs it as a command; put the value in double quotes, then run again" &&
refused_line rhel-exposed $SYSCONFIG 'PORT="11211"\n\nOPTIONS="-l 127.0.0.1 -Q"\n' 3 \
        "unknown option '-Q'; memcached refuses to start with it: correct or remove it, then run again" &&
refused_line rhel-exposed $SYSCONFIG 'OPTIONS="-U 0 -l"\n' 1 \
        "'-l' needs a value; give it its value on the same line, then run again" &&
refused_line rhel-exposed $SYSCONFIG 'OPTIONS="-l 127.0.0.1 | logger"\n' 1 "a pipe '|', $SH_OP_HINT" &&
refused_line rhel-exposed $SYSCONFIG 'PORT="11211"\nOPTIONS="${OPTIONS:--l 10.0.0.1}"\n' 2 \
        "parameter expansion '\${OPTIONS:--l 10.0.0.1}', $ENV_HINT" && ok

test_begin "rollback is advised only where a complete backup exists"
R=$(root debian-exposed); run apply --no-restart --root "$R"; expect_rc 0 &&
{ printf -- '-Q\n' >> "$R$CONF"; snapshot; run check --root "$R"
  expect_refused 3 "unknown option '-Q'; memcached refuses to start with it: correct or remove it, then run again; or restore the last backup with 'memharden rollback --root $R'"; } &&
{ expect_message "cannot parse '$R$CONF' line $(wc -l <"$R$CONF"): unknown option '-Q'; memcached refuses to start with it: correct or remove it, then run again; or restore the last backup with 'memharden rollback --root $R'"; } &&
{ run apply --root "$R"; expect_refused 3 "or restore the last backup with 'memharden rollback --root $R'"; } &&
# Only incomplete or damaged backups: no advice to restore one.
{ R=$(root debian-exposed); printf -- '-Q\n' >> "$R$CONF"; mkdir -p "$R/var/backups/memharden/29991231T235959Z" "$R/var/backups/memharden/20260101T000000Z"
  echo '{"files": 17}' > "$R/var/backups/memharden/20260101T000000Z/manifest.json"; snapshot
  run check --root "$R"; expect_refused 3 "unknown option '-Q'" && { ! grep -q rollback <<<"$ERR" || fail "rollback advised"; }; } && ok

test_begin "memcached installed without its config, exit 3"
for bin in /usr/bin/memcached /usr/sbin/memcached; do
        R=$(root debian-exposed); rm "$R/etc/memcached.conf"; mkdir -p "$R${bin%/*}"; : >"$R$bin"; snapshot
        for cmd in check apply "apply --dry-run"; do
                run $cmd --root "$R"
                { expect_refused 3 "" &&
                  expect_message "cannot read '$R/etc/memcached.conf': no such file; memcached is installed without it: restore the file (or reinstall memcached's package); for an image use --root DIR, for another layout --profile debian|rhel|suse|arch|alpine|gentoo"; } ||
                        break 2
        done
done && ok

test_begin "a --root that does not exist, exit 3, for every command"
for cmd in check apply rollback backups "check --profile debian" "apply --profile rhel" "rollback --profile debian"; do
        for where in "$TMP/no-such-root" "$TMP/no-such-root/sub" "$FIXTURES/debian-exposed/etc/os-release"; do
                run $cmd --root "$where"
                { expect_rc 3 &&
                  expect_message "cannot open '$where': no such directory; give --root the directory of a mounted image" &&
                  [ ! -e "$TMP/no-such-root" ] || fail "$cmd --root $where"; } || break 2
        done
done && ok

test_begin "config is a directory, exit 3"
R=$(root debian-exposed); rm "$R/etc/memcached.conf"; mkdir "$R/etc/memcached.conf"; snapshot
run apply --root "$R"
expect_refused 3 "it is a directory" && ok

test_begin "NUL bytes, exit 3"
R=$(root debian-exposed); printf -- '-l 0.0.0.0\0\n' > "$R/etc/memcached.conf"; snapshot
run apply --root "$R"
expect_refused 3 "NUL bytes" && ok

test_begin "unsupported distribution names its ID and --profile"
R=$(root debian-exposed); printf 'ID=freebsd\n' > "$R/etc/os-release"; snapshot
run apply --root "$R"
{ expect_refused 3 "'freebsd'" && expect_err "--profile"; } && ok

test_begin "--profile overrides detection"
run check --profile debian --root "$R"
expect_rc 1 && ok

test_begin "os-release ID_LIKE and fallback release files"
R=$(root debian-exposed); printf 'ID=someubuntu\nID_LIKE="ubuntu debian"\n' > "$R/etc/os-release"
run check --root "$R"; expect_rc 1 &&
{ rm "$R/etc/os-release"; touch "$R/etc/debian_version"; run check --root "$R"; expect_rc 1; } && ok

test_begin "--listen refuses a wildcard or public address, exit 2"
R=$(root debian-exposed); snapshot
run apply --listen 0.0.0.0 --root "$R"; expect_refused 2 "refuses a wildcard" &&
{ run apply --listen 8.8.8.8 --root "$R"; expect_refused 2 "refuses a public"; } &&
{ run check --listen 0.0.0.0 --root "$R"; expect_refused 2 "refuses a wildcard"; } && ok

test_begin "usage errors, exit 2"
R=$(root debian-exposed); snapshot
run check --dry-run --root "$R"; expect_refused 2 "does not apply to 'check'" &&
{ run frobnicate; expect_rc 2; } && { run apply --bogus; expect_rc 2; } && { run apply --timeout 0; expect_rc 2; } &&
{ run check --root relative/dir; expect_rc 2; } && { run; expect_rc 2; } && ok

test_begin "help and version"
run --help; { expect_rc 0 && expect_out "Exit codes:"; } &&
{ run help apply; expect_rc 0 && expect_out "--dry-run"; } &&
{ run --version; expect_rc 0 && expect_out "memharden "; } && ok

test_begin "JSON on error is still one document"
R=$(root debian-exposed); rm "$R/etc/memcached.conf"; mkdir -p "$R/usr/bin"; : >"$R/usr/bin/memcached"
run check --json --root "$R"
{ expect_rc 3 && jq -e '.error.exit_code == 3 and (.error.message | contains("no such file"))' <<<"$OUT" >/dev/null ||
        fail "JSON error"; } && ok

test_begin "a lens that is missing or broken: Augeas's own reason and the lens directory, exit 5"
R=$(root debian-exposed); snapshot
mkdir -p "$TMP/nolens" "$TMP/badlens"
echo 'module Memharden_conf = let lns = garbage' >"$TMP/badlens/memharden_conf.aug"
MEMHARDEN_LENS_DIR=$TMP/nolens run check --root "$R"
expect_refused 5 "" && expect_message "cannot load 'Memharden_conf.lns': Lens not found: Can not find lens Memharden_conf.lns (lens directory '$TMP/nolens'); reinstall memharden, or point MEMHARDEN_LENS_DIR at its lenses" &&
{ MEMHARDEN_LENS_DIR=$TMP/badlens run apply --root "$R"
  expect_refused 5 "" && expect_err "Undefined variable garbage (lens directory '$TMP/badlens')"; } && ok

test_begin "rollback with no backups, exit 3"
R=$(root debian-exposed)
run rollback --root "$R"
{ expect_rc 3 && expect_err "no backups"; } && ok

# As a user who may not write the root: setpriv from util-linux, run as
# root (ctest's usual case); skipped, and said so, otherwise.
test_begin "no permission to write: 'run as root', exit 5, nothing written"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
        chmod 755 "$TMP"  # nobody must reach the copy; it still may write nothing in it
        asnobody() { OUT=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$MEMHARDEN" "$@" 2>"$TMP/stderr"); RC=$?; ERR=$(cat "$TMP/stderr"); }
        R=$(root debian-exposed); snapshot
        asnobody apply --no-restart --root "$R"
        expect_refused 5 "" &&
        expect_message "cannot create '$R/var/backups/memharden/.lock': Permission denied; run as root" &&
        { asnobody rollback --no-restart --root "$R"; expect_refused 3 "there are no backups"; } &&
        # With a backup to restore, rollback is refused the lock.
        { run apply --no-restart --root "$R"; R2=$R; printf -- '-m 64\n' >> "$R/etc/memcached.conf"; snapshot
          asnobody rollback --no-restart --root "$R"
          expect_refused 5 "" && expect_message "cannot open '$R/var/backups/memharden/.lock': Permission denied; run as root"; } &&
        # The lock granted, the backup refused: the backup's own message, the same advice.
        { R=$(root debian-exposed); mkdir -p "$R/var/backups/memharden"; chown nobody "$R/var/backups/memharden"; snapshot
          asnobody apply --no-restart --root "$R"
          expect_rc 5 && expect_err "cannot back up to '$R/var/backups/memharden': Operation not permitted; run as root" &&
          expect_same "$FIXTURES/debian-exposed/etc/memcached.conf" "$R/etc/memcached.conf" &&
          { [ -z "$(ls "$R/var/backups/memharden")" ] || fail "a backup left behind"; }; } && ok
        chmod 700 "$TMP"
else
        echo "skip: $CURRENT (needs root and setpriv)"
fi

finish
