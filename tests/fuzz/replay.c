/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Replays fuzz inputs through the harness of fuzz-plan.c without libFuzzer,
 * so every build (gcc, -Werror, the sanitizer build) runs the seed corpus
 * and the regressions: `fuzz-replay FILE|DIR...`. Each input runs in a
 * child of its own, so one broken property (a trap) or sanitizer report
 * fails that input and the others still run. Exits 1 when any failed.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inputs are small; libFuzzer's default -max_len is 4096. */
#define INPUT_MAX (1024 * 1024)

static int read_input(const char *path, uint8_t **ret, size_t *ret_size) {
        _cleanup_fclose_ FILE *f = NULL;
        _cleanup_free_ uint8_t *buf = NULL;
        size_t n;

        f = fopen(path, "re");
        if (!f)
                return -errno;
        buf = malloc(INPUT_MAX + 1);
        if (!buf)
                return -ENOMEM;
        n = fread(buf, 1, INPUT_MAX + 1, f);
        if (ferror(f))
                return -EIO;
        if (n > INPUT_MAX)
                return -EFBIG;
        *ret = TAKE_PTR(buf);
        *ret_size = n;
        return 0;
}

/* 0 when PATH's input holds every property, 1 when it does not. */
static int replay_one(const char *path) {
        _cleanup_free_ uint8_t *data = NULL;
        size_t size = 0;
        pid_t pid;
        int r, status;

        r = read_input(path, &data, &size);
        if (r < 0) {
                fprintf(stderr, "FAIL %s: cannot read: %s\n", path, strerror(-r));
                return 1;
        }
        fflush(NULL);
        pid = fork();
        if (pid < 0) {
                fprintf(stderr, "FAIL %s: cannot fork: %m\n", path);
                return 1;
        }
        if (pid == 0) {
                (void) LLVMFuzzerTestOneInput(data, size);
                free(data);
                exit(EXIT_SUCCESS); /* exit(), not _exit(): LeakSanitizer checks at exit */
        }
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR) {
                        fprintf(stderr, "FAIL %s: cannot wait: %m\n", path);
                        return 1;
                }
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
                printf("ok %s\n", path);
                return 0;
        }
        if (WIFSIGNALED(status))
                fprintf(stderr, "FAIL %s: killed by signal %d (%s)\n", path, WTERMSIG(status),
                        strsignal(WTERMSIG(status)));
        else
                fprintf(stderr, "FAIL %s: exit code %d\n", path, WEXITSTATUS(status));
        return 1;
}

static int only_files(const struct dirent *d) {
        return d->d_name[0] != '.';
}

int main(int argc, char **argv) {
        unsigned total = 0, failed = 0;

        if (argc < 2) {
                fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
                return 2;
        }
        LLVMFuzzerInitialize(&argc, &argv);

        for (int i = 1; i < argc; i++) {
                struct dirent **names;
                struct stat st;
                int n;

                if (stat(argv[i], &st) < 0) {
                        fprintf(stderr, "FAIL %s: %m\n", argv[i]);
                        failed++;
                        continue;
                }
                if (!S_ISDIR(st.st_mode)) {
                        failed += replay_one(argv[i]);
                        total++;
                        continue;
                }
                /* Sorted, so two runs report in the same order. */
                n = scandir(argv[i], &names, only_files, alphasort);
                if (n < 0) {
                        fprintf(stderr, "FAIL %s: %m\n", argv[i]);
                        failed++;
                        continue;
                }
                for (int k = 0; k < n; k++) {
                        char path[PATH_MAX];

                        if (snprintf(path, sizeof path, "%s/%s", argv[i], names[k]->d_name) >= (int) sizeof path) {
                                fprintf(stderr, "FAIL %s/%s: path too long\n", argv[i], names[k]->d_name);
                                failed++;
                        } else {
                                failed += replay_one(path);
                                total++;
                        }
                        free(names[k]);
                }
                free(names);
        }

        printf("%u inputs replayed, %u failed\n", total, failed);
        if (total == 0)
                fprintf(stderr, "no inputs found\n");
        return failed > 0 || total == 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
