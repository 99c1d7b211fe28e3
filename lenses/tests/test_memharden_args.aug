(* Tests for Memharden_args *)
module Test_memharden_args =

(* Empty and blank strings parse (to an empty tree); blanks are kept *)
test Memharden_args.lns put "" after clear "/short/v" = "-v"
test Memharden_args.lns put "  \t " after clear "/short/v" = "  \t -v"

(* Stacked flags *)
test Memharden_args.lns get "-vv" = { "short" { "v" } { "v" } }
test Memharden_args.lns get "-dk" = { "short" { "d" } { "k" } }

(* Cluster ending in an option with a value, separated or attached *)
test Memharden_args.lns get "-dl 127.0.0.1" =
  { "short" { "d" } { "l" = "127.0.0.1" } }
test Memharden_args.lns get "-dl127.0.0.1" =
  { "short" { "d" } { "l" = "127.0.0.1" } }

test Memharden_args.lns get "-l127.0.0.1" = { "short" { "l" = "127.0.0.1" } }
test Memharden_args.lns get "-U0" = { "short" { "U" = "0" } }

(* The RHEL OPTIONS example, with surrounding whitespace *)
test Memharden_args.lns get " -l 127.0.0.1,::1 \t-U 0 -vv  " =
  { "short" { "l" = "127.0.0.1,::1" } }
  { "short" { "U" = "0" } }
  { "short" { "v" } { "v" } }

(* Long options *)
test Memharden_args.lns get "--listen=10.0.0.1" = { "long" { "listen" = "10.0.0.1" } }
(* A value after a blank is a word of its own: the C side pairs it with an
   option that takes one, as getopt does *)
test Memharden_args.lns get "--udp-port 0" = { "long" { "udp-port" } } { "word" = "0" }
test Memharden_args.lns get "--daemon" = { "long" { "daemon" } }
test Memharden_args.lns get "--verbose=2" = { "long" { "verbose" = "2" } }
test Memharden_args.lns get "--listen-backlog=1024 --enable-shutdown --napi_ids 4" =
  { "long" { "listen-backlog" = "1024" } }
  { "long" { "enable-shutdown" } }
  { "long" { "napi_ids" } } { "word" = "4" }
test Memharden_args.lns get "-P /run/memcached/memcached.pid -o modern,slab_reassign" =
  { "short" { "P" = "/run/memcached/memcached.pid" } }
  { "short" { "o" = "modern,slab_reassign" } }

(* Put: spacing and attached/separated forms are kept *)
test Memharden_args.lns put "  -l0.0.0.0   --udp-port\t11211 " after
  set "/short/l" "127.0.0.1" ;
  set "/word" "0"
  = "  -l127.0.0.1   --udp-port\t0 "

test Memharden_args.lns put "-U11211" after set "/short/U" "0" = "-U0"

(* Put: a new short option is appended after a single space *)
test Memharden_args.lns put "-l 127.0.0.1 -vv" after
  insa "short" "/*[last()]" ;
  set "/short[last()]/U" "0"
  = "-l 127.0.0.1 -vv -U 0"

test Memharden_args.lns put "" after set "/short/U" "0" = "-U 0"

(* Put: new long options default to "=" *)
test Memharden_args.lns put "-vv" after set "/long/listen" "127.0.0.1"
  = "-vv --listen=127.0.0.1"

(* Put: removing words *)
test Memharden_args.lns put "-l 0.0.0.0 -U 0 -vv" after rm "/short[2]"
  = "-l 0.0.0.0 -vv"
test Memharden_args.lns put "-l 0.0.0.0 -U 0" after rm "/short[1]"
  = "-U 0"
test Memharden_args.lns put "-dk" after rm "/short/k" = "-d"

