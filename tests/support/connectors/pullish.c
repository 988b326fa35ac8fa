/* Prints output that looks like `docker pull` progress, on stderr, plus plain text; it must
 * come back as connector logs, never as pull progress. Then answers normally. */
#include <stdio.h>
#include <unistd.h>

int main(void) {
    char buf[4096];
    while (read(0, buf, sizeof buf) > 0) {}
    fprintf(stderr, "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":1,\"total\":2},\"id\":\"abc\"}\n");
    fprintf(stderr, "Status: Downloaded newer image for flowspec-test/pullish:v1\n");
    fflush(stderr);
    fprintf(stderr, "plain text without a newline at the end");
    printf("{\"spec\":{\"protocol\":3032023,\"configSchema\":{},\"resourceConfigSchema\":{}}}\n");
    return 0;
}
