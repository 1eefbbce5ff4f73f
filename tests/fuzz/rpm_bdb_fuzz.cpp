// Fuzz target for the rpm database reader of a Berkeley DB hash Packages file: arbitrary bytes must never crash it,
// read out of bounds, allocate beyond the file's size or run longer than linear in it. Every visited blob is read in
// full, then the whole cataloger runs (which dispatches on the magic, so mutations of the seeds reach this reader).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "lib/catalog/os/rpm_db.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const std::string path = "var/lib/rpm/Packages";
  volatile unsigned sum = 0;  // keeps the reads of every blob byte
  (void)purser::catalog::os::read_rpmdb_bdb(bytes, path, [&](const purser::catalog::os::RpmDbRecord& r) {
    for (char c : r.blob) sum = sum + static_cast<unsigned char>(c);
  });
  purser::catalog::NullResolver resolver;
  (void)purser::catalog::os::parse_rpm_db(bytes, path, resolver);
  return 0;
}
