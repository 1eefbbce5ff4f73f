// Fuzz target for the shared lockfile YAML reader: arbitrary bytes must never crash it,
// and a parsed tree must be walkable (every child index in range).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "lib/catalog/yaml_subset.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace purser::catalog::yaml;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto doc = Document::parse(bytes);
  if (!doc.ok()) return 0;
  const auto& nodes = doc->nodes();
  const auto& kids = doc->children();
  for (const auto& n : nodes) {
    std::size_t count = n.kind == Kind::mapping ? 2 * std::size_t{n.count} : n.count;
    if (n.kind == Kind::mapping || n.kind == Kind::sequence) {
      if (n.first + count > kids.size()) std::abort();
      for (std::size_t i = 0; i < count; ++i)
        if (kids[n.first + i] >= nodes.size()) std::abort();
    }
  }
  for (const auto& root : doc->documents()) (void)root.get("packages").size();
  return 0;
}
