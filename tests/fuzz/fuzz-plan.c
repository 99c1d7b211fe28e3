/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer harness over load -> plan -> preview -> render -> re-parse.
 *
 * Input: the first byte picks what the rest is: 'u', a systemd unit of the
 * admin's (/etc/systemd/system/memcached_fuzz.service, edited in place),
 * 'v', a vendor unit (/usr/lib/systemd/system/memcached_fuzz.service, so
 * the edit is memharden's drop-in), both on the arch profile; 'a' and 'g',
 * OpenRC's /etc/conf.d/memcached on the alpine and gentoo profiles; any other by
 * its parity (even: debian's /etc/memcached.conf, odd: rhel's
 * /etc/sysconfig/memcached; the seeds use 'd' and 's'). Each input is planned
 * as a dry run (PLAN_DIFF) and as apply plans it (PLAN_WRITE), and these
 * must hold, or the harness names the property on stderr and traps:
 *   (a) both succeed or both fail, with the same error code;
 *   (b) where they succeed, they change the same files, and every file's
 *       new text is byte-identical: the preview is what apply writes;
 *   (c) the new text re-parses, and the policy finds nothing to edit in it;
 *   (d) written back as the file, it is planned again without a change;
 *   (e) re-read with any of its lines taken from the old file as read
 *       (config_reread()), it gives the options a whole re-read gives.
 * The sanitizers of the fuzz build (tests/fuzz/CMakeLists.txt) add (f): no
 * crash, abort, leak or undefined behaviour on the way.
 *
 * tests/fuzz/replay.c runs the same function over files, so every build
 * replays the corpus and the regressions.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "config.h"
#include "endpoints.h"
#include "lines.h"
#include "plan.h"
#include "policy.h"
#include "profile.h"
#include "report.h"
#include "util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One root per process, made by LLVMFuzzerInitialize(): a root per input
 * would cost more than the plan itself. Only its owner removes it, so a
 * forked child (tests/fuzz/replay.c) that exits leaves it to the parent. */
static char root[PATH_MAX];
static pid_t root_owner;

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        (void) st, (void) flag, (void) ftw;
        return remove(path);
}

static void root_remove(void) {
        if (root[0] && getpid() == root_owner)
                (void) nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

#define UNIT_OWN "/etc/systemd/system/memcached_fuzz.service"
#define UNIT_VENDOR "/usr/lib/systemd/system/memcached_fuzz.service"
#define UNIT_DROPIN "/etc/systemd/system/memcached_fuzz.service.d/50-memharden.conf"

/* Replaces the file at PATH inside the root with DATA. No fsync: the root is
 * scratch, and the fuzzer writes it thousands of times a minute. */
static int write_config(const char *path, const void *data, size_t size) {
        char full[PATH_MAX];
        _cleanup_close_ int fd = -1;
        const char *p = data;

        if (snprintf(full, sizeof full, "%s%s", root, path) >= (int) sizeof full)
                return -ENAMETOOLONG;
        fd = open(full, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
                return -errno;
        while (size > 0) {
                ssize_t k = write(fd, p, size);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                p += k;
                size -= (size_t) k;
        }
        return 0;
}

static int make_dir(const char *path) {
        char full[PATH_MAX];

        if (snprintf(full, sizeof full, "%s%s", root, path) >= (int) sizeof full)
                return -ENAMETOOLONG;
        return mkdir(full, 0755) < 0 ? -errno : 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
        const char *tmp = getenv("TMPDIR");

        (void) argc, (void) argv;
        /* The source tree's lenses, unless the caller points elsewhere: the
         * harness runs from a build directory, never installed. */
        if (setenv("MEMHARDEN_LENS_DIR", FUZZ_LENS_DIR, 0) < 0)
                abort();
        if (snprintf(root, sizeof root, "%s/memharden-fuzz-XXXXXX", tmp && tmp[0] ? tmp : "/tmp") >=
            (int) sizeof root)
                abort();
        if (!mkdtemp(root)) {
                fprintf(stderr, "memharden-fuzz: cannot make a temp root under %s: %m\n", tmp ?: "/tmp");
                abort();
        }
        root_owner = getpid();
        if (atexit(root_remove) != 0)
                abort();

        /* The layout of tests/fixtures/{debian,rhel}-exposed; the profile is
         * passed explicitly, so no os-release is needed. */
        if (make_dir("/etc") < 0 || make_dir("/etc/sysconfig") < 0 || make_dir("/etc/systemd") < 0 ||
            make_dir("/etc/systemd/system") < 0 || make_dir("/etc/systemd/system/memcached_fuzz.service.d") < 0 ||
            make_dir("/usr") < 0 || make_dir("/usr/lib") < 0 || make_dir("/usr/lib/systemd") < 0 ||
            make_dir("/usr/lib/systemd/system") < 0 || make_dir("/etc/conf.d") < 0) {
                fprintf(stderr, "memharden-fuzz: cannot make the directories of %s: %m\n", root);
                abort();
        }
        return 0;
}

/* Prints S with control bytes and backslashes escaped, so a broken property's
 * message shows the text exactly, on one line. */
static void print_escaped(const char *label, const char *s, size_t n) {
        fprintf(stderr, "memharden-fuzz:   %s: ", label);
        if (!s) {
                fputs("(none)\n", stderr);
                return;
        }
        fputc('"', stderr);
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char) s[i];
                if (c == '\n')
                        fputs("\\n", stderr);
                else if (c == '\t')
                        fputs("\\t", stderr);
                else if (c == '\\' || c == '"')
                        fprintf(stderr, "\\%c", c);
                else if (c < 0x20 || c >= 0x7f)
                        fprintf(stderr, "\\x%02x", c);
                else
                        fputc(c, stderr);
        }
        fputs("\"\n", stderr);
}

