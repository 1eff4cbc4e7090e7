/* No input may hang the checker: loading must stay near-linear whatever
 * the keys. The node sets of the invariant checks are hash tables; an
 * unkeyed hash lets a crafted file put every key of a layer in one probe
 * cluster, and the checks go quadratic. src/lhv1/graph/keyset.c hashes with SipHash
 * under a key drawn at random per process, into a table of 1.5n + 1 slots
 * (the slot: the hash times the slot count, high 64 bits). This suite
 * crafts keys that collide
 * under the hashes an attacker could aim at: FNV-1a 64 (h ^ h >> 29, the
 * hash liblhv1 once used) and SipHash-2-4 under a fixed all-zero key (what
 * a SipHash table without a secret key would be), and compares the load
 * time with the same number of ordinary keys. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "builder.h"
#include "check_suites.h"

enum { N_KEYS = 30000 };

static uint64_t fnv1a_mixed(const uint8_t *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h ^ (h >> 29);
}

static uint64_t siphash_zero_key(const uint8_t *p, size_t n)
{
    static const unsigned char zero[crypto_shorthash_KEYBYTES];
    unsigned char h[crypto_shorthash_BYTES];
    crypto_shorthash(h, p, n, zero);
    uint64_t v;
    memcpy(&v, h, sizeof v);
    return v;
}

/* One layer of N_KEYS nodes with 5-byte keys; with `flood` set, only keys
 * whose slot under that hash falls in the first 1/64 of the table. */
static void keyed_object(tb_object *o, uint64_t (*flood)(const uint8_t *, size_t))
{
    uint64_t cap = N_KEYS + N_KEYS / 2 + 1;
    lhv1_buf_printf(&o->env,
                    "{\"version\":1,\"params\":{\"name\":\"docs\",\"dimension\":1,\"distance\":"
                    "\"cosine\",\"m\":%d,\"ef_search\":%d},\"count\":%d}",
                    TB_M, TB_EF, N_KEYS);
    tb_graph_std_header(o, 1);
    lhv1_gw_varint(&o->graph, N_KEYS);
    uint32_t c = 0;
    for (int made = 0; made < N_KEYS; c++) {
        uint8_t k[5] = {'k', (uint8_t)c, (uint8_t)(c >> 8), (uint8_t)(c >> 16), (uint8_t)(c >> 24)};
        if (flood && (uint64_t)(((unsigned __int128)flood(k, 5) * cap) >> 64) >= cap / 64)
            continue;
        lhv1_gw_node(&o->graph, (lhv1_bytes){k, 5}, (const float[]){1}, 1, 0);
        made++;
    }
    tb_finish(o);
}

static double cpu_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double load_seconds(const tb_object *o)
{
    lhv1_status st;
    double t = cpu_seconds();
    lhv1_verdict v = tb_load((lhv1_bytes){o->body.data, o->body.len}, NULL, &st);
    t = cpu_seconds() - t;
    ck_assert_msg(v == LHV1_OK, "%s: %s", lhv1_reason_code(st.reason), st.message);
    return t;
}

static void assert_not_quadratic(uint64_t (*hash)(const uint8_t *, size_t), const char *name)
{
    tb_object plain, flood;
    tb_init(&plain);
    tb_init(&flood);
    keyed_object(&plain, NULL);
    keyed_object(&flood, hash);
    ck_assert_uint_eq(plain.body.len, flood.body.len);
    double t_plain = load_seconds(&plain), t_flood = load_seconds(&flood);
    printf("complexity: %d nodes, %zu bytes: ordinary keys %.3f s, keys colliding under %s "
           "%.3f s CPU\n",
           N_KEYS, flood.body.len, t_plain, name, t_flood);
    tb_free(&plain);
    tb_free(&flood);
    ck_assert_msg(t_flood <= 10 * t_plain + 0.05,
                  "keys colliding under %s load in %.3f s, ordinary ones in %.3f s: the "
                  "checker is quadratic in crafted keys (100000 of them, 800 KB, took 25 s)",
                  name, t_flood, t_plain);
}

START_TEST(colliding_keys_do_not_go_quadratic)
{
    assert_not_quadratic(fnv1a_mixed, "FNV-1a");
}
END_TEST

/* Fails if the table's SipHash key were fixed (or left zero) instead of
 * drawn per process. */
START_TEST(keys_crafted_against_unkeyed_siphash_do_not_go_quadratic)
{
    ck_assert_int_ge(sodium_init(), 0);
    assert_not_quadratic(siphash_zero_key, "SipHash with a zero key");
}
END_TEST

Suite *suite_complexity(void)
{
    Suite *s = suite_create("complexity");
    TCase *tc = tcase_create("complexity");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, colliding_keys_do_not_go_quadratic);
    tcase_add_test(tc, keys_crafted_against_unkeyed_siphash_do_not_go_quadratic);
    suite_add_tcase(s, tc);
    return s;
}
