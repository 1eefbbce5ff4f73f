// Fuzz target for the python-installed parser: arbitrary bytes as METADATA / PKG-INFO must never crash it. The same
// bytes are served as every sibling file (RECORD, INSTALLER, direct_url.json, requires.txt, installed-files.txt), so
// those readers are fuzzed too.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "lib/catalog/python/installed.hpp"

namespace {

class EchoResolver final : public purser::catalog::FileResolver {
 public:
  explicit EchoResolver(std::string_view bytes) : m_bytes(bytes) {}
  purser::util::Result<std::string> read_relative(std::string_view, std::string_view) const override {
    return std::string(m_bytes);
  }

 private:
  std::string_view m_bytes;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  EchoResolver resolver(bytes);
  using purser::catalog::python::parse_installed;
  (void)parse_installed(bytes, "lib/python3/site-packages/fuzz-1.0.dist-info/METADATA", resolver);
  (void)parse_installed(bytes, "lib/python3/site-packages/fuzz-1.0.egg-info/PKG-INFO", resolver);
  (void)parse_installed(bytes, "fuzz.egg-info", resolver);
  return 0;
}
