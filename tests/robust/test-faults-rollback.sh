#!/bin/bash
# rollback under injected I/O errors: EIO at every call of each write-path
# syscall, ENOSPC at every write. The config is always the hardened or the
# restored bytes, a complete backup is always whole, and the next clean
# rollback restores and leaves no temp file.
. "$(dirname "$0")/lib.sh"

sweep rollback error=EIO write/error=ENOSPC
finish
