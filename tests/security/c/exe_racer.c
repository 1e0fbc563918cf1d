/* Runs as root in a container: loops over /proc/<pid>/exe of every other
 * process, opening each O_RDONLY, O_PATH and O_WRONLY, and appends a line to
 * /tmp/hits for any descriptor whose st_dev/st_ino are the host tug binary's
 * (argv[1], argv[2]). It never writes to what it opens. Counters go to
 * /tmp/stats: loops, opens that worked, opens refused (EACCES/EPERM: a
 * non-dumpable process), and memfd copies seen. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    unsigned long long dev = strtoull(argv[1], 0, 10), ino = strtoull(argv[2], 0, 10);
    int modes[3] = {O_RDONLY, O_PATH, O_WRONLY};
    const char *names[3] = {"rdonly", "path", "wronly"};
    unsigned long long loops = 0, opened = 0, refused = 0, memfds = 0;
    pid_t self = getpid();
    for (;;) {
        DIR *d = opendir("/proc");
        if (!d) return 3;
        struct dirent *e;
        while ((e = readdir(d))) {
            int pid = atoi(e->d_name);
            if (pid <= 0 || pid == self) continue;
            char path[64];
            snprintf(path, sizeof path, "/proc/%d/exe", pid);
            for (int m = 0; m < 3; m++) {
                int fd = open(path, modes[m] | O_CLOEXEC);
                if (fd < 0) {
                    if (errno == EACCES || errno == EPERM) refused++;
                    continue;
                }
                opened++;
                struct stat st;
                if (fstat(fd, &st) == 0 && (unsigned long long)st.st_dev == dev &&
                    (unsigned long long)st.st_ino == ino) {
                    FILE *h = fopen("/tmp/hits", "a");
                    if (h) { fprintf(h, "pid %d %s\n", pid, names[m]); fclose(h); }
                }
                char link[64], target[256];
                snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
                ssize_t n = readlink(link, target, sizeof target - 1);
                if (n > 0) { target[n] = 0; if (strstr(target, "memfd:")) memfds++; }
                close(fd);
            }
        }
        closedir(d);
        if (++loops % 200 == 0) {
            FILE *s = fopen("/tmp/stats.new", "w");
            if (s) {
                fprintf(s, "%llu %llu %llu %llu\n", loops, opened, refused, memfds);
                fclose(s);
                rename("/tmp/stats.new", "/tmp/stats");
            }
        }
    }
}
