/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer harness over the firewall file readers (fwfiles.h), which read
 * other tools' files from a possibly hostile image.
 *
 * Input: the first byte picks what the rest is: 'z', a firewalld zone; 'p',
 * a firewalld policy; 's', a service definition, named by a zone that
 * enables it and a rich rule that accepts it; any other, ufw's user.rules
 * (even: ufw enabled, odd: not). These must hold, or the harness names the
 * property on stderr and traps:
 *   (a) the reader returns 0: what a file holds is a finding, never an error;
 *   (b) every finding names the path handed in (or the service's), a line
 *       inside the text, and a message no longer than the text and a bound:
 *       nothing was expanded;
 *   (c) a finding is inactive only for ufw that is not enabled.
 * The sanitizers of the fuzz build add (d): no crash, leak or undefined
 * behaviour. tests/fuzz/replay.c runs it over corpus-fw/ in every build.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "fwfiles.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ZONE "/etc/firewalld/zones/fuzz.xml"
#define SERVICE "/etc/firewalld/services/fuzz.xml"
#define SERVICE_ZONE                                                                                      \
        "<?xml version=\"1.0\"?>\n<zone>\n<service name=\"fuzz\"/>\n<rule><service name=\"fuzz\"/><accept/></rule>\n</zone>\n"

static void broken(const char *property, const char *detail) {
        fprintf(stderr, "fuzz-fw: property %s broken: %s\n", property, detail);
        __builtin_trap();
}

typedef struct Input {
        const char *text;
        size_t size;
} Input;

static int lookup(void *userdata, const char *name, char **ret_text, size_t *ret_size, char **ret_path) {
        const Input *in = userdata;

        if (!in || strcmp(name, "fuzz") != 0)
                return -ENOENT;
        *ret_text = malloc(in->size + 1);
        *ret_path = strdup(SERVICE);
        if (!*ret_text || !*ret_path) {
                free(*ret_text);
                free(*ret_path);
                return -ENOMEM;
        }
        memcpy(*ret_text, in->text, in->size + 1);
        *ret_size = in->size;
        return 0;
}

static size_t count_lines(const char *s, size_t size) {
        size_t n = 1;
        for (size_t i = 0; i < size; i++)
                n += s[i] == '\n';
        return n;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
        (void) argc, (void) argv;
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(fw_findings_done) FwFindings f = {};
        _cleanup_free_ char *text = NULL;
        FwPorts ports = {};
        const char *path;
        Input in;
        size_t lines, bound;
        char mode;
        int r;

        if (size == 0 || size > 1024 * 1024)
                return 0;
        mode = (char) data[0];
        /* the readers take NUL-terminated text without NUL bytes, as rootfs.h reads it */
        text = strndup((const char *) data + 1, size - 1);
        if (!text)
                return 0;
        in = (Input) { .text = text, .size = strlen(text) };
        fw_ports_add(&ports, 11211);
        fw_ports_add(&ports, 11300);

        if (mode == 'z' || mode == 'p') {
                path = ZONE;
                r = fw_firewalld_judge(path, in.text, in.size, mode == 'p', &ports, lookup, NULL, &f);
        } else if (mode == 's') {
                path = ZONE;
                r = fw_firewalld_judge(path, SERVICE_ZONE, strlen(SERVICE_ZONE), false, &ports, lookup, &in, &f);
        } else {
                path = "/etc/ufw/user.rules";
                r = fw_ufw_judge(path, in.text, &ports, mode % 2 == 0, &f);
        }
        if (r < 0 && r != -ENOMEM)
                broken("(a)", strerror(-r));

        lines = count_lines(in.text, in.size) + count_lines(SERVICE_ZONE, strlen(SERVICE_ZONE));
        bound = 4 * in.size + 2048; /* a ufw rule's fields are said, and again in its delete command */
        for (size_t i = 0; i < f.n; i++) {
                const FwFinding *x = &f.items[i];

                if (strcmp(x->path, path) != 0 && strcmp(x->path, SERVICE) != 0)
                        broken("(b)", x->path);
                if (x->line > lines)
                        broken("(b)", "a line past the text");
                if (!x->message || !x->message[0] || strlen(x->message) > bound)
                        broken("(b)", "a message longer than its text could give");
                if (x->inactive && (mode == 'z' || mode == 'p' || mode == 's' || mode % 2 == 0))
                        broken("(c)", x->message);
        }
        return 0;
}
