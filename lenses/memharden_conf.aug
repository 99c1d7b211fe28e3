(*
Module: Memharden_conf
  Parses Debian's /etc/memcached.conf and /etc/memcached_NAME.conf.

  Each line maps to exactly one top-level node (blank lines included), so a
  node's position is its line number. Option lines reuse Memharden_args.

  The lens is a plain iteration of lines, each ending in "\n": Augeas
  matches such a lens line by line, where any other top-level shape costs
  a match of the whole file against one regexp built from the whole lens.
  A file without a final newline still loads, since Augeas appends the
  newline when it reads or saves a file.
*)
module Memharden_conf =

let indent = Memharden_args.del_opt_ws ""

let comment_re = /[^ \t\r\n](.*[^ \t\r\n])?/

(* End of line, swallowing trailing blanks and an empty trailing comment *)
let eol = del /[ \t]*(#[ \t]*)?\n/ "\n"

(* Trailing "# text" after a directive or options *)
let tail =
    [ label "#comment" . del /[ \t]+#[ \t]*/ " # " . store comment_re
      . del /[ \t]*\n/ "\n" ]
  | eol

let comment =
  [ label "#comment" . del /[ \t]*#[ \t]*/ "# " . store comment_re
    . del /[ \t]*\n/ "\n" ]

(* "logfile /var/log/memcached.log". A directive named "options" gives a
   node with a value and no option children, which readers skip; excluding
   the name with a regexp difference would cost ~20x the parse time. *)
let directive =
  let k = /[A-Za-z][A-Za-z0-9_]*/ in
  let v = /[^ \t\r\n#]([^\r\n#]*[^ \t\r\n#])?/ in
  [ indent . key k . Memharden_args.del_ws_spc . store v . tail ]

let options = [ label "options" . indent . Memharden_args.words . tail ]

let lns = ( comment | [ del /[ \t]*#?[ \t]*\n/ "\n" ] | directive | options )*
