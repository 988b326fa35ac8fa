/* A raw Airbyte-style connector, dynamically linked: `check --config FILE` reports what it
 * found at FILE (mode, owner, whether it could write there) and the file's JSON content. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 4 || strcmp(argv[1], "check") || strcmp(argv[2], "--config")) {
        fprintf(stderr, "usage: check --config FILE\n");
        return 2;
    }
    struct stat st;
    if (stat(argv[3], &st) != 0) {
        printf("{\"type\":\"LOG\",\"log\":{\"level\":\"ERROR\",\"message\":\"stat failed: %s\"}}\n",
               strerror(errno));
        return 1;
    }
    char content[4096] = "";
    FILE *f = fopen(argv[3], "r");
    size_t got = f ? fread(content, 1, sizeof content - 1, f) : 0;
    content[got] = 0;
    if (f) fclose(f);
    int fd = open(argv[3], O_WRONLY);
    int writable = fd >= 0;
    if (fd >= 0) close(fd);
    printf("{\"type\":\"CONNECTION_STATUS\",\"connectionStatus\":{\"status\":\"SUCCEEDED\"},"
           "\"mode\":\"%o\",\"uid\":%u,\"writable\":%s,\"config\":%s}\n",
           (unsigned)(st.st_mode & 0777), (unsigned)st.st_uid, writable ? "true" : "false",
           got ? content : "null");
    return 0;
}
