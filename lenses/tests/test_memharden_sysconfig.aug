(* Tests for Memharden_sysconfig *)
module Test_memharden_sysconfig =

let lns = Memharden_sysconfig.lns

(* RHEL's stock /etc/sysconfig/memcached *)
let rhel = "PORT=\"11211\"
USER=\"memcached\"
MAXCONN=\"1024\"
CACHESIZE=\"64\"
OPTIONS=\"-l 127.0.0.1,::1\"
"

test lns get rhel =
  { "PORT" = "11211" }
  { "USER" = "memcached" }
  { "MAXCONN" = "1024" }
  { "CACHESIZE" = "64" }
  { "OPTIONS" = "-l 127.0.0.1,::1" }

test lns put rhel after rm "/nonexistent" = rhel

test lns put rhel after set "/OPTIONS" "-l 127.0.0.1 -U 0" =
"PORT=\"11211\"
USER=\"memcached\"
MAXCONN=\"1024\"
CACHESIZE=\"64\"
OPTIONS=\"-l 127.0.0.1 -U 0\"
"

(* OpenRC's /etc/conf.d/memcached, in Gentoo's shape: a reference to a
   variable set before, an empty value, commented-out settings *)
let confd = "# memcached
MEMUSAGE=\"64\"
LISTENON=\"\"
PORT=\"11211\"
UDPPORT=\"${PORT}\"
#SOCKET=\"/var/run/memcached/memcached.sock\"
MISC_OPTS=\"\"
"

test lns get confd =
  { "#comment" = "memcached" }
  { "MEMUSAGE" = "64" }
  { "LISTENON" = "" }
  { "PORT" = "11211" }
  { "UDPPORT" = "${PORT}" }
  { "#comment" = "SOCKET=\"/var/run/memcached/memcached.sock\"" }
  { "MISC_OPTS" = "" }

test lns put confd after set "/UDPPORT" "0"; set "/LISTENON" "127.0.0.1" =
"# memcached
MEMUSAGE=\"64\"
LISTENON=\"127.0.0.1\"
PORT=\"11211\"
UDPPORT=\"0\"
#SOCKET=\"/var/run/memcached/memcached.sock\"
MISC_OPTS=\"\"
"

(* An instance file that has no UDPPORT of its own gets one at its end *)
test lns put "PORT=\"11212\"\n# end\n" after set "/UDPPORT" "0" = "PORT=\"11212\"\n# end\nUDPPORT=\"0\"\n"
(* An option removed from a value that then holds none *)
test lns put "MISC_OPTS=\"-U 11211\"  # UDP\n" after set "/MISC_OPTS" "" = "MISC_OPTS=\"\"  # UDP\n"

(* Empty files and files of blank lines *)
test lns put "" after rm "/nonexistent" = ""
test lns get "\n" = { }
test lns get "\n  \n#\n" = { } { } { }

(* The three quotings give the same, unquoted value *)
test lns get "A=b\nA=\"b\"\nA='b'\n" = { "A" = "b" } { "A" = "b" } { "A" = "b" }
test lns get "A=-l\n" = { "A" = "-l" }
test lns get "A=\"a b\"\nB='a  b'\n" = { "A" = "a b" } { "B" = "a  b" }
test lns get "A=\"it's\"\nB='say \"hi\"'\n" = { "A" = "it's" } { "B" = "say \"hi\"" }
test lns get "A=\"a#b\"\n" = { "A" = "a#b" }
test lns get "A=\"\tx\t\"\n" = { "A" = "\tx\t" }

(* Empty values *)
test lns get "A=\nB=\"\"\nC=''\n" = { "A" = "" } { "B" = "" } { "C" = "" }

(* Indentation, trailing blanks and comments *)
test lns get "  A=b  \n" = { "A" = "b" }
test lns get "A=\"b c\"  # note  \n" = { "A" = "b c" { "#comment" = "note" } }
test lns get "A=b #\n" = { "A" = "b" }
test lns get "# top\n  #   indented  \n" =
  { "#comment" = "top" }
  { "#comment" = "indented" }
test lns get "#!/bin/sh\n" = { "#comment" = "!/bin/sh" }

(* export *)
test lns get "export A=b\n" = { "A" = "b" { "export" } }
test lns get "  export\tA=\"b c\" # x\n" =
  { "A" = "b c" { "export" } { "#comment" = "x" } }
test lns put "export  A='x y'\n" after set "/A" "z w" = "export  A='z w'\n"

(* A missing final newline is Augeas's business: it appends one to a
   file's text when it reads or saves the file. The lens itself wants
   every line terminated. *)
test lns get "A=b" = *
test lns get "A=b\n# c" = *

(* Put keeps the original quoting while the value allows it *)
test lns put "A=b\n" after set "/A" "c" = "A=c\n"
test lns put "A='b'\n" after set "/A" "c" = "A='c'\n"
test lns put "A=\"b\"\n" after set "/A" "c" = "A=\"c\"\n"
test lns put "A='a b'\n" after set "/A" "c d" = "A='c d'\n"
test lns put "  A=\"a b\"   # keep\n" after set "/A" "c d" = "  A=\"c d\"   # keep\n"
test lns put "A=''\n" after set "/A" "" = "A=''\n"
test lns put "A=\n" after set "/A" "" = "A=\n"

(* ... and switches to the quoting the new value needs *)
test lns put "A=b\n" after set "/A" "c d" = "A=\"c d\"\n"
test lns put "A=\n" after set "/A" "-l 127.0.0.1 -U 0" = "A=\"-l 127.0.0.1 -U 0\"\n"
test lns put "A='b'\n" after set "/A" "it's" = "A=\"it's\"\n"
test lns put "A=\"b\"\n" after set "/A" "say \"hi\"" = "A='say \"hi\"'\n"
test lns put "A=\"b c\"\n" after set "/A" "" = "A=\"\"\n"

(* New nodes: values are double-quoted, appended after the last line *)
test lns put "# c\nPORT=11211\n" after set "/OPTIONS" "-l 127.0.0.1 -U 0" =
  "# c\nPORT=11211\nOPTIONS=\"-l 127.0.0.1 -U 0\"\n"
test lns put "" after set "/OPTIONS" "-l 127.0.0.1 -U 0" =
  "OPTIONS=\"-l 127.0.0.1 -U 0\"\n"
test lns put "PORT=11211\n" after set "/OPTIONS" "-U 0" =
  "PORT=11211\nOPTIONS=\"-U 0\"\n"
test lns put "" after set "/A" "b" = "A=\"b\"\n"
test lns put "" after set "/A" "" = "A=\"\"\n"
test lns put "" after set "/#comment" "x" = "# x\n"

(* A tree that fits no line fails the put rather than dropping nodes *)
test lns put "A=b\n" after set "/A/foo" "x" = *
test lns put "" after set "/A/foo" "x" = *

(* Values that can't be written without escapes *)
test lns put "A=b\n" after set "/A" "a'\"b" = *
test lns put "A=b\n" after set "/A" "a\\b" = *
test lns put "A=b\n" after set "/A" "$(x)" = *
(* A variable reference is written in double quotes, as read *)
test lns put "A=b\n" after set "/A" "$x" = "A=\"$x\"\n"

(* Shell constructs are refused, never guessed at *)
test lns get "A=$(hostname)\n" = *
test lns get "A=\"$(hostname)\"\n" = *
test lns get "A=`hostname`\n" = *
test lns get "A=\"`hostname`\"\n" = *
test lns get "A=$B\n" = *
test lns get "A=\"$\"\n" = *
test lns get "A=\"$1\"\n" = *
(* The Salt formula: systemd keeps it literally, a shell expands it *)
test lns get "OPTIONS=\"-l 10.0.0.5\"\nOPTIONS=\"$OPTIONS -k\"\n" =
  { "OPTIONS" = "-l 10.0.0.5" } { "OPTIONS" = "$OPTIONS -k" }
test lns get "A=\"${B} c\"\n" = { "A" = "${B} c" }
test lns get "A=\"$B${C}_$D\"\n" = { "A" = "$B${C}_$D" }
(* Only $NAME and ${NAME}: the other parameter expansions are the shell's *)
test lns get "A=\"${B:-x}\"\n" = *
test lns get "A=\"${B-x}\"\n" = *
test lns get "A=\"${#B}\"\n" = *
test lns get "A=\"${B\"\n" = *
test lns get "A=\"${}\"\n" = *
test lns get "A=\"$B ${C%x}\"\n" = *
test lns get "A=b;\n" = *
test lns get "A=b; B=c\n" = *
(* Inside quotes ";" is a character: memcached's -l list separator *)
test lns get "A=\"b;c\"\n" = { "A" = "b;c" }
test lns get "OPTIONS='-l 127.0.0.1;10.0.0.1'\n" = { "OPTIONS" = "-l 127.0.0.1;10.0.0.1" }
test lns get "A=(b c)\n" = *
test lns get "A[0]=b\n" = *
test lns get "A+=b\n" = *
test lns get "A=\"b\n" = *
test lns get "A=b\"\n" = *
test lns get "A='b\n" = *
test lns get "A=\"b'\n" = *
test lns get "A=\"b\nc\"\n" = *
test lns get "A=\"b\\\"c\"\n" = *
test lns get "A='b\\'c'\n" = *
test lns get "A=b\\ c\n" = *
test lns get "A='b'c\n" = *
test lns get "A=\"b\"\"c\"\n" = *
test lns get "A=\"b\"#c\n" = *
test lns get "A=b#c\n" = *
test lns get "A=b c\n" = *
test lns get "A= b\n" = *
test lns get "A =b\n" = *
test lns get "1A=b\n" = *
test lns get "A-B=c\n" = *
test lns get "A=~/x\n" = *
test lns get "A=b*\n" = *
test lns get "A=b|c\n" = *
test lns get "A=b&\n" = *
test lns get ". /etc/sysconfig/other\n" = *
test lns get "source /etc/sysconfig/other\n" = *
test lns get "unset A\n" = *
test lns get "export A\n" = *
test lns get "memcached -d\n" = *
test lns get "A=b\r\n" = *
