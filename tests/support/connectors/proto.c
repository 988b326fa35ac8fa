/* A protobuf-codec connector: reads its whole request, then writes one u32-LE length-prefixed
 * message shaped like capture.Response{spec: {protocol: 3032023, config_schema_json: "..."}}. */
#include <stdint.h>
#include <string.h>
#include <unistd.h>

static size_t varint(uint32_t v, unsigned char *out) {
    size_t n = 0;
    while (v >= 0x80) { out[n++] = (unsigned char)(v | 0x80); v >>= 7; }
    out[n++] = (unsigned char)v;
    return n;
}

int main(void) {
    char buf[4096];
    while (read(0, buf, sizeof buf) > 0) {}

    const char *schema = "{\"type\":\"object\"}";
    unsigned char inner[256], msg[300], out[310];
    size_t n = 0;
    inner[n++] = 0x08;                       /* field 1, varint: protocol */
    n += varint(3032023, inner + n);
    inner[n++] = 0x12;                       /* field 2, bytes: config_schema_json */
    n += varint((uint32_t)strlen(schema), inner + n);
    memcpy(inner + n, schema, strlen(schema));
    n += strlen(schema);

    size_t m = 0;
    msg[m++] = 0x0a;                         /* Response field 1: spec */
    m += varint((uint32_t)n, msg + m);
    memcpy(msg + m, inner, n);
    m += n;

    out[0] = m & 0xff; out[1] = (m >> 8) & 0xff; out[2] = (m >> 16) & 0xff; out[3] = (m >> 24) & 0xff;
    memcpy(out + 4, msg, m);
    return write(1, out, m + 4) == (ssize_t)(m + 4) ? 0 : 1;
}
