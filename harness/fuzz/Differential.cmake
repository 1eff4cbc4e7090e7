# The Go half of the `differential` target (engine builds only; the target
# itself comes from targets.tsv): the Go reference's load path as a c-archive
# built with Go's libFuzzer instrumentation (-gcflags=all=-d=libfuzzer, and
# the runtime's `libfuzzer` tag), whose 8-bit counters and comparison hooks
# call into the libFuzzer the target links. cgo compiles its C with clang.
find_program(LHV1_GO go REQUIRED)
set(gen ${PROJECT_SOURCE_DIR}/golden/gen)
set(goload_dir ${CMAKE_CURRENT_BINARY_DIR}/goload)
set(goload ${goload_dir}/lhv1goload.a)
file(GLOB_RECURSE goload_sources CONFIGURE_DEPENDS ${gen}/*.go ${PROJECT_SOURCE_DIR}/go/hnswdump/*.go)
add_custom_command(OUTPUT ${goload} ${goload_dir}/lhv1goload.h
  COMMAND ${CMAKE_COMMAND} -E env CC=clang ${LHV1_GO_ENV}
          ${LHV1_GO} build -buildmode=c-archive -tags=libfuzzer -gcflags=all=-d=libfuzzer
          -o ${goload} ./cmd/lhv1goload
  WORKING_DIRECTORY ${gen}
  DEPENDS ${goload_sources} ${gen}/go.mod ${gen}/go.sum
  COMMENT "Building the Go load path as an instrumented c-archive")
add_custom_target(lhv1goload DEPENDS ${goload})

add_dependencies(differential lhv1goload)
target_include_directories(differential PRIVATE ${goload_dir})
find_package(Threads REQUIRED)
target_link_libraries(differential PRIVATE ${goload} Threads::Threads)
