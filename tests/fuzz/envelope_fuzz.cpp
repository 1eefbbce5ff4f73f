// Fuzz target for DSSE envelope JSON: parse, and check that what to_json writes parses back to the same envelope.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "signing/dsse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto envelope = purser::signing::parse_envelope(text, "fuzz.json");
  if (!envelope.ok()) return 0;
  auto again = purser::signing::parse_envelope(purser::signing::to_json(*envelope), "again.json");
  if (!again.ok() || again->payload != envelope->payload || again->signatures.size() != envelope->signatures.size())
    std::abort();
  (void)purser::signing::verify_envelope(*envelope, {});
  return 0;
}
