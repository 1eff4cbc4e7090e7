/* Plan offsets by place (plan_offset.h), plan lines, and replay files
 * (campaign_replay.h): the places the Go side names resolve to the same
 * bytes here, in key order whatever the file order. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lhv1testing/campaign_replay.h"
#include "lhv1/graph.h"
#include "lhv1/index.h"
#include "lhv1testing/fault_fields.h"
#include "lhv1testing/plan_offset.h"
#include "store_tests.h"

START_TEST(offsets_round_trip)
{
    static const char *texts[] = {"0", "57", "envelope", "graph+12", "end-2", "layer1",
                                  "layer0-1", "layer1.node3+40", "layer0.node0.vector",
                                  "layer2.node7.neighbors+1", "layer0.node1.neighbor0+2",
                                  "old.layer0.node2", "old.graph-3"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        lhv1_plan_offset o;
        char why[160], back[96];
        ck_assert_msg(lhv1_plan_offset_parse(texts[i], strlen(texts[i]), &o, why, sizeof why) == 0,
                      "%s: %s", texts[i], why);
        lhv1_plan_offset_format(&o, back, sizeof back);
        ck_assert_str_eq(back, texts[i]);
    }
}
END_TEST

START_TEST(offsets_refuse_what_is_no_place)
{
    static const struct {
        const char *text, *why;
    } bad[] = {{"", "empty"},
               {"node3", "not a place first"},
               {"layer", "needs its number"},
               {"layer1.vector", "not a place after layer"},
               {"layer1.node2.node3", "not a place after node"},
               {"graph.layer0", "not a place after graph"},
               {"graph+", "not +N or -N"},
               {"graph*2", "want +N or -N"},
               {"Graph", "not a place first"},
               {"old.", "not a place first"},
               {"layer1.node3.neighbor", "needs its number"},
               {"layer99999999999999999999", "out of range"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        lhv1_plan_offset o;
        char why[160] = "";
        ck_assert_msg(lhv1_plan_offset_parse(bad[i].text, strlen(bad[i].text), &o, why, sizeof why) < 0,
                      "\"%s\" accepted", bad[i].text);
        ck_assert_msg(strstr(why, bad[i].why), "\"%s\": %s, want \"%s\"", bad[i].text, why, bad[i].why);
    }
}
END_TEST

/* Layer 0 holds c, a, b in that file order, each with its neighbours in
 * reverse key order; layer 1 holds b: the order a map-order writer may
 * choose. */
static void map_ordered(lhv1_buf *out)
{
    lhv1_buf g;
    lhv1_buf_init(&g);
    lhv1_gw_header(&g, 1, 4, 0.7, 20, lhv1_bytes_str("cosine"), 2);
    lhv1_gw_varint(&g, 3);
    static const char *keys[] = {"c", "a", "b"};
    static const char *nbrs[][2] = {{"b", "a"}, {"c", "b"}, {"c", "a"}};
    for (int i = 0; i < 3; i++) {
        float v[2] = {(float)i, (float)(i + 1)};
        lhv1_gw_node(&g, lhv1_bytes_str(keys[i]), v, 2, 2);
        for (int k = 0; k < 2; k++)
            lhv1_gw_string(&g, lhv1_bytes_str(nbrs[i][k]));
    }
    lhv1_gw_varint(&g, 1);
    float v[2] = {2, 3};
    lhv1_gw_node(&g, lhv1_bytes_str("b"), v, 2, 0);
    lhv1_status st;
    ck_assert_int_eq(lhv1_frame(lhv1_bytes_str("{\"version\":1}"), (lhv1_bytes){g.data, g.len}, out, &st), 0);
    lhv1_buf_free(&g);
}

static uint64_t place_of(const char *text, const lhv1_buf *b)
{
    lhv1_plan_offset o;
    char why[160];
    uint64_t at;
    ck_assert_msg(lhv1_plan_offset_parse(text, strlen(text), &o, why, sizeof why) == 0, "%s", why);
    ck_assert_msg(lhv1_plan_offset_place(&o, b->data, b->len, &at, why, sizeof why) == 0, "%s: %s",
                  text, why);
    return at + (uint64_t)o.delta;
}

