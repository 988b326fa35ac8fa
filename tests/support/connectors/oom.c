/* Touches 512 MiB of memory, to be killed by a small memory limit. The blocks are kept in a
 * global so the compiler cannot drop the allocations. */
#include <stdlib.h>
#include <string.h>

char *blocks[512];

int main(void) {
    for (int i = 0; i < 512; i++) {
        blocks[i] = malloc(1 << 20);
        if (!blocks[i]) return 1;
        memset(blocks[i], i + 1, 1 << 20);
    }
    return blocks[511][4096] == 0;
}
