// Fuzz target for SBOM validation (format detection, CycloneDX schema, SPDX rules).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "formats/validate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)purser::formats::validate_sbom(bytes, "fuzz");
  return 0;
}
