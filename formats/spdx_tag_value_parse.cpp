// SPDX 2.x tag-value syntax: the tag table, the section parser and the section writer. Clauses cited are from the
// SPDX 2.3 specification (spdx.github.io/spdx-spec/v2.3): every field's "Tag:" example there gives the tag and its
// value syntax; the JSON member each tag becomes is the one the SPDX 2.3 JSON schema names for the same field.
//
// Syntax (clause 4.4 lists tag:value as a serialisation; the fields' examples define it): one "Tag: value" per line;
// a value that spans lines is wrapped as <text>...</text>; lines starting with '#' are comments. Sections follow each
// other without delimiters: a package starts at PackageName, a file at FileName, a snippet at SnippetSPDXID, an
// extracted licence at LicenseID, an annotation at Annotator, a review at Reviewer, and every Relationship line is
// one relationship. Relationships and annotations may sit between the fields of a package (tools write them right
// after the element they concern), so they never end the package, file or snippet around them.

#include <algorithm>
#include <array>
#include <unordered_map>

#include "formats/spdx_tag_value_common.hpp"
#include "lib/util/strings.hpp"

namespace purser::formats::detail {

const TvNode* TvNode::find(std::string_view name) const {
  for (const auto& c : children)
    if (c.key == name) return &c;
  return nullptr;
}

namespace {

// How a tag's value becomes JSON.
enum class Shape : std::uint8_t {
  text,                  // a string member at `path` (one per section)
  free_text,             // the same, written as <text> (comments, copyright and extracted texts)
  boolean,               // "true"/"false" → a boolean; any other spelling stays a string for the validator to report
  list,                  // one more string in the array at `path`
  checksum,              // "ALGORITHM: value" → {algorithm, checksumValue} appended to `path` (7.10, 8.4)
  external_ref,          // "CATEGORY TYPE LOCATOR" → {referenceCategory, referenceType, referenceLocator} (7.21)
  external_ref_comment,  // the comment of the ExternalRef before it (7.22)
  verification_code,     // "HEX (excludes: f1, f2)" → {packageVerificationCodeValue, ...ExcludedFiles} (7.9)
  document_ref,          // "DocumentRef-x URI ALGORITHM: value" → an externalDocumentRefs element (6.6)
  relationship,          // "ELEMENT TYPE ELEMENT" → the relationship's three members (11.1)
  byte_range,            // "START:END" → a ranges element with offsets (9.3)
  line_range,            // "START:END" → a ranges element with line numbers (9.4)
  artifact_name,         // ArtifactOfProjectName/HomePage/URI → artifactOfs (8.9-8.11, deprecated)
  artifact_homepage,
  artifact_uri,
  target,  // SPDXREF: the element an annotation is about (12.5); not a JSON member
};

struct Rule {
  TvSection section;
  std::string_view tag;
  std::string_view path;  // JSON member path inside the section ("creationInfo/created"); "" = the section itself
  Shape shape;
  bool starts = false;  // the tag that starts a section of its kind
};

using S = TvSection;
using H = Shape;

// In the order of the specification's clauses, which is the order the writer uses.
constexpr Rule k_rules[] = {
    // Clause 6: document creation information.
    {S::document, "SPDXVersion", "spdxVersion", H::text},
    {S::document, "DataLicense", "dataLicense", H::text},
    {S::document, "SPDXID", "SPDXID", H::text},
    {S::document, "DocumentName", "name", H::text},
    {S::document, "DocumentNamespace", "documentNamespace", H::text},
    {S::document, "ExternalDocumentRef", "externalDocumentRefs", H::document_ref},
    {S::document, "LicenseListVersion", "creationInfo/licenseListVersion", H::text},
    {S::document, "Creator", "creationInfo/creators", H::list},
    {S::document, "Created", "creationInfo/created", H::text},
    {S::document, "CreatorComment", "creationInfo/comment", H::free_text},
    {S::document, "DocumentComment", "comment", H::free_text},
    // Clause 7: package information.
    {S::package, "PackageName", "name", H::text, true},
    {S::package, "SPDXID", "SPDXID", H::text},
    {S::package, "PackageVersion", "versionInfo", H::text},
    {S::package, "PackageFileName", "packageFileName", H::text},
    {S::package, "PackageSupplier", "supplier", H::text},
    {S::package, "PackageOriginator", "originator", H::text},
    {S::package, "PackageDownloadLocation", "downloadLocation", H::text},
    {S::package, "FilesAnalyzed", "filesAnalyzed", H::boolean},
    {S::package, "PackageVerificationCode", "packageVerificationCode", H::verification_code},
    {S::package, "PackageChecksum", "checksums", H::checksum},
    {S::package, "PackageHomePage", "homepage", H::text},
    {S::package, "PackageSourceInfo", "sourceInfo", H::free_text},
    {S::package, "PackageLicenseConcluded", "licenseConcluded", H::text},
    {S::package, "PackageLicenseInfoFromFiles", "licenseInfoFromFiles", H::list},
    {S::package, "PackageLicenseDeclared", "licenseDeclared", H::text},
    {S::package, "PackageLicenseComments", "licenseComments", H::free_text},
    {S::package, "PackageCopyrightText", "copyrightText", H::free_text},
    {S::package, "PackageSummary", "summary", H::free_text},
    {S::package, "PackageDescription", "description", H::free_text},
    {S::package, "PackageComment", "comment", H::free_text},
    {S::package, "ExternalRef", "externalRefs", H::external_ref},
    {S::package, "ExternalRefComment", "externalRefs", H::external_ref_comment},
    {S::package, "PackageAttributionText", "attributionTexts", H::list},
    {S::package, "PrimaryPackagePurpose", "primaryPackagePurpose", H::text},
    {S::package, "ReleaseDate", "releaseDate", H::text},
    {S::package, "BuiltDate", "builtDate", H::text},
    {S::package, "ValidUntilDate", "validUntilDate", H::text},
    // Clause 8: file information.
    {S::file, "FileName", "fileName", H::text, true},
    {S::file, "SPDXID", "SPDXID", H::text},
    {S::file, "FileType", "fileTypes", H::list},
    {S::file, "FileChecksum", "checksums", H::checksum},
    {S::file, "LicenseConcluded", "licenseConcluded", H::text},
    {S::file, "LicenseInfoInFile", "licenseInfoInFiles", H::list},
    {S::file, "LicenseComments", "licenseComments", H::free_text},
    {S::file, "FileCopyrightText", "copyrightText", H::free_text},
    {S::file, "ArtifactOfProjectName", "artifactOfs", H::artifact_name},
    {S::file, "ArtifactOfProjectHomePage", "artifactOfs", H::artifact_homepage},
    {S::file, "ArtifactOfProjectURI", "artifactOfs", H::artifact_uri},
    {S::file, "FileComment", "comment", H::free_text},
    {S::file, "FileNotice", "noticeText", H::free_text},
    {S::file, "FileContributor", "fileContributors", H::list},
    {S::file, "FileAttributionText", "attributionTexts", H::list},
    {S::file, "FileDependency", "fileDependencies", H::list},
    // Clause 9: snippet information.
    {S::snippet, "SnippetSPDXID", "SPDXID", H::text, true},
    {S::snippet, "SnippetFromFileSPDXID", "snippetFromFile", H::text},
    {S::snippet, "SnippetByteRange", "ranges", H::byte_range},
    {S::snippet, "SnippetLineRange", "ranges", H::line_range},
    {S::snippet, "SnippetLicenseConcluded", "licenseConcluded", H::text},
    {S::snippet, "LicenseInfoInSnippet", "licenseInfoInSnippets", H::list},
    {S::snippet, "SnippetLicenseComments", "licenseComments", H::free_text},
    {S::snippet, "SnippetCopyrightText", "copyrightText", H::free_text},
    {S::snippet, "SnippetComment", "comment", H::free_text},
    {S::snippet, "SnippetName", "name", H::text},
    {S::snippet, "SnippetAttributionText", "attributionTexts", H::list},
    // Clause 10: other licensing information detected.
    {S::license, "LicenseID", "licenseId", H::text, true},
    {S::license, "ExtractedText", "extractedText", H::free_text},
    {S::license, "LicenseName", "name", H::text},
    {S::license, "LicenseCrossReference", "seeAlsos", H::list},
    {S::license, "LicenseComment", "comment", H::free_text},
    // Clause 11: relationships.
    {S::relationship, "Relationship", "", H::relationship, true},
    {S::relationship, "RelationshipComment", "comment", H::free_text},
    // Clause 12: annotations.
    {S::annotation, "Annotator", "annotator", H::text, true},
    {S::annotation, "AnnotationDate", "annotationDate", H::text},
    {S::annotation, "AnnotationType", "annotationType", H::text},
    {S::annotation, "SPDXREF", "", H::target},
    {S::annotation, "AnnotationComment", "comment", H::free_text},
    // Clause 13: review information (deprecated).
    {S::review, "Reviewer", "reviewer", H::text, true},
    {S::review, "ReviewDate", "reviewDate", H::text},
    {S::review, "ReviewComment", "comment", H::free_text},
};

const std::unordered_map<std::string_view, std::vector<const Rule*>>& rules_by_tag() {
  static const auto k_map = [] {
    std::unordered_map<std::string_view, std::vector<const Rule*>> m;
    for (const Rule& r : k_rules) m[r.tag].push_back(&r);
    return m;
  }();
  return k_map;
}

const char* section_name(TvSection s) {
  switch (s) {
    case S::document:
      return "the document";
    case S::package:
      return "a package";
    case S::file:
      return "a file";
    case S::snippet:
      return "a snippet";
    case S::license:
      return "an extracted licence";
    case S::relationship:
      return "a relationship";
    case S::annotation:
      return "an annotation";
    case S::review:
      return "a review";
  }
  return "the document";
}

// Where each kind of section lives in the JSON document.
std::string_view section_array(TvSection s) {
  switch (s) {
    case S::package:
      return "/packages/";
    case S::file:
      return "/files/";
    case S::snippet:
      return "/snippets/";
    case S::license:
      return "/hasExtractedLicensingInfos/";
    case S::relationship:
      return "/relationships/";
    case S::review:
      return "/revieweds/";
    default:
      return {};
  }
}

bool is_side(TvSection s) { return s == S::relationship || s == S::annotation; }

std::string quote(std::string_view s) { return "\"" + util::printable(s, 120) + "\""; }

bool is_tag_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (is_blank(s.front()) || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (is_blank(s.back()) || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Splits off the first whitespace-delimited word.
std::string_view next_word(std::string_view& s) {
  s = trim_blanks(s);
  std::size_t end = 0;
  while (end < s.size() && !is_blank(s[end])) ++end;
  std::string_view word = s.substr(0, end);
  s = trim_blanks(s.substr(end));
  return word;
}

TvNode string_node(std::string key, std::string text) {
  TvNode n;
  n.kind = TvNode::Kind::string;
  n.key = std::move(key);
  n.text = std::move(text);
  return n;
}

TvNode container(TvNode::Kind kind, std::string key = {}) {
  TvNode n;
  n.kind = kind;
  n.key = std::move(key);
  return n;
}

TvNode* find_mut(TvNode& obj, std::string_view key) {
  for (auto& c : obj.children)
    if (c.key == key) return &c;
  return nullptr;
}

// The member at a '/'-separated path, created (objects along the way, `leaf` at the end) when absent.
TvNode& ensure(TvNode& obj, std::string_view path, TvNode::Kind leaf) {
  TvNode* at = &obj;
  while (true) {
    std::size_t slash = path.find('/');
    std::string_view key = path.substr(0, slash);
    TvNode* next = find_mut(*at, key);
    if (next == nullptr) {
      at->children.push_back(
          container(slash == std::string_view::npos ? leaf : TvNode::Kind::object, std::string(key)));
      next = &at->children.back();
    }
    at = next;
    if (slash == std::string_view::npos) return *at;
    path.remove_prefix(slash + 1);
  }
}

const TvNode* find_path(const TvNode& obj, std::string_view path) {
  const TvNode* at = &obj;
  while (at != nullptr) {
    std::size_t slash = path.find('/');
    at = at->find(path.substr(0, slash));
    if (slash == std::string_view::npos) return at;
    path.remove_prefix(slash + 1);
  }
  return nullptr;
}

// "ALGORITHM: value" (7.10): both parts non-empty.
bool parse_checksum(std::string_view v, TvNode& out) {
  std::size_t colon = v.find(':');
  if (colon == std::string_view::npos) return false;
  std::string_view alg = trim_blanks(v.substr(0, colon));
  std::string_view value = trim_blanks(v.substr(colon + 1));
  if (alg.empty() || value.empty() || alg.find(' ') != std::string_view::npos) return false;
  out = container(TvNode::Kind::object);
  out.children.push_back(string_node("algorithm", std::string(alg)));
  out.children.push_back(string_node("checksumValue", std::string(value)));
  return true;
}

bool all_digits(std::string_view s) {
  return !s.empty() && s.size() <= 19 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

class Parser {
 public:
  Parser(std::string_view bytes, TvHandler& handler) : m_bytes(bytes), m_handler(handler) {
    m_document.section = S::document;
    m_document.value = container(TvNode::Kind::object);
  }

  std::optional<TvError> run() {
    std::size_t pos = 0;
    if (m_bytes.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;
    std::uint64_t line = 1;
    bool first = true;
    while (pos < m_bytes.size()) {
      std::size_t eol = m_bytes.find('\n', pos);
      std::size_t end = eol == std::string_view::npos ? m_bytes.size() : eol;
      std::size_t next = eol == std::string_view::npos ? m_bytes.size() : eol + 1;
      std::string_view raw = m_bytes.substr(pos, end - pos);
      std::string_view t = trim_blanks(raw);
      if (t.empty() || t.front() == '#') {
        pos = next;
        ++line;
        continue;
      }
      std::size_t colon = raw.find(':');
      std::string_view tag = colon == std::string_view::npos ? std::string_view() : trim_blanks(raw.substr(0, colon));
      if (tag.empty() || !std::all_of(tag.begin(), tag.end(), is_tag_char)) {
        m_handler.warning(pos, line, "expected \"Tag: value\", found " + quote(t) + ": ignored");
        pos = next;
        ++line;
        continue;
      }
      if (first) {
        m_document.offset = pos;
        m_document.line = line;
        first = false;
      }
      std::string_view rest = raw.substr(colon + 1);
      std::string_view value = trim_blanks(rest);
      if (value.substr(0, 6) == "<text>") {
        // The value runs to the next </text>, wherever it is; '#' lines inside it are text.
        std::size_t start = static_cast<std::size_t>(value.data() - m_bytes.data()) + 6;
        std::size_t close = m_bytes.find("</text>", start);
        if (close == std::string_view::npos)
          return TvError{"invalid spdx tag-value: the <text> of " + std::string(tag) + " is not closed by </text>",
                         line};
        std::string text;
        text.reserve(close - start);
        std::string_view inner = m_bytes.substr(start, close - start);
        for (std::size_t i = 0; i < inner.size(); ++i)
          if (!(inner[i] == '\r' && i + 1 < inner.size() && inner[i + 1] == '\n')) text += inner[i];
        std::uint64_t inner_lines =
            static_cast<std::uint64_t>(std::count(m_bytes.begin() + static_cast<std::ptrdiff_t>(pos),
                                                  m_bytes.begin() + static_cast<std::ptrdiff_t>(close), '\n'));
        std::size_t after = close + 7;
        std::size_t eol2 = m_bytes.find('\n', after);
        std::size_t end2 = eol2 == std::string_view::npos ? m_bytes.size() : eol2;
        apply(tag, std::move(text), pos, line);
        if (!trim_blanks(m_bytes.substr(after, end2 - after)).empty())
          m_handler.warning(close, line + inner_lines, std::string(tag) + ": text after </text>: ignored");
        line += inner_lines + 1;
        pos = eol2 == std::string_view::npos ? m_bytes.size() : eol2 + 1;
        continue;
      }
      apply(tag, std::string(value), pos, line);
      pos = next;
      ++line;
    }
    close_side();
    close_element();
    m_handler.unit(m_document);
    return std::nullopt;
  }

 private:
  void warn(std::size_t offset, std::uint64_t line, std::string_view tag, const std::string& what) {
    m_handler.warning(offset, line, std::string(tag) + ": " + what);
  }

  void close_element() {
    if (!m_element) return;
    if (m_element->section == S::snippet) add_range_references(m_element->value);
    m_handler.unit(*m_element);
    m_element.reset();
  }
  void close_side() {
    if (!m_side) return;
    m_handler.unit(*m_side);
    m_side.reset();
  }

  // Clause 9.3/9.4: both ends of a range point into the snippet's file.
  static void add_range_references(TvNode& snippet) {
    const TvNode* from = snippet.find("snippetFromFile");
    TvNode* ranges = find_mut(snippet, "ranges");
    if (from == nullptr || ranges == nullptr) return;
    for (auto& range : ranges->children)
      for (auto& end : range.children) end.children.push_back(string_node("reference", from->text));
  }

  TvUnit& open(std::optional<TvUnit>& slot, TvSection section, std::size_t offset, std::uint64_t line) {
    slot.emplace();
    slot->section = section;
    slot->value = container(TvNode::Kind::object);
    slot->offset = offset;
    slot->line = line;
    std::string_view array = section_array(section);
    if (!array.empty()) slot->pointer = std::string(array) + std::to_string(m_counts[static_cast<int>(section)]++);
    return *slot;
  }

  void apply(std::string_view tag, std::string value, std::size_t offset, std::uint64_t line) {
    const auto& map = rules_by_tag();
    auto it = map.find(tag);
    if (it == map.end()) {
      m_handler.warning(offset, line, "unknown tag " + quote(tag) + ": ignored");
      return;
    }
    const std::vector<const Rule*>& rules = it->second;
    const Rule* rule = nullptr;
    TvUnit* unit = nullptr;
    if (rules.front()->starts) {
      rule = rules.front();
      if (rule->shape == H::relationship && !relationship_ok(value)) {
        close_side();
        warn(offset, line, tag, "expected \"ELEMENT TYPE ELEMENT\", found " + quote(value) + ": ignored");
        return;
      }
      close_side();
      if (is_side(rule->section)) {
        unit = &open(m_side, rule->section, offset, line);
      } else {
        close_element();
        unit = &open(m_element, rule->section, offset, line);
      }
    } else {
      // The open element first (SPDXID belongs to the document until the first element, then to that element),
      // then the open relationship or annotation, then the document's own tags, wherever they appear.
      for (const Rule* r : rules) {
        if (m_element && r->section == m_element->section) {
          rule = r;
          unit = &*m_element;
        } else if (m_side && r->section == m_side->section) {
          rule = r;
          unit = &*m_side;
        } else if (r->section == S::document && (!m_element || tag != "SPDXID")) {
          rule = r;
          unit = &m_document;
        }
        if (unit != nullptr) break;
      }
      if (unit == nullptr) {
        const Rule* r = rules.front();
        if (tag == "SPDXID")
          warn(offset, line, tag, std::string("not expected in ") + section_name(m_element->section) + ": ignored");
        else
          warn(offset, line, tag, std::string("outside ") + section_name(r->section) + ": ignored");
        return;
      }
    }
    store(*unit, *rule, std::move(value), offset, line);
  }

  static bool relationship_ok(std::string_view v) {
    std::string_view a = next_word(v);
    std::string_view type = next_word(v);
    std::string_view b = next_word(v);
    return !a.empty() && !type.empty() && !b.empty() && v.empty();
  }

  void record(TvUnit& u, std::string pointer, std::string_view tag, std::size_t offset, std::uint64_t line) {
    u.fields.push_back({std::move(pointer), tag, offset, line});
  }

  // A single-valued member: the first occurrence wins.
  bool claim(TvUnit& u, const Rule& rule, std::size_t offset, std::uint64_t line) {
    std::string pointer = "/" + std::string(rule.path);
    for (const auto& f : u.fields) {
      if (f.pointer == pointer && f.tag == rule.tag) {
        warn(offset, line, rule.tag, "already given at line " + std::to_string(f.line) + ": ignored");
        return false;
      }
    }
    record(u, std::move(pointer), rule.tag, offset, line);
    return true;
  }

  void store(TvUnit& u, const Rule& rule, std::string value, std::size_t offset, std::uint64_t line) {
    const std::string path(rule.path);
    switch (rule.shape) {
      case H::text:
      case H::free_text:
        if (claim(u, rule, offset, line)) ensure(u.value, path, TvNode::Kind::string).text = std::move(value);
        return;
      case H::boolean: {
        if (!claim(u, rule, offset, line)) return;
        std::string lower = util::to_lower(value);
        TvNode& n = ensure(u.value, path, TvNode::Kind::string);
        if (lower == "true" || lower == "false") {
          n.kind = TvNode::Kind::boolean;
          n.flag = lower == "true";
        } else {
          n.text = std::move(value);
        }
        return;
      }
      case H::list: {
        TvNode& list = ensure(u.value, path, TvNode::Kind::array);
        record(u, "/" + path + "/" + std::to_string(list.children.size()), rule.tag, offset, line);
        list.children.push_back(string_node({}, std::move(value)));
        return;
      }
      case H::checksum: {
        TvNode sum;
        if (!parse_checksum(value, sum)) {
          warn(offset, line, rule.tag, "expected \"ALGORITHM: value\", found " + quote(value) + ": ignored");
          return;
        }
        TvNode& list = ensure(u.value, path, TvNode::Kind::array);
        record(u, "/" + path + "/" + std::to_string(list.children.size()), rule.tag, offset, line);
        list.children.push_back(std::move(sum));
        return;
      }
      case H::external_ref: {
        std::string_view rest = value;
        std::string_view category = next_word(rest);
        std::string_view type = next_word(rest);
        if (category.empty() || type.empty() || rest.empty()) {
          warn(offset, line, rule.tag, "expected \"CATEGORY TYPE LOCATOR\", found " + quote(value) + ": ignored");
          return;
        }
        TvNode ref = container(TvNode::Kind::object);
        ref.children.push_back(string_node("referenceCategory", std::string(category)));
        ref.children.push_back(string_node("referenceType", std::string(type)));
        ref.children.push_back(string_node("referenceLocator", std::string(rest)));
        TvNode& list = ensure(u.value, path, TvNode::Kind::array);
        record(u, "/" + path + "/" + std::to_string(list.children.size()), rule.tag, offset, line);
        list.children.push_back(std::move(ref));
        return;
      }
      case H::external_ref_comment: {
        TvNode* list = find_mut(u.value, path);
        if (list == nullptr || list->children.empty()) {
          warn(offset, line, rule.tag, "no ExternalRef before it: ignored");
          return;
        }
        TvNode& ref = list->children.back();
        std::string pointer = "/" + path + "/" + std::to_string(list->children.size() - 1) + "/comment";
        if (ref.find("comment") != nullptr) {
          warn(offset, line, rule.tag, "the ExternalRef before it already has one: ignored");
          return;
        }
        record(u, std::move(pointer), rule.tag, offset, line);
        ref.children.push_back(string_node("comment", std::move(value)));
        return;
      }
      case H::verification_code: {
        if (!claim(u, rule, offset, line)) return;
        // "d6a770ba38583ed4bb4525bd96e50461655d2758 (excludes: ./package.spdx)"; older documents put the list in
        // parentheses right after the code.
        std::string_view v = value;
        std::size_t paren = v.find('(');
        std::string_view code = trim_blanks(v.substr(0, paren));
        TvNode& obj = ensure(u.value, path, TvNode::Kind::object);
        obj.children.push_back(string_node("packageVerificationCodeValue", std::string(code)));
        if (paren != std::string_view::npos) {
          std::string_view inner = v.substr(paren + 1);
          if (std::size_t closing = inner.rfind(')'); closing != std::string_view::npos)
            inner = inner.substr(0, closing);
          inner = trim_blanks(inner);
          if (util::to_lower(inner.substr(0, 9)) == "excludes:") inner = trim_blanks(inner.substr(9));
          TvNode files = container(TvNode::Kind::array, "packageVerificationCodeExcludedFiles");
          for (auto part : util::split(inner, ','))
            if (auto f = trim_blanks(part); !f.empty()) files.children.push_back(string_node({}, std::string(f)));
          if (!files.children.empty()) obj.children.push_back(std::move(files));
        }
        return;
      }
      case H::document_ref: {
        std::string_view rest = value;
        std::string_view id = next_word(rest);
        std::string_view uri = next_word(rest);
        TvNode sum;
        if (id.empty() || uri.empty() || !parse_checksum(rest, sum)) {
          warn(offset, line, rule.tag,
               "expected \"DocumentRef-ID URI ALGORITHM: value\", found " + quote(value) + ": ignored");
          return;
        }
        sum.key = "checksum";
        TvNode ref = container(TvNode::Kind::object);
        ref.children.push_back(string_node("externalDocumentId", std::string(id)));
        ref.children.push_back(string_node("spdxDocument", std::string(uri)));
        ref.children.push_back(std::move(sum));
        TvNode& list = ensure(u.value, path, TvNode::Kind::array);
        record(u, "/" + path + "/" + std::to_string(list.children.size()), rule.tag, offset, line);
        list.children.push_back(std::move(ref));
        return;
      }
      case H::relationship: {
        std::string_view rest = value;
        std::string_view a = next_word(rest);
        std::string_view type = next_word(rest);
        std::string_view b = next_word(rest);
        u.value.children.push_back(string_node("spdxElementId", std::string(a)));
        u.value.children.push_back(string_node("relationshipType", std::string(type)));
        u.value.children.push_back(string_node("relatedSpdxElement", std::string(b)));
        record(u, "", rule.tag, offset, line);
        return;
      }
      case H::byte_range:
      case H::line_range: {
        std::size_t colon = value.find(':');
        std::string_view first =
            colon == std::string::npos ? std::string_view() : trim_blanks(std::string_view(value).substr(0, colon));
        std::string_view last =
            colon == std::string::npos ? std::string_view() : trim_blanks(std::string_view(value).substr(colon + 1));
        if (!all_digits(first) || !all_digits(last)) {
          warn(offset, line, rule.tag, "expected \"START:END\", found " + quote(value) + ": ignored");
          return;
        }
        const char* unit_key = rule.shape == H::byte_range ? "offset" : "lineNumber";
        TvNode range = container(TvNode::Kind::object);
        for (auto [key, digits] : {std::pair{"startPointer", first}, std::pair{"endPointer", last}}) {
          TvNode end = container(TvNode::Kind::object, key);
          TvNode n = string_node(unit_key, std::string(digits));
          n.kind = TvNode::Kind::number;
          end.children.push_back(std::move(n));
          range.children.push_back(std::move(end));
        }
        TvNode& list = ensure(u.value, path, TvNode::Kind::array);
        record(u, "/" + path + "/" + std::to_string(list.children.size()), rule.tag, offset, line);
        list.children.push_back(std::move(range));
        return;
      }
      case H::artifact_name:
      case H::artifact_homepage:
      case H::artifact_uri: {
        // A name starts an artifact; a home page or URI belongs to the artifact before it unless that one has its
        // own already.
        const char* key =
            rule.shape == H::artifact_name ? "name" : (rule.shape == H::artifact_homepage ? "homePage" : "projectUri");
        TvNode& list = ensure(u.value, path, TvNode::Kind::array);
        if (rule.shape == H::artifact_name || list.children.empty() || list.children.back().find(key) != nullptr)
          list.children.push_back(container(TvNode::Kind::object));
        record(u, "/" + path + "/" + std::to_string(list.children.size() - 1) + "/" + key, rule.tag, offset, line);
        list.children.back().children.push_back(string_node(key, std::move(value)));
        return;
      }
      case H::target:
        for (const auto& f : u.fields) {
          if (f.tag == rule.tag) {
            warn(offset, line, rule.tag, "already given at line " + std::to_string(f.line) + ": ignored");
            return;
          }
        }
        record(u, "", rule.tag, offset, line);
        u.target = std::move(value);
        return;
    }
  }

  std::string_view m_bytes;
  TvHandler& m_handler;
  TvUnit m_document;
  std::optional<TvUnit> m_element;  // the open package, file, snippet, extracted licence or review
  std::optional<TvUnit> m_side;     // the open relationship or annotation
  std::array<std::uint64_t, 8> m_counts{};
};

// ---------------------------------------------------------------- writing

// Valid UTF-8 without control characters other than tab and line feed; CRLF becomes LF.
std::string clean_text(std::string_view s) {
  static constexpr std::string_view k_replacement = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') {
        ++i;
        continue;
      }
      if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
        out += k_replacement;
      else
        out += static_cast<char>(c);
      ++i;
      continue;
    }
    // RFC 3629 §4: the well-formed sequences.
    std::size_t n = c >= 0xC2 && c <= 0xDF ? 2 : (c >= 0xE0 && c <= 0xEF ? 3 : (c >= 0xF0 && c <= 0xF4 ? 4 : 0));
    bool ok = n > 0 && i + n <= s.size();
    for (std::size_t k = 1; ok && k < n; ++k) {
      auto b = static_cast<unsigned char>(s[i + k]);
      unsigned char lo = 0x80, hi = 0xBF;
      if (k == 1) {
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
      }
      ok = b >= lo && b <= hi;
    }
    if (ok) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out += k_replacement;
      ++i;
    }
  }
  return out;
}

void put(std::string& out, std::string_view tag, std::string_view value, bool free_text) {
  std::string v = clean_text(value);
  bool wrap = free_text ? (v != "NOASSERTION" && v != "NONE")
                        : (v.find('\n') != std::string::npos ||
                           (!v.empty() && (is_blank(v.front()) || is_blank(v.back()))) || v.substr(0, 6) == "<text>");
  out += tag;
  out += ':';
  if (!wrap && v.empty()) {
    out += '\n';
    return;
  }
  out += ' ';
  if (wrap) {
    for (std::size_t at = v.find("</text>"); at != std::string::npos; at = v.find("</text>", at + 2))
      v.insert(at + 2, " ");
    out += "<text>";
    out += v;
    out += "</text>";
  } else {
    out += v;
  }
  out += '\n';
}

std::string scalar_text(const TvNode& n) {
  if (n.kind == TvNode::Kind::boolean) return n.flag ? "true" : "false";
  return n.text;
}

std::string checksum_text(const TvNode& sum) {
  const TvNode* alg = sum.find("algorithm");
  const TvNode* value = sum.find("checksumValue");
  return (alg ? alg->text : std::string()) + ": " + (value ? value->text : std::string());
}

}  // namespace

bool looks_like_spdx_tag_value(std::string_view bytes) {
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  while (!bytes.empty()) {
    std::size_t eol = bytes.find('\n');
    std::string_view line = trim_blanks(bytes.substr(0, eol));
    bytes = eol == std::string_view::npos ? std::string_view() : bytes.substr(eol + 1);
    if (line.empty() || line.front() == '#') continue;
    if (line.substr(0, 11) != "SPDXVersion") return false;
    return trim_blanks(line.substr(11)).substr(0, 1) == ":";
  }
  return false;
}

std::optional<TvError> parse_spdx_tag_value(std::string_view bytes, TvHandler& handler) {
  return Parser(bytes, handler).run();
}

std::string_view tag_for_pointer(TvSection section, std::string_view pointer) {
  std::string_view start_tag = section == S::document ? std::string_view("SPDXVersion") : std::string_view();
  const Rule* best = nullptr;
  for (const Rule& r : k_rules) {
    if (r.section != section) continue;
    if (r.starts) start_tag = r.tag;
    if (r.path.empty() || r.shape == H::external_ref_comment || r.shape == H::artifact_homepage ||
        r.shape == H::artifact_uri)
      continue;
    std::string p = "/" + std::string(r.path);
    bool match =
        pointer == p || (pointer.size() > p.size() && pointer.substr(0, p.size()) == p && pointer[p.size()] == '/');
    if (match && (best == nullptr || r.path.size() > best->path.size())) best = &r;
  }
  if (best == nullptr) return start_tag;
  auto ends_with = [&](std::string_view suffix) {
    return pointer.size() >= suffix.size() && pointer.substr(pointer.size() - suffix.size()) == suffix;
  };
  if (best->shape == H::external_ref && ends_with("/comment")) return "ExternalRefComment";
  if (best->shape == H::artifact_name && ends_with("/homePage")) return "ArtifactOfProjectHomePage";
  if (best->shape == H::artifact_name && ends_with("/projectUri")) return "ArtifactOfProjectURI";
  return best->tag;
}

void append_tag_value_section(TvSection section, const TvNode& value, std::string& out) {
  for (const Rule& r : k_rules) {
    if (r.section != section) continue;
    const bool free_text = r.shape == H::free_text;
    switch (r.shape) {
      case H::text:
      case H::free_text:
      case H::boolean:
        if (const TvNode* n = find_path(value, r.path);
            n && n->kind != TvNode::Kind::array && n->kind != TvNode::Kind::object)
          put(out, r.tag, scalar_text(*n), free_text);
        break;
      case H::list:
        if (const TvNode* n = find_path(value, r.path))
          for (const auto& e : n->children) put(out, r.tag, scalar_text(e), false);
        break;
      case H::checksum:
        if (const TvNode* n = find_path(value, r.path))
          for (const auto& e : n->children) put(out, r.tag, checksum_text(e), false);
        break;
      case H::external_ref:
        if (const TvNode* n = find_path(value, r.path)) {
          for (const auto& e : n->children) {
            std::string text;
            for (const char* key : {"referenceCategory", "referenceType", "referenceLocator"}) {
              if (!text.empty()) text += ' ';
              if (const TvNode* part = e.find(key)) text += part->text;
            }
            put(out, r.tag, text, false);
            if (const TvNode* comment = e.find("comment")) put(out, "ExternalRefComment", comment->text, true);
          }
        }
        break;
      case H::verification_code:
        if (const TvNode* n = find_path(value, r.path)) {
          const TvNode* code = n->find("packageVerificationCodeValue");
          std::string text = code ? code->text : std::string();
          if (const TvNode* files = n->find("packageVerificationCodeExcludedFiles");
              files && !files->children.empty()) {
            text += " (excludes: ";
            for (std::size_t i = 0; i < files->children.size(); ++i) text += (i ? ", " : "") + files->children[i].text;
            text += ")";
          }
          put(out, r.tag, text, false);
        }
        break;
      case H::document_ref:
        if (const TvNode* n = find_path(value, r.path)) {
          for (const auto& e : n->children) {
            const TvNode* id = e.find("externalDocumentId");
            const TvNode* doc = e.find("spdxDocument");
            const TvNode* sum = e.find("checksum");
            put(out, r.tag,
                (id ? id->text : std::string()) + " " + (doc ? doc->text : std::string()) + " " +
                    (sum ? checksum_text(*sum) : std::string()),
                false);
          }
        }
        break;
      case H::relationship: {
        std::string text;
        for (const char* key : {"spdxElementId", "relationshipType", "relatedSpdxElement"}) {
          if (!text.empty()) text += ' ';
          if (const TvNode* part = value.find(key)) text += part->text;
        }
        put(out, r.tag, text, false);
        break;
      }
      case H::byte_range:
      case H::line_range:
        if (const TvNode* n = find_path(value, r.path)) {
          const char* unit_key = r.shape == H::byte_range ? "offset" : "lineNumber";
          for (const auto& range : n->children) {
            const TvNode* start = range.find("startPointer");
            const TvNode* end = range.find("endPointer");
            const TvNode* a = start ? start->find(unit_key) : nullptr;
            const TvNode* b = end ? end->find(unit_key) : nullptr;
            if (a && b) put(out, r.tag, a->text + ":" + b->text, false);
          }
        }
        break;
      case H::artifact_name:
        if (const TvNode* n = find_path(value, r.path)) {
          for (const auto& e : n->children) {
            if (const TvNode* v = e.find("name")) put(out, "ArtifactOfProjectName", v->text, false);
            if (const TvNode* v = e.find("homePage")) put(out, "ArtifactOfProjectHomePage", v->text, false);
            if (const TvNode* v = e.find("projectUri")) put(out, "ArtifactOfProjectURI", v->text, false);
          }
        }
        break;
      case H::external_ref_comment:
      case H::artifact_homepage:
      case H::artifact_uri:
      case H::target:
        break;  // written with the element they belong to, or not a JSON member
    }
  }
}

}  // namespace purser::formats::detail
