/* The memory store's key order (src/lhv1/core/key_order.c) stays a
 * balanced skip list whatever keys a client adds. Its node heights once
 * came from xorshift64 under a fixed seed: a client could predict each new
 * key's height and name the short nodes so that they all sort before the
 * tall ones, leaving level 0 a plain linked list that every PUT, DELETE
 * and listing page walked end to end. This suite makes exactly those keys
 * for the old seed and counts the keys a seek compares (deterministic: no
 * clock), against ordinary keys in the same run. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "key_order.h"

enum { N_KEYS = 20000, N_SEEKS = 1000, KEY_LEN = 16 };

/* The height the old generator gave its next node (one level in four). */
static unsigned old_height(uint64_t *rng)
{
    *rng ^= *rng << 13;
    *rng ^= *rng >> 7;
    *rng ^= *rng << 17;
    unsigned h = 1;
    for (uint64_t r = *rng; h < 24 && (r & 3) == 0; r >>= 2)
        h++;
    return h;
}

/* N_KEYS keys added in order; with `attack`, each named by the height the
 * fixed seed predicts for it: "a/<i>" if 1, "z/<i>" if taller. The mean
 * keys compared by N_SEEKS seeks spread over the "a/" keys. */
static double mean_seek_cost(int attack)
{
    char (*keys)[KEY_LEN] = malloc((size_t)N_KEYS * KEY_LEN);
    ck_assert_ptr_nonnull(keys);
    lhv1_key_order o;
    ck_assert_int_eq(lhv1_key_order_init(&o), 0);
    uint64_t rng = 0x9e3779b97f4a7c15ULL;
    for (int i = 0; i < N_KEYS; i++) {
        int tall = old_height(&rng) > 1;
        snprintf(keys[i], KEY_LEN, "%c/%08d", attack && tall ? 'z' : 'a', i);
        lhv1_key_order_node *n = lhv1_key_order_node_new(&o);
        ck_assert_ptr_nonnull(n);
        lhv1_key_order_add(&o, n, (lhv1_bytes){(const uint8_t *)keys[i], strlen(keys[i])});
    }
    double total = 0;
    for (int s = 0; s < N_SEEKS; s++) {
        char from[KEY_LEN];
        snprintf(from, sizeof from, "a/%08d", (int)((long)s * N_KEYS / N_SEEKS));
        total += (double)lhv1_key_order_seek_cost(&o, (lhv1_bytes){(const uint8_t *)from,
                                                                    strlen(from)});
    }
    lhv1_key_order_free(&o);
    free(keys);
    return total / N_SEEKS;
}

/* A skip list with one level in four compares about 4 log4(n) keys a
 * search (about 30 here); the old seed under attack compared thousands. */
START_TEST(keys_named_for_predicted_heights_stay_logarithmic)
{
    double bound = 10 * log2(N_KEYS); /* ≈ 143 */
    double ordinary = mean_seek_cost(0), attacked = mean_seek_cost(1);
    printf("key_order: mean keys compared a seek over %d keys: ordinary %.1f, named for the "
           "fixed seed's heights %.1f (bound %.0f)\n", N_KEYS, ordinary, attacked, bound);
    ck_assert_msg(ordinary < bound, "ordinary keys: %.1f compared a seek", ordinary);
    ck_assert_msg(attacked < bound,
                  "keys named for the predicted heights: %.1f compared a seek (ordinary %.1f)",
                  attacked, ordinary);
}
END_TEST

/* Two lists draw different heights: nothing one list shows a client (by
 * timing) tells it the next list's heights. Equal costs for 64 seeks over
 * the same 4,096 keys in two lists would be a shared seed. */
START_TEST(each_list_has_its_own_seed)
{
    enum { N = 4096 };
    static char keys[N][KEY_LEN];
    lhv1_key_order o[2];
    for (int k = 0; k < 2; k++) {
        ck_assert_int_eq(lhv1_key_order_init(&o[k]), 0);
        for (int i = 0; i < N; i++) {
            snprintf(keys[i], KEY_LEN, "k%08d", i);
            lhv1_key_order_node *n = lhv1_key_order_node_new(&o[k]);
            ck_assert_ptr_nonnull(n);
            lhv1_key_order_add(&o[k], n, (lhv1_bytes){(const uint8_t *)keys[i], strlen(keys[i])});
        }
    }
    int differ = 0;
    for (int s = 0; s < 64; s++) {
        lhv1_bytes from = {(const uint8_t *)keys[s * (N / 64) + 7], 9};
        differ += lhv1_key_order_seek_cost(&o[0], from) != lhv1_key_order_seek_cost(&o[1], from);
    }
    lhv1_key_order_free(&o[0]);
    lhv1_key_order_free(&o[1]);
    ck_assert_msg(differ > 0, "two lists compared the same keys in all 64 seeks: one seed");
}
END_TEST

Suite *suite_key_order(void)
{
    Suite *s = suite_create("key_order");
    TCase *tc = tcase_create("key_order");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, keys_named_for_predicted_heights_stay_logarithmic);
    tcase_add_test(tc, each_list_has_its_own_seed);
    suite_add_tcase(s, tc);
    return s;
}
