// Fuzz target for the SBOM readers (CycloneDX JSON, SPDX JSON): arbitrary bytes must never crash them, and whatever
// they return must be usable (a document's refs can be computed and its diagnostics printed).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "formats/reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto result = purser::formats::read_sbom(bytes, "fuzz");
  if (result.ok()) {
    const purser::model::Document& doc = result->document;
    std::size_t total = doc.root.ref().size();
    for (const auto& p : doc.packages) total += p.ref().size();
    for (const auto& d : doc.diagnostics) total += d.to_string().size();
    (void)total;
  } else {
    (void)result.error().to_string();
  }
  return 0;
}
