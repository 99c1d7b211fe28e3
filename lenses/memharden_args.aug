(*
Module: Memharden_args
  Parses a memcached command-line argument string (getopt style), such as
  the value of OPTIONS in /etc/sysconfig/memcached.

  Every dash-word becomes one "short" or "long" node, so callers can edit
  individual options without re-splitting the string. Anything that is not
  clearly an option (stray words, quotes, shell expansions) is rejected
  rather than guessed at.
*)
module Memharden_args =

(* The few del helpers we need, defined here instead of taken from Util:
   loading a module evaluates every definition in it, and Util's cost more
   to build than all of ours. *)
let del_str (s:string) = del s s
let del_opt_ws (d:string) = del /[ \t]*/ d
let del_ws_spc = del /[ \t]+/ " "

(* Values: no whitespace and nothing a shell would interpret. A leading
   dash is refused so that "-l -U 0" is an error, not l="-U". *)
let value_re = /[^- \t\r\n#"'\\`$;][^ \t\r\n#"'\\`$;]*/

(* memcached 1.6 short options, split by whether they take an argument *)
let short_arg_re  = /[pUsalumcPfnDtRbBIYeoN]/
let short_flag_re = /[AdrMkvhiVLCSFXWZ]/

(* Separator between words; new words get a single space *)
let sep = del /[ \t]+/ " "

let flag = [ key short_flag_re ]

(* Attached ("-l1.2.3.4") or separated ("-l 1.2.3.4") value; the original
   form survives a put, new options are written separated *)
let short_arg = [ key short_arg_re . del /[ \t]*/ " " . store value_re ]

(* A cluster of flags, optionally ending in one option taking a value *)
let short = [ label "short" . del_str "-"
              . ( flag+ | flag* . short_arg ) ]

(* Long options: any name, with "=V" or " V". The names are not listed here:
   a 36-word union would be compiled into every enclosing regexp on every
   run. Values cannot start with "-", so "--daemon -l x" is unambiguous; the
   caller checks names, and whether an option takes a value, against
   memcached's own table. *)
let long_opt = [ key /[a-z][a-z0-9_-]*/ . (del /=|[ \t]+/ "=" . store value_re)? ]
let long = [ label "long" . del_str "--" . long_opt ]

let word = short | long

(* One or more words separated by whitespace *)
let words = word . (sep . word)*

(* Leading/trailing whitespace is kept; an empty or blank string gives an
   empty tree *)
let lns = del_opt_ws "" . (words . del_opt_ws "")?
