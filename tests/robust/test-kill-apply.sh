#!/bin/bash
# apply killed (SIGKILL) at every call of each write-path syscall: the
# config is the original or the hardened result, a complete backup is
# whole, and the next apply recovers (then check exits 0), with no temp
# file left.
. "$(dirname "$0")/lib.sh"

sweep apply signal=KILL
finish
