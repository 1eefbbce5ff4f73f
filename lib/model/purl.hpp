#pragma once
// Package URLs per the purl specification (github.com/package-url/purl-spec):
// per-type normalisation and percent-encoding live here and nowhere else.

#include <map>
#include <string>
#include <string_view>

#include "lib/util/result.hpp"

namespace purser::model {

struct Purl {
  std::string type;                               ///< lower-case, e.g. "npm"
  std::string namespace_;                         ///< '/'-separated segments, unencoded ("@angular", "github.com/foo")
  std::string name;                               ///< unencoded
  std::string version;                            ///< unencoded; empty = none
  std::map<std::string, std::string> qualifiers;  ///< keys lower-case; empty values dropped
  std::string subpath;

  /// Canonical string: type-specific normalisation applied (pypi PEP 503 names,
  /// lower-case where the type is case-insensitive), components percent-encoded,
  /// qualifiers sorted.
  std::string to_string() const;
  /// Parses a purl string; ErrorCode::parse with the reason on malformed input.
  static util::Result<Purl> parse(std::string_view text);
};

/// PEP 503 normalised Python project name: lower-case, runs of "-_." become "-".
std::string pep503_normalize(std::string_view name);

/// Percent-encodes everything except RFC 3986 unreserved characters and those in `keep`.
std::string purl_encode(std::string_view s, std::string_view keep = {});

}  // namespace purser::model
