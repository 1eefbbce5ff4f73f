#pragma once
// Cataloger java-archive: Java archives (jar, war, ear, Jenkins jpi/hpi), read in one forward pass.

#include <cstdint>
#include <string>
#include <string_view>

#include "lib/catalog/cataloger.hpp"
#include "lib/source/source.hpp"

namespace purser::catalog::java {

/// Registry entry for java-archive (ecosystem "java", tags installed+image); its parse receives condensed bytes.
const Cataloger& archive_cataloger();

/// Largest META-INF/MANIFEST.MF or pom.properties kept; a larger one is skipped with a problem.
inline constexpr std::size_t k_max_kept_entry_bytes = 1024 * 1024;
/// Archives nested below the outer file (BOOT-INF/lib/x.jar is level 1); a deeper one is not opened.
inline constexpr int k_max_nesting = 4;
/// Nested archives opened per outer file, all levels together.
inline constexpr std::size_t k_max_nested_archives = 4096;
/// Decompressed bytes read per outer file: this floor plus k_inflate_ratio times the file's size. Past it the
/// zip is abandoned (a zip bomb) and the rest of the file is only hashed.
inline constexpr std::uint64_t k_inflate_floor = 64ull * 1024 * 1024;
inline constexpr std::uint64_t k_inflate_ratio = 32;
/// Largest condensed result; kept files past it are dropped with a problem.
inline constexpr std::size_t k_max_condensed_bytes = 8 * 1024 * 1024;

/// Condenses one Java archive (a CondenseFn): reads the zip from `in` in one forward pass with bounded memory
/// (streaming zip reader; never seeks, never holds the file), keeps the main MANIFEST.MF attributes and every
/// META-INF/maven/**/pom.properties, recurses into nested *.jar/*.war/*.ear/*.jpi/*.hpi entries, and hashes (SHA-1,
/// SHA-256) the file and every nested archive. Always reads `in` to its end. Problems with the zip (malformed, limits
/// hit) travel inside the result for parse_java_archive to report. Returns an error only when `in` fails (that error,
/// untouched). Thread-safe and reentrant; never throws.
util::Result<std::string> condense_java_archive(source::ByteStream& in, const source::FileEntry& file);

/// Parses the output of condense_java_archive for the archive at `path` (a ParseFn). One maven package per
/// pom.properties; without one, a package named from the MANIFEST or, last, the file name (name-1.2.3.jar). The
/// archive's own package gets its hashes and Bundle-License. Packages of a nested archive are located at
/// "PATH:ENTRY[:ENTRY...]" (e.g. "app.jar:BOOT-INF/lib/x.jar"), and the outer archive's own package depends on each
/// nested archive's own package. A maven purl needs a groupId (purl spec: the namespace is required): a package
/// without a known groupId gets no purl. Malformed input yields diagnostics, never a throw.
ParseResult parse_java_archive(std::string_view condensed, const std::string& path, const FileResolver& resolver);

}  // namespace purser::catalog::java
