#!/bin/bash
# Symlinks in an image that point out of it: the config, /etc, an instance
# file, /var, the backup directories, os-release. apply and rollback must
# not touch anything outside the root. Links are resolved inside the root,
# as a chroot would: an absolute link /x means ROOT/x, and a relative link
# that climbs above the root stops at the root.
. "$(dirname "$0")/lib.sh"

# link R PATH TARGET: PATH inside R becomes a symlink to TARGET
link() { rm -rf "$1$2"; ln -s "$3" "$1$2"; }

# expect_hardened_in_root R PATH: what a chroot at R reads at PATH is hardened
expect_hardened_in_root() {
        local f
        f=$(in_root "$1" "$2") && [ -f "$f" ] && [ "$(effective "$f")" = "$HARDENED_VIEW" ] ||
                fail "$2, resolved inside the root ($f), is not hardened: $(effective "$f" 2>&1)"
}

for kind in absolute relative; do
        if [ $kind = absolute ]; then up=""; else up=$CLIMB; fi

        test_begin "$kind link from the config out of the root, nothing behind it inside"
        canary_make; R=$(root debian-exposed); link "$R" /etc/memcached.conf "$up$CANARY/conf"; snapshot "$R"
        run apply --no-restart --root "$R"
        expect_rc 3 && expect_canary && expect_unchanged "$R" &&
        { run check --root "$R"; expect_rc 3 && expect_canary; } &&
        { run apply --dry-run --root "$R"; expect_rc 3 && expect_canary; } && ok

        test_begin "$kind link from the config, resolved inside the root"
        canary_make; R=$(root debian-exposed); mkdir -p "$R$CANARY"; cp "$CANARY/conf" "$R$CANARY/conf"
        link "$R" /etc/memcached.conf "$up$CANARY/conf"
        run apply --no-restart --root "$R"
        expect_rc 0 && expect_canary && expect_hardened_in_root "$R" /etc/memcached.conf &&
        { run check --root "$R"; expect_rc 0 && expect_canary; } && ok

        test_begin "$kind link: /etc itself out of the root"
        canary_make; R=$(root debian-exposed); link "$R" /etc "$up$CANARY/etc"; snapshot "$R"
        run apply --no-restart --root "$R"
        expect_rc 3 && expect_canary && expect_unchanged "$R" &&
        { run apply --no-restart --profile debian --root "$R"; expect_rc 3 && expect_canary; } && ok

        test_begin "$kind link: an instance file out of the root"
        canary_make; R=$(root debian-hardened); link "$R" /etc/memcached_x.conf "$up$CANARY/etc/memcached_x.conf"
        run apply --no-restart --root "$R"
        expect_sane_rc && { [ "$RC" = 0 ] || [ "$RC" = 3 ] || fail "exit $RC, expected 0 or 3"; } && expect_canary && ok

        test_begin "$kind link: an instance file, resolved inside the root"
        canary_make; R=$(root debian-hardened); mkdir -p "$R$CANARY/etc"; cp "$CANARY/etc/memcached_x.conf" "$R$CANARY/etc/"
        link "$R" /etc/memcached_x.conf "$up$CANARY/etc/memcached_x.conf"
        run apply --no-restart --root "$R"
        expect_rc 0 && expect_canary && expect_hardened_in_root "$R" /etc/memcached_x.conf &&
        { run check --root "$R"; expect_rc 0; } && ok

        for d in /var /var/backups /var/backups/memharden; do
                test_begin "$kind link: apply with $d out of the root"
                canary_make; R=$(root debian-exposed); mkdir -p "$R$(dirname $d)"
                link "$R" "$d" "$up$CANARY$d"
                run apply --no-restart --root "$R"
                expect_sane_rc && case $RC in
                0) expect_hardened_in_root "$R" /etc/memcached.conf &&
                   { [ -n "$(find "$R" -name manifest.json)" ] || fail "exit 0 but no backup inside the root"; } ;;
                3 | 5) expect_same "$R/etc/memcached.conf" "$FIXTURES/debian-exposed/etc/memcached.conf" ;;
                *) fail "exit $RC" ;;
                esac && expect_canary && ok

                test_begin "$kind link: rollback with $d out of the root, a backup behind it"
                canary_make; backed_up_root || continue
                # the link's target outside holds a real backup (a copy of B0)
                mkdir -p "$CANARY/var/backups/memharden"; cp -a "$R$BK/$B0" "$CANARY/var/backups/memharden/"
                rm -rf "${R:?}$d"; ln -s "$up$CANARY$d" "$R$d"; canary_snapshot; snapshot "$R"
                run rollback --no-restart --root "$R"
                expect_sane_rc && { [ "$RC" = 3 ] || [ "$RC" = 5 ] || fail "exit $RC, expected 3 or 5: there is no backup inside the root"; } &&
                        expect_canary && expect_unchanged "$R" &&
                { run rollback "$B0" --no-restart --root "$R"; expect_sane_rc && [ "$RC" != 0 ] || fail "exit $RC"; } &&
                        expect_canary && expect_unchanged "$R" && ok
        done

        test_begin "$kind link: rollback onto a config linked out of the root"
        canary_make; backed_up_root || continue
        link "$R" /etc/memcached.conf "$up$CANARY/conf"
        run rollback --no-restart --root "$R"
        expect_sane_rc && expect_canary &&
        case $RC in
        0) f=$(in_root "$R" /etc/memcached.conf); expect_same "$f" "$TMP/orig.conf" ;;
        3 | 5) true ;;
        *) fail "exit $RC" ;;
        esac && ok

        test_begin "$kind link: os-release out of the root is not read"
        # outside it says debian; inside the root there is nothing to detect
        canary_make; R=$(root debian-exposed); link "$R" /etc/os-release "$up$CANARY/os-release"
        run check --root "$R"
        expect_rc 3 && expect_canary && ok
done

test_begin "os-release as Debian ships it: a relative link to ../usr/lib/os-release"
R=$(root debian-exposed); mkdir -p "$R/usr/lib"; mv "$R/etc/os-release" "$R/usr/lib/os-release"
ln -s ../usr/lib/os-release "$R/etc/os-release"
run check --root "$R"
expect_rc 1 && ok

test_begin "os-release: an absolute link, resolved inside the root"
canary_make; R=$(root debian-exposed); mkdir -p "$R$CANARY"; cp "$R/etc/os-release" "$R$CANARY/os-release"
printf 'ID=arch\n' > "$CANARY/os-release"; canary_snapshot
link "$R" /etc/os-release "$CANARY/os-release"
run check --root "$R"
expect_rc 1 && expect_canary && ok

test_begin "a symlink loop is an error, not a hang"
R=$(root debian-exposed); link "$R" /etc/memcached.conf memcached.conf
run apply --no-restart --root "$R"
expect_rc 3 && ok

finish
