/* The envelope (FORMAT.md section 4), decoded directly: each field
 * missing, mistyped, non-integral, out of range; versions, distances,
 * duplicate keys at every depth, \u0000, UTF-8, trailing bytes, unknown
 * fields, metadata shapes, check order, and encode -> decode. */
#include <string.h>
#include <sys/mman.h>

#include "json_scan.h"
#include "lhv1/envelope.h"
#include "metadata.h"
#include "check_suites.h"

#define V "\"version\":1"
#define PARAMS_(name, dim, dist, m, ef)                                               \
    "\"params\":{\"name\":" name ",\"dimension\":" dim ",\"distance\":" dist ",\"m\":" m \
    ",\"ef_search\":" ef "}"
#define PARAMS PARAMS_("\"docs\"", "2", "\"cosine\"", "4", "8")
#define COUNT "\"count\":3"
#define STD V "," PARAMS "," COUNT

typedef struct env_case {
    const char *json;
    size_t len; /* 0 = strlen(json) */
    lhv1_reason reason;
    const char *msg; /* substring the message must hold, or NULL */
} env_case;

#define E(json, reason, msg) {json, 0, reason, msg}
#define EB(json, reason, msg) {json, sizeof(json) - 1, reason, msg} /* holds NUL bytes */

static const env_case cases[] = {
    /* accepted */
    E("{" STD "}", LHV1_R_NONE, NULL),
    E(" \n\t{" STD "}\r\n ", LHV1_R_NONE, NULL),
    E("{" STD ",\"metadata\":null}", LHV1_R_NONE, NULL),
    E("{" STD ",\"metadata\":{}}", LHV1_R_NONE, NULL),
    E("{" STD ",\"metadata\":{\"a\":{},\"b\":{\"x\":[1,{\"y\":null}]}}}", LHV1_R_NONE, NULL),
    E("{" STD ",\"extra\":{\"deep\":[1,2,{\"k\":\"v\"}]},\"Versions\":7}", LHV1_R_NONE, NULL),
    E("{" V ",\"params\":{\"name\":\"docs\",\"dimension\":2,\"distance\":\"cosine\",\"m\":4,"
      "\"ef_search\":8,\"future\":true}," COUNT "}",
      LHV1_R_NONE, NULL),
    E("{" V "," PARAMS_("\"d\"", "1000", "\"cosine\"", "9007199254740992", "1") ",\"count\":-0}",
      LHV1_R_NONE, NULL), /* -0 is 0 to ParseInt too */
    /* keys Go does not fold onto a field: U+0130, U+0131, U+212A (no field
     * has a k), a case variant inside metadata (a map) or an unknown member */
    E("{" STD ",\"vers\xc4\xb0on\":2,\"vers\xc4\xb1on\":2,\"\xe2\x84\xaaount\":2}", LHV1_R_NONE, NULL),
    E("{" STD ",\"metadata\":{\"a\":{\"Version\":2,\"version\":1}},\"x\":{\"COUNT\":1}}",
      LHV1_R_NONE, NULL),
    E("{" V ",\"params\":{\"name\":\"d\",\"dimension\":2,\"distance\":\"cosine\",\"m\":4,"
      "\"ef_search\":8,\"Count\":1,\"Version\":2}," COUNT "}",
      LHV1_R_NONE, NULL), /* root fields mean nothing inside params */
    E("{" V "," PARAMS_("\"d\\u00e9\\\\u0000\"", "2", "\"cosine\"", "4", "8") "," COUNT "}",
      LHV1_R_NONE, NULL), /* an escaped backslash then "u0000" is not a NUL */
    E("{" STD ",\"note\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"}", LHV1_R_NONE, NULL),

    /* missing */
    E("{" PARAMS "," COUNT "}", LHV1_R_ENV_MISSING_FIELD, "version"),
    E("{" V "," COUNT "}", LHV1_R_ENV_MISSING_FIELD, "params"),
    E("{" V ",\"params\":{\"dimension\":2,\"distance\":\"cosine\",\"m\":4,\"ef_search\":8},"
      COUNT "}",
      LHV1_R_ENV_MISSING_FIELD, "params.name"),
    E("{" V ",\"params\":{\"name\":\"d\",\"distance\":\"cosine\",\"m\":4,\"ef_search\":8}," COUNT
      "}",
      LHV1_R_ENV_MISSING_FIELD, "params.dimension"),
    E("{" V ",\"params\":{\"name\":\"d\",\"dimension\":2,\"m\":4,\"ef_search\":8}," COUNT "}",
      LHV1_R_ENV_MISSING_FIELD, "params.distance"),
    E("{" V ",\"params\":{\"name\":\"d\",\"dimension\":2,\"distance\":\"cosine\",\"ef_search\":8},"
      COUNT "}",
      LHV1_R_ENV_MISSING_FIELD, "params.m"),
    E("{" V ",\"params\":{\"name\":\"d\",\"dimension\":2,\"distance\":\"cosine\",\"m\":4},"
      COUNT "}",
      LHV1_R_ENV_MISSING_FIELD, "params.ef_search"),
    E("{" V "," PARAMS "}", LHV1_R_ENV_MISSING_FIELD, "count"),
    E("{\"VERSION\":1," PARAMS "," COUNT "}", LHV1_R_ENV_FOLDED_KEY, "VERSION"),

    /* keys Go reads as a field without being its name (ASCII case, U+017F) */
    E("{" STD ",\"Version\":7}", LHV1_R_ENV_FOLDED_KEY, "Version"),
    E("{" V ",\"paramſ\":{}," PARAMS "," COUNT "}", LHV1_R_ENV_FOLDED_KEY, "paramſ"),
    E("{" V ",\"params\":{\"name\":\"d\",\"dimension\":2,\"diſtance\":\"cosine\",\"m\":4,"
      "\"ef_search\":8}," COUNT "}",
      LHV1_R_ENV_FOLDED_KEY, "distance"),
    E("{" V ",\"params\":{\"name\":\"d\",\"dimension\":2,\"distance\":\"cosine\",\"M\":4,"
      "\"ef_search\":8}," COUNT "}",
      LHV1_R_ENV_FOLDED_KEY, "\"M\""),
    E("{" STD ",\"\\u0043ount\":3}", LHV1_R_ENV_FOLDED_KEY, "Count"), /* escapes decoded first */
    E("{" STD ",\"METADATA\":null}", LHV1_R_ENV_FOLDED_KEY, "METADATA"),

    /* integers to JSON that Go's int refuses */
    E("{\"version\":1.0," PARAMS "," COUNT "}", LHV1_R_ENV_INTEGER_SPELLING, "version"),
    E("{" V "," PARAMS_("\"d\"", "1e3", "\"cosine\"", "4", "8") "," COUNT "}",
      LHV1_R_ENV_INTEGER_SPELLING, "params.dimension"),
    E("{" V "," PARAMS_("\"d\"", "2", "\"cosine\"", "1E0", "8") "," COUNT "}",
      LHV1_R_ENV_INTEGER_SPELLING, "params.m"),
    E("{" V "," PARAMS_("\"d\"", "2", "\"cosine\"", "4", "80e-1") "," COUNT "}",
      LHV1_R_ENV_INTEGER_SPELLING, "params.ef_search"),
    E("{" V "," PARAMS ",\"count\":0.0e5}", LHV1_R_ENV_INTEGER_SPELLING, "count"),

    /* wrong type */
    E("{\"version\":\"1\"," PARAMS "," COUNT "}", LHV1_R_ENV_WRONG_TYPE, "version"),
    E("{\"version\":null," PARAMS "," COUNT "}", LHV1_R_ENV_WRONG_TYPE, "version"),
    E("{\"version\":true," PARAMS "," COUNT "}", LHV1_R_ENV_WRONG_TYPE, "version"),
    E("{" V ",\"params\":[1]," COUNT "}", LHV1_R_ENV_WRONG_TYPE, "params"),
    E("{" V ",\"params\":null," COUNT "}", LHV1_R_ENV_WRONG_TYPE, "params"),
    E("{" V "," PARAMS_("5", "2", "\"cosine\"", "4", "8") "," COUNT "}", LHV1_R_ENV_WRONG_TYPE,
      "params.name"),
    E("{" V "," PARAMS_("\"d\"", "\"2\"", "\"cosine\"", "4", "8") "," COUNT "}",
      LHV1_R_ENV_WRONG_TYPE, "params.dimension"),
    E("{" V "," PARAMS_("\"d\"", "2", "1", "4", "8") "," COUNT "}", LHV1_R_ENV_WRONG_TYPE,
      "params.distance"),
    E("{" V "," PARAMS_("\"d\"", "2", "\"cosine\"", "[4]", "8") "," COUNT "}",
      LHV1_R_ENV_WRONG_TYPE, "params.m"),
    E("{" V "," PARAMS_("\"d\"", "2", "\"cosine\"", "4", "{}") "," COUNT "}",
      LHV1_R_ENV_WRONG_TYPE, "params.ef_search"),
    E("{" V "," PARAMS ",\"count\":\"3\"}", LHV1_R_ENV_WRONG_TYPE, "count"),
    E("{" STD ",\"metadata\":[]}", LHV1_R_ENV_WRONG_TYPE, "metadata"),
    E("{" STD ",\"metadata\":\"x\"}", LHV1_R_ENV_WRONG_TYPE, "metadata"),
    E("{" STD ",\"metadata\":{\"a\":{},\"b\":1}}", LHV1_R_ENV_WRONG_TYPE, "b"),
    E("{" STD ",\"metadata\":{\"a\":[]}}", LHV1_R_ENV_WRONG_TYPE, "a"),
    E("{" STD ",\"metadata\":{\"a\":null}}", LHV1_R_ENV_WRONG_TYPE, "a"),

    /* not an integer */
    E("{\"version\":1.5," PARAMS "," COUNT "}", LHV1_R_ENV_NOT_INTEGER, "version"),
    E("{" V "," PARAMS_("\"d\"", "2.5", "\"cosine\"", "4", "8") "," COUNT "}",
      LHV1_R_ENV_NOT_INTEGER, "params.dimension"),
    E("{" V "," PARAMS_("\"d\"", "2", "\"cosine\"", "4.000001", "8") "," COUNT "}",
      LHV1_R_ENV_NOT_INTEGER, "params.m"),
    E("{" V "," PARAMS_("\"d\"", "2", "\"cosine\"", "4", "1e-1") "," COUNT "}",
      LHV1_R_ENV_NOT_INTEGER, "params.ef_search"),
    E("{" V "," PARAMS ",\"count\":3.25}", LHV1_R_ENV_NOT_INTEGER, "count"),
    E("{" V "," PARAMS_("\"d\"", "-1.5", "\"cosine\"", "4", "8") "," COUNT "}",
      LHV1_R_ENV_NOT_INTEGER, "params.dimension"), /* integer is checked before range */

    /* out of range */
    E("{" V "," PARAMS_("\"\"", "2", "\"cosine\"", "4", "8") "," COUNT "}",
      LHV1_R_ENV_OUT_OF_RANGE, "params.name"),
    E("{" V "," PARAMS_("\"d\"", "0", "\"cosine\"", "4", "8") "," COUNT "}",
      LHV1_R_ENV_OUT_OF_RANGE, "params.dimension"),
    E("{" V "," PARAMS_("\"d\"", "-2", "\"cosine\"", "4", "8") "," COUNT "}",
      LHV1_R_ENV_OUT_OF_RANGE, "params.dimension"),
    E("{" V "," PARAMS_("\"d\"", "9007199254740994", "\"cosine\"", "4", "8") "," COUNT "}",
      LHV1_R_ENV_OUT_OF_RANGE, "params.dimension"),
    E("{" V "," PARAMS_("\"d\"", "1e300", "\"cosine\"", "4", "8") "," COUNT "}",
      LHV1_R_ENV_OUT_OF_RANGE, "params.dimension"),
    E("{" V "," PARAMS_("\"d\"", "2", "\"cosine\"", "0", "8") "," COUNT "}",
      LHV1_R_ENV_OUT_OF_RANGE, "params.m"),
    E("{" V "," PARAMS_("\"d\"", "2", "\"cosine\"", "4", "-8") "," COUNT "}",
      LHV1_R_ENV_OUT_OF_RANGE, "params.ef_search"),
    E("{" V "," PARAMS ",\"count\":-1}", LHV1_R_ENV_OUT_OF_RANGE, "count"),
    E("{" V "," PARAMS ",\"count\":1e16}", LHV1_R_ENV_OUT_OF_RANGE, "count"),
    /* The magnitude limit of an integer is the same for both signs. */
    E("{\"version\":1e17," PARAMS "," COUNT "}", LHV1_R_ENV_OUT_OF_RANGE, "version"),
    E("{\"version\":-1e17," PARAMS "," COUNT "}", LHV1_R_ENV_OUT_OF_RANGE, "version"),

    /* version and distance values */
    E("{\"version\":2," PARAMS "," COUNT "}", LHV1_R_ENV_BAD_VERSION, "2"),
    E("{\"version\":0," PARAMS "," COUNT "}", LHV1_R_ENV_BAD_VERSION, "0"),
    E("{\"version\":-1," PARAMS "," COUNT "}", LHV1_R_ENV_BAD_VERSION, "-1"),
    E("{" V "," PARAMS_("\"d\"", "2", "\"dot\"", "4", "8") "," COUNT "}",
      LHV1_R_ENV_UNKNOWN_DISTANCE, "dot"),
    E("{" V "," PARAMS_("\"d\"", "2", "\"Cosine\"", "4", "8") "," COUNT "}",
      LHV1_R_ENV_UNKNOWN_DISTANCE, "Cosine"),
    E("{" V "," PARAMS_("\"d\"", "2", "\"\"", "4", "8") "," COUNT "}",
      LHV1_R_ENV_UNKNOWN_DISTANCE, "distance"),

    /* duplicate keys at every depth */
    E("{" V "," STD "}", LHV1_R_ENV_DUPLICATE_KEY, "version"),
    E("{" V "," PARAMS_("\"d\"", "2", "\"cosine\"", "4,\"m\":4", "8") "," COUNT "}",
      LHV1_R_ENV_DUPLICATE_KEY, "\"m\""),
    E("{" STD ",\"metadata\":{\"a\":{\"x\":1,\"x\":2}}}", LHV1_R_ENV_DUPLICATE_KEY, "x"),
    E("{" STD ",\"metadata\":{\"a\":{},\"a\":{}}}", LHV1_R_ENV_DUPLICATE_KEY, "a"),
    E("{" STD ",\"metadata\":{\"a\":{\"l\":[0,{\"kk\":1,\"kk\":1}]}}}", LHV1_R_ENV_DUPLICATE_KEY,
      "kk"),
    E("{" STD ",\"junk\":{\"q\":1,\"q\":1}}", LHV1_R_ENV_DUPLICATE_KEY, "q"),
    E("{" STD ",\"metadata\":{\"a\":{},\"\\u0061\":{}}}", LHV1_R_ENV_DUPLICATE_KEY, "a"),
    E("{" STD ",\"x\":\"\\ud83d\\ude00\"}", LHV1_R_NONE, NULL), /* a surrogate pair */

    /* \u0000 */
    E("{" V "," PARAMS_("\"do\\u0000cs\"", "2", "\"cosine\"", "4", "8") "," COUNT "}",
      LHV1_R_ENV_NUL_ESCAPE, NULL),
    E("{" STD ",\"metadata\":{\"a\\u0000b\":{}}}", LHV1_R_ENV_NUL_ESCAPE, NULL),
    E("{" STD ",\"x\":\"\\u0000\"}", LHV1_R_ENV_NUL_ESCAPE, NULL),

    /* invalid UTF-8: bad lead, overlong, surrogate, above U+10FFFF, cut */
    E("{" STD ",\"x\":\"\xff\"}", LHV1_R_ENV_INVALID_UTF8, NULL),
    E("{" STD ",\"x\":\"\xc0\xaf\"}", LHV1_R_ENV_INVALID_UTF8, NULL),
    E("{" STD ",\"x\":\"\xed\xa0\x80\"}", LHV1_R_ENV_INVALID_UTF8, NULL),
    E("{" STD ",\"x\":\"\xf4\x90\x80\x80\"}", LHV1_R_ENV_INVALID_UTF8, NULL),
    E("{" STD ",\"x\":\"\xe2\x82\"}", LHV1_R_ENV_INVALID_UTF8, NULL),
    E("{" STD ",\"\xfe\":1}", LHV1_R_ENV_INVALID_UTF8, NULL),
    E("{" STD "}\xe2\x82", LHV1_R_ENV_INVALID_UTF8, NULL),

    /* syntax */
    E("", LHV1_R_ENV_SYNTAX, NULL),
    E("   ", LHV1_R_ENV_SYNTAX, NULL),
    E("{", LHV1_R_ENV_SYNTAX, NULL),
    E("{" STD ",}", LHV1_R_ENV_SYNTAX, NULL),
    E("{'version':1}", LHV1_R_ENV_SYNTAX, NULL),
    E("{" STD ",\"x\":\"a\tb\"}", LHV1_R_ENV_SYNTAX, NULL), /* raw control char */
    E("{" STD ",\"x\":\"\\q\"}", LHV1_R_ENV_SYNTAX, NULL),
    EB("{\"version\0\":1}", LHV1_R_ENV_SYNTAX, NULL),

    /* what cJSON accepts and JSON forbids */
    E("\xef\xbb\xbf{" STD "}", LHV1_R_ENV_SYNTAX, NULL), /* byte order mark */
    E("{" V "," PARAMS_("\"d\"", "2", "\"cosine\"", "04", "8") "," COUNT "}", LHV1_R_ENV_SYNTAX,
      NULL),
    E("{" V "," PARAMS_("\"d\"", "2", "\"cosine\"", "4.", "8") "," COUNT "}", LHV1_R_ENV_SYNTAX,
      NULL),
    E("{" V "," PARAMS_("\"d\"", "2", "\"cosine\"", ".5", "8") "," COUNT "}", LHV1_R_ENV_SYNTAX,
      NULL),
    E("{" V "," PARAMS_("\"d\"", "2", "\"cosine\"", "+4", "8") "," COUNT "}", LHV1_R_ENV_SYNTAX,
      NULL),
    E("{" V "," PARAMS_("\"d\"", "2", "\"cosine\"", "4", "8") ",\"count\":-}",
      LHV1_R_ENV_SYNTAX, NULL),
    E("{" STD ",\x01\"x\":1}", LHV1_R_ENV_SYNTAX, NULL), /* control byte as whitespace */
    E("{" V "," PARAMS_("\"d\"", "1E+2", "\"cosine\"", "4", "8") ",\"count\":-0}",
      LHV1_R_ENV_INTEGER_SPELLING, "1E+2"),

    /* numbers beyond float64: out of range wherever they are */
    E("{" STD ",\"metadata\":{\"a\":{\"n\":1e999}}}", LHV1_R_ENV_OUT_OF_RANGE, NULL),
    E("{" STD ",\"junk\":[-2e309]}", LHV1_R_ENV_OUT_OF_RANGE, NULL),
    E("{" V "," PARAMS_("\"d\"", "2", "\"cosine\"", "1e999", "8") "," COUNT "}",
      LHV1_R_ENV_OUT_OF_RANGE, NULL),

    /* trailing bytes, checked before the type of the value */
    E("{" STD "}x", LHV1_R_ENV_TRAILING_BYTES, NULL),
    E("{" STD "}{}", LHV1_R_ENV_TRAILING_BYTES, NULL),
    E("{" STD "} \n,", LHV1_R_ENV_TRAILING_BYTES, NULL),
    EB("{" STD "}\0\0\0", LHV1_R_ENV_TRAILING_BYTES, NULL), /* zero padding */
    E("[1] x", LHV1_R_ENV_TRAILING_BYTES, NULL),

    /* not an object */
    E("[]", LHV1_R_ENV_NOT_OBJECT, NULL),
    E("1", LHV1_R_ENV_NOT_OBJECT, NULL),
    E("\"s\"", LHV1_R_ENV_NOT_OBJECT, NULL),
    E("null", LHV1_R_ENV_NOT_OBJECT, NULL),
    E(" true ", LHV1_R_ENV_NOT_OBJECT, NULL),

    /* check order between classes and fields */
    E("{\"\xff\":1,", LHV1_R_ENV_INVALID_UTF8, NULL),
    E("{\"a\":\"\\u0000\",", LHV1_R_ENV_NUL_ESCAPE, NULL),
    E("{\"a\":\"\x01\",\"b\":\"\\u0000\"}", LHV1_R_ENV_NUL_ESCAPE, NULL),
    E("{\"version\":1,\"version\":2}", LHV1_R_ENV_DUPLICATE_KEY, "version"),
    E("{\"params\":5,\"count\":\"x\"}", LHV1_R_ENV_MISSING_FIELD, "version"),
    E("{\"version\":\"x\"}", LHV1_R_ENV_WRONG_TYPE, "version"),
    E("{\"version\":2,\"params\":5}", LHV1_R_ENV_BAD_VERSION, NULL),
    E("{" V ",\"params\":{\"dimension\":\"x\"}}", LHV1_R_ENV_MISSING_FIELD, "params.name"),
    E("{" V ",\"params\":{\"name\":\"d\",\"dimension\":\"x\"}}", LHV1_R_ENV_WRONG_TYPE,
      "params.dimension"),
    E("{" V ",\"params\":{\"name\":\"d\",\"dimension\":2,\"distance\":\"dot\"}}",
      LHV1_R_ENV_UNKNOWN_DISTANCE, NULL),
    E("{" V "," PARAMS ",\"count\":-1,\"metadata\":5}", LHV1_R_ENV_OUT_OF_RANGE, "count"),
};
#define N_CASES (int)(sizeof cases / sizeof cases[0])

