(*
Module: Memharden_sysconfig
  Parses shell-variable files such as RHEL's /etc/sysconfig/memcached.

  Gives the same tree as the stock Sysconfig lens for the lines it accepts:
  one node per assignment, labelled with the variable and holding the
  unquoted value, "#comment" nodes for comments, and an "export" child for
  "export VAR=...". On put the original quoting of a value is kept as long
  as the new value still fits it; a new value that needs quotes is written
  in double quotes.

  Only plain assignments of literal values are accepted, and one kind of
  value whose two readings memharden works out itself: a double-quoted
  value with "$NAME" or "${NAME}" in it, which systemd's EnvironmentFile=
  keeps literally and the init script's shell expands (the Salt formula
  writes OPTIONS="$OPTIONS -k"). Anything else whose value depends on how it
  is read (other $ expansions, command substitution, backslash escapes,
  ";" outside quotes, arrays, sourcing other files, unset, a value split
  over several quoted parts) is a parse error rather than a guess.

  Regexp differences and large unions are avoided on purpose: Augeas
  expands them into very large regexps whose compilation dominates the
  run time of a short-lived tool. For the same reason the lens is a plain
  iteration of lines ending in "\n", which Augeas matches line by line; a
  file without a final newline still loads, since Augeas appends the
  newline when it reads or saves a file.
*)
module Memharden_sysconfig =

(* A shell variable name; "VAR[0]", "VAR+" and names starting with a digit
   are not plain assignments *)
let name_re = /[A-Za-z_][A-Za-z0-9_]*/

(* Values are split in disjoint classes so that the put direction always
   knows which quoting a value allows:
     empty   - VAR=  VAR=""  VAR=''
     bare    - only characters that mean nothing to a shell; quotes optional
     quoted  - at least one other character (such as a space): needs "" or ''
     dquoted - contains ': needs ""
     squoted - contains ": needs ''
     dvar    - contains $NAME or ${NAME}: double quotes, as written
   Backslash, backtick and line breaks are refused in every class, $
   everywhere but in dvar, and ; outside quotes (inside them it is a
   character to both readers, and memcached's -l list separator). *)
let bare_re = /[-A-Za-z0-9_.,:\/@%+=]+/

(* Allowed inside quotes, besides the quote characters *)
let qchar = /[^\n\r"'\\$`]/
(* qchar minus the bare characters, written out rather than subtracted *)
let qonly = /[^-A-Za-z0-9_.,:\/@%+=\n\r"'\\$`]/

let quoted_re  = qchar* . qonly . qchar*
let dquoted_re = /[^\n\r"\\$`]*'[^\n\r"\\$`]*/
let squoted_re = /[^\n\r'\\$`]*"[^\n\r'\\$`]*/
(* A reference is $NAME or ${NAME}, nothing else: "${A:-x}", "${#A}" and
   the other parameter expansions are the shell's alone *)
let dref = /\$([A-Za-z_]|\{[A-Za-z_][A-Za-z0-9_]*\})/
let dchar = /[^\n\r"\\`$]/
let dvar_re    = (dchar | dref)* . dref . (dchar | dref)*

let dq = Memharden_args.del_str "\""
let sq = Memharden_args.del_str "'"

(* A value that becomes empty is written "", as the shipped files write
   one (Gentoo's LISTENON="") *)
let empty   = del /(""|'')?/ "\"\"" . value ""
let bare    = square (del /["']?/ "\"") (store bare_re) (del /["']?/ "\"")
let quoted  = square (del /["']/ "\"") (store quoted_re) (del /["']/ "\"")
let dquoted = dq . store dquoted_re . dq
let squoted = sq . store squoted_re . sq
let dvar    = dq . store dvar_re . dq

let comment_re = /[^ \t\r\n](.*[^ \t\r\n])?/

(* End of an assignment: blanks, optionally a comment after at least one
   blank ("VAR=a#b" is the value "a#b" to a shell, and refused here) *)
let eol =
    [ label "#comment" . del /[ \t]+#[ \t]*/ " # " . store comment_re
      . del /[ \t]*\n/ "\n" ]
  | del /([ \t]+#)?[ \t]*\n/ "\n"

let comment =
  [ label "#comment" . del /[ \t]*#[ \t]*/ "# " . store comment_re
    . del /[ \t]*\n/ "\n" ]

let export = [ key "export" . del /[ \t]+/ " " ]

(* The put direction tells values apart only across whole nodes, so each
   value class gets its own node lens *)
let kv (val:lens) =
  [ Memharden_args.del_opt_ws "" . export? . key name_re . Memharden_args.del_str "=" . val
    . eol ]

let lns =
  ( comment | [ del /[ \t]*#?[ \t]*\n/ "\n" ]
  | kv empty | kv bare | kv quoted | kv dquoted | kv squoted | kv dvar )*
