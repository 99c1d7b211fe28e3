/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The ports and findings the firewall file parsers share (fwfiles.h). */
#include "fwfiles.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"

void fw_ports_add(FwPorts *p, int port) {
        if (port < 1 || port > 65535 || p->n >= FW_PORTS_MAX)
                return;
        for (size_t i = 0; i < p->n; i++)
                if (p->port[i] == port)
                        return;
        p->port[p->n++] = port;
}

int fw_findings_add(FwFindings *f, FwKind kind, const char *path, unsigned line, bool inactive, const char *fmt, ...) {
        char *p, *m;
        va_list ap;
        int k;

        if (!GREEDY_REALLOC(f->items, f->n_allocated, f->n + 1))
                return -ENOMEM;
        va_start(ap, fmt);
        k = vasprintf(&m, fmt, ap);
        va_end(ap);
        if (k < 0)
                return -ENOMEM;
        p = strdup(path);
        if (!p) {
                free(m);
                return -ENOMEM;
        }
        f->items[f->n++] = (FwFinding) { .kind = kind, .path = p, .line = line, .message = m, .inactive = inactive };
        return 0;
}

void fw_findings_done(FwFindings *f) {
        for (size_t i = 0; i < f->n; i++) {
                free(f->items[i].path);
                free(f->items[i].message);
        }
        free(f->items);
        *f = (FwFindings) {};
}
