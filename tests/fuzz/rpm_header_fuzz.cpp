// Fuzz target for the RPM header blob reader: arbitrary bytes must never crash it or read out of bounds.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lib/catalog/os/rpm_header.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto header = purser::catalog::os::parse_rpm_header(bytes);
  if (header.ok()) (void)header->files();
  return 0;
}
