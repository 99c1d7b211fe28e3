(*
Module: Memharden_args
  Parses a memcached command-line argument string (getopt style), such as
  the value of OPTIONS in /etc/sysconfig/memcached.

  Every dash-word becomes one "short" or "long" node, so callers can edit
  individual options without re-splitting the string. A word that is not an
  option becomes a "word" node holding it verbatim: memcached's getopt
  leaves such words alone, and memharden keeps them byte for byte. They are
  plain words (a path), redirections ("2>&1", ">>", ">>/var/log/x"), and,
  in a shell variable's value only, "$NAME" or "${NAME}". Quotes, command
  substitution, backticks, ";", "|", "&" and parentheses are rejected
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
   dash is refused so that "-l -U 0" is an error, not l="-U", unless a digit
   follows it: getopt takes "-U -1" as -U with the value -1 (UDP on a port
   of the kernel's choosing), and no option is a digit. *)
let value_re = /([^- \t\r\n#"'\\`$;]|-[0-9])[^ \t\r\n#"'\\`$;]*/
(* In a shell variable's value ";" is a character like any other to both
   its readers (systemd's EnvironmentFile= and a shell expanding $OPTIONS),
   and memcached splits a -l list at it; on a memcached.conf line Debian's
   start scripts hand it to /bin/sh, which ends the command there *)
let value_sc_re = /([^- \t\r\n#"'\\`$;]|-[0-9])[^ \t\r\n#"'\\`$]*/

(* memcached 1.6 short options, split by whether they take an argument *)
let short_arg_re  = /[pUsalumcPfnDtRbBIYeoN]/
let short_flag_re = /[AdrMkvhiVLCSFXWZ]/

(* Separator between words; new words get a single space *)
let sep = del /[ \t]+/ " "

let flag = [ key short_flag_re ]

(* Attached ("-l1.2.3.4") or separated ("-l 1.2.3.4") value; the original
   form survives a put, new options are written separated *)
let short_arg (v:regexp) = [ key short_arg_re . del /[ \t]*/ " " . store v ]

(* A cluster of flags, optionally ending in one option taking a value *)
let short_with (v:regexp) = [ label "short" . del_str "-"
              . ( flag+ | flag* . short_arg v ) ]

(* Long options: any name, with "=V". The names are not listed here: a
   36-word union would be compiled into every enclosing regexp on every run.
   A value after a blank ("--listen 10.0.0.1") is a word of its own here:
   only memcached's table, which the caller checks names and values
   against, knows whether the option takes it, as getopt does. *)
let long_with (v:regexp) = [ label "long" . del_str "--"
                 . [ key /[a-z][a-z0-9_-]*/ . (del "=" "=" . store v)? ] ]

(* Words that are not options: nothing a shell would read as more than a
   word or a redirection of one; in a variable's value also ";" *)
let plain_re = /[^- \t\r\n#"'\\`$;|&()<>][^ \t\r\n#"'\\`$;|&()<>]*/
let plain_sc_re = /[^- \t\r\n#"'\\`$;|&()<>][^ \t\r\n#"'\\`$|&()<>]*/
let redirect_re = /[0-9]?(>>?|<)(&[0-9]|[^- \t\r\n#"'\\`$;|&()<>&][^ \t\r\n#"'\\`$;|&()<>]*)?/
let other = [ label "word" . store (plain_re | redirect_re) ]
let other_sc = [ label "word" . store (plain_sc_re | redirect_re) ]

(* A variable reference: literal to systemd's EnvironmentFile=, expanded by
   a shell; the caller tells the two readings apart *)
let var_ref = [ label "word" . store /\$([A-Za-z_][A-Za-z0-9_]*|\{[A-Za-z_][A-Za-z0-9_]*\})/ ]

(* A memcached.conf line: it starts with an option (a line that does not is
   a directive to Debian's start script), any words after it *)
let option = short_with value_re | long_with value_re
let words = option . (sep . (option | other))*

(* A variable's value. Leading/trailing whitespace is kept; an empty or
   blank string gives an empty tree *)
let value_word = short_with value_sc_re | long_with value_sc_re | other_sc | var_ref
let lns = del_opt_ws "" . (value_word . (sep . value_word)* . del_opt_ws "")?
