#pragma once
// Distribution detection: /etc/os-release (os-release(5)) and the older release files, plus the
// cataloger "os-release" that turns it into the operating-system component.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/catalog/cataloger.hpp"

namespace purser::catalog::os {

/// The fields of os-release(5) that identify a distribution; empty when absent.
struct Distro {
  std::string id;                ///< ID, lower-case ("debian", "alpine")
  std::string version_id;        ///< VERSION_ID ("12", "3.19.1"); empty on rolling releases
  std::string version_codename;  ///< VERSION_CODENAME ("bookworm")
  std::string name;              ///< NAME
  std::string pretty_name;       ///< PRETTY_NAME
  std::string id_like;           ///< ID_LIKE, space-separated
  std::string path;              ///< source-relative file it was read from
  std::uint64_t line = 0;        ///< line of the ID assignment (0 for the fallback files)
};

/// Parses os-release(5) text: KEY=value lines, values optionally quoted ('...' literal, "..." with \" \\ \$ \`
/// escapes), '#' comments and blank lines ignored. Malformed lines are skipped with a warning naming `path:line`
/// appended to `diagnostics` (when not null). Unknown keys are ignored.
Distro parse_os_release(std::string_view bytes, const std::string& path,
                        std::vector<util::Diagnostic>* diagnostics = nullptr);

/// The distribution of the root filesystem that contains `from` (a source-relative path; the root is the source
/// root): etc/os-release, then usr/lib/os-release, then etc/debian_version, etc/alpine-release, etc/redhat-release
/// and etc/system-release. Empty when none is readable or none names a distribution.
std::optional<Distro> read_distro(const FileResolver& resolver, const std::string& from);

/// The PURL "distro" qualifier: "<id>-<version_id>", else "<id>-<codename>", else empty.
std::string distro_qualifier(const Distro& distro);

/// `target` (root-relative, e.g. "etc/os-release") as a path relative to the directory of `from`, for
/// FileResolver::read_relative: one "../" per directory level of `from`.
std::string root_relative(const std::string& from, std::string_view target);

/// "Name <email>" -> "Name" (maintainer fields used as the supplier); text without an email is kept as is.
std::string strip_email(std::string_view maintainer);

/// Registry entry for os-release.
const Cataloger& os_release_cataloger();

/// Parses one os-release file; see ParseFn. usr/lib/os-release yields nothing when etc/os-release exists with
/// different content (etc/ takes precedence, os-release(5)).
ParseResult parse_os_release_file(std::string_view bytes, const std::string& path, const FileResolver& resolver);

}  // namespace purser::catalog::os
