# Writes OUT: one byte array per JSON table in FILES, named after the file
# (zh_CN.json -> kI18n_zh_CN), plus its length. Run with cmake -P.
set(body "// Generated from ui/i18n/*.json by i18n/embed_tables.cmake. Do not edit.\n#include <cstddef>\nnamespace linli::i18n::internal {\n")
foreach(f IN LISTS FILES)
  get_filename_component(name "${f}" NAME_WE)
  file(READ "${f}" hex HEX)
  string(LENGTH "${hex}" hex_len)
  math(EXPR n "${hex_len} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(APPEND body "extern const unsigned char kI18n_${name}[] = {${bytes}0x00};\n")
  string(APPEND body "extern const size_t kI18n_${name}_size = ${n};\n")
endforeach()
string(APPEND body "}  // namespace linli::i18n::internal\n")
file(WRITE "${OUT}" "${body}")
