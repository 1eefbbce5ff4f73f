#pragma once
// A bounds-checked reader of the RPM header structure (the blob rpmdb stores per package, and the header section of a
// .rpm file): no database readers here.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/util/result.hpp"

namespace purser::catalog::os {

/// The package fields of one RPM header; empty/absent when the header lacks the tag.
struct RpmHeader {
  std::string name;                        ///< RPMTAG_NAME (1000)
  std::string version;                     ///< RPMTAG_VERSION (1001)
  std::string release;                     ///< RPMTAG_RELEASE (1002)
  std::optional<std::uint32_t> epoch;      ///< RPMTAG_EPOCH (1003)
  std::string vendor;                      ///< RPMTAG_VENDOR (1011)
  std::string license;                     ///< RPMTAG_LICENSE (1014)
  std::string arch;                        ///< RPMTAG_ARCH (1022)
  std::string source_rpm;                  ///< RPMTAG_SOURCERPM (1044)
  std::vector<std::string> provide_names;  ///< RPMTAG_PROVIDENAME (1047)
  std::vector<std::string> require_names;  ///< RPMTAG_REQUIRENAME (1049)
  std::vector<std::uint32_t> dir_indexes;  ///< RPMTAG_DIRINDEXES (1116)
  std::vector<std::string> basenames;      ///< RPMTAG_BASENAMES (1117)
  std::vector<std::string> dirnames;       ///< RPMTAG_DIRNAMES (1118)

  /// Installed file paths, dirnames[dir_indexes[i]] + basenames[i], with the leading '/' removed. Entries whose
  /// index is out of range are skipped.
  std::vector<std::string> files() const;
};

/// Hard limits: rpm itself refuses more index entries or a larger data store.
inline constexpr std::uint32_t k_rpm_max_index_entries = 0xffff;
inline constexpr std::uint32_t k_rpm_max_data_bytes = 256u * 1024 * 1024;

/// Parses a header blob: big-endian entry count and data length, 16-byte index entries {tag, type, offset, count},
/// then the data store. A leading header-record magic (8e ad e8 01 + 4 reserved bytes, as in a .rpm file) is
/// skipped. Every entry is checked against the data store before it is read; tags not listed in RpmHeader are
/// ignored. ErrorCode::parse with "invalid rpm header: why" and the byte offset of the problem otherwise.
util::Result<RpmHeader> parse_rpm_header(std::string_view blob);

}  // namespace purser::catalog::os
