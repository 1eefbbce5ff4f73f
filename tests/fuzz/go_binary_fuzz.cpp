// Fuzz target for the go-binary cataloger: arbitrary bytes as an executable, condensed in small chunks (so the search
// crosses read boundaries) and then parsed, and arbitrary bytes as condensed build information, must never crash.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "lib/catalog/go/binary.hpp"

namespace {

// Serves the input 61 bytes at a time.
class SmallChunks final : public purser::source::ByteStream {
 public:
  explicit SmallChunks(std::string_view bytes) : m_rest(bytes) {}
  purser::util::Result<std::size_t> read(char* buffer, std::size_t max) override {
    std::size_t n = std::min({max, m_rest.size(), std::size_t{61}});
    std::memcpy(buffer, m_rest.data(), n);
    m_rest.remove_prefix(n);
    return n;
  }

 private:
  std::string_view m_rest;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  purser::catalog::NullResolver resolver;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  using namespace purser::catalog::go;
  SmallChunks in(bytes);
  auto condensed = condense_go_binary(in, purser::source::FileEntry{"app", size, 0755});
  if (condensed.ok()) (void)parse_go_binary(*condensed, "usr/local/bin/app", resolver);
  (void)parse_go_binary(bytes, "usr/local/bin/app", resolver);
  return 0;
}
