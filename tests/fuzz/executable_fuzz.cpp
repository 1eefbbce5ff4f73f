// Fuzz target for the executable condenser and the go-binary and rust-binary parsers: arbitrary bytes as an
// executable, condensed in small chunks (so searches cross read boundaries) and parsed, and arbitrary bytes as a
// condensed record, must never crash.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "lib/catalog/binary/executable.hpp"
#include "lib/catalog/go/binary.hpp"
#include "lib/catalog/rust/auditable.hpp"

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

void parse_both(std::string_view bytes, const purser::catalog::FileResolver& resolver) {
  (void)purser::catalog::go::parse_go_binary(bytes, "usr/local/bin/app", resolver);
  (void)purser::catalog::rust::parse_rust_binary(bytes, "usr/local/bin/app", resolver);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  purser::catalog::NullResolver resolver;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  SmallChunks in(bytes);
  auto condensed = purser::catalog::binary::condense_executable(in, purser::source::FileEntry{"app", size, 0755});
  if (condensed.ok()) parse_both(*condensed, resolver);
  parse_both(bytes, resolver);
  return 0;
}
