#!/bin/bash
# The bash completion (packaging/memharden), driven as bash drives it:
# COMP_WORDS and COMP_CWORD set, the function called, COMPREPLY read. Its
# commands and each command's options must be those of 'memharden help
# COMMAND', so the two stay in step.
. "$(dirname "$0")/../cli/lib.sh"
: "${SRC:?set by ctest}"
RC=0 OUT="" ERR=""  # fail() reports them; these tests run memharden themselves

COMPLETION=$SRC/packaging/memharden
# memharden as the completion finds it: by the name typed, on PATH.
mkdir -p "$TMP/bin"
ln -s "$MEMHARDEN" "$TMP/bin/memharden"
PATH=$TMP/bin:$PATH
. "$COMPLETION"

# complete WORD...: what the completion offers for the command line
# WORD..., the last word being the one completed; sorted, one line.
complete_line() {
        COMP_WORDS=("$@")
        COMP_CWORD=$(($# - 1))
        COMPREPLY=()
        _memharden "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
        printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}
# expect_completion WANT WORD...: the completion offers exactly WANT.
expect_completion() {
        local want=$1 got
        shift
        got=$(complete_line "$@")
        [ "$got" = "$want" ] || fail "'$*<TAB>' offers '$got', expected '$want'"
}
sorted() { tr ' ' '\n' <<<"$*" | grep . | sort | tr '\n' ' ' | sed 's/ $//'; }

# help_options ARGS: the options of the entries of 'memharden ARGS'.
help_options() { "$MEMHARDEN" "$@" | grep -oE '^  (-[a-zA-Z], )?--[a-z-]+' | grep -oE -- '--?[a-zA-Z-]+' | sort | tr '\n' ' ' | sed 's/ $//'; }

test_begin "the file is complete for memharden, and bash reads it"
{ bash -n "$COMPLETION" && [ "$(complete -p memharden)" = "complete -F _memharden memharden" ] || fail "not registered"; } && ok

test_begin "the commands are those of --help"
cmds=$("$MEMHARDEN" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z]*\) .*/\1/p' | tr '\n' ' ')
{ [ -n "$cmds" ] && [ "$(sorted "$_memharden_commands")" = "$(sorted $cmds)" ] ||
        fail "completion: '$_memharden_commands', --help: '$cmds'"; } &&
expect_completion "$(sorted $cmds)" memharden "" &&
expect_completion "apply" memharden ap &&
expect_completion "backups" memharden --json ba && ok

test_begin "each command's options are those of 'memharden help COMMAND'"
for c in $cmds; do
        want=$(help_options help "$c")
        have=$(sorted "$(_memharden_options "$c")")
        { [ -n "$want" ] && [ "$have" = "$want" ] || fail "$c: completion '$have', help '$want'"; } || break
        expect_completion "$want" memharden "$c" - || break
done && ok

test_begin "before a command, every option of --help, -V included"
want=$(help_options --help)
{ [ "$(sorted "$(_memharden_options "")")" = "$want" ] || fail "completion '$(_memharden_options "")', --help '$want'"; } &&
expect_completion "$want" memharden - && expect_completion "--version" memharden --vers && ok

test_begin "an option the command does not take is not offered"
expect_completion "" memharden check --dry && expect_completion "--dry-run" memharden apply --dry &&
expect_completion "" memharden backups --no && ok

test_begin "--profile: the profiles memharden takes; the families it may know when it cannot say"
want=$("$MEMHARDEN" help check | sed -n 's/.*\[--profile \([a-z|]*\)\].*/\1/p' | tr '|' ' ')
{ [ -n "$want" ] || fail "help check names no profiles"; } &&
expect_completion "$(sorted $want)" memharden check --profile "" &&
expect_completion "rhel" memharden --profile rh &&
expect_completion "rhel" memharden check --profile=rh &&
expect_completion "$(sorted debian rhel suse arch alpine gentoo)" false --profile "" && ok

test_begin "--root: directories, not files"
mkdir -p "$TMP/cwd/img-a/etc" "$TMP/cwd/img-b"; : >"$TMP/cwd/img-file"
cd "$TMP/cwd" && expect_completion "img-a img-b" memharden check --root img; r=$?; cd - >/dev/null; [ "$r" = 0 ] &&
expect_completion "$TMP/cwd/img-a $TMP/cwd/img-b" memharden apply --root "$TMP/cwd/img" &&
expect_completion "$TMP/cwd/img-a $TMP/cwd/img-b" memharden apply --root="$TMP/cwd/img" && ok

test_begin "rollback: the ids of the complete backups of the root typed so far"
R=$(root debian-exposed)
run apply --no-restart --root "$R"; run rollback --no-restart --root "$R"
ids=$(ls "$R/var/backups/memharden" | grep -v '^\.' | sort | tr '\n' ' ' | sed 's/ $//')
mkdir "$R/var/backups/memharden/20200101T000000Z"  # incomplete: not offered
{ [ "$(wc -w <<<"$ids")" = 2 ] || fail "expected two backups, have '$ids'"; } &&
expect_completion "$ids" memharden rollback --root "$R" "" &&
expect_completion "$ids" memharden --root "$R" rollback "" &&
expect_completion "$ids" memharden --root="$R" --json rollback "" &&
expect_completion "$ids" memharden --root = "$R" rollback "" &&
expect_completion "$(cut -d' ' -f2 <<<"$ids")" memharden rollback --root "$R" "${ids#* }" &&
expect_completion "" memharden rollback --root "$R" "${ids%% *}" "" &&
{ R2=$(root debian-exposed); expect_completion "" memharden rollback --root "$R2" ""; } && ok

test_begin "help completes a command, once; --listen and --timeout offer nothing"
expect_completion "rollback" memharden help ro && expect_completion "" memharden help check "" &&
expect_completion "" memharden apply --listen "" && expect_completion "" memharden apply --timeout "" &&
expect_completion "" memharden check "" && ok

finish
