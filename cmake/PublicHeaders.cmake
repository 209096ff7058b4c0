# Every public header compiles alone: for each *.hpp under a library's public include
# directories (those inside this repository), a generated translation unit that includes only
# that header, built in the normal build against what the library exports. A header that leans
# on an include its users happened to make first, or on a library's private include path,
# fails the build instead of its next user.
#   kavosh_compile_public_headers_alone(<library target>...)
function(kavosh_compile_public_headers_alone)
  foreach(library IN LISTS ARGN)
    get_target_property(include_dirs ${library} INTERFACE_INCLUDE_DIRECTORIES)
    set(sources)
    foreach(include_dir IN LISTS include_dirs)
      cmake_path(IS_PREFIX PROJECT_SOURCE_DIR "${include_dir}" NORMALIZE inside_repository)
      if(NOT inside_repository)
        continue()
      endif()
      file(GLOB_RECURSE headers CONFIGURE_DEPENDS RELATIVE ${include_dir} ${include_dir}/*.hpp)
      foreach(header IN LISTS headers)
        set(source ${CMAKE_BINARY_DIR}/public_headers/${header}.cpp)
        file(CONFIGURE OUTPUT ${source} CONTENT "#include \"${header}\"\n" @ONLY)
        list(APPEND sources ${source})
      endforeach()
    endforeach()
    if(sources)
      add_library(${library}_public_headers OBJECT ${sources})
      target_link_libraries(${library}_public_headers PRIVATE ${library})
    endif()
  endforeach()
endfunction()