START_TEST(decode_case)
{
    const env_case *c = &cases[_i];
    size_t n = c->len ? c->len : strlen(c->json);
    lhv1_envelope env;
    lhv1_status st;
    int rc = lhv1_envelope_decode((const uint8_t *)c->json, n, &env, &st);
    ck_assert_msg(st.reason == c->reason, "case %d %.80s: reason %s, want %s (%s)", _i, c->json,
                  lhv1_reason_code(st.reason), lhv1_reason_code(c->reason), st.message);
    if (c->reason == LHV1_R_NONE) {
        ck_assert_int_eq(rc, 0);
        ck_assert_int_eq(st.verdict, LHV1_OK);
        lhv1_envelope_free(&env);
        return;
    }
    ck_assert_int_eq(rc, -1);
    ck_assert_int_eq(st.verdict, LHV1_DECODE_ERROR);
    ck_assert_msg(st.offset >= 0 && (size_t)st.offset <= n, "case %d: offset %lld of %zu", _i,
                  (long long)st.offset, n);
    ck_assert(st.message[0] != '\0');
    if (c->msg)
        ck_assert_msg(strstr(st.message, c->msg) != NULL, "case %d: message \"%s\" lacks \"%s\"",
                      _i, st.message, c->msg);
}
END_TEST

