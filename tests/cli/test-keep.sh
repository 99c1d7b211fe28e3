#!/bin/bash
# What apply and rollback keep of a file besides its text: set-id bits,
# owner, POSIX ACLs and extended attributes; and where they write: through a
# symlink that stays inside the root. Judged with stat, getfacl, getfattr.
. "$(dirname "$0")/lib.sh"

acl_ok() { setfacl -m u:12345:r "$1" 2>/dev/null && setfattr -n user.memharden-test -v kept "$1" 2>/dev/null; }

test_begin "apply keeps ACLs and extended attributes"
R=$(root debian-exposed); F=$R/etc/memcached.conf
if ! acl_ok "$F"; then
        echo "skip: $CURRENT: the file system of $TMP has no ACLs or user xattrs"
else
        acl_before=$(getfacl -cp "$F")
        run apply --no-restart --root "$R"
        { expect_rc 0 && [ "$(getfacl -cp "$F")" = "$acl_before" ] || fail "ACL changed: $(getfacl -cp "$F")"; } &&
        { [ "$(getfattr --only-values -n user.memharden-test "$F" 2>/dev/null)" = kept ] || fail "xattr lost"; } &&
        { run rollback --no-restart --root "$R"; expect_rc 0; } &&
        { [ "$(getfacl -cp "$F")" = "$acl_before" ] || fail "ACL changed by rollback"; } &&
        { [ "$(getfattr --only-values -n user.memharden-test "$F" 2>/dev/null)" = kept ] || fail "xattr lost by rollback"; } && ok
fi

test_begin "rollback keeps set-id bits and owner (chown before chmod)"
R=$(root debian-exposed); F=$R/etc/memcached.conf
chown 4321:8765 "$F"; chmod 6755 "$F"
run apply --no-restart --root "$R"
{ expect_rc 0 && [ "$(stat -c %a:%u:%g "$F")" = "6755:4321:8765" ] || fail "apply: $(stat -c %a:%u:%g "$F")"; } &&
{ chmod 0600 "$F"; chown 0:0 "$F"; run rollback --no-restart --root "$R"; expect_rc 0; } &&
{ [ "$(stat -c %a:%u:%g "$F")" = "6755:4321:8765" ] || fail "rollback: $(stat -c %a:%u:%g "$F")"; } && ok

test_begin "a config symlinked inside the root is edited where it points, the link kept"
R=$(root debian-exposed)
mkdir -p "$R/srv/conf"; mv "$R/etc/memcached.conf" "$R/srv/conf/memcached.conf"
ln -s /srv/conf/memcached.conf "$R/etc/memcached.conf"
run apply --no-restart --root "$R"
{ expect_rc 0 && [ -L "$R/etc/memcached.conf" ] || fail "the link was replaced"; } &&
{ [ "$(effective "$R/srv/conf/memcached.conf")" = "listen=127.0.0.1 udp=0 socket=none" ] || fail "target not hardened"; } && ok

finish
