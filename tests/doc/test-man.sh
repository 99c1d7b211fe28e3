#!/bin/bash
# memharden(8) against what it documents: it renders without a warning,
# and names every command, option and exit code of 'memharden --help', each
# command's options in its synopsis line, every finding id the source can
# report and every variable of the environment it reads. A new one that the
# page forgets fails here.
. "$(dirname "$0")/../cli/lib.sh"
: "${SRC:?set by ctest}"
RC=0 OUT="" ERR=""  # fail() reports them; these tests run memharden themselves

skip() { echo "SKIP: $*"; exit 77; }
[ -n "${MEMHARDEN_MAN:-}" ] || skip "scdoc was not found when configuring, so memharden.8 is not built (install scdoc)"
[ -s "$MEMHARDEN_MAN" ] || { echo "FAIL: $MEMHARDEN_MAN was not built"; exit 1; }
command -v man >/dev/null || skip "man (man-db) is not installed"

# The page as text, each paragraph on one line (no wrap, no hyphenation).
PAGE=$(LC_ALL=C MANWIDTH=4000 MAN_KEEP_FORMATTING= man -l "$MEMHARDEN_MAN" 2>/dev/null | col -bx)

# section NAME: the lines of section NAME of the page.
section() { awk -v s="$1" '/^[A-Z][A-Z ]*$/ { on = ($0 == s); next } on' <<<"$PAGE"; }
# headings NAME: the first word of each heading line (a list item's term) in
# section NAME, one per line; "-q, --quiet" gives both.
headings() {
        section "$1" | awk '{ l[NR] = $0 } END { for (i = 1; i < NR; i++)
                if (l[i] ~ /^       [^ ]/ && l[i + 1] ~ /^        +[^ ]/) print l[i] }' |
                sed 's/^ *//' | awk '{ print $1; if ($1 ~ /,$/) print $2 }' | sed 's/,$//'
}
# help_options ARGS: the options of the entries of 'memharden ARGS'.
help_options() { "$MEMHARDEN" "$@" | grep -oE '^  (-[a-zA-Z], )?--[a-z-]+' | grep -oE -- '--?[a-zA-Z-]+' | sort -u; }

test_begin "the page renders with no warning"
run_man() { LC_ALL=C MANWIDTH=80 man --warnings -l "$MEMHARDEN_MAN" 2>&1 >/dev/null; }
warnings=$(run_man)
{ [ -z "$warnings" ] || fail "man --warnings: $warnings"; } &&
{ grep -q '^NAME$' <<<"$PAGE" && grep -q '^SYNOPSIS$' <<<"$PAGE" || fail "no NAME or SYNOPSIS"; } &&
{ ! grep -q '@[A-Z_]*@' "$MEMHARDEN_MAN" || fail "a placeholder was not filled in"; } && ok

test_begin "every command of --help has its entry under COMMANDS"
cmds=$("$MEMHARDEN" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z]*\) .*/\1/p')
missing=$(comm -23 <(sort -u <<<"$cmds") <(headings COMMANDS | sort -u))
{ [ "$(wc -w <<<"$cmds")" -ge 5 ] || fail "read no commands from --help"; } &&
{ [ -z "$missing" ] || fail "not under COMMANDS: $missing"; } && ok

test_begin "every option of --help has its entry under OPTIONS, -V too"
opts=$(help_options --help)
missing=$(comm -23 <(echo "$opts") <(headings OPTIONS | sort -u))
{ [ "$(wc -l <<<"$opts")" -ge 10 ] && grep -qx -- -V <<<"$opts" || fail "read too few options from --help: $opts"; } &&
{ [ -z "$missing" ] || fail "not under OPTIONS: $(tr '\n' ' ' <<<"$missing")"; } && ok

test_begin "each command's synopsis line lists exactly the options of its help"
bad=""
for c in $cmds; do
        syn=$(section SYNOPSIS | grep -E "^ +memharden $c( |$)" | head -1)
        [ -n "$syn" ] || { bad="$bad $c:(no synopsis)"; continue; }
        want=$("$MEMHARDEN" help "$c" | sed -n 1p | grep -oE -- '\[--?[a-z-]+' | tr -d '[' | sort -u)
        have=$(grep -oE -- '\[--?[a-z-]+' <<<"$syn" | tr -d '[' | sort -u)
        [ "$want" = "$have" ] || bad="$bad $c:(help: $(echo $want); page: $(echo $have))"
