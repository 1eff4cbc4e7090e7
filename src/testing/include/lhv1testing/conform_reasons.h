/* The words of every failure reason a conformance judge gives: the one
 * table `lhv1 conform` (conform_judge.c) and lhv1test's TestGoldens
 * (go/lhv1test/reasons.go, generated from this file by
 * harness/conform/gen_reasons.py; ctest conform_reasons_go keeps it equal)
 * both write their reasons with, so that one failure list, whose messages
 * are compared, serves both tools (docs/CONFORMANCE.md, "Failure lists").
 *
 * X(ID, WHO, TEXT): WHO is `both` where the two tools judge the same thing,
 * `conform` or `gotest` where only one of them can (lhv1 conform reads a
 * written object with liblhv1, go test with the testee's own loader).
 * TEXT holds placeholders filled in order: {s} a string, {u} an unsigned
 * and {i} a signed integer. Testing library only. */
#ifndef LHV1_CONFORM_REASONS_H
#define LHV1_CONFORM_REASONS_H

#define LHV1_CONFORM_REASONS(X)                                                                 \
    X(LOAD, both, "testee {s}; spec {s}, Go {s}")                                               \
    X(LOAD_GO_PREDICTED, conform, "testee {s}; spec {s}, Go {s} (predicted)")                   \
    X(DUMP, both, "dump differs from the expected dump at line {u}, column {u}")                \
    X(DUMP_EDIT, conform, "dump differs from liblhv1's dump at line {u}, column {u}")           \
    X(USE_NOT_LOADED, conform, "use: liblhv1 does not load the golden")                         \
    X(USE_STEP_STORED, both, "stored vectors")                                                  \
    X(USE_STEP_ADDED, both, "the added vector")                                                 \
    X(USE_OUTCOME, both, "use: {s}: testee {s}")                                                \
    X(USE_LISTS, both, "use: {s}: {u} result lists for {u} queries")                            \
    X(USE_NOTHING, both, "use: {s}: query {u} found nothing")                                   \
    X(USE_TOO_MANY, both, "use: {s}: query {u}: {u} results for k = {u}")                       \
    X(USE_NOT_A_NODE, both, "use: {s}: query {u}: a result that is no node of the index")       \
    X(USE_NO_LINKS, both,                                                                       \
      "use: {s}: query {u}: the search returns only its starting node (no links followed)")     \
    X(USE_NOT_ADDED, both, "use: the add is not acknowledged (\"added\": true)")                \
    X(USE_COUNT, both, "use: the index reports {i} nodes after the add, want {u}")              \
    X(SAVE_OUTCOME, both, "save: testee {s}")                                                   \
    X(SAVE_VERDICT, conform, "save: liblhv1 calls the written object {s}")                      \
    X(SAVE_OUT_OF_MEMORY, conform, "save: out of memory dumping the written object")            \
    X(SAVE_RELOAD, gotest, "save: the testee's own loader does not load the written object: {s}") \
    X(SAVE_DUMP, both,                                                                          \
      "save: the written object's dump differs from the golden's at line {u}, column {u}")

typedef enum lhv1_conform_reason {
#define LHV1_CONFORM_REASON_ENUM(id, who, text) LHV1_R_##id,
    LHV1_CONFORM_REASONS(LHV1_CONFORM_REASON_ENUM)
#undef LHV1_CONFORM_REASON_ENUM
    LHV1_R_COUNT
} lhv1_conform_reason;

#endif
