// Fuzz target for the CycloneDX XML reader: arbitrary bytes must never crash it, whatever it returns must be usable,
// and a document it read must survive the XML writer and be read back (the writer escapes or replaces everything
// XML cannot carry, so its output always parses).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "formats/reader.hpp"
#include "formats/writers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // read_sbom sends documents starting with '<' to the XML reader; prefix one so every input exercises it.
  std::string bytes = "<";
  bytes.append(reinterpret_cast<const char*>(data), size);
  for (std::string_view input : {std::string_view(bytes), std::string_view(bytes).substr(1)}) {
    auto result = purser::formats::read_sbom(input, "fuzz.xml");
    if (!result.ok()) {
      (void)result.error().to_string();
      continue;
    }
    const purser::model::Document& doc = result->document;
    std::size_t total = doc.root.ref().size();
    for (const auto& p : doc.packages) total += p.ref().size();
    for (const auto& d : doc.diagnostics) total += d.to_string().size();
    (void)total;
    if (result->format != purser::formats::SbomFormat::cyclonedx_xml) continue;
    std::string written = purser::formats::write_cyclonedx_xml(doc);
    auto again = purser::formats::read_sbom(written, "again.xml");
    // Packages may merge on the way (two names differing only in characters XML cannot carry), never multiply.
    if (!again.ok() || again->document.packages.size() > doc.packages.size()) __builtin_trap();
  }
  return 0;
}
