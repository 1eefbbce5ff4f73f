// Fuzz target for the apk installed-database parser: arbitrary bytes must never crash it. The resolver answers the
// os-release reads with the same bytes.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "lib/catalog/os/apk.hpp"

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
  (void)purser::catalog::os::parse_apk_installed(bytes, "lib/apk/db/installed", resolver);
  return 0;
}
