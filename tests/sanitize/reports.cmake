# Sanitizer report files of a -DTRAJCORR_SANITIZE build (tests/CMakeLists.txt):
# MODE=clear empties DIR before the tests; MODE=check prints every report in DIR and
# fails if there is one.
if(MODE STREQUAL "clear")
  file(REMOVE_RECURSE "${DIR}")
  file(MAKE_DIRECTORY "${DIR}")
  return()
endif()
file(GLOB reports "${DIR}/*")
if(NOT reports)
  message(STATUS "no sanitizer report")
  return()
endif()
foreach(r IN LISTS reports)
  file(READ "${r}" text)
  message("---- ${r}\n${text}")
endforeach()
list(LENGTH reports n)
message(FATAL_ERROR "${n} sanitizer report(s) in ${DIR}")
