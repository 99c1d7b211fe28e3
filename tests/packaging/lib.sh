# Shared by the packaging tests (sourced): skip/fail, timed steps, and the
# file lists the packages are compared by. Each test works in its own temp
# dir and writes nothing into the source tree; what one test hands the
# next (the install list, the .deb) goes to $PKG_OUT in the build tree.
set -euo pipefail

skip() { echo "skip: ${0##*/}: $*"; exit 77; }
fail() { echo "FAIL: ${0##*/}: $*" >&2; exit 1; }
trap 'echo "FAIL: ${0##*/} line $LINENO: $BASH_COMMAND" >&2' ERR

: "${SRCDIR:?set by ctest}" "${PKG_OUT:?set by ctest}" "${FIXTURES:?set by ctest}"
mkdir -p "$PKG_OUT"

TMP=$(mktemp -d /tmp/memharden-pkg.XXXXXX)
CLEANUPS=()
on_exit() { CLEANUPS+=("$*"); }
at_exit() {
        local rc=$? i
        set +e
        for ((i = ${#CLEANUPS[@]} - 1; i >= 0; i--)); do eval "${CLEANUPS[i]}"; done
        rm -rf "$TMP"
        exit $rc
}
trap at_exit EXIT

# step NAME: starts a step; the time of the one before it is printed.
STEP= STEP_START=
step() {
        step_end
        STEP=$1 STEP_START=$EPOCHREALTIME
        echo "== $STEP"
}
step_end() {
        [ -n "$STEP" ] || return 0
        awk -v s="$STEP" -v a="$STEP_START" -v b="$EPOCHREALTIME" 'BEGIN { printf "time: %s: %.1f s\n", s, b - a }'
        STEP=
}

need() { local t; for t; do command -v "$t" >/dev/null || skip "$t is not installed (packaging/test-deps.txt)"; done; }

VERSION=$(sed -n 's/^project(memharden VERSION \([^ )]*\).*/\1/p' "$SRCDIR/CMakeLists.txt")

# What the packages are compared by: regular files and links, one path a
# line, sorted; man pages without the compression suffix each packager adds.
# Debian 12's units in /lib/systemd/system are Fedora's and cmake --install's
# /usr/lib/systemd/system (merged /usr).
norm_list() { sed -E 's@^\./@/@; s@^(/usr/share/man/.*)\.(gz|xz|bz2|zst)$@\1@; s@^/lib/systemd/@/usr/lib/systemd/@' | sort -u; }

# dpkg_files DEB: the files and links of a .deb.
dpkg_files() { dpkg-deb -c "$1" | awk '$1 !~ /^d/ { print $6 }' | norm_list; }

# rpm_files RPM: the files and links of an RPM.
rpm_files() { rpm -qp --qf '[%{FILEMODES:perms} %{FILENAMES}\n]' "$1" | awk '$1 !~ /^d/ { print $2 }' | norm_list; }

# not_doc: the lists without each packager's own documentation and licence
# directories.
not_doc() { grep -v -E '^/usr/share/(doc|licenses)/memharden(-[^/]*)?/' || true; }
