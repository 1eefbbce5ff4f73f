// Fuzz target for the java-archive cataloger: arbitrary bytes condensed as a jar, then the condensed form parsed,
// must never crash, hang or exhaust memory.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "lib/catalog/java/archive.hpp"
#include "lib/source/source.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  purser::source::MemoryStream in(bytes);
  auto condensed = purser::catalog::java::condense_java_archive(in, {"fuzz.jar", size, 0644});
  if (!condensed.ok()) __builtin_trap();  // a MemoryStream never fails
  purser::catalog::NullResolver resolver;
  (void)purser::catalog::java::parse_java_archive(*condensed, "fuzz.jar", resolver);
  // The parser also reads the condensed form directly (it is private, but parse must survive any bytes).
  (void)purser::catalog::java::parse_java_archive(bytes, "fuzz.jar", resolver);
  return 0;
}
