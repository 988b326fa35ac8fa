/* Logs like a failing Flow connector and exits 3 without reading its request. */
#include <stdio.h>

int main(void) {
    fprintf(stderr, "{\"level\":\"info\",\"msg\":\"starting\"}\n");
    fprintf(stderr, "{\"level\":\"error\",\"msg\":\"config invalid: missing host\",\"field\":\"host\"}\n");
    fprintf(stderr, "{\"level\":\"debug\",\"msg\":\"exiting\"}\n");
    return 3;
}
