/* A protobuf-codec connector whose wire bytes are encoded by hand, independently of flowspec's
 * prost declarations, to check them: it answers Discover and Validate with Response.Discovered
 * and Response.Validated messages built field by field below, and a capture's Spec with
 * Response.Spec (what merging a discovery needs: the resource path pointers).
 *
 * Field numbers are those of estuary/flow (go/protocols/capture/capture.proto @ 5c84138e,
 * go/protocols/materialize/materialize.proto @ 8173932f):
 *   capture.Request:  spec = 1, discover = 2, validate = 3
 *   capture.Request.Validate: name = 1, bindings = 4
 *   capture.Request.Validate.Binding: resource_config_json = 1, collection = 2
 *   materialize.Request:  spec = 1, validate = 2
 *   materialize.Request.Validate: name = 1, bindings = 4
 *   materialize.Request.Validate.Binding: resource_config_json = 1, collection = 2
 *   flow.CollectionSpec: name = 1
 *   capture.Response: spec = 1, discovered = 2, validated = 3, internal = 100
 *   capture.Response.Spec: protocol = 1, config_schema_json = 2,
 *     resource_config_schema_json = 3, documentation_url = 4, resource_path_pointers = 6
 *   capture.Response.Discovered: bindings = 1
 *   capture.Response.Discovered.Binding: recommended_name = 1, resource_config_json = 2,
 *     document_schema_json = 3, key = 4 (repeated), disable = 5, resource_path = 6 (repeated)
 *   capture.Response.Validated.Binding: resource_path = 1 (repeated)
 *   materialize.Response: validated = 2, internal = 100
 *   materialize.Response.Validated.Binding: constraints = 1 (map<string, Constraint>: entry
 *     key = 1, value = 2), resource_path = 2 (repeated), delta_updates = 3, ser_policy = 4
 *   materialize.Response.Validated.Constraint: type = 2, reason = 3, folded_field = 4
 *
 * The task is argv[1] (`capture` or `materialize`), else $FLOWSPEC_TEST_TASK (images), else
 * capture. Validate answers one binding per requested binding, in order, with the resource
 * path [collection name, resource config JSON] read from the request, so the test also checks
 * what flowspec sent through this independent decoder. Fields flowspec does not declare
 * (`internal`, `ser_policy`, unknown numbers) are included: a decoder must skip them. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- writing ---------------------------------------------------------------------------- */

typedef struct { unsigned char *p; size_t n, cap; } buf;

static void put(buf *b, const void *data, size_t n) {
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
        if (!b->p) exit(3);
    }
    memcpy(b->p + b->n, data, n);
    b->n += n;
}

static void varint(buf *b, uint64_t v) {
    unsigned char c;
    while (v >= 0x80) { c = (unsigned char)(v | 0x80); put(b, &c, 1); v >>= 7; }
    c = (unsigned char)v;
    put(b, &c, 1);
}

/* A field key: (number << 3) | wire type (0 varint, 2 length-delimited). */
static void key(buf *b, unsigned field, unsigned wire) { varint(b, ((uint64_t)field << 3) | wire); }

static void field_varint(buf *b, unsigned field, uint64_t v) { key(b, field, 0); varint(b, v); }

static void field_bytes(buf *b, unsigned field, const void *data, size_t n) {
    key(b, field, 2);
    varint(b, n);
    put(b, data, n);
}

static void field_str(buf *b, unsigned field, const char *s) { field_bytes(b, field, s, strlen(s)); }

/* Appends `sub` as a length-delimited field and empties it. */
static void field_msg(buf *b, unsigned field, buf *sub) {
    field_bytes(b, field, sub->p, sub->n);
    sub->n = 0;
}

/* ---- reading ---------------------------------------------------------------------------- */

typedef struct { const unsigned char *p; size_t n; } span;

static int read_varint(span *s, uint64_t *v) {
    *v = 0;
    for (int shift = 0; shift < 64 && s->n > 0; shift += 7) {
        unsigned char c = *s->p++;
        s->n--;
        *v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) return 1;
    }
    return 0;
}

