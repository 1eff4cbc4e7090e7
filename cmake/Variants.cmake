# Build variants. lhv1_variant_flags(<target> <variant>) gives a target the
# warnings every target gets and, for "asan", the sanitizer flags; they are
# PUBLIC so that whatever links a sanitized library is sanitized too.
set(LHV1_WARNINGS -Wall -Wextra -Wshadow -Wstrict-prototypes -Wformat=2 -Wvla
    -Werror=implicit-function-declaration)
set(LHV1_ASAN_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all
    -fno-omit-frame-pointer)

function(lhv1_variant_flags target variant)
  target_compile_options(${target} PRIVATE ${LHV1_WARNINGS})
  if(variant STREQUAL "asan")
    target_compile_options(${target} PUBLIC ${LHV1_ASAN_FLAGS})
    target_link_options(${target} PUBLIC -fsanitize=address,undefined)
  endif()
endfunction()

# Environment for tests of a variant: fail on the first report, detect leaks.
# Check's per-test timeouts (4 s unless a suite sets its own; only where
# tests fork, so in plain) were wall-clock bounds a loaded machine broke: a
# 2-core machine running two test commands runs a test ten times slower
# (load average 19 measured). They are put far beyond the test's ctest
# TIMEOUT, the one guard against a hang.
function(lhv1_variant_test_env test variant)
  set_property(TEST ${test} APPEND PROPERTY LABELS ${variant})
  set_property(TEST ${test} APPEND PROPERTY ENVIRONMENT "CK_TIMEOUT_MULTIPLIER=100")
  if(variant STREQUAL "asan")
    set_property(TEST ${test} APPEND PROPERTY ENVIRONMENT
      "ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1"
      "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1"
      "CK_FORK=no")
  endif()
endfunction()
