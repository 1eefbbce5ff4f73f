#pragma once
// Cataloger dpkg-status: installed Debian packages from var/lib/dpkg/status and the distroless
// var/lib/dpkg/status.d/ layout, with owned files from var/lib/dpkg/info/*.list.

#include <string>
#include <string_view>
#include <vector>

#include "lib/catalog/cataloger.hpp"

namespace purser::catalog::os {

/// One alternative of a Depends/Pre-Depends/Provides relation (deb-control(5)): "name[:arch] [(op version)]".
struct DebRelation {
  std::string name;
  std::string arch;     ///< ":any", ":native" or an explicit architecture, without the colon; empty when absent
  std::string version;  ///< the version in "(op version)", without the operator; empty when absent
};

/// Parses a relationship field: ','-separated groups of '|'-separated alternatives. Architecture restrictions
/// "[...]" and build profiles "<...>" are dropped; entries without a name are skipped.
std::vector<std::vector<DebRelation>> parse_deb_relations(std::string_view field);

/// The licences a machine-readable debian/copyright file (DEP-5, "Format:" first) declares: every single-name
/// "License:" value, mapped to an SPDX id (Debian "GPL-2+" -> "GPL-2.0-or-later", "Expat" -> "MIT"), unique, joined
/// with " AND ". Compound values ("GPL-2+ or Artistic") and names without an SPDX id are left out; empty when
/// none is left or the file is not DEP-5.
std::string debian_copyright_license(std::string_view text);

/// Registry entry for dpkg-status.
const Cataloger& dpkg_status_cataloger();

/// Parses var/lib/dpkg/status or one var/lib/dpkg/status.d/ file; see ParseFn. Only packages whose files are on
/// disk are reported: status "installed", "unpacked", "half-configured", "triggers-awaiting", "triggers-pending";
/// "not-installed", "config-files" and "half-installed" stanzas are skipped. status.d stanzas usually carry no
/// Status field and then count as installed; *.md5sums files there yield nothing (they give owned files instead).
/// The licence comes from usr/share/doc/<name>/copyright when that is DEP-5 (debian_copyright_license).
ParseResult parse_dpkg_status(std::string_view bytes, const std::string& path, const FileResolver& resolver);

}  // namespace purser::catalog::os
