#pragma once
// Version ordering per ecosystem, and version ranges: the purl "vers" specifier
// (github.com/package-url/purl-spec VERSION-RANGE-SPEC) and a short comparator notation.

#include <string>
#include <string_view>
#include <vector>

#include "lib/util/result.hpp"

namespace purser::model {

/// The ordering rules a version string follows.
enum class VersionScheme {
  semver,  ///< Semantic Versioning 2.0.0 §11 (npm, cargo, and the default); "1.2" reads as "1.2.0"
  pep440,  ///< Python PEP 440: epochs, pre/post/dev releases, local versions (pypi)
  deb,     ///< Debian policy 5.6.12: epoch, upstream, revision, '~' before everything (deb)
  rpm,     ///< rpmvercmp: epoch, version, release, '~' before and '^' after the end (rpm)
  maven,   ///< Maven's ComparableVersion: POM reference "Version Order Specification" (maven)
  golang,  ///< Go modules: semver with a 'v' prefix, "+incompatible", pseudo-versions (golang)
  gem,     ///< RubyGems Gem::Version: string segments sort before numbers (gem)
};

/// "semver", "pep440", "deb", "rpm", "maven", "golang", "gem".
const char* to_string(VersionScheme scheme);

/// The scheme for a purl type or vers versioning scheme, case-insensitive: "npm", "cargo",
/// "semver" → semver; "pypi" → pep440; "deb" → deb; "rpm" → rpm; "maven" → maven; "golang" →
/// golang; "gem" → gem; anything else (including empty) → semver.
VersionScheme version_scheme(std::string_view ecosystem);

/// True when `version` follows the scheme's syntax (deb and rpm accept any non-empty string).
bool is_valid_version(VersionScheme scheme, std::string_view version);

/// Compares two versions: < 0 when `a` sorts before `b`, 0 when the scheme calls them equal
/// ("1.0" and "1.0.0" in PEP 440, "1.0" and "1.0-0" in dpkg, "1.ga" and "1" in Maven), > 0 after.
/// Never fails. Antisymmetric, and transitive for versions that follow the scheme: a version the
/// scheme cannot parse sorts before every valid one, and such versions compare among themselves by
/// runs of digits (numerically) and letters. Maven orders every string the way Maven does, which is
/// not transitive for some qualifier-only strings ("0.0.0-beta1" < "0" < "x" < "0.0.0-beta1").
int compare_versions(VersionScheme scheme, std::string_view a, std::string_view b);
/// Same, with the scheme chosen by version_scheme(ecosystem).
int compare_versions(std::string_view ecosystem, std::string_view a, std::string_view b);

/// A comparison in a version constraint.
enum class VersionComparator { any, eq, ne, lt, le, gt, ge };
/// "*", "=", "!=", "<", "<=", ">", ">=".
const char* to_string(VersionComparator op);

/// One comparator and the version it compares against (empty for `any`).
struct VersionConstraint {
  VersionComparator op = VersionComparator::eq;  ///< how the tested version must compare
  std::string version;                           ///< decoded; empty for VersionComparator::any
  bool operator==(const VersionConstraint&) const = default;
};

/// A set of versions of one package, tested with VersionRange::contains.
class VersionRange {
 public:
  /// Parses a range. Two spellings are accepted:
  /// - the purl vers specifier, `vers:<scheme>/<constraint>|...` (spaces ignored, versions
  ///   percent-decoded, constraints sorted here; duplicate versions and comparators that do not
  ///   alternate are errors, as the spec requires); `vers:all/*` and `vers:none/*` are accepted;
  ///   versions compare by the vers scheme, `ecosystem` is ignored;
  /// - the shorthand: comparators (=, ==, !=, <, <=, >, >=; a bare version means =) separated
  ///   by ',' or spaces must all hold; alternatives separated by "||" may each hold; "*" alone is
  ///   every version. Versions compare by `ecosystem` (see version_scheme).
  /// ErrorCode::parse "invalid version range: <why> at offset N" (offset also in
  /// Error::location.offset) for malformed text.
  static util::Result<VersionRange> parse(std::string_view text, std::string_view ecosystem = {});

  /// True when `version` is in the range. A vers range follows the spec's containment procedure:
  /// equal to a "=", "<=" or ">=" version → in; equal to a "!=" version → out; otherwise in when
  /// inside an interval formed by the sorted "<", "<=", ">", ">=" constraints, or, when there are
  /// none, when the range has "!=" constraints but no "=" constraint.
  bool contains(std::string_view version) const;

  /// The ecosystem or vers scheme versions are compared by ("npm", "pypi", "all", ...).
  const std::string& ecosystem() const { return m_ecosystem; }
  /// True for a vers specifier, false for the shorthand.
  bool is_vers() const { return m_vers; }
  /// Alternatives, each a list of constraints that must all hold. A vers range is one list,
  /// sorted by version.
  const std::vector<std::vector<VersionConstraint>>& alternatives() const { return m_alternatives; }
  /// Canonical text: "vers:npm/>=1.0.0|<2.0.0" (spaces removed, sorted; '|', '%', comparator
  /// characters, spaces and control characters in versions percent-encoded) or
  /// ">=1.0, <2.0 || =3.0" for the shorthand. Parsing it gives an equal range.
  std::string to_string() const;

 private:
  bool m_vers = false;
  bool m_all = false;   ///< vers:all/* or '*': every version
  bool m_none = false;  ///< vers:none/*: no version
  std::string m_ecosystem;
  VersionScheme m_scheme = VersionScheme::semver;
  std::vector<std::vector<VersionConstraint>> m_alternatives;
};

}  // namespace purser::model
