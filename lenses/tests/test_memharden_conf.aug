(* Tests for Memharden_conf *)
module Test_memharden_conf =

(* Debian 12's stock /etc/memcached.conf *)
let debian = "# memcached default config file
# 2003 - Jay Bonci <jaybonci@debian.org>
# This configuration file is read by the start-memcached script provided as
# part of the Debian GNU/Linux distribution.

# Run memcached as a daemon. This command is implied, and is not needed for the
# daemon to run. See the README.Debian that comes with this package for more
# information.
-d

# Log memcached's output to /var/log/memcached
logfile /var/log/memcached.log

# Be verbose
# -v

# Be even more verbose (print client commands as well)
# -vv

# Start with a cap of 64 megs of memory. It's reasonable, and the daemon default
# Note that the daemon will grow to this size, but does not start out holding this much
# memory
-m 64

# Default connection port is 11211
-p 11211

# Run the daemon as root. The start-memcached will default to running as root if no
# -u command is present in this config file
-u memcache

# Specify which IP address to listen on. The default is to listen on all IP addresses
# This parameter is one of the only security measures that memcached has, so make sure
# it's listening on a firewalled interface.
-l 127.0.0.1

# Limit the number of simultaneous incoming connections. The daemon default is 1024
# -c 1024

# Lock down all paged memory. Consult with the README and homepage before you do this
# -k

# Return error when memory is exhausted (rather than removing items)
# -M

# Maximize core file limit
# -r

# Use a pidfile
-P /var/run/memcached/memcached.pid
"

test Memharden_conf.lns get debian =
{ "#comment" = "memcached default config file" }
{ "#comment" = "2003 - Jay Bonci <jaybonci@debian.org>" }
{ "#comment" = "This configuration file is read by the start-memcached script provided as" }
{ "#comment" = "part of the Debian GNU/Linux distribution." }
{  }
{ "#comment" = "Run memcached as a daemon. This command is implied, and is not needed for the" }
{ "#comment" = "daemon to run. See the README.Debian that comes with this package for more" }
{ "#comment" = "information." }
{ "options"
  { "short"
    { "d" }
  }
}
{  }
{ "#comment" = "Log memcached's output to /var/log/memcached" }
{ "logfile" = "/var/log/memcached.log" }
{  }
{ "#comment" = "Be verbose" }
{ "#comment" = "-v" }
{  }
{ "#comment" = "Be even more verbose (print client commands as well)" }
{ "#comment" = "-vv" }
{  }
{ "#comment" = "Start with a cap of 64 megs of memory. It's reasonable, and the daemon default" }
{ "#comment" = "Note that the daemon will grow to this size, but does not start out holding this much" }
{ "#comment" = "memory" }
{ "options"
  { "short"
    { "m" = "64" }
  }
}
{  }
{ "#comment" = "Default connection port is 11211" }
{ "options"
  { "short"
    { "p" = "11211" }
  }
}
{  }
{ "#comment" = "Run the daemon as root. The start-memcached will default to running as root if no" }
{ "#comment" = "-u command is present in this config file" }
{ "options"
  { "short"
    { "u" = "memcache" }
  }
}
{  }
{ "#comment" = "Specify which IP address to listen on. The default is to listen on all IP addresses" }
{ "#comment" = "This parameter is one of the only security measures that memcached has, so make sure" }
{ "#comment" = "it's listening on a firewalled interface." }
{ "options"
  { "short"
    { "l" = "127.0.0.1" }
  }
}
{  }
{ "#comment" = "Limit the number of simultaneous incoming connections. The daemon default is 1024" }
{ "#comment" = "-c 1024" }
{  }
{ "#comment" = "Lock down all paged memory. Consult with the README and homepage before you do this" }
{ "#comment" = "-k" }
{  }
{ "#comment" = "Return error when memory is exhausted (rather than removing items)" }
{ "#comment" = "-M" }
{  }
{ "#comment" = "Maximize core file limit" }
{ "#comment" = "-r" }
{  }
{ "#comment" = "Use a pidfile" }
{ "options"
  { "short"
    { "P" = "/var/run/memcached/memcached.pid" }
  }
}

(* Round trip of the stock file *)
test Memharden_conf.lns put debian after rm "/nonexistent" = debian

(* Flags, long options, attached values *)
test Memharden_conf.lns get "-vv\n-dk\n--listen=127.0.0.1\n--udp-port 0\n-U0\n-l127.0.0.1\n" =
  { "options" { "short" { "v" } { "v" } } }
  { "options" { "short" { "d" } { "k" } } }
  { "options" { "long" { "listen" = "127.0.0.1" } } }
  { "options" { "long" { "udp-port" } } { "word" = "0" } }
  { "options" { "short" { "U" = "0" } } }
  { "options" { "short" { "l" = "127.0.0.1" } } }

(* Several options per line, indentation, trailing comment *)
test Memharden_conf.lns get "-l 127.0.0.1 -U 0   # hardened\n  \t-m 64 --daemon -vv\n" =
  { "options"
    { "short" { "l" = "127.0.0.1" } }
    { "short" { "U" = "0" } }
    { "#comment" = "hardened" } }
  { "options"
    { "short" { "m" = "64" } }
    { "long" { "daemon" } }
    { "short" { "v" } { "v" } } }

(* One node per line: comments, blank lines, directives *)
test Memharden_conf.lns get "# top\n\n   # indented\n \t\n#\nlogfile /var/log/memcached.log\nlogfile /tmp/m.log # here\n" =
  { "#comment" = "top" }
  { }
  { "#comment" = "indented" }
  { }
  { }
  { "logfile" = "/var/log/memcached.log" }
  { "logfile" = "/tmp/m.log" { "#comment" = "here" } }

(* A missing final newline is Augeas's business: it appends one to a
   file's text when it reads or saves the file. The lens itself wants
   every line terminated. *)
test Memharden_conf.lns get "-d\n-l 127.0.0.1" = *
test Memharden_conf.lns get "-d\n# end" = *

(* Put: changing a value keeps spacing and the trailing comment *)
test Memharden_conf.lns put "# c\n  -l 0.0.0.0\t-p 11211   # listen\n" after
  set "/options/short[1]/l" "127.0.0.1"
  = "# c\n  -l 127.0.0.1\t-p 11211   # listen\n"

(* Put: attached values stay attached *)
test Memharden_conf.lns put "-U11211\n" after set "/options/short/U" "0" = "-U0\n"

(* Put: removing one option from a line *)
test Memharden_conf.lns put "-l 127.0.0.1 -U 11211 -vv # x\n-d\n" after
  rm "/options[1]/short[2]"
  = "-l 127.0.0.1 -vv # x\n-d\n"
test Memharden_conf.lns put "  -U 11211 -l 127.0.0.1\n" after
  rm "/options/short[1]"
  = "  -l 127.0.0.1\n"

(* Put: removing a whole options line *)
test Memharden_conf.lns put "# a\n-U 11211\n# b\n" after rm "/options"
  = "# a\n# b\n"

(* Put: appending a new options line *)
test Memharden_conf.lns put "# memcached\n-d\n" after
  insa "options" "/*[last()]" ;
  set "/options[last()]/short/l" "127.0.0.1"
  = "# memcached\n-d\n-l 127.0.0.1\n"

(* Blank-line nodes have no label, so path expressions (and aug_match)
   never see them: "/*[last()]" is the last non-blank line here *)
test Memharden_conf.lns put "-m 64\n\n" after
  insa "options" "/*[last()]" ;
  set "/options[last()]/short/U" "0"
  = "-m 64\n-U 0\n\n"

(* Put: new options on an empty file *)
test Memharden_conf.lns put "" after set "/options/short/l" "127.0.0.1"
  = "-l 127.0.0.1\n"

(* Put: adding an option to an existing line *)
test Memharden_conf.lns put "-l 127.0.0.1 # c\n" after
  insa "short" "/options/short[last()]" ;
  set "/options/short[last()]/U" "0"
  = "-l 127.0.0.1 -U 0 # c\n"

(* A tree that fits no line fails the put rather than dropping nodes *)
test Memharden_conf.lns put "-d\n" after set "/options/bogus" "x" = *
test Memharden_conf.lns put "" after set "/options/bogus" "x" = *

(* Words after an option that memcached leaves alone, and a redirection,
   which Debian's start scripts hand to /bin/sh *)
test Memharden_conf.lns get "-l 127.0.0.1 foo\n" =
  { "options" { "short" { "l" = "127.0.0.1" } } { "word" = "foo" } }
test Memharden_conf.lns get "-v >> /var/log/memcached.log 2>&1 # log\n" =
  { "options" { "short" { "v" } } { "word" = ">>" } { "word" = "/var/log/memcached.log" }
    { "word" = "2>&1" } { "#comment" = "log" } }

(* Rejected input *)
test Memharden_conf.lns get "2>&1\n" = *
test Memharden_conf.lns get "-l 127.0.0.1 $X\n" = *
test Memharden_conf.lns get "-l 127.0.0.1; x\n" = *
(* Debian's start scripts hand ";" to /bin/sh, which ends the command there *)
test Memharden_conf.lns get "-l 127.0.0.1;10.0.0.1\n" = *
test Memharden_conf.lns get "-l 127.0.0.1 `x`\n" = *
test Memharden_conf.lns get "-l 127.0.0.1 | x\n" = *
test Memharden_conf.lns get "-\n" = *
test Memharden_conf.lns get "-l\n" = *
test Memharden_conf.lns get "-d -l\n" = *
test Memharden_conf.lns get "-Q\n" = *
test Memharden_conf.lns get "-l \"127.0.0.1\"\n" = *
test Memharden_conf.lns get "-l $ADDR\n" = *
(* Whether a long option takes a value is checked by the C side *)
test Memharden_conf.lns get "--udp-port\n" = { "options" { "long" { "udp-port" } } }
test Memharden_conf.lns get "--daemon 5\n" = { "options" { "long" { "daemon" } } { "word" = "5" } }
test Memharden_conf.lns get "-l 127.0.0.1#c\n" = *
(* A directive that happens to be called "options" has no option children *)
test Memharden_conf.lns get "options foo\n" = { "options" = "foo" }
test Memharden_conf.lns get "logfile\n" = *
test Memharden_conf.lns get "log-file /x\n" = *
