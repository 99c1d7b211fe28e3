#!/bin/bash
# rollback killed (SIGKILL) at every call of each write-path syscall: the
# config is the hardened or the restored bytes, a complete backup is whole,
# and the next rollback works, with no temp file left.
. "$(dirname "$0")/lib.sh"

sweep rollback signal=KILL
finish
