#!/bin/sh
# OpenSCAP SCE check (Script Check Engine): is memcached safe from UDP
# amplification? Runs `memharden check` and maps its exit status to XCCDF
# results: 0 pass (memcached not installed: notapplicable), 1 fail, memharden
# missing: notchecked, anything else: error. memharden's report goes to
# stdout, which the benchmark imports into the results.
#
# oscap runs SCE scripts with a fixed environment (PATH and the XCCDF_*
# variables), so the settings come from the benchmark's exported values:
#   XCCDF_VALUE_MEMHARDEN_BINARY   the program (default: memharden in PATH)
#   XCCDF_VALUE_MEMHARDEN_ROOT     a mounted image to check (--root), empty: this system
#   XCCDF_VALUE_MEMHARDEN_LENS_DIR memharden's lenses, for a build tree only
bin=${XCCDF_VALUE_MEMHARDEN_BINARY:-memharden}
PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin
if ! command -v "$bin" >/dev/null 2>&1; then
        echo "memharden not found ($bin)"
        exit "$XCCDF_RESULT_NOT_CHECKED"
fi
if [ -n "${XCCDF_VALUE_MEMHARDEN_LENS_DIR:-}" ]; then
        MEMHARDEN_LENS_DIR=$XCCDF_VALUE_MEMHARDEN_LENS_DIR
        export MEMHARDEN_LENS_DIR
fi
if [ -n "${XCCDF_VALUE_MEMHARDEN_ROOT:-}" ]; then
        set -- --root "$XCCDF_VALUE_MEMHARDEN_ROOT"
fi
out=$("$bin" check --json "$@" 2>&1)
rc=$?
echo "$out"
case $rc in
0)
        if echo "$out" | grep -Eq '"installed": *false'; then
                exit "$XCCDF_RESULT_NOT_APPLICABLE"
        fi
        exit "$XCCDF_RESULT_PASS"
        ;;
1) exit "$XCCDF_RESULT_FAIL" ;;
*) exit "$XCCDF_RESULT_ERROR" ;;
esac
