// Fuzz target for the SPDX license expression parser.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lib/model/license.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto check = purser::model::check_license_expression(text);
  if (check.valid) (void)purser::model::check_license_expression(check.normalized);
  return 0;
}
