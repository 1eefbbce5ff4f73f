// Fuzz target for the poetry_lock parser: arbitrary bytes must never crash it.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "lib/catalog/python/poetry_lock.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  purser::catalog::NullResolver resolver;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)purser::catalog::python::parse_poetry_lock(bytes, "fuzz", resolver);
  return 0;
}
