#pragma once
// The policy engine (issue 4 item 6; docs/policy.md): rules loaded from YAML, evaluated over
// verified attestations and the SBOMs they carry. Rules are plain data and evaluate() is a pure
// function of the policy and the evidence (the clock is injected), so new rule kinds and new
// kinds of evidence (registry metadata, vulnerability results) slot in without changing callers.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "lib/model/license.hpp"
#include "lib/model/version.hpp"
#include "lib/util/result.hpp"

namespace purser::policy {

// ---- evidence ----

/// One verified attestation: the predicate a trusted signature covered.
struct Attestation {
  std::string name;            ///< how reports refer to it (a file name, "bundle.json#1"); may be empty
  std::string predicate_type;  ///< the in-toto Statement's predicateType URI
  std::string predicate;       ///< the predicate as JSON bytes
};

/// What a policy is evaluated against. Only verified attestations belong here: the engine trusts
/// what it is given.
struct Evidence {
  std::vector<Attestation> attestations;
  std::int64_t now = 0;  ///< seconds since the epoch (UTC), injected so results are reproducible
};

/// True for predicate types that carry an SBOM the engine reads: CycloneDX ("https://cyclonedx.org/bom",
/// "https://cyclonedx.org/bom/v1.6") and SPDX ("https://spdx.dev/Document", "https://spdx.dev/Document/v2.3").
bool is_sbom_predicate_type(std::string_view predicate_type);

// ---- rules ----

/// `requirePredicates`: each listed predicate type ('*' matches any run of characters) must match
/// at least one attestation.
struct RequirePredicatesRule {
  std::vector<std::string> predicate_types;  ///< URIs or '*' patterns, as written
};

/// `sbomSchema`: every SBOM attestation validates against its format's schema (formats::validate_sbom).
struct SbomSchemaRule {};

/// One entry of `denyComponents`.
struct ComponentPattern {
  std::string purl;     ///< as written: "pkg:npm/lodash", "pkg:npm/@evil/*", "pkg:deb/debian/openssl"
  std::string pattern;  ///< normalized for matching: type lower case, decoded, pypi names PEP 503, lower case
  std::optional<model::VersionRange> versions;  ///< none = every version
  std::string reason;                           ///< why it is denied; may be empty
};

/// `denyComponents`: no component may match a pattern (and its version range, when given).
/// Matching uses "pkg:<type>/<namespace>/<name>" of the component's PURL, case-insensitively; '*'
/// matches any run of characters, '/' included.
struct DenyComponentsRule {
  std::vector<ComponentPattern> components;  ///< in file order; the first match names the offender
};

/// `licenses`: every component's license expression passes the allow/deny lists
/// (model::LicenseRules: OR needs one acceptable branch, AND all of them).
struct LicensesRule {
  model::LicenseRules rules;   ///< the allow and deny lists
  bool allow_unknown = false;  ///< `unknown: pass`: components with no usable license pass
};

/// The NTIA minimum data fields ("The Minimum Elements For a Software Bill of Materials", 2021).
enum class NtiaElement { supplier, name, version, unique_id, dependencies, author, timestamp };
/// The YAML spelling: "supplier", "name", "version", "uniqueId", "dependencies", "author", "timestamp".
const char* to_string(NtiaElement element);

/// `ntiaMinimumElements`: per component supplier, name, version, unique identifier (PURL or CPE) and a
/// dependency relationship (reachable from the document root); per document author and timestamp.
struct NtiaRule {
  std::vector<NtiaElement> elements;  ///< which to check; all seven when loaded without `elements`
};

/// `maxAge`: every SBOM's timestamp is at most this old at Evidence::now (and not in the future
/// by more than five minutes of clock skew).
struct MaxAgeRule {
  std::int64_t seconds = 0;  ///< the limit; an SBOM exactly this old passes
  std::string text;          ///< as written ("30d")
};

/// One rule of a policy.
struct Rule {
  std::string id;           ///< unique within the policy; the type when the YAML gives none
  std::string description;  ///< optional, shown in reports
  std::variant<RequirePredicatesRule, SbomSchemaRule, DenyComponentsRule, LicensesRule, NtiaRule, MaxAgeRule> spec;
  util::Location location;  ///< where the rule starts in the policy file
  /// The YAML `type`: "requirePredicates", "sbomSchema", "denyComponents", "licenses",
  /// "ntiaMinimumElements", "maxAge".
  const char* type() const;
};

/// A loaded policy: its rules in file order.
struct Policy {
  std::string name;         ///< optional `name`
  std::vector<Rule> rules;  ///< in file order; ids unique
};

/// The only apiVersion load_policy accepts.
inline constexpr std::string_view k_policy_api_version = "purser.dev/policy/v1";

/// Parses a policy file (schema in docs/policy.md). Every problem is ErrorCode::parse with
/// Error::location = {path, line} and a message "invalid policy: ..." naming the key or rule:
/// YAML syntax errors, a wrong or missing apiVersion, unknown or duplicate keys, values of the
/// wrong shape, bad durations, licenses, PURL patterns and version ranges, duplicate rule ids.
util::Result<Policy> load_policy(std::string_view yaml, const std::string& path);

// ---- results ----

enum class Verdict {
  pass,  ///< checked, nothing wrong
  fail,  ///< checked, offenders found (or the evidence could not be read)
  skip,  ///< the rule had nothing to check (no SBOM attestation for an SBOM rule)
};
/// "pass", "fail", "skip".
const char* to_string(Verdict verdict);

/// Something a rule objects to.
struct Offender {
  std::string ref;          ///< component ref (its PURL, or a synthetic ref), "document", a JSON pointer
                            ///< (schema violations), or the missing predicate type
  std::string purl;         ///< the component's PURL, when it has one
  std::string why;          ///< "license 'GPL-3.0-only': denied: GPL-3.0-only"
  std::string attestation;  ///< Attestation::name of the SBOM it came from; empty for evidence-wide findings
};

/// The outcome of one rule.
struct RuleResult {
  std::string id;           ///< Rule::id
  std::string type;         ///< Rule::type()
  std::string description;  ///< Rule::description
  Verdict verdict = Verdict::skip;
  std::string reason;  ///< one-line summary ("2 of 40 components have unacceptable licenses")
  std::vector<Offender> offenders;
};

/// The outcome of a policy: one result per rule, in policy order.
struct PolicyReport {
  std::string policy;             ///< Policy::name
  std::vector<RuleResult> rules;  ///< one per rule, in policy order
  /// True when no rule failed (skipped rules do not fail a policy).
  bool passed() const;
  /// A human summary: a header line, then one line per rule and up to `max_offenders` offender lines
  /// under each failed rule ("... and N more" after that). ANSI colours when `color`. Ends in '\n'.
  std::string to_text(bool color = false, std::size_t max_offenders = 20) const;
  /// The whole report as pretty-printed JSON (docs/policy.md "JSON report"), ending in '\n'.
  std::string to_json() const;
};

/// Evaluates every rule. Never fails: unreadable SBOMs fail the rules that need them, with the reason.
PolicyReport evaluate(const Policy& policy, const Evidence& evidence);

}  // namespace purser::policy
