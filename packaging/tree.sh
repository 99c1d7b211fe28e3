# SPDX-License-Identifier: LGPL-2.1-or-later
# Sourced by build-deb and build-rpm: the version the packaging is at, and
# a copy of the tree's own files to build from.

# packaging_version PACKAGING_VERSION WHERE: the project's version
# (CMakeLists.txt), or a message and exit 1 when the packaging's differs.
packaging_version() {
        local v
        v=$(sed -n 's/^project(memharden VERSION \([^ )]*\).*/\1/p' "$top/CMakeLists.txt")
        if [ "$1" != "$v" ]; then
                echo "${0##*/}: $2 is at $1, CMakeLists.txt at $v: bring it to $v" >&2
                exit 1
        fi
        echo "$v"
}

# copy_tree DEST: the tree's files into DEST. From git when this is a
# checkout (uncommitted changes included, ignored files such as build
# directories not), else everything but .git and build directories.
copy_tree() {
        mkdir -p "$1"
        if git -C "$top" rev-parse --show-toplevel >/dev/null 2>&1; then
                git -C "$top" ls-files -z --cached --others --exclude-standard |
                        tar -C "$top" --null --files-from=- --ignore-failed-read -cf - 2>/dev/null
        else
                tar -C "$top" --exclude=./.git --exclude='./build*' -cf - .
        fi | tar -C "$1" -xf -
}