done
{ [ -z "$bad" ] || fail "synopsis differs:$bad"; } && ok

test_begin "every exit code of --help has its entry under EXIT STATUS"
codes=$("$MEMHARDEN" --help | sed -n '/^Exit codes:/,$s/^  \([0-9]\)  .*/\1/p')
missing=$(comm -23 <(sort -u <<<"$codes") <(headings "EXIT STATUS" | sort -u))
{ [ "$(wc -l <<<"$codes")" -ge 6 ] || fail "read no exit codes"; } && { [ -z "$missing" ] || fail "not documented: $missing"; } && ok

# The finding ids the source can report: a literal id followed by its
# severity, in a policy_add_finding() call or in a table of findings.
finding_ids() { cat "$SRC"/src/*.c | tr '\n' ' ' | grep -oE '"[a-z]+(-[a-z]+)+"[[:space:]]*,[[:space:]]*SEVERITY_[A-Z]+' | cut -d'"' -f2 | sort -u; }

test_begin "every finding id is read from the source: calls name a literal id or a table's"
ids=$(finding_ids)
odd=$(cat "$SRC"/src/*.c | tr '\n' ' ' | grep -oE 'policy_add_finding\([^,]+,[[:space:]]*[^,]+,' |
      grep -vE 'policy_add_finding\([^,]+,[[:space:]]*"[a-z]+(-[a-z]+)+",' |
      grep -vE 'policy_add_finding\([^,]+,[[:space:]]*[a-z_]+\[[a-z]+\]\.id,' | grep -v 'const char \*id' || :)
{ [ "$(wc -l <<<"$ids")" -ge 20 ] && grep -qx udp-enabled <<<"$ids" && grep -qx listen-wildcard <<<"$ids" &&
  grep -qx unit-differs <<<"$ids" || fail "read too few ids: $(echo $ids)"; } &&
{ [ -z "$odd" ] || fail "a finding whose id this test cannot read (keep it literal, or in a table of \"id\", SEVERITY_ rows): $odd"; } && ok

test_begin "every finding id has its entry under FINDINGS, and every entry is an id"
documented=$(headings FINDINGS | sort -u)
missing=$(comm -23 <(echo "$ids") <(echo "$documented"))
stale=$(comm -13 <(echo "$ids") <(echo "$documented"))
{ [ -z "$missing" ] || fail "finding ids not in the man page: $(echo $missing)"; } &&
{ [ -z "$stale" ] || fail "FINDINGS documents ids the source does not have: $(echo $stale)"; } && ok

test_begin "ENVIRONMENT names every MEMHARDEN_ variable the source reads"
vars=$(grep -ohE 'getenv\("MEMHARDEN_[A-Z_]+"\)' "$SRC"/src/*.c | cut -d'"' -f2 | sort -u)
missing=$(comm -23 <(echo "$vars") <(headings ENVIRONMENT | sort -u))
{ [ -n "$vars" ] || fail "read no variables"; } && { [ -z "$missing" ] || fail "not documented: $missing"; } && ok

test_begin "FILES, the families and SEE ALSO"
files=$(section FILES); looks=$(section "WHERE IT LOOKS"); see=$(section "SEE ALSO")
for want in /var/backups/memharden/ID/ /var/backups/memharden/.lock 50-memharden.conf /etc/memcached.conf \
            /etc/sysconfig/memcached /etc/conf.d/memcached; do
        grep -qF -- "$want" <<<"$files" || { fail "FILES lacks $want"; break; }
done &&
{ grep -qE '^       /.*/memharden/lenses/$' <<<"$files" || fail "FILES lacks the lens directory"; } &&
for want in Debian RHEL SUSE Arch "systemd units and drop-ins" "Alpine, Gentoo"; do
        grep -q "^       $want" <<<"$looks" || { fail "WHERE IT LOOKS lacks $want"; break; }
done &&
for want in 'memcached(1)' 'augtool(1)' 'systemctl(1)'; do
        grep -qF "$want" <<<"$see" || { fail "SEE ALSO lacks $want"; break; }
done && ok

finish
