#pragma once
// What compiled executables carry about their own dependencies, found in one forward pass over the file so that an
// image's binaries are read while their layer streams and never held whole: the Go toolchain's build information and
// the dependency list cargo-auditable embeds in Rust binaries. Shared by the go-binary and rust-binary catalogers
// (an image source runs one condenser per file).

#include <string>

#include "lib/source/source.hpp"
#include "lib/util/result.hpp"

namespace purser::catalog::binary {

/// Condenses an executable (ELF, Mach-O or PE; anything else is left after its first bytes) into one record:
/// - Go: "go\t<toolchain version>\n" then the module information lines as the toolchain wrote them ("path", "mod",
///   "dep", "=>", "build"); "go!\t<problem>\n" when the build information is damaged or in the pre-1.18 format;
/// - Rust: "cargo-auditable\n" then the JSON cargo-auditable compressed into the .dep-v0 section;
///   "cargo-auditable!\t<problem>\n" when it does not inflate;
/// - empty when the file holds neither. Reading stops once a record is complete. At most 4 MiB of Go build
/// information and 16 MiB of inflated JSON are kept. Errors only when `in` fails.
util::Result<std::string> condense_executable(source::ByteStream& in, const source::FileEntry& file);

/// Limits of condense_executable.
inline constexpr std::uint64_t k_max_go_info = 4ull * 1024 * 1024;
inline constexpr std::uint64_t k_max_audit_json = 16ull * 1024 * 1024;

}  // namespace purser::catalog::binary
