#pragma once
// SPDX license expressions (SPDX 2.3 Annex D): parsing and classification.

#include <string>
#include <string_view>
#include <vector>

#include "lib/util/result.hpp"

namespace purser::model {

/// True when `id` is on the SPDX license list embedded from schemas/ (exact case).
bool is_spdx_license_id(std::string_view id);
/// Returns the canonical case of a license id ("mit" → "MIT"), or empty when unknown.
std::string canonical_license_id(std::string_view id);
/// True when `id` is on the SPDX license exception list.
bool is_spdx_exception_id(std::string_view id);

/// Result of checking an expression.
struct LicenseCheck {
  bool valid = false;                ///< syntactically valid expression
  std::string normalized;            ///< ids in canonical case, single spaces; empty if invalid
  std::vector<std::string> unknown;  ///< ids not on the SPDX list (LicenseRef-* are fine, never listed)
  std::string error;                 ///< why it is invalid
  bool single_id() const;            ///< normalized is exactly one license id (no operators)
};

/// Parses an SPDX license expression: ids, LicenseRef-/DocumentRef-, "+", WITH,
/// AND, OR, parentheses (operators case-insensitive on input, upper-case on output).
LicenseCheck check_license_expression(std::string_view expression);

/// How an expression fares against LicenseRules.
enum class LicenseVerdict {
  allowed,      ///< some way to satisfy the expression uses only acceptable licenses
  denied,       ///< every way to satisfy it uses a denied license
  not_allowed,  ///< some way avoids the deny list, but none uses only allowed licenses
  unknown,      ///< no license (empty, NOASSERTION, NONE) or text that is not an SPDX expression
};
/// "allowed", "denied", "not-allowed", "unknown".
const char* to_string(LicenseVerdict verdict);

/// The outcome of LicenseRules::evaluate.
struct LicenseDecision {
  LicenseVerdict verdict = LicenseVerdict::unknown;
  std::string expression;                ///< normalized; the trimmed input when it does not parse
  std::vector<std::string> denied;       ///< licenses of the expression that the deny list rejects
  std::vector<std::string> not_allowed;  ///< licenses of the expression the allow list does not cover
  /// Why it is not allowed: "denied: GPL-3.0-only; not allowed: Foo-1.0", "no license declared",
  /// "not an SPDX expression: <parser error>"; empty when allowed.
  std::string reason;
};

/// Allow and deny lists of single licenses, and the SPDX expression logic over them
/// (SPDX 2.3 Annex D): an OR needs one acceptable branch, an AND needs all of them.
///
/// A license is acceptable when no deny entry matches it and, if there is an allow list, an
/// allow entry does. Entries match case-insensitively, and:
/// - "GPL-2.0" and "GPL-2.0-only" are the same license;
/// - "X+" and "X-or-later" (in an expression or an entry) mean X or any later version of X's
///   family on the SPDX list ("GPL-2.0-or-later" is GPL-2.0 or GPL-3.0), so an expression passes
///   when one of those versions is acceptable, and an entry covers all of them;
/// - an entry without WITH matches the license with or without any exception; an entry
///   "X WITH E" matches only X with E. When an allow and a deny entry both match, the more
///   specific one (with WITH) wins, and deny wins a tie: deny "GPL-2.0-only" plus allow
///   "GPL-2.0-only WITH Classpath-exception-2.0" accepts exactly the latter.
class LicenseRules {
 public:
  /// Adds an allow entry: one license id or LicenseRef, optionally with '+' or "WITH exception".
  /// ErrorCode::parse "invalid license 'X': why" otherwise.
  util::Status allow(std::string_view license);
  /// Adds a deny entry; same syntax and errors as allow().
  util::Status deny(std::string_view license);
  /// True when allow() was called at least once (an empty allow list allows everything not denied).
  bool has_allow_list() const { return !m_allow.empty(); }
  /// The entries, normalized ("gpl-2.0+" → "GPL-2.0+"), in the order added.
  std::vector<std::string> allowed() const;
  /// The deny entries, normalized, in the order added.
  std::vector<std::string> denied() const;
  /// Evaluates an expression (as found in an SBOM). Never fails: unparsable text is `unknown`.
  LicenseDecision evaluate(std::string_view expression) const;

  /// One entry, expanded: the license bases it covers (lower case, "-only"/"-or-later" removed,
  /// "or later" expanded) and its exception (lower case, empty = any).
  struct Entry {
    std::string text;                ///< normalized, as allowed()/denied() return it
    std::vector<std::string> bases;  ///< "gpl-2.0", "gpl-3.0" for GPL-2.0-or-later
    std::string exception;           ///< lower case; empty = matches any or no exception
  };

 private:
  util::Status add(std::string_view license, std::vector<Entry>& to);
  std::vector<Entry> m_allow;
  std::vector<Entry> m_deny;
};

}  // namespace purser::model
