// Fuzz target for read_attestations: envelopes, Sigstore bundles and JSON lines.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "signing/bundle.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto file = purser::signing::read_attestations(text, "fuzz.json");
  if (!file.ok()) return 0;
  if (file->envelopes.empty()) std::abort();
  for (const auto& envelope : file->envelopes) {
    if (envelope.signatures.size() != 1) continue;
    auto bundle = purser::signing::to_bundle_json(envelope, file->key_hint);
    if (!bundle.ok()) std::abort();
    auto again = purser::signing::read_attestations(*bundle, "again.json");
    if (!again.ok() || again->envelopes.size() != 1 || again->envelopes[0].payload != envelope.payload) std::abort();
  }
  return 0;
}
