(*
Module: Memharden_conf
  Parses Debian's /etc/memcached.conf and /etc/memcached_NAME.conf.

  Each line maps to exactly one top-level node (blank lines included), so a
  node's position is its line number. Option lines reuse Memharden_args.
  The last line may lack its final newline.
*)
module Memharden_conf =

let indent = Memharden_args.del_opt_ws ""

let comment_re = /[^ \t\r\n](.*[^ \t\r\n])?/

(* Everything below is built for a given line terminator [nl]: /\n/ for
   ordinary lines, /\n?/ for the last line of the file. Keeping the last
   line a single, separate node is what keeps the put direction
   unambiguous. *)

(* End of line, swallowing trailing blanks and an empty trailing comment *)
let eol (nl:regexp) = del (/[ \t]*(#[ \t]*)?/ . nl) "\n"

(* Trailing "# text" after a directive or options *)
let tail (nl:regexp) =
    [ label "#comment" . del /[ \t]+#[ \t]*/ " # " . store comment_re
      . del (/[ \t]*/ . nl) "\n" ]
  | eol nl

let comment (nl:regexp) =
  [ label "#comment" . del /[ \t]*#[ \t]*/ "# " . store comment_re
    . del (/[ \t]*/ . nl) "\n" ]

(* "logfile /var/log/memcached.log". A directive named "options" gives a
   node with a value and no option children, which readers skip; excluding
   the name with a regexp difference would cost ~20x the parse time. *)
let directive (nl:regexp) =
  let k = /[A-Za-z][A-Za-z0-9_]*/ in
  let v = /[^ \t\r\n#]([^\r\n#]*[^ \t\r\n#])?/ in
  [ indent . key k . Memharden_args.del_ws_spc . store v . tail nl ]

let options (nl:regexp) =
  [ label "options" . indent . Memharden_args.words . tail nl ]

let line (nl:regexp) (blank:regexp) =
    comment nl
  | [ del blank "\n" ]
  | directive nl
  | options nl

let lns =
  let blank_nl = /[ \t]*#?[ \t]*\n/ in
  (* Non-empty, so that a final "\n" can't also start an empty last line *)
  let blank_last = /[ \t]*#?[ \t]*\n|[ \t]*#[ \t]*|[ \t]+/ in
  ( (line /\n/ blank_nl)* . line /\n?/ blank_last )?
