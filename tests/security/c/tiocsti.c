/* Tries to type a command into its terminal with TIOCSTI, on fds 0, 1, 2
 * and /dev/tty, then reports what it had: "fd<N>=<errno>" per attempt (0 is
 * success), "devtty=<errno>" for opening /dev/tty, the targets of fds 0-2,
 * and the session and tty_nr fields of /proc/self/stat. The payload is
 * argv[1]; it is never printed. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int push(int fd, const char *s) {
    for (; *s; s++)
        if (ioctl(fd, TIOCSTI, s) < 0) return errno;
    return 0;
}

int main(int argc, char **argv) {
    const char *payload = argc > 1 ? argv[1] : "";
    for (int fd = 0; fd < 3; fd++) fprintf(stderr, "fd%d=%d ", fd, push(fd, payload));
    int t = open("/dev/tty", O_RDWR);
    if (t < 0) fprintf(stderr, "devtty=%d ", errno);
    else fprintf(stderr, "devtty=0 tty=%d ", push(t, payload));
    for (int fd = 0; fd < 3; fd++) {
        char link[32], target[256];
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        ssize_t n = readlink(link, target, sizeof target - 1);
        target[n > 0 ? n : 0] = 0;
        fprintf(stderr, "link%d=%s ", fd, target);
    }
    char stat[1024];
    FILE *f = fopen("/proc/self/stat", "r");
    size_t n = f ? fread(stat, 1, sizeof stat - 1, f) : 0;
    stat[n] = 0;
    /* Fields after the command name: state ppid pgrp session tty_nr. */
    char *p = strrchr(stat, ')');
    int pid = getpid(), ppid = 0, pgrp = 0, session = 0, tty_nr = -1;
    char state;
    if (p) sscanf(p + 2, "%c %d %d %d %d", &state, &ppid, &pgrp, &session, &tty_nr);
    fprintf(stderr, "pid=%d session=%d tty_nr=%d\n", pid, session, tty_nr);
    return 0;
}