/* Offsets that must name the exact byte. */
START_TEST(offsets_name_the_byte)
{
    static const struct {
        const char *json;
        const char *at; /* the spot: first occurrence of this text */
        lhv1_reason reason;
    } rows[] = {
        {"{" STD ",\"x\":\"ab\xff\"}", "\xff", LHV1_R_ENV_INVALID_UTF8},
        {"{" STD ",\"x\":\"ab\\u0000\"}", "\\u0000", LHV1_R_ENV_NUL_ESCAPE},
        {"{" STD "}  \n  xyz", "xyz", LHV1_R_ENV_TRAILING_BYTES},
        /* the literal at fault, not the envelope's start */
        {"{" STD ",\"x\":{\"k\":1,\"j\":[2,3],\"k\" :4}}", "\"k\" :", LHV1_R_ENV_DUPLICATE_KEY},
        {"{" STD ",\"x\":[1,2,-1e999]}", "-1e999", LHV1_R_ENV_OUT_OF_RANGE},
        {"{\"a\":{\"b\":{\"b\":1},\"b\":2},\"z\":1e999}", "\"b\":2", LHV1_R_ENV_DUPLICATE_KEY},
        {"{\"z\":[1e999],\"a\":{\"b\":{\"b\":1},\"b\":2}}", "1e999", LHV1_R_ENV_OUT_OF_RANGE},
        {"{" STD ",\"Count\":1}", "\"Count\"", LHV1_R_ENV_FOLDED_KEY},
        /* duplicate, folded key and number beyond float64: the first in document order */
        {"{\"Count\":1,\"x\":1,\"x\":2,\"y\":1e999}", "\"Count\"", LHV1_R_ENV_FOLDED_KEY},
        {"{\"x\":1,\"x\":2,\"Count\":1,\"y\":1e999}", "\"x\":2", LHV1_R_ENV_DUPLICATE_KEY},
        {"{\"y\":[1e999],\"x\":1,\"x\":2,\"Count\":1}", "1e999", LHV1_R_ENV_OUT_OF_RANGE},
        {"{\"version\":1,\"params\":{\"a\":-1e999,\"NAME\":\"x\"}}", "-1e999", LHV1_R_ENV_OUT_OF_RANGE},
        {"{\"version\":1,\"params\":{\"NAME\":\"x\",\"a\":-1e999}}", "\"NAME\"", LHV1_R_ENV_FOLDED_KEY},
        {"{\"version\":1e0," PARAMS "," COUNT "}", "1e0", LHV1_R_ENV_INTEGER_SPELLING},
    };
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        lhv1_envelope env;
        lhv1_status st;
        const char *j = rows[r].json;
        ck_assert_int_eq(lhv1_envelope_decode((const uint8_t *)j, strlen(j), &env, &st), -1);
        ck_assert_msg(st.reason == rows[r].reason, "row %zu: %s", r, lhv1_reason_code(st.reason));
        ck_assert_msg(st.offset == strstr(j, rows[r].at) - j, "row %zu: offset %lld, want %lld", r,
                      (long long)st.offset, (long long)(strstr(j, rows[r].at) - j));
    }
}
END_TEST

