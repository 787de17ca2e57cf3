# Build helpers shared by every folder: one call per library, binary or test.

set(GALLERY_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
    -Wold-style-cast -Wcast-align -Wunused -Woverloaded-virtual -Wnull-dereference
    -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
if(GALLERY_WERROR)
  list(APPEND GALLERY_WARNINGS -Werror)
endif()

if(GALLERY_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()

# Every library is instrumented for coverage-guided fuzzing; only the fuzz binaries link
# libFuzzer's main (tests/fuzz/CMakeLists.txt).
if(GALLERY_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "GALLERY_FUZZ needs clang (-DCMAKE_CXX_COMPILER=clang++)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()

# gallery_cc_library(NAME n SRCS ... DEPS ...) defines target gallery_n, alias gallery::n.
function(gallery_cc_library)
  cmake_parse_arguments(G "" "NAME" "SRCS;DEPS" ${ARGN})
  add_library(gallery_${G_NAME} STATIC ${G_SRCS})
  add_library(gallery::${G_NAME} ALIAS gallery_${G_NAME})
  target_include_directories(gallery_${G_NAME} PUBLIC ${PROJECT_SOURCE_DIR})
  target_compile_options(gallery_${G_NAME} PRIVATE ${GALLERY_WARNINGS})
  target_link_libraries(gallery_${G_NAME} PUBLIC ${G_DEPS})
endfunction()

# gallery_cc_binary(NAME n SRCS ... DEPS ...) builds the executable n.
function(gallery_cc_binary)
  cmake_parse_arguments(G "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${G_NAME} ${G_SRCS})
  target_compile_options(${G_NAME} PRIVATE ${GALLERY_WARNINGS})
  target_link_libraries(${G_NAME} PRIVATE ${G_DEPS})
endfunction()

# gallery_cc_test(NAME n SRCS ... DEPS ... [LABELS ...]) builds a GoogleTest binary and
# registers it with ctest. Tests run from the build tree and find binaries through
# GALLERY_BIN_DIR and source data through GALLERY_SOURCE_DIR.
function(gallery_cc_test)
  cmake_parse_arguments(G "" "NAME" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${G_NAME} ${G_SRCS})
  target_compile_options(${G_NAME} PRIVATE ${GALLERY_WARNINGS})
  target_link_libraries(${G_NAME} PRIVATE ${G_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_compile_definitions(${G_NAME} PRIVATE
    GALLERY_SOURCE_DIR="${PROJECT_SOURCE_DIR}" GALLERY_BIN_DIR="${PROJECT_BINARY_DIR}/bin")
  add_test(NAME ${G_NAME} COMMAND ${G_NAME})
  if(G_LABELS)
    set_tests_properties(${G_NAME} PROPERTIES LABELS "${G_LABELS}")
  endif()
endfunction()
