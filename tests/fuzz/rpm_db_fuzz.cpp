// Fuzz target for the rpm database reader: arbitrary bytes (an rpmdb.sqlite opened from memory, or anything else)
// must never crash it, touch the filesystem or run unbounded.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "lib/catalog/os/rpm_db.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  purser::catalog::NullResolver resolver;
  (void)purser::catalog::os::parse_rpm_db(bytes, "var/lib/rpm/rpmdb.sqlite", resolver);
  return 0;
}
