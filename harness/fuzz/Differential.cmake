# The Go half of the `differential` target (engine builds only; the target
# itself comes from targets.tsv): the Go reference's load path as a c-archive
# built with Go's libFuzzer instrumentation (-d=libfuzzer, and the runtime's
# `libfuzzer` tag), whose 8-bit counters and comparison hooks call into the
# libFuzzer the target links. Only the code under test is instrumented:
# coder/hnsw and the model of vectord's loader; encoding/json,
# encoding/binary, math/rand, the runtime and the dumper are not (their
# hooks were most of a run's time and their edges most of its features:
# docs/FUZZING.md). cgo compiles its C with clang.
set(LHV1_DIFF_GO_INSTRUMENTED github.com/coder/hnsw github.com/lhv1/harness/golden/gen/model)
set(diff_gcflags)
foreach(pkg ${LHV1_DIFF_GO_INSTRUMENTED})
  list(APPEND diff_gcflags -gcflags=${pkg}=-d=libfuzzer)
endforeach()
find_program(LHV1_GO go REQUIRED)
set(gen ${PROJECT_SOURCE_DIR}/golden/gen)
set(goload_dir ${CMAKE_CURRENT_BINARY_DIR}/goload)
set(goload ${goload_dir}/lhv1goload.a)
file(GLOB_RECURSE goload_sources CONFIGURE_DEPENDS ${gen}/*.go ${PROJECT_SOURCE_DIR}/go/hnswdump/*.go)
add_custom_command(OUTPUT ${goload} ${goload_dir}/lhv1goload.h
  COMMAND ${CMAKE_COMMAND} -E env CC=clang ${LHV1_GO_ENV}
          ${LHV1_GO} build -buildmode=c-archive -tags=libfuzzer ${diff_gcflags}
          -o ${goload} ./cmd/lhv1goload
  WORKING_DIRECTORY ${gen}
  DEPENDS ${goload_sources} ${gen}/go.mod ${gen}/go.sum
  COMMENT "Building the Go load path as an instrumented c-archive")
add_custom_target(lhv1goload DEPENDS ${goload})

# liblhv1 once more for this target, as the engine build compiles it but
# without comparison hooks (-fno-sanitize-coverage=trace-cmp): its edge
# counters still guide libFuzzer. liblhv1's envelope scans under those hooks
# were a third of this target's time; the C side is the oracle here, and
# the targets that fuzz liblhv1 itself (envelope, load, load_structured)
# keep them. From the seeds, 30 s: 14,000-19,000 exec/s with them, 26,000-
# 27,600 without, at equal or higher coverage (docs/FUZZING.md). The copy
# takes liblhv1's sources and build properties from its target.
get_target_property(core_sources lhv1_plain SOURCES)
get_target_property(core_dir lhv1_plain SOURCE_DIR)
set(diff_core_sources)
foreach(src ${core_sources})
  if(NOT IS_ABSOLUTE ${src})
    set(src ${core_dir}/${src})
  endif()
  list(APPEND diff_core_sources ${src})
endforeach()
add_library(lhv1_differential_core STATIC ${diff_core_sources} fuzz_helpers.c)
foreach(prop INCLUDE_DIRECTORIES COMPILE_DEFINITIONS COMPILE_OPTIONS LINK_LIBRARIES
             INTERFACE_INCLUDE_DIRECTORIES INTERFACE_LINK_LIBRARIES)
  get_target_property(value lhv1_plain ${prop})
  if(value)
    set_property(TARGET lhv1_differential_core APPEND PROPERTY ${prop} ${value})
  endif()
endforeach()
# fuzz_helpers.c reads liblhv1's private headers, as the other targets do
# through the testing library.
get_target_property(core_private lhv1_plain INCLUDE_DIRECTORIES)
target_include_directories(lhv1_differential_core PUBLIC ${core_private})
target_compile_options(lhv1_differential_core PRIVATE -fno-sanitize-coverage=trace-cmp)
target_link_libraries(differential PRIVATE lhv1_differential_core)

add_dependencies(differential lhv1goload)
target_include_directories(differential PRIVATE ${goload_dir})
find_package(Threads REQUIRED)
target_link_libraries(differential PRIVATE ${goload} Threads::Threads)
