/* A Flow JSON-codec connector answering any request with a valid spec response. Its log line
 * reports what the container saw (request size, argv, network interfaces, memory limit, env) so
 * tests can check the invocation got through intact. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void read_first_line(const char *path, char *out, size_t cap) {
    FILE *f = fopen(path, "r");
    if (!f) return;
    if (fgets(out, (int)cap, f)) out[strcspn(out, "\n")] = 0;
    fclose(f);
}

int main(int argc, char **argv) {
    char buf[65536];
    size_t total = 0;
    ssize_t r;
    while ((r = read(0, buf, sizeof buf)) > 0) total += (size_t)r;

    char nets[1024] = "";
    DIR *d = opendir("/sys/class/net");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        if (nets[0]) strncat(nets, ",", sizeof nets - strlen(nets) - 1);
        strncat(nets, e->d_name, sizeof nets - strlen(nets) - 1);
    }
    if (d) closedir(d);

    char mem[64] = "unknown";
    read_first_line("/sys/fs/cgroup/memory/memory.limit_in_bytes", mem, sizeof mem);
    read_first_line("/sys/fs/cgroup/memory.max", mem, sizeof mem);

    char args[1024] = "";
    for (int i = 1; i < argc; i++) {
        if (i > 1) strncat(args, " ", sizeof args - strlen(args) - 1);
        strncat(args, argv[i], sizeof args - strlen(args) - 1);
    }
    const char *greeting = getenv("GREETING");

    fprintf(stderr,
            "{\"level\":\"info\",\"msg\":\"read request\",\"bytes\":%zu,\"args\":\"%s\","
            "\"net\":\"%s\",\"memory\":\"%s\",\"greeting\":\"%s\"}\n",
            total, args, nets, mem, greeting ? greeting : "");
    printf("{\"spec\":{\"protocol\":3032023,"
           "\"configSchema\":{\"type\":\"object\",\"properties\":{\"host\":{\"type\":\"string\"}}},"
           "\"resourceConfigSchema\":{\"type\":\"object\"},"
           "\"documentationUrl\":\"https://example.com/spec\"}}\n");
    return 0;
}