/* The next field of `s`: its number, wire type and (for wire type 2) its bytes. */
static int next_field(span *s, unsigned *field, unsigned *wire, span *value, uint64_t *number) {
    uint64_t k;
    if (s->n == 0 || !read_varint(s, &k)) return 0;
    *field = (unsigned)(k >> 3);
    *wire = (unsigned)(k & 7);
    if (*wire == 0) return read_varint(s, number);
    if (*wire == 2) {
        uint64_t len;
        if (!read_varint(s, &len) || len > s->n) return 0;
        value->p = s->p;
        value->n = (size_t)len;
        s->p += len;
        s->n -= len;
        return 1;
    }
    return 0; /* flowspec sends no other wire types */
}

/* The first length-delimited field `want` of `s`. */
static int find(span s, unsigned want, span *out) {
    unsigned f, w;
    span v;
    uint64_t n;
    while (next_field(&s, &f, &w, &v, &n)) {
        if (f == want && w == 2) { *out = v; return 1; }
    }
    return 0;
}

static char *text(span s) {
    char *t = malloc(s.n + 1);
    if (!t) exit(3);
    memcpy(t, s.p, s.n);
    t[s.n] = 0;
    return t;
}

#define MAX_BINDINGS 64

/* The requested bindings of a Validate: their collection names and resource configs. */
static size_t requested(span validate, char **collections, char **resources) {
    size_t count = 0;
    unsigned f, w;
    span v, rest = validate;
    uint64_t n;
    while (count < MAX_BINDINGS && next_field(&rest, &f, &w, &v, &n)) {
        if (f != 4 || w != 2) continue;
        span resource = {0}, collection = {0}, name = {0};
        find(v, 1, &resource);
        if (find(v, 2, &collection)) find(collection, 1, &name);
        resources[count] = text(resource);
        collections[count] = text(name);
        count++;
    }
    return count;
}

/* ---- answers ---------------------------------------------------------------------------- */

static void capture_spec(buf *response) {
    buf s = {0};
    field_varint(&s, 1, 3032023);
    field_str(&s, 2, "{\"type\":\"object\",\"properties\":{\"host\":{\"type\":\"string\"}}}");
    field_str(&s, 3,
              "{\"type\":\"object\",\"properties\":{\"namespace\":{\"type\":\"string\"},"
              "\"stream\":{\"type\":\"string\"}},\"required\":[\"stream\"]}");
    field_str(&s, 4, "https://example.com/proto-ops");
    field_str(&s, 6, "/namespace");
    field_str(&s, 6, "/stream");
    field_msg(response, 1, &s);
}

static void discovered(buf *response) {
    buf d = {0}, b = {0};

    /* Orders: the plain case. Its schema is longer than 127 bytes, so its length prefix
     * takes two varint bytes; `disable` is false and therefore absent, as proto3 writes it. */
    field_str(&b, 1, "orders");
    field_str(&b, 2, "{\"namespace\":\"shop\",\"stream\":\"orders\"}");
    field_str(&b, 3,
              "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},"
              "\"note\":{\"type\":\"string\",\"description\":\"A free-text note the shop keeps "
              "with each order, long enough to need a two-byte length.\"}},"
              "\"required\":[\"id\"]}");
    field_str(&b, 4, "/id");
    field_str(&b, 6, "shop");
    field_str(&b, 6, "orders");
    field_msg(&d, 1, &b);

    /* Refunds: unknown fields before and after, a UTF-8 name, a composite key, disabled. */
    field_varint(&b, 9, 12345);
    field_str(&b, 1, "r\xc3\xa9" "funds \xe2\x9c\x93"); /* "réfunds ✓" */
    field_str(&b, 2, "{\"stream\":\"refunds\"}");
    field_str(&b, 3, "{\"type\":\"object\"}");
    field_str(&b, 4, "/order_id");
    field_str(&b, 4, "/refund_id");
    field_varint(&b, 5, 1);
    field_str(&b, 6, "refunds");
    field_str(&b, 20, "a field from the future");
    field_msg(&d, 1, &b);

    field_msg(response, 2, &d);
}

