#pragma once
// SPDX 2.x tag-value, shared by the reader, the writer and the validator in this folder only (not part of the public
// API). A tag-value document is cut into sections (the document, each package, file, snippet, extracted licence,
// relationship, annotation, review), and each section is handed over as the value its SPDX JSON equivalent has, so
// the SPDX JSON reader's mapping and the SPDX rules of validate.cpp apply to tag-value unchanged.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "formats/reader.hpp"
#include "lib/util/result.hpp"

namespace purser::formats::detail {

/// A value of the JSON equivalent of a section: strings, booleans (FilesAnalyzed), numbers (snippet ranges), and
/// the arrays and objects holding them.
struct TvNode {
  enum class Kind : std::uint8_t { string, boolean, number, array, object };
  Kind kind = Kind::object;
  std::string key;   ///< the member name when the parent is an object
  std::string text;  ///< a string's bytes or a number's digits
  bool flag = false;
  std::vector<TvNode> children;

  /// The first member named `name` of an object, or nullptr.
  const TvNode* find(std::string_view name) const;
};

/// The kinds of section (SPDX 2.3 clauses 6 to 13) and where their JSON equivalent lives.
enum class TvSection : std::uint8_t {
  document,      ///< clause 6: the document object's own members and creationInfo
  package,       ///< clause 7: an element of "packages", started by PackageName
  file,          ///< clause 8: an element of "files", started by FileName
  snippet,       ///< clause 9: an element of "snippets", started by SnippetSPDXID
  license,       ///< clause 10: an element of "hasExtractedLicensingInfos", started by LicenseID
  relationship,  ///< clause 11: an element of "relationships", one Relationship line
  annotation,    ///< clause 12: an element of the "annotations" of the element SPDXREF names, started by Annotator
  review,        ///< clause 13 (deprecated): an element of "revieweds", started by Reviewer
};

/// Where one tag of a section was read.
struct TvField {
  std::string pointer;     ///< JSON pointer of its value relative to the section ("/versionInfo", "/checksums/1")
  std::string_view tag;    ///< the tag as the specification spells it (static storage)
  std::size_t offset = 0;  ///< byte offset of the start of its line
  std::uint64_t line = 1;
};

/// One finished section.
struct TvUnit {
  TvSection section = TvSection::document;
  TvNode value;                 ///< an object
  std::string pointer;          ///< JSON pointer of the value in the equivalent document ("/packages/3"); "" for the
                                ///< document and for annotations (their place depends on what they annotate)
  std::size_t offset = 0;       ///< byte offset of the line of the section's first tag
  std::uint64_t line = 1;       ///< its line
  std::vector<TvField> fields;  ///< in document order
  std::string target;           ///< annotations: the SPDXREF value (empty when missing)
};

/// Receives the sections of a document in document order (a section is complete when the next one starts), the
/// document section last, and problems that do not stop reading.
class TvHandler {
 public:
  virtual ~TvHandler() = default;
  /// A finished section; the handler may move from it.
  virtual void unit(TvUnit& u) = 0;
  /// A line that was ignored or only partly understood: "<Tag>: what" or a message about the line as a whole.
  virtual void warning(std::size_t offset, std::uint64_t line, std::string message) = 0;
};

/// Why parsing stopped: ErrorCode::parse with the message and 1-based line.
struct TvError {
  std::string message;
  std::uint64_t line = 1;
};

/// True when the first line that is neither blank nor a '#' comment (after an optional UTF-8 byte order mark) starts
/// with the tag SPDXVersion.
bool looks_like_spdx_tag_value(std::string_view bytes);

/// Parses tag-value `bytes` (LF or CRLF line ends; '#' comment lines; <text>...</text> values spanning lines) into
/// sections. Unknown tags, tags outside the section they belong to, repeated single-valued tags (the first wins)
/// and values of the wrong shape are warnings; a <text> that is never closed is the error returned.
std::optional<TvError> parse_spdx_tag_value(std::string_view bytes, TvHandler& handler);

/// The tag that carries `pointer` (relative to a section of kind `section`, e.g. "/versionInfo",
/// "/externalRefs/0/referenceLocator"); the section's first tag for "" and for members no tag carries.
std::string_view tag_for_pointer(TvSection section, std::string_view pointer);

/// Appends the tag-value lines of one section whose JSON equivalent is `value`, tags in the order of the
/// specification's clauses. Values that span lines, or would lose whitespace, are written as <text>...</text>, as are
/// the free-text fields (comments, copyright texts, extracted texts) unless NONE or NOASSERTION. Tag-value has no
/// escapes: invalid UTF-8 and control characters other than tab and line feed become U+FFFD, and "</text>" inside a
/// value becomes "</ text>" so it cannot end the value early.
void append_tag_value_section(TvSection section, const TvNode& value, std::string& out);

/// Reads an SPDX 2.2/2.3 tag-value document (formats::read_sbom's tag-value front end): every section goes through
/// the SPDX JSON reader's mapping (SpdxCollector), so a document and its JSON equivalent read to the same model.
/// Diagnostics carry the line of the tag concerned and name it by its tag ("PackageVersion: missing for ...").
util::Result<ReadSbom> read_spdx_tag_value(std::string_view bytes, const std::string& path);

}  // namespace purser::formats::detail
