// Fuzz target for the purl parser: parse, and re-parse what to_string produces.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lib/model/purl.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto p = purser::model::Purl::parse(text);
  if (p.ok()) (void)purser::model::Purl::parse(p->to_string());
  return 0;
}
