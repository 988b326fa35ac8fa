/* Reads its request and exits 0 without a response. */
#include <unistd.h>

int main(void) {
    char buf[4096];
    while (read(0, buf, sizeof buf) > 0) {}
    return 0;
}
