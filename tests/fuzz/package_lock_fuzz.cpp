// Fuzz target for the package_lock parser: arbitrary bytes must never crash it.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "lib/catalog/npm/package_lock.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  purser::catalog::NullResolver resolver;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)purser::catalog::npm::parse_package_lock(bytes, "fuzz", resolver);
  return 0;
}