static void capture_validated(buf *response, span validate) {
    char *collections[MAX_BINDINGS], *resources[MAX_BINDINGS];
    size_t count = requested(validate, collections, resources);
    buf v = {0}, b = {0};
    for (size_t i = 0; i < count; i++) {
        field_str(&b, 1, collections[i]);
        field_str(&b, 1, resources[i]);
        field_msg(&v, 1, &b);
    }
    field_msg(response, 3, &v);
}

static void constraint(buf *binding, const char *field, int type, const char *reason,
                       const char *folded) {
    buf c = {0}, entry = {0};
    if (type) field_varint(&c, 2, (uint64_t)type);
    if (*reason) field_str(&c, 3, reason);
    if (*folded) field_str(&c, 4, folded);
    field_str(&entry, 1, field);
    field_msg(&entry, 2, &c);
    field_msg(binding, 1, &entry);
    free(c.p);
    free(entry.p);
}

static void materialize_validated(buf *response, span validate) {
    char *collections[MAX_BINDINGS], *resources[MAX_BINDINGS];
    size_t count = requested(validate, collections, resources);
    buf v = {0}, b = {0}, policy = {0};
    for (size_t i = 0; i < count; i++) {
        constraint(&b, "id", 2, "the document key", "");             /* LOCATION_REQUIRED */
        constraint(&b, "flow_document", 1, "the whole document", ""); /* FIELD_REQUIRED */
        constraint(&b, "total", 4, "", "TOTAL");                      /* FIELD_OPTIONAL */
        constraint(&b, "raw", 5, "null is not stored", "");           /* FIELD_FORBIDDEN */
        constraint(&b, "legacy", 6, "backfill to change its type", ""); /* INCOMPATIBLE */
        field_str(&b, 2, collections[i]);
        field_str(&b, 2, resources[i]);
        if (i == 0) field_varint(&b, 3, 1); /* delta_updates */
        field_varint(&policy, 1, 1000);     /* ser_policy: not declared by flowspec */
        field_msg(&b, 4, &policy);
        field_msg(&v, 1, &b);
    }
    field_msg(response, 2, &v);
}

static int fail(const char *message) {
    fprintf(stderr, "{\"level\":\"error\",\"msg\":\"%s\"}\n", message);
    return 1;
}

int main(int argc, char **argv) {
    const char *task = argc > 1 ? argv[1] : getenv("FLOWSPEC_TEST_TASK");
    int materialize = task && strcmp(task, "materialize") == 0;

    buf in = {0};
    unsigned char chunk[65536];
    ssize_t got;
    while ((got = read(0, chunk, sizeof chunk)) > 0) put(&in, chunk, (size_t)got);
    if (in.n < 4) return fail("no framed request on stdin");
    size_t len = in.p[0] | (size_t)in.p[1] << 8 | (size_t)in.p[2] << 16 | (size_t)in.p[3] << 24;
    if (len != in.n - 4) return fail("expected exactly one length-prefixed request");
    span request = {in.p + 4, len}, op;
    unsigned field, wire;
    uint64_t number;
    if (!next_field(&request, &field, &wire, &op, &number) || wire != 2)
        return fail("the request is not a protobuf message");

    buf response = {0};
    if (!materialize && field == 1) {
        capture_spec(&response);
    } else if (!materialize && field == 2) {
        discovered(&response);
    } else if (!materialize && field == 3) {
        capture_validated(&response, op);
    } else if (materialize && field == 2) {
        materialize_validated(&response, op);
    } else {
        return fail("only spec (of a capture), discover and validate are answered");
    }
    field_str(&response, 100, "internal bytes flowspec must skip");

    unsigned char prefix[4] = {(unsigned char)response.n, (unsigned char)(response.n >> 8),
                               (unsigned char)(response.n >> 16),
                               (unsigned char)(response.n >> 24)};
    fprintf(stderr, "{\"level\":\"info\",\"msg\":\"proto-ops answered\",\"bytes\":%zu}\n",
            response.n);
    if (write(1, prefix, 4) != 4) return 1;
    return write(1, response.p, response.n) == (ssize_t)response.n ? 0 : 1;
}
