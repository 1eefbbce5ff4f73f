// Fuzz target for the npm-installed parser: arbitrary bytes as an installed package.json, and as a path to classify
// as a package root, must never crash it.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "lib/catalog/npm/installed.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  purser::catalog::NullResolver resolver;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  using purser::catalog::npm::parse_installed;
  (void)parse_installed(bytes, "app/node_modules/a/node_modules/@s/fuzz/package.json", resolver);
  (void)purser::catalog::npm::installed_package_dir(bytes);
  return 0;
}
