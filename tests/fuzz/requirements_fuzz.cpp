// Fuzz target for the requirements parser: arbitrary bytes must never crash it.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "lib/catalog/python/requirements.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  purser::catalog::NullResolver resolver;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)purser::catalog::python::parse_requirements(bytes, "fuzz", resolver);
  return 0;
}