START_TEST(decoded_values)
{
    const char *j = "{" V "," PARAMS_("\"na\\\"me\\u00e9\"", "384", "\"euclidean\"", "16", "20")
                    ",\"count\":1000,\"metadata\":{\"k1\":{\"t\":\"x\"}}}";
    lhv1_envelope env;
    lhv1_status st;
    ck_assert_int_eq(lhv1_envelope_decode((const uint8_t *)j, strlen(j), &env, &st), 0);
    ck_assert_int_eq(env.version, 1);
    ck_assert_str_eq(env.name, "na\"me\xc3\xa9");
    ck_assert_int_eq(env.dimension, 384);
    ck_assert_str_eq(env.distance, "euclidean");
    ck_assert_int_eq(env.m, 16);
    ck_assert_int_eq(env.ef_search, 20);
    ck_assert_int_eq(env.count, 1000);
    ck_assert_ptr_nonnull(env.metadata);
    cJSON *meta = lhv1_metadata_to_cjson(env.metadata);
    ck_assert(cJSON_IsObject(meta));
    const cJSON *k1 = cJSON_GetObjectItemCaseSensitive(meta, "k1");
    ck_assert_ptr_nonnull(k1);
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(k1, "t")->valuestring, "x");
    cJSON_Delete(meta);
    lhv1_envelope_free(&env);

    /* metadata null and absent both decode to NULL */
    const char *nul = "{" STD ",\"metadata\":null}", *absent = "{" STD "}";
    ck_assert_int_eq(lhv1_envelope_decode((const uint8_t *)nul, strlen(nul), &env, &st), 0);
    ck_assert_ptr_null(env.metadata);
    lhv1_envelope_free(&env);
    ck_assert_int_eq(lhv1_envelope_decode((const uint8_t *)absent, strlen(absent), &env, &st), 0);
    ck_assert_ptr_null(env.metadata);
    lhv1_envelope_free(&env);
}
END_TEST

