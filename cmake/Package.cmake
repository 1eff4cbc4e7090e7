# The Debian package of what `cmake --install` installs (the lhv1 tool,
# liblhv1 and its headers), built by CPack: `cmake --workflow --preset cli`,
# or `cpack -G DEB` in any build tree. Its dependencies are the runtime column
# of ci/packages.tsv, the one package list.
set(LHV1_PACKAGE_LIST ${PROJECT_SOURCE_DIR}/ci/packages.tsv)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${LHV1_PACKAGE_LIST})
file(STRINGS ${LHV1_PACKAGE_LIST} rows REGEX "^[^#]")
set(depends)
foreach(row ${rows})
  string(REPLACE "\t" ";" cols "${row}")
  list(LENGTH cols n)
  if(NOT n EQUAL 3)
    message(FATAL_ERROR "ci/packages.tsv: not three columns: ${row}")
  endif()
  list(GET cols 2 runtime)
  if(NOT runtime STREQUAL "-")
    list(APPEND depends ${runtime})
  endif()
endforeach()
list(JOIN depends ", " LHV1_PACKAGE_DEPENDS)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME lhv1)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "LHV1 harness maintainers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "LHV1 harness: the lhv1 tool (verify, dump, serve, conform...) and liblhv1")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "${LHV1_PACKAGE_DEPENDS}")
set(CPACK_STRIP_FILES ON)
include(CPack)
