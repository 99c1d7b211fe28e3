#!/bin/bash
# The Debian package: packaging/build-deb in a copy of the tree, as an
# unprivileged user when this runs as root (a build daemon's way; the tests
# that need root then skip themselves inside dh_auto_test), then lintian
# --fail-on error,warning. Its files must be what `cmake --install` installs
# (test-cmake-install) plus Debian's own documentation; its fields and
# maintainer scripts are checked. The .deb goes to $PKG_OUT/deb for
# test-deb-root and test-rpm.
. "$(dirname "$0")/lib.sh"
need dpkg-buildpackage dpkg-deb dh lintian
[ -s "$PKG_OUT/install.list" ] || fail "no install list from test-cmake-install"

step "build the .deb in a copy of the tree"
copy=$TMP/src
mkdir -p "$copy" "$TMP/out" "$TMP/home"
# Only the tree's own files: what build-deb itself would take from git.
if git -C "$SRCDIR" rev-parse --show-toplevel >/dev/null 2>&1; then
        git -C "$SRCDIR" ls-files -z --cached --others --exclude-standard |
                tar -C "$SRCDIR" --null --files-from=- --ignore-failed-read -cf - 2>/dev/null | tar -C "$copy" -xf -
else
        tar -C "$SRCDIR" --exclude=./.git --exclude='./build*' -cf - . | tar -C "$copy" -xf -
fi
as=()
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
        chmod 0755 "$TMP"
        chown -R nobody: "$TMP/src" "$TMP/out" "$TMP/home"
        as=(setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups)
        echo "building as nobody"
fi
if ! "${as[@]}" env HOME="$TMP/home" TMPDIR="$TMP/home" "$copy/packaging/build-deb" "$TMP/out" >"$TMP/build.log" 2>&1; then
        tail -80 "$TMP/build.log"
        fail "packaging/build-deb failed (its log's end is above)"
fi
# What dh_auto_test skipped, and why (it runs ctest --verbose).
grep -oE '(skip: .*|[a-z_-]+: skipped .*)$' "$TMP/build.log" | sort -u | sed 's/^/  in dh_auto_test: /' || true
grep -q 'label-exclude' "$TMP/build.log" || fail "dh_auto_test ran no ctest"
grep -qE '^100% tests passed, 0 tests failed out of [1-9]' "$TMP/build.log" || fail "dh_auto_test did not pass its tests"
deb=$TMP/out/memharden_${VERSION}_$(dpkg --print-architecture).deb
[ -s "$deb" ] || fail "no $(basename "$deb") made"
rm -rf "$PKG_OUT/deb" && mkdir "$PKG_OUT/deb" && cp "$TMP"/out/* "$PKG_OUT/deb/"

step "lintian --fail-on error,warning"
dpkg_files "$deb" >"$TMP/deb.list"
suppress=()
if ! grep -q '^/usr/share/man/man8/memharden\.8$' "$TMP/deb.list"; then
        echo "skip: lintian's no-manual-page: the tree has no man page yet, so the package has none"
        suppress=(--suppress-tags no-manual-page)
fi
"${as[@]}" env HOME="$TMP/home" lintian --fail-on error,warning --display-info "${suppress[@]}" \
        "$TMP/out/memharden_${VERSION}_$(dpkg --print-architecture).changes" >"$TMP/lintian.log" 2>&1 || {
        cat "$TMP/lintian.log"
        fail "lintian found errors or warnings"
}
echo "lintian: ${suppress[*]:-no suppressed tags}"
sed 's/^/  /' "$TMP/lintian.log"

step "its files are what cmake --install installs, and Debian's documentation"
echo "dpkg -c:"
dpkg-deb -c "$deb" | sed 's/^/  /'
diff -u "$PKG_OUT/install.list" <(not_doc <"$TMP/deb.list") || fail "the .deb's files differ from cmake --install's"
for f in README.md changelog copyright; do
        grep -qE "^/usr/share/doc/memharden/$f(\.gz)?$" "$TMP/deb.list" || fail "no /usr/share/doc/memharden/$f"
done

step "its fields and maintainer scripts"
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Version)" = "$VERSION" ] || fail "Version $(field Version), CMakeLists.txt says $VERSION"
grep -qE '(^|, )libsystemd0 \(>= 237\)(,|$)' <<<"$(field Depends)" || fail "Depends lacks libsystemd0: $(field Depends)"
for lib in libaugeas0 libjson-c5 libmnl0 libmd0 libnftables1 libc6; do
        grep -qE "(^|, )$lib( |,|$)" <<<"$(field Depends)" || fail "Depends lacks $lib (\${shlibs:Depends}): $(field Depends)"
done
[ "$(field Enhances)" = memcached ] || fail "Enhances is '$(field Enhances)'"
# nft, for memharden-firewall.service at boot; nothing else.
[ "$(field Recommends)" = nftables ] || fail "Recommends is '$(field Recommends)', not nftables"
dpkg-deb -e "$deb" "$TMP/control"
for p in /usr/bin/memcached /etc/memcached.conf /etc/sysconfig/memcached; do
        grep -qx "interest-noawait $p" "$TMP/control/triggers" || fail "no 'interest-noawait $p' trigger"
done
sh -n "$TMP/control/postinst" || fail "postinst is not valid sh"
grep -q 'memharden check -q' "$TMP/control/postinst" || fail "postinst does not run 'memharden check -q'"
# The firewall's unit is opt-in: no maintainer script enables, starts or
# tracks it ('memharden firewall' makes its link).
! grep -qE 'deb-systemd-(helper|invoke)' "$TMP/control"/p* || fail "a maintainer script handles memharden-firewall.service"
step_end
echo "1 passed, 0 failed"
