#!/bin/bash
# The .deb in a fresh Debian 12: a minbase root made by mmdebstrap (cached,
# with the packages the steps install downloaded into it, so a re-run needs
# no network), used through chroot in private mount, PID and network
# namespaces with a policy-rc.d that starts no service. There:
# `apt-get install ./memharden_*.deb`; `memharden --version`; `man -w
# memharden` and the bash completion when the package has them; `memharden
# check --root` and `apply --dry-run --root` on the tests' fixtures; then
# installing memcached fires the trigger, whose report is in apt's output;
# a real dnf transaction (Debian's dnf and its post-transaction-actions
# plugin) installing an RPM named memcached runs the RPM's action, which
# reports the same and never fails; once hardened both stay quiet; a memharden that cannot check still fails no
# transaction; and `apt-get remove memharden` leaves nothing of it behind
# but its backups.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root (mmdebstrap's root mode, chroot, namespaces)"
need mmdebstrap unshare chroot dpkg-deb rpmbuild
arch=$(dpkg --print-architecture)
deb=$PKG_OUT/deb/memharden_${VERSION}_$arch.deb
[ -s "$deb" ] || fail "no $deb from test-deb"

# ---- the root, from the cache or made now ----
step "a Debian 12 minbase root"
# The packages the steps install, downloaded into the root's apt cache:
# memharden's dependencies (from the .deb), memcached, dnf with its
# plugins, and python3-apt for Ansible's apt module.
deps=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/[(|].*//; s/[[:space:]]//g' | grep . | sort -u)
mm_args=(--variant=minbase --include=man-db --skip=cleanup/apt
        --customize-hook='printf "#!/bin/sh\nexit 101\n" >"$1/usr/sbin/policy-rc.d"; chmod 755 "$1/usr/sbin/policy-rc.d"'
        --customize-hook="chroot \"\$1\" apt-get install --download-only -y --no-install-recommends memcached dnf dnf-plugins-core python3-apt $(echo $deps)"
        bookworm)
cache_dir=${MEMHARDEN_TEST_CACHE:-/var/cache/memharden-tests}
key=$(printf '%s\n' "${mm_args[@]}" | sha256sum | cut -c1-16)
cache=$cache_dir/bookworm-minbase-$key.tar
# A week old at most: the archive's security updates come in.
if [ -s "$cache" ] && [ -n "$(find "$cache" -mtime -7)" ]; then
        echo "from the cache: $cache"
else
        mkdir -p "$cache_dir"
        rm -rf "$cache_dir"/bookworm-minbase-*.tar "$cache_dir"/tmp.*.tar
        if ! mmdebstrap --format=tar "${mm_args[@]}" "$cache_dir/tmp.$$.tar" </dev/null >"$TMP/mmdebstrap.log" 2>&1; then
                rm -rf "$cache_dir/tmp.$$.tar"
                tail -30 "$TMP/mmdebstrap.log"
                why=$(grep -m1 -E 'Failed to fetch|Temporary failure resolving|Could not resolve|Could not connect|Network is unreachable' "$TMP/mmdebstrap.log" || true)
                [ -z "$why" ] || skip "mmdebstrap cannot reach Debian's archive: $why"
                fail "mmdebstrap failed (its log's end is above)"
        fi
        mv "$cache_dir/tmp.$$.tar" "$cache"
        echo "made and cached: $cache ($(du -h "$cache" | cut -f1))"
fi
R=$TMP/root
mkdir "$R"
tar -C "$R" -xf "$cache"
cp "$deb" "$R/tmp/"
mkdir -p "$R/tmp/samples"
cp -a "$FIXTURES/debian-exposed" "$FIXTURES/debian-hardened" "$FIXTURES/rhel-exposed" "$R/tmp/samples/"

# A stand-in RPM named memcached for dnf to install: what the action looks
# for is the package's name, and dnf's rpm database in the root is empty.
mkdir -p "$TMP/rpm"
cat >"$TMP/rpm/memcached.spec" <<'EOF'
Name: memcached
Version: 1.6.18
Release: 1
Summary: A stand-in for the tests of memharden's dnf action
License: BSD-3-Clause
BuildArch: noarch
%description
It installs one file, so that a transaction has memcached in it.
%install
mkdir -p %{buildroot}/usr/share/memcached-stand-in
echo stand-in >%{buildroot}/usr/share/memcached-stand-in/README
%files
/usr/share/memcached-stand-in/README
EOF
rpmbuild --define "_topdir $TMP/rpm" --nodeps -bb "$TMP/rpm/memcached.spec" >"$TMP/rpm/build.log" 2>&1 ||
        { cat "$TMP/rpm/build.log"; fail "rpmbuild of the stand-in memcached failed"; }
cp "$TMP"/rpm/RPMS/noarch/memcached-1.6.18-1.noarch.rpm "$R/tmp/"

# in_root CMD...: CMD in the root, its own mount, PID and network
# namespaces (no network: every package comes from the root's apt cache).
# A devpts of its own, for apt's terminal log.
in_root() {
        unshare --mount --net --pid --fork --mount-proc="$R/proc" sh -c \
                'mount -t devpts -o newinstance,ptmxmode=0666 devpts "$0/dev/pts" && exec chroot "$0" "$@"' "$R" \
                /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}
# run CMD...: in_root, setting OUT and RC
run() { RC=0; OUT=$(in_root "$@" 2>&1) || RC=$?; }
show() { printf '%s\n' "$OUT" | sed 's/^/  | /'; }
# tree FILE: every path in the root but the kernel's, the caches, dpkg's and apt's
# moving parts
tree() {
        (cd "$R" && find . -xdev \( -path ./proc -o -path ./dev -o -path ./tmp -o -path ./run \
                -o -path ./var/log -o -path ./var/cache -o -path ./var/lib/apt -o -path ./var/lib/dpkg \) \
                -prune -o -print) | sort >"$1"
}
# owned FILE: every path the installed packages own
owned() { cat "$R"/var/lib/dpkg/info/*.list | sed 's|^|.|' | sort -u >"$1"; }

# ---- install ----
tree "$TMP/before"
step "apt-get install ./memharden_${VERSION}_$arch.deb"
run sh -c "cd /tmp && apt-get install -y --no-install-recommends ./memharden_${VERSION}_$arch.deb"
show
[ $RC = 0 ] || fail "apt-get install of the .deb failed"
tree "$TMP/installed"
comm -13 "$TMP/before" "$TMP/installed" >"$TMP/added"

step "memharden --version, the man page, the completion"
run memharden --version
[ $RC = 0 ] && [ "$OUT" = "memharden $VERSION" ] || fail "memharden --version: $OUT"
[ "$(in_root sh -c 'command -v memharden')" = /usr/sbin/memharden ] || fail "memharden is not /usr/sbin/memharden"
dpkg_files "$deb" >"$TMP/deb.list"
if grep -qx '/usr/share/man/man8/memharden\.8' "$TMP/deb.list"; then
        run man -w memharden
        [ $RC = 0 ] && grep -q '^/usr/share/man/man8/memharden\.8' <<<"$OUT" || fail "man -w memharden: $OUT"
        echo "man -w memharden: $OUT"
else
        echo "skip: man -w memharden: the package has no man page yet (the tree has none)"
fi
if grep -qx /usr/share/bash-completion/completions/memharden "$TMP/deb.list"; then
        [ -s "$R/usr/share/bash-completion/completions/memharden" ] || fail "the completion file is not installed"
        echo "completion: /usr/share/bash-completion/completions/memharden"
else
        echo "skip: the bash completion: the package has none yet (the tree has none)"
fi

step "memharden check and apply --dry-run on sample roots"
run memharden check --root /tmp/samples/debian-exposed
show
[ $RC = 1 ] && grep -q listen-wildcard <<<"$OUT" || fail "check on debian-exposed: exit $RC"
run memharden check --root /tmp/samples/debian-hardened
[ $RC = 0 ] && [ "$OUT" = compliant ] || fail "check on debian-hardened: exit $RC: $OUT"
run memharden check --root /tmp/samples/rhel-exposed
[ $RC = 1 ] || fail "check on rhel-exposed: exit $RC: $OUT"
run memharden apply --dry-run --root /tmp/samples/debian-exposed
[ $RC = 0 ] && grep -q '^+-U 0' <<<"$OUT" || fail "apply --dry-run on debian-exposed: exit $RC: $OUT"

# ---- the trigger ----
step "installing memcached fires the trigger"
run apt-get install -y --no-install-recommends memcached
show
[ $RC = 0 ] || fail "apt-get install memcached failed"
grep -q "Processing triggers for memharden" <<<"$OUT" || fail "dpkg did not run memharden's trigger"
grep -q "memharden: memcached's configuration is not hardened:" <<<"$OUT" || fail "no report of memharden's in apt's output"
grep -q "udp-implicit" <<<"$OUT" || fail "the report lacks the finding (udp-implicit)"

step "a dnf transaction with memcached runs the RPM's action"
run apt-get install -y --no-install-recommends dnf dnf-plugins-core
[ $RC = 0 ] || { show; fail "apt-get install dnf dnf-plugins-core failed"; }
# The action where the RPM puts it, as the RPM has it.
install -D -m 0644 "$SRCDIR/packaging/rpm/memharden.action" \
        "$R/etc/dnf/plugins/post-transaction-actions.d/memharden.action"
# Debian 12's plugin (dnf-plugins-core 4.3.1) calls the static method
# libdnf.conf.ConfigParser.substitute by the name older SWIG gave it,
# ConfigParser_substitute, which Debian's libdnf (built with SWIG 4.1) does
# not have: without this alias the plugin raises AttributeError and runs
# no action at all. The alias is the same function; nothing else changes.
cat >"$R/usr/lib/python3/dist-packages/dnf-plugins/memharden_test_swig_name.py" <<'EOF'
import libdnf.conf
if not hasattr(libdnf.conf, "ConfigParser_substitute"):
    libdnf.conf.ConfigParser_substitute = libdnf.conf.ConfigParser.substitute
EOF
# dnf VERB: VERB the stand-in from the command line; no repository, no
# signature (the stand-in is not signed), no local-repository plugin.
dnf() {
        run dnf -y --nogpgcheck --disableplugin=local --setopt=reposdir=/nonexistent --releasever=12 \
                "$1" /tmp/memcached-1.6.18-1.noarch.rpm
}
dnf install
show
[ $RC = 0 ] || fail "dnf install: exit $RC"
grep -q "post-transaction-actions: memharden: memcached's configuration is not hardened" <<<"$OUT" &&
        grep -q "udp-implicit" <<<"$OUT" || fail "no report of memharden's in dnf's output"

step "once hardened, both stay quiet"
run memharden apply --no-restart
[ $RC = 0 ] || { show; fail "memharden apply: exit $RC"; }
backups=$(ls "$R/var/backups/memharden")
[ -n "$backups" ] || fail "apply made no backup"
run memharden check -q
[ $RC = 0 ] && [ -z "$OUT" ] || fail "check -q after apply: exit $RC: $OUT"
dnf reinstall
[ $RC = 0 ] || { show; fail "dnf reinstall: exit $RC"; }
! grep -q "memharden" <<<"$OUT" || { show; fail "the action reported on a hardened memcached"; }
run apt-get install -y --reinstall memcached
[ $RC = 0 ] || { show; fail "reinstalling memcached failed"; }
grep -q "Processing triggers for memharden" <<<"$OUT" || fail "dpkg did not run memharden's trigger"
! grep -q "^memharden:" <<<"$OUT" || { show; fail "the trigger reported on a hardened memcached"; }

step "a memharden that cannot check fails no transaction"
mv "$R/usr/share/memharden/lenses" "$R/usr/share/memharden/lenses.away"
run apt-get install -y --reinstall memcached
show
[ $RC = 0 ] || fail "the package transaction failed with a broken memharden"
grep -q "memharden: cannot check memcached's configuration (exit 5)" <<<"$OUT" || fail "no word of the failed check"
dnf reinstall
show
[ $RC = 0 ] || fail "the dnf transaction failed with a broken memharden: exit $RC"
grep -q "post-transaction-actions: memharden: cannot check memcached's configuration (exit 5)" <<<"$OUT" || fail "no word of the failed check from dnf"
mv "$R/usr/share/memharden/lenses.away" "$R/usr/share/memharden/lenses"

step "removing memcached: the trigger stays quiet"
run apt-get remove -y memcached
[ $RC = 0 ] || { show; fail "apt-get remove memcached failed"; }
! grep -q "^memharden:" <<<"$OUT" || { show; fail "the trigger reported with memcached gone"; }

# ---- remove ----
step "apt-get remove memharden"
run apt-get remove -y memharden
show
[ $RC = 0 ] || fail "apt-get remove memharden failed"
tree "$TMP/removed"
owned "$TMP/owned"
# What came with memharden and is still there, owned by no other package
# (its dependencies stay: apt removes only what it is asked to).
left=$(comm -12 "$TMP/added" "$TMP/removed" | comm -23 - "$TMP/owned")
[ -z "$left" ] || fail "left behind by memharden: $left"
! ls "$R"/var/lib/dpkg/info/memharden.* >/dev/null 2>&1 || fail "dpkg keeps memharden's scripts: $(ls "$R"/var/lib/dpkg/info/memharden.*)"
echo "dpkg: $(in_root dpkg-query -W -f='${db:Status-Abbrev}' memharden 2>&1 || true)"
[ "$(ls "$R/var/backups/memharden")" = "$backups" ] || fail "the backups did not survive: $(ls "$R/var/backups/memharden")"
! grep -q memharden "$R/var/lib/dpkg/triggers/File" || fail "dpkg still lists memharden's trigger interests"
echo "memharden's own paths: $(comm -23 "$TMP/added" "$TMP/owned" | wc -l); none is left; its backups are: $backups"

# ---- the Ansible role, where memharden is missing ----
step "the Ansible role installs the .deb where memharden is missing, once"
if ! command -v ansible-playbook >/dev/null; then
        echo "skip: the role's install from a .deb: ansible is not installed"
else
        run apt-get install -y --no-install-recommends python3-apt
        [ $RC = 0 ] || { show; fail "apt-get install python3-apt failed"; }
        cat >"$TMP/role.yml" <<EOF
- hosts: all
  gather_facts: false
  roles:
    - role: memharden.hardening.memharden
      vars:
        memharden_package_file: $deb
        memharden_state: checked
EOF
        # The chroot connection: the root has no init, and nothing here needs
        # its namespaces (the module only checks; memcached is gone).
        play() {
                RC=0
                OUT=$(ANSIBLE_COLLECTIONS_PATH="$SRCDIR/packaging/ansible" ANSIBLE_HOME="$TMP/ansible" \
                        ANSIBLE_LOCAL_TEMP="$TMP/ansible/tmp" ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 \
                        ANSIBLE_NOCOLOR=1 timeout 300 ansible-playbook -i "$R," -c community.general.chroot \
                        "$TMP/role.yml" 2>&1) || RC=$?
        }
        play
        show
        [ $RC = 0 ] || fail "the role failed: exit $RC"
        grep -A1 'Install the package file (apt)' <<<"$OUT" | grep -q '^changed:' || fail "the role did not install the .deb"
        [ "$(in_root dpkg-query -W -f='${db:Status-Abbrev}' memharden)" = "ii " ] || fail "memharden is not installed by the role"
        grep -A1 'Harden memcached' <<<"$OUT" | grep -q '^ok:' || fail "the module did not run after the install"
        play
        [ $RC = 0 ] && grep -A1 'Install the package file (apt)' <<<"$OUT" | grep -q '^skipping:' ||
                { show; fail "the second run installed again: exit $RC"; }
        echo "the role installed $(basename "$deb") once; the second run skipped the install"
fi
step_end
echo "1 passed, 0 failed"
