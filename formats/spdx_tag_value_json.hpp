#pragma once
// An SPDX tag-value document as its SPDX JSON equivalent, for the validator (internal to formats/, not part of the
// public API): the SPDX rules of validate.cpp run on the JSON, and each violation's JSON pointer leads back to the
// line of the tag it came from.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "lib/util/result.hpp"

namespace purser::formats::detail {

/// A tag-value document converted, with where everything came from.
struct TagValueJson {
  nlohmann::json doc;                          ///< the equivalent SPDX JSON document
  std::map<std::string, std::uint64_t> lines;  ///< JSON pointer of every section and value read → line of its tag
  /// Lines the parser ignored or only partly understood (unknown tags, tags outside their section...), and
  /// annotations whose SPDXREF names no element: line, message.
  std::vector<std::pair<std::uint64_t, std::string>> problems;
  /// The line of the tag that holds `pointer`, else of the nearest enclosing value read (the first tag's line for
  /// the document itself).
  std::uint64_t line_of(std::string_view pointer) const;
};

/// Converts tag-value `bytes`: sections in document order become the elements of packages, files, snippets,
/// hasExtractedLicensingInfos, relationships and revieweds; annotations join the annotations of the element their
/// SPDXREF names (the document's when it names the document, names nothing or is missing: a problem then).
/// ErrorCode::parse with the line for a <text> never closed. `path` only labels the error.
util::Result<TagValueJson> spdx_tag_value_to_json(std::string_view bytes, const std::string& path);

}  // namespace purser::formats::detail
