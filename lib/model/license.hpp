#pragma once
// SPDX license expressions (SPDX 2.3 Annex D): parsing and classification.

#include <string>
#include <string_view>
#include <vector>

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

}  // namespace purser::model
