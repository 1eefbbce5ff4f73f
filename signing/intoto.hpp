#pragma once
// in-toto Statement v1 (in-toto/attestation spec v1: statement.md, resource_descriptor.md).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lib/util/result.hpp"

namespace purser::signing {

inline constexpr std::string_view k_intoto_payload_type = "application/vnd.in-toto+json";
inline constexpr std::string_view k_statement_v1 = "https://in-toto.io/Statement/v1";

/// A statement subject: a name and its digests (algorithm → lower-case hex, e.g. {"sha256", "ab…"}),
/// sorted by algorithm.
struct Subject {
  std::string name;
  std::vector<std::pair<std::string, std::string>> digests;
};

/// Builds Statement v1 JSON: {"_type","subject","predicateType","predicate"}. `predicate_json` must be a
/// JSON object; it is embedded as given (not re-serialised), so a 50 MB predicate costs one validation
/// pass. ErrorCode::parse when it is not a JSON object; ErrorCode::usage with no subjects, a subject
/// without digests, a digest that is not lower-case hex of the algorithm's length, or an empty predicate type.
util::Result<std::string> make_statement(const std::vector<Subject>& subjects, std::string_view predicate_type,
                                         std::string_view predicate_json);

/// A parsed statement. `predicate_json` is the predicate's JSON text (empty when absent).
struct Statement {
  std::string type;
  std::vector<Subject> subjects;
  std::string predicate_type;
  std::string predicate_json;
};

/// Parses and checks a Statement v1: `_type` is k_statement_v1, at least one subject, each subject with
/// a non-empty digest map of lower-case hex values (of the right length for sha256, sha512, ...), a non-empty
/// predicateType, a predicate that is an object when present. ErrorCode::parse for bad JSON (and repeated
/// member names), ErrorCode::verify (message naming the field) for a structurally wrong statement. The
/// predicate is validated and sliced out, not parsed into a DOM.
util::Result<Statement> parse_statement(std::string_view json, const std::string& path);

}  // namespace purser::signing