/* Longer than a frame's 32-bit envelope length: refused before any byte is
 * read (the mapping is never touched, so it costs no memory). */
START_TEST(over_4_gib_refused)
{
    size_t n = (size_t)UINT32_MAX + 1;
    void *p = mmap(NULL, n, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    ck_assert_ptr_ne(p, MAP_FAILED);
    lhv1_envelope env;
    lhv1_status st;
    ck_assert_int_eq(lhv1_envelope_decode(p, n, &env, &st), -1);
    ck_assert_int_eq(st.reason, LHV1_R_FRAME_ENVELOPE_OVERRUN);
    ck_assert_int_eq(st.offset, (int64_t)UINT32_MAX);
    lhv1_envelope_free(&env);
    munmap(p, n);
}
END_TEST

/* cJSON's nesting limit is 1000: deeper is a syntax error, not a crash. */
START_TEST(nesting_depth)
{
    for (int depth = 900; depth <= 1100; depth += 200) {
        lhv1_buf b;
        lhv1_buf_init(&b);
        lhv1_buf_puts(&b, "{" STD ",\"deep\":");
        for (int i = 0; i < depth; i++)
            lhv1_buf_putc(&b, '[');
        for (int i = 0; i < depth; i++)
            lhv1_buf_putc(&b, ']');
        lhv1_buf_putc(&b, '}');
        lhv1_envelope env;
        lhv1_status st;
        int rc = lhv1_envelope_decode(b.data, b.len, &env, &st);
        if (depth < 1000) {
            ck_assert_msg(rc == 0, "depth %d: %s", depth, st.message);
            lhv1_envelope_free(&env);
        } else {
            ck_assert_int_eq(rc, -1);
            ck_assert_int_eq(st.reason, LHV1_R_ENV_SYNTAX);
        }
        lhv1_buf_free(&b);
    }
}
END_TEST

/* encode -> decode gives the same fields; encode of that is the same text. */
/* The envelope decoder judges JSON syntax with json_scan.c, which follows
 * cJSON's parser without building a tree: on texts built from JSON's
 * pieces, cut and spliced at random, it must agree with the cJSON we link
 * on acceptance, on where the value ends and on the error offset. */
START_TEST(scan_agrees_with_cjson)
{
    static const char *const pieces[] = {
        "{", "}", "[", "]", ",", ":", "\"", "\\", " ", "\t", "\n", "\x01", "\x7f", "null",
        "true", "fals", "0", "-", "1.5", "1e", "e+3", ".", "01", "-.5", "1.e5", "\"k\"",
        "\"\\u0041\"", "\\ud83d\\ude00", "\\ud800", "\\udc00", "\\uzz", "\\u12", "\\n", "\\x",
        "\xef\xbb\xbf", "\"a\":1", "123456789012345678901234567890123456789012345678901234567890"
        "1234567890", "\xc3\xa9"};
    uint64_t x = 0x9E3779B97F4A7C15u;
    char text[512];
    for (int iter = 0; iter < 200000; iter++) {
        size_t n = 0;
        int parts = 1 + (int)((x >> 60) & 15);
        for (int k = 0; k < parts; k++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            const char *piece = pieces[x % (sizeof pieces / sizeof pieces[0])];
            size_t len = strlen(piece);
            if (n + len >= sizeof text)
                break;
            memcpy(text + n, piece, len);
            n += len;
        }
        const char *end = NULL;
        cJSON *j = cJSON_ParseWithLengthOpts(text, n, &end, 0);
        size_t mine;
        int ok = lhv1_cjson_accepts((const uint8_t *)text, n, &mine);
        ck_assert_msg(ok == (j != NULL), "%.*s: cJSON %s, scan %s", (int)n, text,
                      j ? "accepts" : "refuses", ok ? "accepts" : "refuses");
        if (n > 0)
            ck_assert_msg(end && (size_t)(end - text) == mine, "%.*s: cJSON at %td, scan at %zu",
                          (int)n, text, end ? end - text : -1, mine);
        cJSON_Delete(j);
    }
    /* and at the nesting limit */
    for (int depth = CJSON_NESTING_LIMIT - 1; depth <= CJSON_NESTING_LIMIT + 1; depth++) {
        char deep[2 * CJSON_NESTING_LIMIT + 8];
        memset(deep, '[', (size_t)depth);
        memset(deep + depth, ']', (size_t)depth);
        const char *end = NULL;
        cJSON *j = cJSON_ParseWithLengthOpts(deep, 2 * (size_t)depth, &end, 0);
        size_t mine;
        ck_assert_int_eq(lhv1_cjson_accepts((const uint8_t *)deep, 2 * (size_t)depth, &mine),
                         j != NULL);
        ck_assert_uint_eq(mine, (size_t)(end - deep));
        cJSON_Delete(j);
    }
}
END_TEST

START_TEST(encode_decode_round_trip)
{
    static const char *const names[] = {"docs", "q\"uo\\te", "tab\there\x01", "\xc3\xa9t\xc3\xa9",
                                        "/slash"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        lhv1_envelope a, b;
        ck_assert_int_eq(lhv1_envelope_init(&a, names[i], 9007199254740992LL, "euclidean",
                                            1000000000000000LL, 7, 0), 0);
        if (i % 2)
            a.metadata = lhv1_metadata_from_cjson(cJSON_Parse("{\"k\":{\"n\":1.5,\"s\":\"\\u00e9\",\"l\":[true,null]},"
                                     "\"k2\":{}}"));
        lhv1_buf t1, t2;
        lhv1_buf_init(&t1);
        lhv1_buf_init(&t2);
        ck_assert_int_eq(lhv1_envelope_encode(&a, &t1), 0);
        lhv1_status st;
        ck_assert_msg(lhv1_envelope_decode(t1.data, t1.len, &b, &st) == 0, "%s: %.*s", st.message,
                      (int)t1.len, (const char *)t1.data);
        ck_assert_int_eq(b.version, 1);
        ck_assert_str_eq(b.name, names[i]);
        ck_assert_int_eq(b.dimension, 9007199254740992LL);
        ck_assert_str_eq(b.distance, "euclidean");
        ck_assert_int_eq(b.m, 1000000000000000LL);
        ck_assert_int_eq(b.ef_search, 7);
        ck_assert_int_eq(b.count, 0);
        if (a.metadata) {
            cJSON *ma = lhv1_metadata_to_cjson(a.metadata), *mb = lhv1_metadata_to_cjson(b.metadata);
            ck_assert(cJSON_Compare(ma, mb, 1));
            cJSON_Delete(ma);
            cJSON_Delete(mb);
        }
        else
            ck_assert_ptr_null(b.metadata);
        ck_assert_int_eq(lhv1_envelope_encode(&b, &t2), 0);
        ck_assert_uint_eq(t1.len, t2.len);
        ck_assert_mem_eq(t1.data, t2.data, t1.len);
        lhv1_buf_free(&t1);
        lhv1_buf_free(&t2);
        lhv1_envelope_free(&a);
        lhv1_envelope_free(&b);
    }
}
END_TEST

Suite *suite_envelope(void)
{
    Suite *s = suite_create("envelope");
    TCase *tc = tcase_create("decode");
    tcase_add_loop_test(tc, decode_case, 0, N_CASES);
    tcase_add_test(tc, offsets_name_the_byte);
    tcase_add_test(tc, decoded_values);
    tcase_add_test(tc, nesting_depth);
    tcase_add_test(tc, over_4_gib_refused);
    tcase_add_test(tc, encode_decode_round_trip);
    tcase_add_test(tc, scan_agrees_with_cjson);
    suite_add_tcase(s, tc);
    return s;
}
