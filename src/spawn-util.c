/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The child-process helper of spawn-util.h. */
#include "spawn-util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "util.h"

static const char *const spawn_env[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C", NULL };

DEFINE_TRIVIAL_CLEANUP_FUNC(posix_spawn_file_actions_t *, posix_spawn_file_actions_destroy);
DEFINE_TRIVIAL_CLEANUP_FUNC(posix_spawnattr_t *, posix_spawnattr_destroy);

/* Starts ARGV with stdin /dev/null and stdout+stderr on WFD, in a clean
 * environment and with every signal at its default, unblocked. */
static int spawn_start(char *const argv[], int wfd, pid_t *ret_pid) {
        posix_spawn_file_actions_t fa;
        posix_spawnattr_t attr;
        _cleanup_(posix_spawn_file_actions_destroyp) posix_spawn_file_actions_t *fap = NULL;
        _cleanup_(posix_spawnattr_destroyp) posix_spawnattr_t *attrp = NULL;
        sigset_t none, dfl;
        pid_t pid;
        int r;

        r = posix_spawn_file_actions_init(&fa);
        if (r != 0)
                return -r;
        fap = &fa;
        r = posix_spawnattr_init(&attr);
        if (r != 0)
                return -r;
        attrp = &attr;

        /* dup2 clears O_CLOEXEC on the copies only: the child gets the pipe
         * as stdout/stderr and no other descriptor of ours. */
        if ((r = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0)) != 0 ||
            (r = posix_spawn_file_actions_adddup2(&fa, wfd, STDOUT_FILENO)) != 0 ||
            (r = posix_spawn_file_actions_adddup2(&fa, wfd, STDERR_FILENO)) != 0)
                return -r;

        /* Scripts must not inherit a blocked or ignored signal from us. */
        sigemptyset(&none);
        sigfillset(&dfl);
        if ((r = posix_spawnattr_setsigmask(&attr, &none)) != 0 ||
            (r = posix_spawnattr_setsigdefault(&attr, &dfl)) != 0 ||
            (r = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)) != 0)
                return -r;

        r = posix_spawn(&pid, argv[0], &fa, &attr, argv, (char *const *) spawn_env);
        if (r != 0)
                return -r;
        *ret_pid = pid;
        return 0;
}

/* Reads what is there on RFD into OUT (SPAWN_OUTPUT_MAX, the rest is
 * dropped): 1 when something was read, 0 at EOF, -EAGAIN when nothing was. */
static int read_some(int rfd, char *out, size_t *have) {
        char tmp[4096];
        ssize_t n = read(rfd, tmp, sizeof tmp);
        size_t c;

        if (n < 0)
                return -EAGAIN;
        if (n == 0)
                return 0;
        c = (size_t) n;
        if (c > SPAWN_OUTPUT_MAX - *have)
                c = SPAWN_OUTPUT_MAX - *have;
        memcpy(out + *have, tmp, c);
        *have += c;
        return 1;
}

/* Collects the output of PID from RFD until it exits. Waits for the child,
 * not for EOF: a daemon started by the script may keep the pipe open. */
static int spawn_collect(pid_t pid, int rfd, unsigned timeout_sec, char *out, size_t *have, int *ret_status) {
        long deadline = now_ms() + (long) timeout_sec * 1000L;
        bool exited = false;
        int status = 0;

        for (;;) {
                struct pollfd p = { .fd = rfd, .events = POLLIN };
                long left = deadline - now_ms();
                int k;

                if (!exited) {
                        pid_t w = waitpid(pid, &status, WNOHANG);
                        if (w == pid)
                                exited = true;
                        else if (w < 0 && errno != EINTR)
                                return -errno;
                }
                if (!exited && left <= 0) {
                        kill(pid, SIGKILL);
                        (void) waitpid(pid, &status, 0);
                        return -ETIMEDOUT;
                }

                k = poll(&p, 1, exited ? 0 : (int) (left < 50 ? left : 50));
                if (k < 0 && errno != EINTR)
                        return -errno;
                if (k > 0) {
                        int n = read_some(rfd, out, have);
                        if (n > 0)
                                continue;
                        if (n == 0 && exited)
                                break;
                        if (n == 0) {
                                /* EOF before exit: just wait for the child. */
                                if (waitpid(pid, &status, 0) < 0)
                                        return -errno;
                                break;
                        }
                }
                if (exited && k <= 0)
                        break;
        }
        *ret_status = status;
        return 0;
}

int spawn_capture(char *const argv[], unsigned timeout_sec, int *ret_status, char **ret_output) {
        _cleanup_close_ int rfd = -1, wfd = -1;
        _cleanup_free_ char *out = NULL;
        size_t have = 0;
        int pipefd[2], status, r;
        pid_t pid;

        out = malloc(SPAWN_OUTPUT_MAX + 1);
        if (!out)
                return -ENOMEM;
        if (pipe2(pipefd, O_CLOEXEC) < 0)
                return -errno;
        rfd = pipefd[0];
        wfd = pipefd[1];

        r = spawn_start(argv, wfd, &pid);
        if (r < 0)
                return r;
        /* Our copy of the write end must go, or EOF never comes. */
        close(TAKE_FD(wfd));

        r = spawn_collect(pid, rfd, timeout_sec, out, &have, &status);
        if (r < 0)
                return r;

        out[have] = '\0';
        /* Trailing newlines read badly inside a one-line report. */
        while (have > 0 && (out[have - 1] == '\n' || out[have - 1] == '\r'))
                out[--have] = '\0';

        *ret_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        if (ret_output)
                *ret_output = TAKE_PTR(out);
        return 0;
}
