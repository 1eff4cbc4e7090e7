/* lhv1_edit_envelope_value (lhv1testing/envelope_edits.h), the edit that
 * lets load_structured reach envelope values inside a valid frame. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "builder.h"
#include "lhv1/frame.h"
#include "lhv1testing/envelope_edits.h"
#include "lhv1testing/prng.h"
#include "check_suites.h"

enum { SEEDS = 4000 };

/* What SEEDS edits of the standard object (with metadata) did. */
typedef struct tally {
    int framed, graph_kept, longer, shorter, folded, long_number, long_key, not_ok;
} tally;

static tally edit_many(void)
{
    tb_object o;
    tb_init(&o);
    tb_env_std(&o, 2, 3, "{\"a\":{\"i\":1}}");
    tb_graph_std(&o);
    lhv1_bytes obj = tb_finish(&o);
    lhv1_bytes env0, graph0;
    lhv1_status st;
    ck_assert_int_eq(lhv1_unframe(obj.data, obj.len, &env0, &graph0, &st), 0);
    tally t = {0};
    for (uint64_t seed = 1; seed <= SEEDS; seed++) {
        uint64_t bytes_state = seed;
        lhv1_buf out;
        lhv1_buf_init(&out);
        ck_assert_int_eq(lhv1_edit_envelope_value(obj.data, obj.len, seed, lhv1_seeded_mutate,
                                                  &bytes_state, &out),
                         0);
        lhv1_bytes env, graph;
        if (lhv1_unframe(out.data, out.len, &env, &graph, &st) == 0) {
            t.framed++;
            t.graph_kept += graph.len == graph0.len && memcmp(graph.data, graph0.data, graph.len) == 0;
            t.longer += env.len > env0.len;
            t.shorter += env.len < env0.len;
            lhv1_index idx;
            lhv1_verdict v = lhv1_index_load(out.data, out.len, NULL, &idx, &st);
            t.not_ok += v != LHV1_OK;
            t.folded += st.reason == LHV1_R_ENV_FOLDED_KEY;
            if (v == LHV1_OK || v == LHV1_INCONSISTENT)
                lhv1_index_free(&idx);
            /* A number literal of 24 characters or more; a key of 32 bytes or more. */
            char *text = strndup((const char *)env.data, env.len);
            ck_assert_ptr_nonnull(text);
            for (char *p = text; *p; p++) {
                size_t digits = strspn(p, "-+.eE0123456789");
                if (digits >= 24 && (p == text || strchr(":[,", p[-1])))
                    t.long_number++;
                p += digits ? digits - 1 : 0;
            }
            for (char *p = strchr(text, '"'); p; p = strchr(p + 1, '"')) {
                char *end = strchr(p + 1, '"');
                if (!end)
                    break;
                t.long_key += end - p - 1 >= 32 && end[1] == ':';
                p = end;
            }
            free(text);
        }
        lhv1_buf_free(&out);
    }
    tb_free(&o);
    return t;
}

/* Every edit is a framed object around the same graph bytes: the edit
 * changes only the envelope, whatever its length becomes. */
START_TEST(frame_kept_graph_untouched)
{
    tally t = edit_many();
    ck_assert_int_eq(t.framed, SEEDS);
    ck_assert_int_eq(t.graph_kept, SEEDS);
    ck_assert_int_gt(t.longer, SEEDS / 10);
    ck_assert_int_gt(t.shorter, SEEDS / 20);
}
END_TEST

/* The values the re-encoding edits cannot write: keys Go folds onto a
 * field, long literals, long keys, and envelopes that stop being ok. */
START_TEST(reaches_what_reencoding_cannot)
{
    tally t = edit_many();
    ck_assert_int_gt(t.folded, 10);
    ck_assert_int_gt(t.long_number, 10);
    ck_assert_int_gt(t.long_key, 10);
    ck_assert_int_gt(t.not_ok, SEEDS / 4);
    ck_assert_int_lt(t.not_ok, SEEDS);
}
END_TEST

/* No frame or no token: nothing to edit. */
START_TEST(refuses_what_it_cannot_edit)
{
    static const uint8_t no_frame[] = "LHV0\0\0\0\0";
    static const uint8_t no_token[] = {'L', 'H', 'V', '1', 0, 0, 0, 2, '{', '}'};
    uint64_t state = 1;
    lhv1_buf out;
    lhv1_buf_init(&out);
    ck_assert_int_eq(lhv1_edit_envelope_value(no_frame, 8, 1, lhv1_seeded_mutate, &state, &out), -1);
    ck_assert_int_eq(lhv1_edit_envelope_value(no_token, sizeof no_token, 1, lhv1_seeded_mutate,
                                              &state, &out),
                     -1);
    ck_assert_uint_eq(out.len, 0);
    lhv1_buf_free(&out);
}
END_TEST

Suite *suite_envelope_edits(void)
{
    Suite *s = suite_create("envelope_edits");
    TCase *tc = tcase_create("envelope_edits");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, frame_kept_graph_untouched);
    tcase_add_test(tc, reaches_what_reencoding_cannot);
    tcase_add_test(tc, refuses_what_it_cannot_edit);
    suite_add_tcase(s, tc);
    return s;
}