(* Rejected input *)
test Memharden_args.lns get "-l 127.0.0.1 foo (bar)" = *
test Memharden_args.lns get "-" = *
test Memharden_args.lns get "--" = *
test Memharden_args.lns get "-l" = *
test Memharden_args.lns get "-vl" = *
test Memharden_args.lns get "-l -U 0" = *
test Memharden_args.lns get "-l-x" = *
test Memharden_args.lns get "-Q" = *
test Memharden_args.lns get "-vQ" = *
(* getopt's reading: -l takes "v", and "1" is a word of its own *)
test Memharden_args.lns get "-lv 1" = { "short" { "l" = "v" } } { "word" = "1" }
test Memharden_args.lns get "-l \"127.0.0.1\"" = *
test Memharden_args.lns get "-l '127.0.0.1'" = *
test Memharden_args.lns get "-l $ADDR" = *
test Memharden_args.lns get "-l `hostname`" = *
(* In a variable's value ";" is memcached's list separator, no command end *)
test Memharden_args.lns get "-l 1;rm" = { "short" { "l" = "1;rm" } }
test Memharden_args.lns get "-l a\\b" = *
(* A missing value is refused by the C side, which knows --udp-port takes one *)
test Memharden_args.lns get "--udp-port" = { "long" { "udp-port" } }
test Memharden_args.lns get "--udp-port=" = *
(* The lens knows no option names: in "--daemon 5" the C side finds that
   --daemon takes no value, so "5" is a word memcached leaves alone *)
test Memharden_args.lns get "--daemon 5" = { "long" { "daemon" } } { "word" = "5" }
test Memharden_args.lns get "--Daemon" = *
test Memharden_args.lns get "-l 1\n-U 0" = *

(* Words memcached does not take as options: kept verbatim. geerlingguy's
   RHEL OPTIONS, with a redirection systemd passes on as words *)
test Memharden_args.lns get "-l 127.0.0.1 -t 4 -I 1m -v >> /var/log/memcached.log 2>&1" =
  { "short" { "l" = "127.0.0.1" } }
  { "short" { "t" = "4" } }
  { "short" { "I" = "1m" } }
  { "short" { "v" } }
  { "word" = ">>" }
  { "word" = "/var/log/memcached.log" }
  { "word" = "2>&1" }
test Memharden_args.lns get "-v >>/var/log/m.log 2>/dev/null <x" =
  { "short" { "v" } } { "word" = ">>/var/log/m.log" } { "word" = "2>/dev/null" } { "word" = "<x" }
test Memharden_args.lns put "-l 0.0.0.0 -v >> /var/log/m.log 2>&1" after
  set "/short[1]/l" "127.0.0.1" ;
  insa "short" "/*[last()]" ;
  set "/short[last()]/U" "0"
  = "-l 127.0.0.1 -v >> /var/log/m.log 2>&1 -U 0"

(* The Salt formula's self-reference, literal to systemd *)
test Memharden_args.lns get "$OPTIONS -k" = { "word" = "$OPTIONS" } { "short" { "k" } }
test Memharden_args.lns get "${OPTIONS} -k ${X}" =
  { "word" = "${OPTIONS}" } { "short" { "k" } } { "word" = "${X}" }

(* Words after long options without "=" *)
test Memharden_args.lns get "--daemon --listen 10.0.0.1 x" =
  { "long" { "daemon" } } { "long" { "listen" } } { "word" = "10.0.0.1" } { "word" = "x" }
test Memharden_args.lns get "x --daemon" = { "word" = "x" } { "long" { "daemon" } }
test Memharden_args.lns put "--listen 0.0.0.0 -U 0" after set "/word" "127.0.0.1"
  = "--listen 127.0.0.1 -U 0"
test Memharden_args.lns put "--listen 0.0.0.0 -U 0" after rm "/word" ; rm "/long"
  = "-U 0"
(* In a variable's value ";" is memcached's list separator in words too *)
test Memharden_args.lns get "--listen 127.0.0.1;10.0.0.1" =
  { "long" { "listen" } } { "word" = "127.0.0.1;10.0.0.1" }

(* What only a shell can interpret stays refused *)
test Memharden_args.lns get "-l 127.0.0.1 $(hostname)" = *
test Memharden_args.lns get "-l 127.0.0.1 `hostname`" = *
test Memharden_args.lns get "-l 127.0.0.1; rm x" =
  { "short" { "l" = "127.0.0.1;" } } { "word" = "rm" } { "word" = "x" }
test Memharden_args.lns get "x; y" = { "word" = "x;" } { "word" = "y" }
test Memharden_args.lns get "-l 127.0.0.1 | x" = *
test Memharden_args.lns get "-l 127.0.0.1 && x" = *
test Memharden_args.lns get "-l 127.0.0.1 &" = *
test Memharden_args.lns get "-l 127.0.0.1 'x y'" = *
test Memharden_args.lns get "$" = *
test Memharden_args.lns get "${X" = *

(* getopt takes the next word as an option's value, even one starting
   with a dash; only a dash and a digit is read so, a dash and a letter is
   refused above as "-l -U 0" *)
test Memharden_args.lns get "-U -1" = { "short" { "U" = "-1" } }
test Memharden_args.lns get "--udp-port=-1 -U-2" = { "long" { "udp-port" = "-1" } } { "short" { "U" = "-2" } }
