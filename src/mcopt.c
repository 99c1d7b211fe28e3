/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mcopt.h"

#include <string.h>

#include "cleanup.h"

/* From `memcached -h` of 1.6.18; only 'l', 'U' and 's' matter to the policy,
 * but every option must be known to read the others' arguments right. */
static const McOption options[] = {
        { 'p', "port", true },               { 'U', "udp-port", true },
        { 's', "unix-socket", true },        { 'a', "unix-mask", true },
        { 'A', "enable-shutdown", false },   { 'l', "listen", true },
        { 'd', "daemon", false },            { 'r', "enable-coredumps", false },
        { 'u', "user", true },               { 'm', "memory-limit", true },
        { 'M', "disable-evictions", false }, { 'c', "conn-limit", true },
        { 'k', "lock-memory", false },       { 'v', "verbose", false },
        { 'h', "help", false },              { 'i', "license", false },
        { 'V', "version", false },           { 'P', "pidfile", true },
        { 'f', "slab-growth-factor", true }, { 'n', "slab-min-size", true },
        { 'L', "enable-largepages", false }, { 'D', NULL, true },
        { 't', "threads", true },            { 'R', "max-reqs-per-event", true },
        { 'C', "disable-cas", false },       { 'b', "listen-backlog", true },
        { 'B', "protocol", true },           { 'I', "max-item-size", true },
        { 'S', "enable-sasl", false },       { 'F', "disable-flush-all", false },
        { 'X', "disable-dumping", false },   { 'W', "disable-watch", false },
        { 'Y', "auth-file", true },          { 'e', "memory-file", true },
        { 'Z', "enable-ssl", false },        { 'o', "extended", true },
        { 'N', "napi_ids", true },
};

const McOption *mcopt_by_letter(char letter) {
        for (size_t i = 0; i < ELEMENTSOF(options); i++)
                if (options[i].letter == letter)
                        return &options[i];
        return NULL;
}

const McOption *mcopt_by_long(const char *name) {
        const McOption *found = NULL;
        size_t n = strlen(name);

        for (size_t i = 0; i < ELEMENTSOF(options); i++) {
                const char *l = options[i].long_name;
                if (!l || strncmp(l, name, n) != 0)
                        continue;
                if (l[n] == '\0')
                        return &options[i];
                if (found) /* ambiguous prefix, as getopt_long() says */
                        return NULL;
                found = &options[i];
        }
        return found;
}
