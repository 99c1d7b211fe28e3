/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Test oracle: what memcached 1.6 makes of an argument string. Splits it on
 * whitespace (as Debian's wrapper's exec and systemd's $OPTIONS do) and runs
 * glibc's getopt_long() with memcached's own option table, then prints
 * "listen=A,B udp=N socket=S" (all -l joined, the last -U, as memcached
 * does). Independent of memharden's parser on purpose.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
        static const struct option longopts[] = {
                { "unix-mask", required_argument, 0, 'a' }, { "enable-shutdown", no_argument, 0, 'A' },
                { "enable-ssl", no_argument, 0, 'Z' }, { "port", required_argument, 0, 'p' },
                { "unix-socket", required_argument, 0, 's' }, { "udp-port", required_argument, 0, 'U' },
                { "memory-limit", required_argument, 0, 'm' }, { "disable-evictions", no_argument, 0, 'M' },
                { "conn-limit", required_argument, 0, 'c' }, { "lock-memory", no_argument, 0, 'k' },
                { "help", no_argument, 0, 'h' }, { "license", no_argument, 0, 'i' },
                { "version", no_argument, 0, 'V' }, { "enable-coredumps", no_argument, 0, 'r' },
                { "verbose", optional_argument, 0, 'v' }, { "daemon", no_argument, 0, 'd' },
                { "listen", required_argument, 0, 'l' }, { "user", required_argument, 0, 'u' },
                { "pidfile", required_argument, 0, 'P' }, { "slab-growth-factor", required_argument, 0, 'f' },
                { "slab-min-size", required_argument, 0, 'n' }, { "threads", required_argument, 0, 't' },
                { "enable-largepages", no_argument, 0, 'L' }, { "max-reqs-per-event", required_argument, 0, 'R' },
                { "disable-cas", no_argument, 0, 'C' }, { "listen-backlog", required_argument, 0, 'b' },
                { "protocol", required_argument, 0, 'B' }, { "max-item-size", required_argument, 0, 'I' },
                { "enable-sasl", no_argument, 0, 'S' }, { "disable-flush-all", no_argument, 0, 'F' },
                { "disable-dumping", no_argument, 0, 'X' }, { "disable-watch", no_argument, 0, 'W' },
                { "auth-file", required_argument, 0, 'Y' }, { "memory-file", required_argument, 0, 'e' },
                { "extended", required_argument, 0, 'o' }, { "napi_ids", required_argument, 0, 'N' },
                { 0, 0, 0, 0 },
        };
        char *words[512] = { "memcached" }, listen[4096] = "", *udp = "unset", *sock = "none";
        int n = 1, c;

        if (argc != 2)
                return 2;
        for (char *save = NULL, *w = strtok_r(argv[1], " \t\n", &save); w && n < 511; w = strtok_r(NULL, " \t\n", &save))
                words[n++] = w;
        opterr = 0;
        while ((c = getopt_long(n, words, "a:AZp:s:U:m:Mc:khiVrvdl:u:P:f:n:t:D:LR:CSFXWb:B:I:Y:e:o:N:", longopts, NULL)) != -1) {
                if (c == '?') {
                        printf("error\n");
                        return 1;
                }
                if (c == 'l')
                        snprintf(listen + strlen(listen), sizeof listen - strlen(listen), "%s%s", *listen ? "," : "", optarg);
                if (c == 'U')
                        udp = optarg;
                if (c == 's')
                        sock = optarg;
        }
        printf("listen=%s udp=%s socket=%s\n", *listen ? listen : "any", udp, sock);
        return 0;
}