START_TEST(places_number_in_key_order)
{
    lhv1_buf b;
    lhv1_buf_init(&b);
    map_ordered(&b);
    /* The byte after a key's length is its first byte. */
    ck_assert_int_eq(b.data[place_of("layer0.node0+1", &b)], 'a');
    ck_assert_int_eq(b.data[place_of("layer0.node2+1", &b)], 'c');
    ck_assert_int_eq(b.data[place_of("layer1.node0+1", &b)], 'b');
    /* a's neighbours are c, b in the file: b is neighbour 0. */
    ck_assert_int_eq(b.data[place_of("layer0.node0.neighbor0+1", &b)], 'b');
    ck_assert_int_eq(b.data[place_of("layer0.node0.neighbor1+1", &b)], 'c');
    /* a's vector is {1, 2}: its first float's last byte is 0x3f. */
    ck_assert_int_eq(b.data[place_of("layer0.node0.vector+3", &b)], 0x3f);
    ck_assert_int_eq(b.data[place_of("layer0.node0.neighbors", &b)], 4); /* varint 2 */
    ck_assert_uint_eq(place_of("envelope", &b), 8);
    ck_assert_uint_eq(place_of("graph", &b), 8 + strlen("{\"version\":1}"));
    ck_assert_uint_eq(place_of("end-1", &b), b.len - 1);
    /* What the object does not have. */
    static const char *absent[] = {"layer2", "layer0.node3", "layer1.node0.neighbor0"};
    for (size_t i = 0; i < 3; i++) {
        lhv1_plan_offset o;
        char why[160];
        uint64_t at;
        lhv1_plan_offset_parse(absent[i], strlen(absent[i]), &o, why, sizeof why);
        ck_assert_msg(lhv1_plan_offset_place(&o, b.data, b.len, &at, why, sizeof why) < 0, "%s resolved",
                      absent[i]);
    }
    lhv1_buf_free(&b);
}
END_TEST

START_TEST(plan_lines_parse)
{
    static const char *lines[] = {"put-torn-prefix nth=3 cut=57 reply=503",
                                  "put-torn-over-old nth=0 persistent cut=9 reply=200",
                                  "get-bit-flip nth=2 bit=77", "get-stale nth=1 lag=2",
                                  "del-lost nth=4 persistent"};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        lhv1_fault f;
        lhv1_plan_offset at;
        char why[160], back[160];
        ck_assert_msg(lhv1_fault_parse(lines[i], &f, &at, why, sizeof why) == 0, "%s: %s", lines[i], why);
        lhv1_fault_format(&f, back, sizeof back);
        ck_assert_str_eq(back, lines[i]);
    }
    lhv1_fault f;
    lhv1_plan_offset at;
    char why[160], text[64];
    ck_assert_int_eq(lhv1_fault_parse("put-torn-over-old nth=1 cut=old.layer0.node2+3 reply=200", &f, &at,
                                      why, sizeof why),
                     0);
    lhv1_plan_offset_format(&at, text, sizeof text);
    ck_assert_str_eq(text, "old.layer0.node2+3");
    ck_assert(f.ack && f.nth == 1 && f.cut == 0);
    static const char *bad[] = {"put-torn nth=1", "none nth=0", "put-lost nth=1 cut=3",
                                "get-stale nth=1 bit=3", "put-torn-prefix nth=1 reply=404",
                                "put-torn-prefix nth=1 cut=-1", "put-torn-prefix nth=1 cut=1 cut=2",
                                "put-lost nth", "get-bit-flip nth=0 bit=old.graph",
                                "put-torn-prefix nth=0 cut=old.graph"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(lhv1_fault_parse(bad[i], &f, &at, why, sizeof why) < 0, "\"%s\" accepted", bad[i]);
}
END_TEST

