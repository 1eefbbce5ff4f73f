// Fuzz target for the registry client's parsers of untrusted text: image references, WWW-Authenticate challenges
// and Docker config.json. Arbitrary bytes must never crash them.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "lib/registry/auth.hpp"
#include "lib/registry/reference.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto ref = purser::registry::parse_reference(bytes);
  if (ref.ok()) {
    // The canonical form parses back to the same reference.
    auto again = purser::registry::parse_reference(ref->to_string());
    if (!again.ok() || !(*again == *ref)) __builtin_trap();
  }
  (void)purser::registry::parse_challenges(bytes);
  (void)purser::registry::parse_docker_config(bytes, "fuzz");
  (void)purser::registry::config_host(bytes);
  return 0;
}
