#!/bin/bash
# What `cmake --install` installs with -DCMAKE_INSTALL_PREFIX=/usr, from a
# build configured with -DBUILD_TESTING=OFF whose pkg-config refuses to know
# Check: such a build needs no test tool. Its list of files is what both
# packages must ship (test-deb, test-rpm compare theirs with it).
. "$(dirname "$0")/lib.sh"
need cmake pkg-config

step "configure with -DBUILD_TESTING=OFF, without Check"
mkdir "$TMP/bin"
cat >"$TMP/bin/pkg-config" <<'PC'
#!/bin/sh
echo "$*" >>"${0%/*}/asked"
for a; do case $a in check | check[\<\>=\ ]*) exit 1 ;; esac; done
exec /usr/bin/pkg-config "$@"
PC
chmod +x "$TMP/bin/pkg-config"
PKG_CONFIG=$TMP/bin/pkg-config cmake -S "$SRCDIR" -B "$TMP/build" -DBUILD_TESTING=OFF \
        -DCMAKE_INSTALL_PREFIX=/usr -DPKG_CONFIG_EXECUTABLE="$TMP/bin/pkg-config" >"$TMP/configure.log" 2>&1 ||
        { cat "$TMP/configure.log"; fail "configure failed without Check"; }
! grep -qw check "$TMP/bin/asked" || fail "the build without tests asked pkg-config for Check"
! grep -qE '^(AUGPARSE|CHECK_[A-Z_]*):' "$TMP/build/CMakeCache.txt" || fail "the build without tests looked for a test tool"

step "build and install into a DESTDIR"
cmake --build "$TMP/build" -j"$(nproc)" >"$TMP/build.log" 2>&1 || { tail -50 "$TMP/build.log"; fail "build failed"; }
DESTDIR=$TMP/dest cmake --install "$TMP/build" >"$TMP/install.log" 2>&1 || { cat "$TMP/install.log"; fail "install failed"; }
[ ! -e "$TMP/build/tests" ] || fail "the build without tests configured tests/"

step "the installed memharden runs on a fixture"
[ -x "$TMP/dest/usr/sbin/memharden" ] || fail "no /usr/sbin/memharden installed"
[ "$("$TMP/dest/usr/sbin/memharden" --version)" = "memharden $VERSION" ] || fail "--version is not 'memharden $VERSION'"
cp -a "$FIXTURES/debian-exposed" "$TMP/sample"
rc=0
out=$(MEMHARDEN_LENS_DIR=$TMP/dest/usr/share/memharden/lenses "$TMP/dest/usr/sbin/memharden" check --root "$TMP/sample") || rc=$?
[ $rc = 1 ] && grep -q listen-wildcard <<<"$out" || fail "check on debian-exposed: exit $rc: $out"

(cd "$TMP/dest" && find . ! -type d) | norm_list >"$PKG_OUT/install.list"
echo "cmake --install installs:"
sed 's/^/  /' "$PKG_OUT/install.list"
grep -qx /usr/share/memharden/lenses/memharden_conf.aug "$PKG_OUT/install.list" || fail "no lenses under /usr/share/memharden/lenses"
step_end
echo "1 passed, 0 failed"
