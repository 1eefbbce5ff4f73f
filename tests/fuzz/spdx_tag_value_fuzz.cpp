// Fuzz target for SPDX tag-value: the reader, the validator's conversion and the writer. Inputs that would not be
// detected as tag-value get an SPDXVersion line first, so every input reaches the tag-value parser. Whatever is read
// must be usable, and what the writer makes of it must read again.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "formats/reader.hpp"
#include "formats/spdx_tag_value_common.hpp"
#include "formats/validate.hpp"
#include "formats/writers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  if (!purser::formats::detail::looks_like_spdx_tag_value(bytes)) bytes.insert(0, "SPDXVersion: SPDX-2.3\n");
  (void)purser::formats::validate_sbom(bytes, "fuzz");
  auto result = purser::formats::read_sbom(bytes, "fuzz");
  if (!result.ok()) {
    (void)result.error().to_string();
    return 0;
  }
  const purser::model::Document& doc = result->document;
  std::size_t total = doc.root.ref().size();
  for (const auto& p : doc.packages) total += p.ref().size();
  for (const auto& d : doc.diagnostics) total += d.to_string().size();
  (void)total;
  std::string written = purser::formats::write_spdx_tag_value(doc);
  if (!purser::formats::read_sbom(written, "rewritten").ok()) std::abort();
  return 0;
}
