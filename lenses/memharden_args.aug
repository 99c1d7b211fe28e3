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

(* Values: no whitespace and nothing a shell would interpret. A leading
   dash is refused so that "-l -U 0" is an error, not l="-U". *)
let value_re = /[^- \t\r\n#"'\\`$;][^ \t\r\n#"'\\`$;]*/

(* memcached 1.6 short options, split by whether they take an argument *)
let short_arg_re  = /[pUsalumcPfnDtRbBIYeoN]/
let short_flag_re = /[AdrMkvhiVLCSFXWZ]/

let long_arg_re = "port" | "udp-port" | "unix-socket" | "unix-mask"
                | "listen" | "user" | "memory-limit" | "conn-limit"
                | "pidfile" | "slab-growth-factor" | "slab-min-size"
                | "threads" | "max-reqs-per-event" | "listen-backlog"
                | "protocol" | "max-item-size" | "auth-file"
                | "memory-file" | "extended" | "napi_ids"
(* Listed rather than "any name minus long_arg_re": Augeas expands a regexp
   difference into a very large regexp that costs milliseconds to compile on
   every run. memcached refuses unknown options, so nothing is lost. *)
let long_flag_re = "enable-shutdown" | "enable-ssl" | "disable-evictions"
                 | "lock-memory" | "help" | "license" | "version"
                 | "enable-coredumps" | "verbose" | "daemon"
                 | "enable-largepages" | "disable-cas" | "enable-sasl"
                 | "disable-flush-all" | "disable-dumping" | "disable-watch"

(* Separator between words; new words get a single space *)
let sep = del /[ \t]+/ " "

let flag = [ key short_flag_re ]

(* Attached ("-l1.2.3.4") or separated ("-l 1.2.3.4") value; the original
   form survives a put, new options are written separated *)
let short_arg = [ key short_arg_re . del /[ \t]*/ " " . store value_re ]

(* A cluster of flags, optionally ending in one option taking a value *)
let short = [ label "short" . Util.del_str "-"
              . ( flag+ | flag* . short_arg ) ]

(* Options with a required value accept "--name=V" and "--name V";
   the others only "--name" or "--name=V" *)
let long_arg  = [ key long_arg_re . del /=|[ \t]+/ "=" . store value_re ]
let long_flag = [ key long_flag_re . (Util.del_str "=" . store value_re)? ]
let long = [ label "long" . Util.del_str "--" . ( long_arg | long_flag ) ]

let word = short | long

(* One or more words separated by whitespace *)
let words = word . (sep . word)*

(* Leading/trailing whitespace is kept; an empty or blank string gives an
   empty tree *)
let lns = Util.del_opt_ws "" . (words . Util.del_opt_ws "")?
