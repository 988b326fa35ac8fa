/* Never answers and never exits. As PID 1 it ignores SIGTERM, like many real connectors. */
#include <unistd.h>

int main(void) {
    for (;;) pause();
}