/* The input being planned, for every message about it. */
static const Profile *cur_profile;
static const uint8_t *cur_data;
static size_t cur_size;

static _Noreturn __attribute__((format(printf, 1, 2))) void broken(const char *fmt, ...) {
        va_list ap;

        fputs("memharden-fuzz: property broken: ", stderr);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
        fprintf(stderr, "memharden-fuzz:   profile: %s\n", cur_profile->name);
        print_escaped("input", (const char *) cur_data, cur_size);
        __builtin_trap();
}

static void print_error(const char *label, int r, const ErrorInfo *e) {
        char buf[1024];

        if (r >= 0) {
                fprintf(stderr, "memharden-fuzz:   %s: succeeded\n", label);
                return;
        }
        error_format(e, r, buf, sizeof buf);
        fprintf(stderr, "memharden-fuzz:   %s: %s (%s)\n", label, buf, strerror(-r));
}

static void print_text(const char *label, const char *s) {
        print_escaped(label, s, s ? strlen(s) : 0);
}

/* (c): TEXT, F's new text, reads back and needs no edit. */
static void check_reparse(Config *c, const ConfigFile *f, const char *text) {
        Arg *args = NULL;
        size_t n = 0;
        PolicyResult again = {};
        ErrorInfo e = {};
        int r;

        r = config_reparse(c, f, text, &args, &n, &e);
        if (r < 0) {
                print_error("re-parse", r, &e);
                print_text("new text", text);
                broken("(c) the new text of %s does not re-parse", f->path);
        }
        r = policy_evaluate(args, n, NULL, NULL, &again);
        if (r < 0)
                broken("(c) the policy failed on the new text of %s: %s", f->path, strerror(-r));
        if (again.n_edits > 0) {
                print_text("new text", text);
                broken("(c) the new text of %s still needs %zu edits", f->path, again.n_edits);
        }
        policy_result_done(&again);
        args_free(args, n);
}

/* (e): TEXT re-read with each line that equals a line of F (the next one,
 * in order) taken from F as read gives the options of a whole re-read. */
static void check_reread(Config *c, const ConfigFile *f, const char *text) {
        _cleanup_free_ unsigned *from = calloc(strlen(text) + 2, sizeof *from);
        TextLine cur = text_line_first(f->text);
        Arg *whole = NULL, *part = NULL;
        size_t n_whole = 0, n_part = 0;
        ErrorInfo e = {};

        if (!from)
                abort();
        if (strlen(text) > 16 * 1024)
                return; /* the matching below is quadratic */
        FOREACH_LINE(l, text)
                for (TextLine p = cur; p.start; text_line_next(&p))
                        if (text_line_is(&p, l.start, l.len)) {
                                from[l.no] = p.no;
                                cur = p;
                                text_line_next(&cur);
                                break;
                        }
        if (config_reparse(c, f, text, &whole, &n_whole, &e) < 0)
                return; /* (c) says so */
        if (config_reread(c, f, text, from, &part, &n_part, &e) < 0) {
                print_error("re-read in part", -EINVAL, &e);
                broken("(e) the new text of %s re-reads whole but not in part", f->path);
        }
        if (n_whole != n_part)
                broken("(e) a re-read in part gives %zu options, a whole one %zu", n_part, n_whole);
        for (size_t i = 0; i < n_whole; i++)
                if (whole[i].letter != part[i].letter || !streq_ptr(whole[i].value, part[i].value) ||
                    whole[i].effective != part[i].effective || whole[i].line != part[i].line)
                        broken("(e) option %zu differs between a re-read in part and a whole one", i);
        args_free(whole, n_whole);
        args_free(part, n_part);
}

