// Fuzz target for the dpkg status parser (status and status.d layouts) and the os-release parser: arbitrary bytes
// must never crash them. The resolver answers every sibling read (os-release, info/*.list, *.md5sums) with the
// same bytes, so those readers see hostile input too.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "lib/catalog/os/dpkg.hpp"
#include "lib/catalog/os/os_release.hpp"

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
  (void)purser::catalog::os::parse_dpkg_status(bytes, "var/lib/dpkg/status", resolver);
  (void)purser::catalog::os::parse_dpkg_status(bytes, "var/lib/dpkg/status.d/pkg", resolver);
  (void)purser::catalog::os::parse_os_release_file(bytes, "usr/lib/os-release", resolver);
  (void)purser::catalog::os::parse_deb_relations(bytes);
  return 0;
}