static char *b64(const lhv1_buf *b)
{
    size_t n = sodium_base64_encoded_len(b->len, sodium_base64_VARIANT_ORIGINAL);
    char *out = malloc(n);
    ck_assert_ptr_nonnull(out);
    sodium_bin2base64(out, n, b->data, b->len, sodium_base64_VARIANT_ORIGINAL);
    return out;
}

/* A replay file of a bit flip at a place of a map-ordered object: its
 * bytes reproduce, liblhv1 judges the flipped vector SILENT-WRONG against
 * the acknowledged state, and a file whose bytes its plan does not make
 * is refused. */
START_TEST(replay_reproduces_a_flip)
{
    lhv1_buf obj, flipped, dump;
    lhv1_buf_init(&obj);
    lhv1_buf_init(&flipped);
    lhv1_buf_init(&dump);
    lhv1_index idx;
    lhv1_buf graph;
    lhv1_buf_init(&graph);
    make_index("x", 4, 7, &graph, &idx);
    ck_assert_int_eq(lhv1_index_encode(&idx, &obj), 0);
    ck_assert_int_eq(lhv1_index_dump(&idx, &dump), 0);
    uint64_t bit = place_of("layer0.node3.vector", &obj) * 8 + 13;
    lhv1_buf_append(&flipped, obj.data, obj.len);
    flipped.data[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    char *before = b64(&obj), *ended = b64(&flipped);
    lhv1_buf json;
    lhv1_buf_init(&json);
    lhv1_buf_printf(&json,
                    "{\"format\":\"lhv1-replay/1\",\"persistor\":\"C model\",\"index\":\"x\","
                    "\"plan\":\"get-bit-flip nth=0 bit=layer0.node3.vector+13\","
                    "\"resolved\":\"get-bit-flip nth=0 bit=%llu\",\"before\":\"%s\",\"ended\":\"%s\","
                    "\"outcome\":\"SILENT-WRONG\",\"detail\":\"\",\"states\":[{\"generation\":1,"
                    "\"role\":\"acknowledged\",\"dump\":\"",
                    (unsigned long long)bit, before, ended);
    for (size_t i = 0; i < dump.len; i++) { /* the dump as a JSON string */
        uint8_t c = dump.data[i];
        if (c == '\n') {
            lhv1_buf_puts(&json, "\\n");
            continue;
        }
        if (c == '"' || c == '\\')
            lhv1_buf_putc(&json, '\\');
        lhv1_buf_putc(&json, c);
    }
    lhv1_buf_puts(&json, "\"}]}");
    lhv1_replay_result r;
    char why[256];
    ck_assert_msg(lhv1_replay_run(json.data, json.len, &r, why, sizeof why) == 0, "%s", why);
    ck_assert(r.reproduced);
    ck_assert_str_eq(lhv1_outcome_name(r.outcome), "SILENT-WRONG");
    /* The same file with other recorded bytes: not reproduced. */
    char *p = strstr((char *)json.data, ended);
    p[0] = p[0] == 'A' ? 'B' : 'A';
    ck_assert_int_eq(lhv1_replay_run(json.data, json.len, &r, why, sizeof why), 1);
    ck_assert_msg(strstr(why, "other bytes"), "%s", why);
    ck_assert_int_eq(lhv1_replay_run((const uint8_t *)"{}", 2, &r, why, sizeof why), -1);
    free(before);
    free(ended);
    lhv1_buf_free(&json);
    lhv1_buf_free(&obj);
    lhv1_buf_free(&flipped);
    lhv1_buf_free(&dump);
    lhv1_index_free(&idx);
    lhv1_buf_free(&graph);
}
END_TEST

Suite *suite_plan_offset(void)
{
    Suite *s = suite_create("plan_offset");
    TCase *tc = tcase_create("places");
    tcase_add_test(tc, offsets_round_trip);
    tcase_add_test(tc, offsets_refuse_what_is_no_place);
    tcase_add_test(tc, places_number_in_key_order);
    tcase_add_test(tc, plan_lines_parse);
    tcase_add_test(tc, replay_reproduces_a_flip);
    suite_add_tcase(s, tc);
    return s;
}
