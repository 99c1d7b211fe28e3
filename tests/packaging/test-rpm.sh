#!/bin/bash
# The RPM: packaging/build-rpm makes the SRPM from a copy of the tree and
# the binary RPM from that SRPM alone (as root: %check then runs the CLI
# tests too; test-deb built as another user). rpmlint with Fedora's
# filters (packaging/rpm/rpmlint.toml) must find no error. The RPM's files
# must be what `cmake --install` installs (test-cmake-install) and the
# .deb ships (test-deb), besides each one's documentation and the dnf
# action, the RPM's only file of its own.
. "$(dirname "$0")/lib.sh"
need rpmbuild rpm rpm2cpio cpio file eu-strip rpmlint dpkg-deb
[ -s "$PKG_OUT/install.list" ] || fail "no install list from test-cmake-install"
deb=$PKG_OUT/deb/memharden_${VERSION}_$(dpkg --print-architecture).deb
[ -s "$deb" ] || fail "no $deb from test-deb"

step "build the SRPM, then the RPM from it"
if ! "$SRCDIR/packaging/build-rpm" "$TMP/out" >"$TMP/build.log" 2>&1; then
        tail -80 "$TMP/build.log"
        fail "packaging/build-rpm failed (its log's end is above)"
fi
grep -q '^+ ctest .*--label-exclude' "$TMP/build.log" || fail "%check ran no ctest"
grep -qE '^100% tests passed, 0 tests failed out of [1-9]' "$TMP/build.log" || fail "%check did not pass its tests"
srpm=$TMP/out/memharden-$VERSION-1.src.rpm
rpm=$(echo "$TMP"/out/memharden-"$VERSION"-1.*.rpm | tr ' ' '\n' | grep -v '\.src\.rpm$' | grep -v debug)
[ -s "$srpm" ] || fail "no $(basename "$srpm") made"
[ -s "$rpm" ] || fail "no binary RPM made"
# (Each list is read whole before grep -q looks at it: with pipefail, a
# grep that stops early would fail the pipe.)
srpm_files=$(rpm -qpl "$srpm")
grep -qx "memharden-$VERSION.tar.gz" <<<"$srpm_files" || fail "the SRPM lacks the tarball"
grep -qx memharden.spec <<<"$srpm_files" || fail "the SRPM lacks the spec"

step "rpmlint"
rc=0
rpmlint -c "$SRCDIR/packaging/rpm/rpmlint.toml" "$srpm" "$rpm" >"$TMP/rpmlint.log" 2>&1 || rc=$?
sed 's/^/  /' "$TMP/rpmlint.log"
[ $rc = 0 ] || fail "rpmlint found errors (exit $rc)"
grep -qE ' 0 errors, ' "$TMP/rpmlint.log" || fail "rpmlint's summary is not '0 errors'"

step "its files: cmake --install's, the .deb's, and the dnf action"
echo "rpm -qlp:"
rpm -qlpv "$rpm" | sed 's/^/  /'
rpm_files "$rpm" | grep -v '^/usr/lib/\.build-id/' >"$TMP/rpm.list"
action=/etc/dnf/plugins/post-transaction-actions.d/memharden.action
grep -qx "$action" "$TMP/rpm.list" || fail "no $action"
not_doc <"$TMP/rpm.list" | grep -vx "$action" >"$TMP/rpm.shared"
diff -u "$PKG_OUT/install.list" "$TMP/rpm.shared" || fail "the RPM's files differ from cmake --install's"
dpkg_files "$deb" | not_doc >"$TMP/deb.shared"
diff -u "$TMP/deb.shared" "$TMP/rpm.shared" || fail "the RPM's files differ from the .deb's"
grep -qE '^/usr/share/doc/memharden(-[^/]*)?/README\.md$' "$TMP/rpm.list" || fail "no README.md in the RPM's documentation"
grep -qE '^/usr/share/licenses/memharden(-[^/]*)?/LICENSE$' "$TMP/rpm.list" || fail "no %license LICENSE in the RPM"
grep -qx /usr/share/man/man8/memharden.8 "$TMP/rpm.list" || fail "no man page in the RPM"

step "stripped, its debugging information in -debuginfo, as Fedora builds it"
ls "$TMP"/out/memharden-debuginfo-"$VERSION"-1.*.rpm >/dev/null || fail "no -debuginfo package"
rpm2cpio "$rpm" | (mkdir "$TMP/x" && cd "$TMP/x" && cpio -id --quiet ./usr/sbin/memharden)
file "$TMP/x/usr/sbin/memharden" | grep -q ', stripped' || fail "the RPM's memharden is not stripped: $(file "$TMP/x/usr/sbin/memharden")"

step "its dependencies and the action's flags"
requires=$(rpm -qp --requires "$rpm")
grep -qE '^systemd-libs\(x86-64\) >= 237$|^systemd-libs >= 237$' <<<"$requires" ||
        fail "no Requires: systemd-libs >= 237: $(tr '\n' ' ' <<<"$requires")"
for lib in libaugeas.so.0 libjson-c.so.5 libmnl.so.0 libmd.so.0 libnftables.so.1; do
        grep -q "^$lib()" <<<"$requires" || fail "no generated Requires on $lib"
done
[ "$(rpm -qp --enhances "$rpm")" = memcached ] || fail "Enhances is '$(rpm -qp --enhances "$rpm")'"
rpm -qp --requires "$srpm" >"$TMP/buildrequires"
for br in augeas-devel systemd-devel json-c-devel libmnl-devel libmd-devel nftables-devel check-devel cmake gcc scdoc; do
        grep -qx "$br" "$TMP/buildrequires" || fail "the SRPM lacks BuildRequires: $br"
done
grep -qx "cn $action" <<<"$(rpm -qp --qf '[%{FILEFLAGS:fflags} %{FILENAMES}\n]' "$rpm")" ||
        fail "$action is not %config(noreplace)"
step_end
echo "1 passed, 0 failed"