/* (d): F's new TEXT, written as the file, is planned again without change.
 * The root holds only the file under test, so the plan has that one file. */
static void check_idempotent(const ConfigFile *f, const char *text) {
        _cleanup_(config_freep) Config *c = NULL;
        Report report = {};
        ErrorInfo e = {};
        int r;

        r = write_config(f->path, text, strlen(text));
        if (r < 0) {
                fprintf(stderr, "memharden-fuzz: cannot write %s%s: %s\n", root, f->path, strerror(-r));
                abort();
        }
        r = plan_build(cur_profile, root, NULL, PLAN_JUDGE, &c, &report, &e);
        if (r < 0) {
                print_error("plan of the new text", r, &e);
                print_text("new text", text);
                broken("(d) the new text of %s does not plan again", f->path);
        }
        if (report.changed || !report.compliant) {
                print_text("new text", text);
                broken("(d) the new text of %s is planned with %s", f->path,
                       report.changed ? "more edits" : "findings but no edit");
        }
        report_done(&report);
}

/* Removes PATH inside the root, if it is there. */
static void remove_file(const char *path) {
        char full[PATH_MAX];

        if (snprintf(full, sizeof full, "%s%s", root, path) < (int) sizeof full)
                (void) unlink(full);
}

/* The file input byte KIND says the rest is, with cur_profile set; no unit
 * file of an earlier input is left. */
static const char *input_path(uint8_t kind) {
        remove_file(UNIT_OWN);
        remove_file(UNIT_VENDOR);
        remove_file(UNIT_DROPIN);
        if (kind == 'u' || kind == 'v') {
                cur_profile = profile_by_name("arch");
                return kind == 'u' ? UNIT_OWN : UNIT_VENDOR;
        }
        if (kind == 'a' || kind == 'g') {
                cur_profile = profile_by_name(kind == 'a' ? "alpine" : "gentoo");
                return cur_profile->config;
        }
        cur_profile = profile_by_name(kind % 2 == 0 ? "debian" : "rhel");
        return cur_profile->config;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(config_freep) Config *c_diff = NULL, *c_write = NULL;
        Report diff = {}, written = {};
        ErrorInfo e_diff = {}, e_write = {};
        int r_diff, r_write;

        if (size < 1 || size - 1 > 64 * 1024) /* a config is a few hundred bytes */
                return -1;
        const char *path = input_path(data[0]);
        cur_data = data + 1;
        cur_size = size - 1;
        if (write_config(path, cur_data, cur_size) < 0) {
                fprintf(stderr, "memharden-fuzz: cannot write %s%s: %m\n", root, path);
                abort();
        }

        r_diff = plan_build(cur_profile, root, NULL, PLAN_DIFF, &c_diff, &diff, &e_diff);
        r_write = plan_build(cur_profile, root, NULL, PLAN_WRITE, &c_write, &written, &e_write);

        if (r_diff != r_write) {
                print_error("dry run", r_diff, &e_diff);
                print_error("apply", r_write, &e_write);
                broken("(a) the dry run and apply plans end differently");
        }
        if (r_diff >= 0) {
                if (diff.n_files != written.n_files || diff.changed != written.changed)
                        broken("(b) the dry run plans %zu files (changed: %d), apply %zu (changed: %d)",
                               diff.n_files, diff.changed, written.n_files, written.changed);
                for (size_t i = 0; i < diff.n_files; i++) {
                        const FileResult *d = &diff.files[i], *w = &written.files[i];

                        if (d->changed != w->changed || !streq_ptr(d->text, w->text)) {
                                print_text("dry run", d->text);
                                print_text("apply", w->text);
                                broken("(b) the dry run's new text of %s differs from what apply writes", d->path);
                        }
                }
                /* The ports and listeners of every file as read (the probe's
                 * and the firewall's reading): any options the plan took. */
                for (size_t i = 0; i < c_write->n_files; i++) {
                        Endpoints ep;
                        if (endpoints_from_args(c_write->files[i].args, c_write->files[i].n_args, &ep) >= 0)
                                endpoints_done(&ep);
                }
                /* Read back and planned again after all texts are compared:
                 * the root's file is overwritten by (d). */
                for (size_t i = 0; i < written.n_files; i++)
                        if (written.files[i].text) {
                                check_reread(c_write, &c_write->files[i], written.files[i].text);
                                check_reparse(c_write, &c_write->files[i], written.files[i].text);
                                check_idempotent(&c_write->files[i], written.files[i].text);
                        }
        }

        report_done(&diff);
        report_done(&written);
        return 0;
}
