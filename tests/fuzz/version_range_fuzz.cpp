// Fuzz target for version ranges and version comparison. The first byte picks an ecosystem; the
// rest is a range (vers: or shorthand). A range that parses must survive a round trip through
// to_string(); comparisons must be antisymmetric.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "lib/model/version.hpp"

using purser::model::compare_versions;
using purser::model::VersionRange;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static constexpr std::string_view k_ecosystems[] = {"npm", "pypi", "deb", "rpm", "maven", "golang", "gem", "cargo"};
  std::string_view ecosystem = k_ecosystems[data[0] % std::size(k_ecosystems)];
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  auto range = VersionRange::parse(text, ecosystem);
  if (range.ok()) {
    std::string canonical = range->to_string();
    auto again = VersionRange::parse(canonical, ecosystem);
    if (!again.ok() || again->to_string() != canonical) std::abort();
    for (const auto& group : range->alternatives())
      for (const auto& c : group) (void)range->contains(c.version);
    (void)range->contains(text);
  }

  // Split the text in two and compare the halves both ways.
  std::string_view a = text.substr(0, text.size() / 2), b = text.substr(text.size() / 2);
  int ab = compare_versions(ecosystem, a, b), ba = compare_versions(ecosystem, b, a);
  if ((ab < 0) != (ba > 0) || (ab == 0) != (ba == 0)) std::abort();
  if (compare_versions(ecosystem, a, a) != 0) std::abort();
  return 0;
}
