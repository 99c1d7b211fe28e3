#!/bin/bash
# apply under injected I/O errors: EIO at every call of each write-path
# syscall, ENOSPC at every write. The config is always the original or the
# full hardened result, a complete backup is always whole, and the next
# clean apply recovers and leaves no temp file.
. "$(dirname "$0")/lib.sh"

sweep apply error=EIO write/error=ENOSPC
finish
