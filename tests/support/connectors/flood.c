/* Writes 80 MiB to stdout, more than any response may be. */
#include <string.h>
#include <unistd.h>

int main(void) {
    static char chunk[1 << 20];
    memset(chunk, 'x', sizeof chunk);
    for (int i = 0; i < 80; i++) {
        size_t off = 0;
        while (off < sizeof chunk) {
            ssize_t w = write(1, chunk + off, sizeof chunk - off);
            if (w <= 0) return 1;
            off += (size_t)w;
        }
    }
    return 0;
}
