# Embeds numbered SQL migrations (NNNN_name.sql) into a generated C++ source so
# the binary carries its own schema history. The generated file defines
#   const linli::Migration <SYMBOL>[]; const int <SYMBOL>_count;
function(linli_embed_sql out_var symbol dir)
  file(GLOB sql_files CONFIGURE_DEPENDS "${dir}/[0-9][0-9][0-9][0-9]_*.sql")
  list(SORT sql_files)
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${symbol}.cc")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DSYMBOL=${symbol}
            "-DFILES=${sql_files}" -P "${PROJECT_SOURCE_DIR}/cmake/embed_sql_run.cmake"
    DEPENDS ${sql_files} "${PROJECT_SOURCE_DIR}/cmake/embed_sql_run.cmake"
    COMMENT "Embedding SQL migrations from ${dir}"
    VERBATIM)
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()
