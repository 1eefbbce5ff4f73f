// Fuzz target for the go_mod parser: arbitrary bytes must never crash it.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "lib/catalog/go/go_mod.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  purser::catalog::NullResolver resolver;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)purser::catalog::go::parse_go_mod(bytes, "fuzz", resolver);
  return 0;
}
