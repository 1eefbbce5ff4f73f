# Writes OUT: a C++ file defining purser::embedded::SYMBOL as the bytes of IN.
# Bytes are emitted as a hex array (unsigned char, so bytes past 0x7f are not narrowed) so any content (quotes,
# NULs, UTF-8) is safe.
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" hexlen)
math(EXPR len "${hexlen} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "((0x..,){32})" "\\1\n" bytes "${bytes}")
file(WRITE "${OUT}" "// Generated from ${IN}; do not edit.\n#include <string_view>\nnamespace purser::embedded {\nstatic const unsigned char k_data[] = {\n${bytes}0};\nextern const std::string_view ${SYMBOL};\nconst std::string_view ${SYMBOL}(reinterpret_cast<const char*>(k_data), ${len});\n}\n")
