#include "formats/validate.hpp"

// valijson reports schema problems by calling throwRuntimeError(); without this it
// prints and aborts. Every translation unit including valijson must agree on it.
#define VALIJSON_USE_EXCEPTIONS 1

#include <algorithm>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/constraint_builder.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "formats/reader_common.hpp"
#include "formats/spdx_tag_value_common.hpp"
#include "formats/spdx_tag_value_json.hpp"
#include "formats/validate_xml.hpp"
#include "lib/model/license.hpp"
#include "lib/model/purl.hpp"
#include "lib/util/strings.hpp"

namespace purser::embedded {
extern const std::string_view cdx_schema_1_4;
extern const std::string_view cdx_schema_1_5;
extern const std::string_view cdx_schema_1_6;
extern const std::string_view cdx_schema_spdx;
extern const std::string_view cdx_schema_jsf;
}  // namespace purser::embedded

namespace purser::formats {

namespace {

using json = nlohmann::json;
using util::ErrorCode;
using util::make_error;

// nlohmann's DOM helpers and valijson both recurse per nesting level; real SBOMs
// stay far below this.
constexpr std::size_t k_max_depth = 512;
// libstdc++'s std::regex recurses once per input character and overflows the stack
// somewhere past ~50k characters. Every pattern in the CycloneDX schemas describes a
// short token (hash, uuid urn, media type, locale, bom-link), so longer strings fail
// the pattern without being handed to the regex engine.
constexpr std::size_t k_max_pattern_input = 4096;

// ---------------------------------------------------------------- shared helpers

// Returns the byte offset where nesting first exceeds k_max_depth, or npos. A cheap
// scan that understands strings, so brackets inside them do not count.
std::size_t find_excess_depth(std::string_view bytes) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    char c = bytes[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > k_max_depth) return i;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return std::string_view::npos;
}

// "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error ..." →
// the part after the position, which is what a user needs.
std::string json_reason(const json::parse_error& e) {
  std::string_view what = e.what();
  auto col = what.find("column ");
  auto colon = col == std::string_view::npos ? what.find("] ") : what.find(": ", col);
  if (colon == std::string_view::npos) return std::string(what);
  return std::string(what.substr(colon + 2));
}

std::string pointer_token(std::string_view key) {
  std::string out;
  out.reserve(key.size() + 1);
  out += '/';
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string child(const std::string& pointer, std::string_view key) { return pointer + pointer_token(key); }
std::string child(const std::string& pointer, std::size_t index) { return pointer + "/" + std::to_string(index); }

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

bool is_hex(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  return true;
}

int days_in_month(int year, int month) {
  static constexpr int k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) return 29;
  return k_days[month - 1];
}

// RFC 3339 date-time: YYYY-MM-DDThh:mm:ss[.frac](Z|+hh:mm|-hh:mm), 'T' and 'Z' in
// either case. Hand-written: valijson's regex version recurses per character.
bool is_date_time(std::string_view s) {
  auto num = [&](std::size_t at, std::size_t n, int& out) {
    if (at + n > s.size() || !all_digits(s.substr(at, n))) return false;
    out = std::stoi(std::string(s.substr(at, n)));
    return true;
  };
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!num(0, 4, year) || s.size() < 20 || s[4] != '-' || !num(5, 2, month) || s[7] != '-' || !num(8, 2, day) ||
      (s[10] != 'T' && s[10] != 't') || !num(11, 2, hour) || s[13] != ':' || !num(14, 2, minute) || s[16] != ':' ||
      !num(17, 2, second))
    return false;
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 || minute > 59 || second > 60)
    return false;
  std::size_t i = 19;
  if (s[i] == '.') {
    std::size_t start = ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return false;
  }
  if (i >= s.size()) return false;
  if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == s.size()) return true;
  if (s[i] != '+' && s[i] != '-') return false;
  int oh = 0, om = 0;
  return i + 6 == s.size() && num(i + 1, 2, oh) && s[i + 3] == ':' && num(i + 4, 2, om) && oh <= 23 && om <= 59;
}

const char* type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "boolean";
    case json::value_t::string:
      return "string";
    case json::value_t::object:
      return "object";
    case json::value_t::array:
      return "array";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "integer";
    default:
      return "number";
  }
}

// ---------------------------------------------------------------- CycloneDX

// Replacement for valijson's 'pattern': the same ECMAScript regex, but never run on
// input long enough to overflow the stack.
class SafePatternConstraint : public valijson::constraints::PolyConstraint {
 public:
  explicit SafePatternConstraint(std::string pattern) : m_pattern(std::move(pattern)), m_regex(m_pattern) {}

  bool validate(const valijson::adapters::Adapter& target, const std::vector<std::string>& context,
                valijson::ValidationResults* results) const override {
    if (!target.isString()) return true;
    std::string value = target.asString();
    bool ok = value.size() <= k_max_pattern_input && std::regex_search(value, m_regex);
    if (!ok && results) results->pushError(context, "purser: value does not match pattern '" + m_pattern + "'");
    return ok;
  }

 private:
  valijson::constraints::Constraint* cloneInto(void* where) const override {
    return new (where) SafePatternConstraint(*this);
  }
  std::size_t sizeOf() const override { return sizeof(SafePatternConstraint); }

  std::string m_pattern;
  std::regex m_regex;
};

// Replacement for valijson's 'format': checks date-time by hand and, like valijson,
// accepts the formats it does not know (iri-reference, idn-email, uri).
class SafeFormatConstraint : public valijson::constraints::PolyConstraint {
 public:
  explicit SafeFormatConstraint(std::string format) : m_format(std::move(format)) {}

  bool validate(const valijson::adapters::Adapter& target, const std::vector<std::string>& context,
                valijson::ValidationResults* results) const override {
    if (!target.isString() || m_format != "date-time") return true;
    if (is_date_time(target.asString())) return true;
    if (results) results->pushError(context, "purser: value is not an rfc 3339 date-time");
    return false;
  }

 private:
  valijson::constraints::Constraint* cloneInto(void* where) const override {
    return new (where) SafeFormatConstraint(*this);
  }
  std::size_t sizeOf() const override { return sizeof(SafeFormatConstraint); }

  std::string m_format;
};

class SafePatternBuilder : public valijson::ConstraintBuilder {
 public:
  valijson::constraints::Constraint* make(const valijson::adapters::Adapter& node) const override {
    if (!node.isString()) throw std::runtime_error("pattern is not a string");
    return new SafePatternConstraint(node.asString());
  }
};

class SafeFormatBuilder : public valijson::ConstraintBuilder {
 public:
  valijson::constraints::Constraint* make(const valijson::adapters::Adapter& node) const override {
    if (!node.isString()) throw std::runtime_error("format is not a string");
    return new SafeFormatConstraint(node.asString());
  }
};

constexpr const char* k_pattern_keyword = "x-purser-pattern";
constexpr const char* k_format_keyword = "x-purser-format";

// Moves "pattern" and "format" keywords (string-valued: a property *named* "pattern"
// has an object value) to our own keywords, so valijson's regex-based checks never run.
void rewrite_keywords(json& node) {
  std::vector<json*> stack{&node};
  while (!stack.empty()) {
    json* cur = stack.back();
    stack.pop_back();
    if (cur->is_object()) {
      for (const char* kw : {"pattern", "format"}) {
        auto it = cur->find(kw);
        if (it != cur->end() && it->is_string()) {
          json value = *it;
          cur->erase(it);
          (*cur)[std::string(kw) == "pattern" ? k_pattern_keyword : k_format_keyword] = std::move(value);
        }
      }
      for (auto& [key, value] : cur->items()) stack.push_back(&value);
    } else if (cur->is_array()) {
      for (auto& value : *cur) stack.push_back(&value);
    }
  }
}

json load_schema_json(std::string_view text) {
  json doc = json::parse(text);
  rewrite_keywords(doc);
  return doc;
}

struct CdxSchema {
  std::unique_ptr<valijson::Schema> schema;
  std::string error;  // non-empty when the embedded schema could not be loaded
};

CdxSchema load_cdx_schema(std::string_view text) {
  CdxSchema out;
  try {
    json root = load_schema_json(text);
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    parser.addConstraintBuilder(k_pattern_keyword, new SafePatternBuilder);
    parser.addConstraintBuilder(k_format_keyword, new SafeFormatBuilder);
    // The bom schemas reference their siblings by relative URI; serve them from the
    // embedded copies (never the network).
    auto fetch = [](const std::string& uri) -> const json* {
      auto file = std::string_view(uri).substr(uri.rfind('/') == std::string::npos ? 0 : uri.rfind('/') + 1);
      if (file == "spdx.SNAPSHOT.schema.json") return new json(load_schema_json(embedded::cdx_schema_spdx));
      if (file == "jsf-0.82.SNAPSHOT.schema.json") return new json(load_schema_json(embedded::cdx_schema_jsf));
      return nullptr;
    };
    auto free_doc = [](const json* doc) { delete doc; };
    auto schema = std::make_unique<valijson::Schema>();
    valijson::adapters::NlohmannJsonAdapter adapter(root);
    parser.populateSchema(adapter, *schema, fetch, free_doc);
    out.schema = std::move(schema);
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  return out;
}

const CdxSchema& cdx_schema(const std::string& version) {
  // Function-local statics: parsed on first use, thread-safe, once per version.
  if (version == "1.4") {
    static const CdxSchema s = load_cdx_schema(embedded::cdx_schema_1_4);
    return s;
  }
  if (version == "1.5") {
    static const CdxSchema s = load_cdx_schema(embedded::cdx_schema_1_5);
    return s;
  }
  static const CdxSchema s = load_cdx_schema(embedded::cdx_schema_1_6);
  return s;
}

std::string context_to_pointer(const std::vector<std::string>& context) {
  std::string out;
  for (const auto& part : context) {
    if (part == "<root>") continue;
    std::string_view p = part;
    if (p.size() >= 2 && p.front() == '[' && p.back() == ']') p = p.substr(1, p.size() - 2);
    out += pointer_token(p);
  }
  return out;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

const json* resolve(const json& doc, const std::string& pointer) {
  try {
    const json& v = doc.at(json::json_pointer(pointer));
    return &v;
  } catch (const std::exception&) {
    return nullptr;
  }
}

// Turns one valijson error into our wording; false for errors that only say "a child
// failed" (the child's own error is reported too).
bool translate(const json& doc, const valijson::ValidationResults::Error& e, Violation& out) {
  std::string_view d = e.description;
  if (starts_with(d, "Failed to validate against schema associated with") ||
      starts_with(d, "Failed to validate item #") || starts_with(d, "Failed to validate against child schema") ||
      starts_with(d, "Failed to validate against additional properties schema") ||
      starts_with(d, "Failed to validate against additional items schema") || starts_with(d, "Cannot validate item #"))
    return false;
  out.pointer = context_to_pointer(e.context);
  const json* value = resolve(doc, out.pointer);
  static constexpr std::string_view k_unexpected =
      "Object contains a property that could not be validated using 'properties' or 'additionalProperties' "
      "constraints: '";
  if (starts_with(d, "purser: ")) {
    out.message = std::string(d.substr(8));
  } else if (starts_with(d, k_unexpected)) {
    std::string key(d.substr(k_unexpected.size()));
    if (key.size() >= 2) key.resize(key.size() - 2);  // "'."
    out.pointer = child(out.pointer, key);
    out.message = "unexpected property '" + key + "'";
  } else if (starts_with(d, "Value type not permitted")) {
    out.message = std::string("wrong type: ") + (value ? type_name(*value) : "value") + " is not allowed here";
  } else if (starts_with(d, "Failed to match against any enum values")) {
    out.message = value && value->is_string() ? "'" + util::printable(value->get_ref<const std::string&>()) +
                                                    "' is not one of the allowed values"
                                              : "value is not one of the allowed values";
  } else if (starts_with(d, "Failed to validate against any schemas allowed by anyOf") ||
             starts_with(d, "Failed to validate against any child schemas allowed by oneOf")) {
    out.message = "value matches none of the allowed alternatives";
  } else if (starts_with(d, "Failed to validate against exactly one child schema")) {
    out.message = "value matches more than one of the alternatives (oneOf)";
  } else if (starts_with(d, "Failed to match expected value set by 'const'")) {
    out.message = "value is not the required constant";
  } else {
    std::string m(d);
    if (!m.empty() && m.back() == '.') m.pop_back();
    if (!m.empty() && m[0] >= 'A' && m[0] <= 'Z') m[0] = static_cast<char>(m[0] - 'A' + 'a');
    out.message = m;
  }
  return true;
}

// Walks components (and services) recursively without native recursion.
void collect_refs(const json& doc, std::vector<Violation>& out, std::unordered_set<std::string>& declared) {
  // bom-ref uniqueness applies to every bom-ref in the document (CycloneDX "refType":
  // "unique within the BOM").
  std::unordered_map<std::string, std::string> first_seen;
  struct Item {
    const json* value;
    std::string pointer;
  };
  std::vector<Item> stack{{&doc, ""}};
  while (!stack.empty()) {
    Item cur = std::move(stack.back());
    stack.pop_back();
    if (cur.value->is_object()) {
      auto it = cur.value->find("bom-ref");
      if (it != cur.value->end() && it->is_string()) {
        const std::string& ref = it->get_ref<const std::string&>();
        std::string at = child(cur.pointer, "bom-ref");
        auto [pos, inserted] = first_seen.emplace(ref, at);
        if (!inserted)
          out.push_back({at, "duplicate bom-ref '" + util::printable(ref) + "' (first at " + pos->second + ")"});
      }
      // Children pushed in reverse so the walk (and the report) follows document order.
      std::vector<Item> kids;
      for (const auto& [key, value] : cur.value->items())
        if (value.is_structured()) kids.push_back({&value, child(cur.pointer, key)});
      for (auto k = kids.rbegin(); k != kids.rend(); ++k) stack.push_back(std::move(*k));
    } else if (cur.value->is_array()) {
      for (std::size_t i = cur.value->size(); i-- > 0;)
        if ((*cur.value)[i].is_structured()) stack.push_back({&(*cur.value)[i], child(cur.pointer, i)});
    }
  }
  // Refs a dependency may name: components and services, wherever they nest.
  std::vector<const json*> work_stack;
  if (auto m = doc.find("metadata"); m != doc.end() && m->is_object())
    if (auto c = m->find("component"); c != m->end()) work_stack.push_back(&*c);
  for (const char* list : {"components", "services"})
    if (auto it = doc.find(list); it != doc.end() && it->is_array())
      for (const auto& c : *it) work_stack.push_back(&c);
  while (!work_stack.empty()) {
    const json* c = work_stack.back();
    work_stack.pop_back();
    if (!c->is_object()) continue;
    if (auto r = c->find("bom-ref"); r != c->end() && r->is_string()) declared.insert(r->get<std::string>());
    for (const char* list : {"components", "services"})
      if (auto it = c->find(list); it != c->end() && it->is_array())
        for (const auto& n : *it) work_stack.push_back(&n);
  }
}

void check_cdx_references(const json& doc, std::vector<Violation>& out) {
  std::unordered_set<std::string> declared;
  collect_refs(doc, out, declared);
  auto deps = doc.find("dependencies");
  if (deps == doc.end() || !deps->is_array()) return;
  for (std::size_t i = 0; i < deps->size(); ++i) {
    const json& dep = (*deps)[i];
    if (!dep.is_object()) continue;
    std::string at = child("/dependencies", i);
    if (auto r = dep.find("ref"); r != dep.end() && r->is_string() && !declared.count(r->get<std::string>()))
      out.push_back({child(at, "ref"), "ref '" + util::printable(r->get<std::string>()) +
                                           "' does not name a component or service bom-ref"});
    for (const char* list : {"dependsOn", "provides"}) {
      auto it = dep.find(list);
      if (it == dep.end() || !it->is_array()) continue;
      for (std::size_t j = 0; j < it->size(); ++j) {
        const json& r = (*it)[j];
        if (r.is_string() && !declared.count(r.get<std::string>()))
          out.push_back({child(child(at, list), j), "ref '" + util::printable(r.get<std::string>()) +
                                                        "' does not name a component or service bom-ref"});
      }
    }
  }
}

util::Result<ValidationReport> validate_cyclonedx(const json& doc, const std::string& path) {
  auto sv = doc.find("specVersion");
  if (sv == doc.end() || !sv->is_string())
    return make_error(ErrorCode::unsupported, "CycloneDX document without a specVersion string", {path});
  std::string version = sv->get<std::string>();
  if (version != "1.4" && version != "1.5" && version != "1.6")
    return make_error(ErrorCode::unsupported,
                      "unsupported CycloneDX version " + util::printable(version) + ": supported are 1.4, 1.5, 1.6",
                      {path});
  const CdxSchema& schema = cdx_schema(version);
  if (!schema.schema) return make_error(ErrorCode::internal, "cannot load CycloneDX schema: " + schema.error, {path});

  ValidationReport report;
  report.format = "CycloneDX " + version;
  valijson::Validator validator(valijson::Validator::kStrongTypes);
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter adapter(doc);
  validator.validate(*schema.schema, adapter, &results);
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& e : results) {
    Violation v;
    if (!translate(doc, e, v)) continue;
    if (seen.emplace(v.pointer, v.message).second) report.violations.push_back(std::move(v));
  }
  check_cdx_references(doc, report.violations);
  return report;
}

// ---------------------------------------------------------------- SPDX 2.3 / 2.2

// Field kinds in the SPDX JSON serialisation (spec clause 5 onwards, JSON names).
enum class Kind { string, boolean, integer, object, strings, objects };

struct Field {
  std::string_view name;
  Kind kind;
  bool required = false;     // in both 2.2 and 2.3
  bool required_22 = false;  // required only in 2.2
  bool only_23 = false;      // field added in 2.3
};

// Clause 6: document creation information.
constexpr Field k_document_fields[] = {
    {"spdxVersion", Kind::string, true},
    {"dataLicense", Kind::string, true},
    {"SPDXID", Kind::string, true},
    {"name", Kind::string, true},
    {"documentNamespace", Kind::string, true},
    {"creationInfo", Kind::object, true},
    {"externalDocumentRefs", Kind::objects},
    {"comment", Kind::string},
    {"documentDescribes", Kind::strings},
    {"packages", Kind::objects},
    {"files", Kind::objects},
    {"snippets", Kind::objects},
    {"relationships", Kind::objects},
    {"hasExtractedLicensingInfos", Kind::objects},
    {"annotations", Kind::objects},
    {"revieweds", Kind::objects},
};
constexpr Field k_creation_fields[] = {
    {"created", Kind::string, true},
    {"creators", Kind::strings, true},
    {"comment", Kind::string},
    {"licenseListVersion", Kind::string},
};
constexpr Field k_external_document_fields[] = {
    {"externalDocumentId", Kind::string, true},
    {"spdxDocument", Kind::string, true},
    {"checksum", Kind::object, true},
};
constexpr Field k_checksum_fields[] = {
    {"algorithm", Kind::string, true},
    {"checksumValue", Kind::string, true},
};
// Clause 7: package information.
constexpr Field k_package_fields[] = {
    {"SPDXID", Kind::string, true},
    {"name", Kind::string, true},
    {"downloadLocation", Kind::string, true},
    {"versionInfo", Kind::string},
    {"packageFileName", Kind::string},
    {"supplier", Kind::string},
    {"originator", Kind::string},
    {"filesAnalyzed", Kind::boolean},
    {"packageVerificationCode", Kind::object},
    {"checksums", Kind::objects},
    {"homepage", Kind::string},
    {"sourceInfo", Kind::string},
    {"licenseConcluded", Kind::string, false, true},
    {"licenseInfoFromFiles", Kind::strings},
    {"licenseDeclared", Kind::string, false, true},
    {"licenseComments", Kind::string},
    {"copyrightText", Kind::string, false, true},
    {"summary", Kind::string},
    {"description", Kind::string},
    {"comment", Kind::string},
    {"externalRefs", Kind::objects},
    {"attributionTexts", Kind::strings},
    {"primaryPackagePurpose", Kind::string, false, false, true},
    {"releaseDate", Kind::string, false, false, true},
    {"builtDate", Kind::string, false, false, true},
    {"validUntilDate", Kind::string, false, false, true},
    {"hasFiles", Kind::strings},
    {"annotations", Kind::objects},
};
constexpr Field k_verification_code_fields[] = {
    {"packageVerificationCodeValue", Kind::string, true},
    {"packageVerificationCodeExcludedFiles", Kind::strings},
};
constexpr Field k_external_ref_fields[] = {
    {"referenceCategory", Kind::string, true},
    {"referenceType", Kind::string, true},
    {"referenceLocator", Kind::string, true},
    {"comment", Kind::string},
};
// Clause 8: file information.
constexpr Field k_file_fields[] = {
    {"SPDXID", Kind::string, true},
    {"fileName", Kind::string, true},
    {"checksums", Kind::objects, true},
    {"fileTypes", Kind::strings},
    {"licenseConcluded", Kind::string, false, true},
    {"licenseInfoInFiles", Kind::strings, false, true},
    {"licenseComments", Kind::string},
    {"copyrightText", Kind::string, false, true},
    {"comment", Kind::string},
    {"noticeText", Kind::string},
    {"fileContributors", Kind::strings},
    {"attributionTexts", Kind::strings},
    {"fileDependencies", Kind::strings},
    {"artifactOfs", Kind::objects},
    {"annotations", Kind::objects},
};
// Clause 9: snippet information.
constexpr Field k_snippet_fields[] = {
    {"SPDXID", Kind::string, true},      {"name", Kind::string, true},       {"snippetFromFile", Kind::string, true},
    {"ranges", Kind::objects, true},     {"licenseConcluded", Kind::string}, {"licenseInfoInSnippets", Kind::strings},
    {"licenseComments", Kind::string},   {"copyrightText", Kind::string},    {"comment", Kind::string},
    {"attributionTexts", Kind::strings}, {"annotations", Kind::objects},
};
constexpr Field k_range_fields[] = {
    {"startPointer", Kind::object, true},
    {"endPointer", Kind::object, true},
};
constexpr Field k_pointer_fields[] = {
    {"reference", Kind::string, true},
    {"offset", Kind::integer},
    {"lineNumber", Kind::integer},
};
// Clause 10: other licensing information.
constexpr Field k_extracted_license_fields[] = {
    {"licenseId", Kind::string, true},
    {"extractedText", Kind::string, true},
    {"name", Kind::string},
    {"seeAlsos", Kind::strings},
    {"comment", Kind::string},
    {"crossRefs", Kind::objects},
};
constexpr Field k_cross_ref_fields[] = {
    {"url", Kind::string, true},      {"isLive", Kind::boolean}, {"isValid", Kind::boolean},
    {"isWayBackLink", Kind::boolean}, {"match", Kind::string},   {"order", Kind::integer},
    {"timestamp", Kind::string},
};
// Clause 11: relationships; clause 12: annotations; clause 13 (deprecated): reviews.
constexpr Field k_relationship_fields[] = {
    {"spdxElementId", Kind::string, true},
    {"relationshipType", Kind::string, true},
    {"relatedSpdxElement", Kind::string, true},
    {"comment", Kind::string},
};
constexpr Field k_annotation_fields[] = {
    {"annotator", Kind::string, true},
    {"annotationDate", Kind::string, true},
    {"annotationType", Kind::string, true},
    {"comment", Kind::string, true},
};
constexpr Field k_review_fields[] = {
    {"reviewDate", Kind::string, true},
    {"reviewer", Kind::string},
    {"comment", Kind::string},
};

// Clause 7.10 / 8.4 checksum algorithms and their hex lengths (0 = variable length).
struct Algorithm {
  std::string_view name;
  std::size_t hex_length;
};
constexpr Algorithm k_checksum_algorithms[] = {
    {"SHA1", 40},         {"SHA224", 56},   {"SHA256", 64},    {"SHA384", 96},      {"SHA512", 128},
    {"SHA3-256", 64},     {"SHA3-384", 96}, {"SHA3-512", 128}, {"BLAKE2b-256", 64}, {"BLAKE2b-384", 96},
    {"BLAKE2b-512", 128}, {"BLAKE3", 0},    {"MD2", 32},       {"MD4", 32},         {"MD5", 32},
    {"MD6", 0},           {"ADLER32", 8},
};

// Clause 11.1 relationship types.
constexpr std::string_view k_relationship_types[] = {
    "DESCRIBES",
    "DESCRIBED_BY",
    "CONTAINS",
    "CONTAINED_BY",
    "DEPENDS_ON",
    "DEPENDENCY_OF",
    "DEPENDENCY_MANIFEST_OF",
    "BUILD_DEPENDENCY_OF",
    "DEV_DEPENDENCY_OF",
    "OPTIONAL_DEPENDENCY_OF",
    "PROVIDED_DEPENDENCY_OF",
    "TEST_DEPENDENCY_OF",
    "RUNTIME_DEPENDENCY_OF",
    "EXAMPLE_OF",
    "GENERATES",
    "GENERATED_FROM",
    "ANCESTOR_OF",
    "DESCENDANT_OF",
    "VARIANT_OF",
    "DISTRIBUTION_ARTIFACT",
    "PATCH_FOR",
    "PATCH_APPLIED",
    "COPY_OF",
    "FILE_ADDED",
    "FILE_DELETED",
    "FILE_MODIFIED",
    "EXPANDED_FROM_ARCHIVE",
    "DYNAMIC_LINK",
    "STATIC_LINK",
    "DATA_FILE_OF",
    "TEST_CASE_OF",
    "BUILD_TOOL_OF",
    "DEV_TOOL_OF",
    "TEST_OF",
    "TEST_TOOL_OF",
    "DOCUMENTATION_OF",
    "OPTIONAL_COMPONENT_OF",
    "METAFILE_OF",
    "PACKAGE_OF",
    "AMENDS",
    "PREREQUISITE_FOR",
    "HAS_PREREQUISITE",
    "REQUIREMENT_DESCRIPTION_FOR",
    "SPECIFICATION_FOR",
    "OTHER",
};

// Clause 7.24 primary package purpose.
constexpr std::string_view k_package_purposes[] = {"APPLICATION",
                                                   "FRAMEWORK",
                                                   "LIBRARY",
                                                   "CONTAINER",
                                                   "OPERATING-SYSTEM",
                                                   "OPERATING_SYSTEM",
                                                   "DEVICE",
                                                   "FIRMWARE",
                                                   "SOURCE",
                                                   "ARCHIVE",
                                                   "FILE",
                                                   "INSTALL",
                                                   "OTHER"};
// Clause 8.3 file types.
constexpr std::string_view k_file_types[] = {"SOURCE", "BINARY", "ARCHIVE",       "APPLICATION", "AUDIO", "IMAGE",
                                             "TEXT",   "VIDEO",  "DOCUMENTATION", "SPDX",        "OTHER"};

// Annex F external reference types per category. Other categories' types may also be
// given as a URI naming a type defined elsewhere.
struct RefCategory {
  std::string_view category;
  std::vector<std::string_view> types;  // empty = any idstring (OTHER)
};
const std::vector<RefCategory>& ref_categories() {
  static const std::vector<RefCategory> k = {
      {"SECURITY", {"cpe22Type", "cpe23Type", "advisory", "fix", "url", "swid"}},
      {"PACKAGE-MANAGER", {"maven-central", "npm", "nuget", "bower", "purl"}},
      {"PACKAGE_MANAGER", {"maven-central", "npm", "nuget", "bower", "purl"}},
      {"PERSISTENT-ID", {"swh", "gitoid"}},
      {"PERSISTENT_ID", {"swh", "gitoid"}},
      {"OTHER", {}},
  };
  return k;
}

template <std::size_t N>
bool one_of(std::string_view value, const std::string_view (&list)[N]) {
  for (auto v : list)
    if (v == value) return true;
  return false;
}

bool is_idstring(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-'))
      return false;
  return true;
}

bool is_spdx_ref(std::string_view s) { return starts_with(s, "SPDXRef-") && is_idstring(s.substr(8)); }

bool has_whitespace(std::string_view s) {
  for (char c : s)
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return true;
  return false;
}

// RFC 3986 absolute URI: scheme ":" hier-part, no whitespace.
bool is_absolute_uri(std::string_view s) {
  auto colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == s.size()) return false;
  if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'))) return false;
  for (char c : s.substr(0, colon))
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '-' ||
          c == '.'))
      return false;
  return !has_whitespace(s);
}

// Clause 7.7: NONE, NOASSERTION, a URL, or a VCS locator
// (<vcs>+<transport>://host/path[@rev][#sub], or git+git@host:path).
bool is_download_location(std::string_view s) {
  if (s == "NONE" || s == "NOASSERTION") return true;
  if (has_whitespace(s)) return false;
  if (starts_with(s, "git+git@")) {
    auto colon = s.find(':', 8);
    return colon != std::string_view::npos && colon > 8 && colon + 1 < s.size();
  }
  auto sep = s.find("://");
  if (sep == std::string_view::npos || sep == 0 || sep + 3 >= s.size()) return false;
  return is_absolute_uri(s);
}

class SpdxChecker {
 public:
  SpdxChecker(const json& doc, bool v22, std::vector<Violation>& out) : m_doc(doc), m_v22(v22), m_out(out) {}

  void run() {
    check_fields(m_doc, "", k_document_fields);
    check_document();
    collect_ids();
    check_extracted_licenses();
    check_creation_info();
    check_external_documents();
    for_each_object("packages", k_package_fields, [&](const json& p, const std::string& at) { check_package(p, at); });
    for_each_object("files", k_file_fields, [&](const json& f, const std::string& at) { check_file(f, at); });
    for_each_object("snippets", k_snippet_fields, [&](const json& s, const std::string& at) { check_snippet(s, at); });
    check_relationships();
    check_annotations(m_doc, "");
    for_each_object("revieweds", k_review_fields,
                    [&](const json& r, const std::string& at) { date_field(r, at, "reviewDate"); });
  }

 private:
  void add(std::string pointer, std::string message) { m_out.push_back({std::move(pointer), std::move(message)}); }

  static const char* kind_text(Kind k) {
    switch (k) {
      case Kind::string:
        return "a string";
      case Kind::boolean:
        return "true or false";
      case Kind::integer:
        return "an integer";
      case Kind::object:
        return "an object";
      case Kind::strings:
        return "an array of strings";
      case Kind::objects:
        return "an array of objects";
    }
    return "a value";
  }

  static bool kind_matches(const json& v, Kind k) {
    switch (k) {
      case Kind::string:
        return v.is_string();
      case Kind::boolean:
        return v.is_boolean();
      case Kind::integer:
        return v.is_number_integer();
      case Kind::object:
        return v.is_object();
      case Kind::strings:
        if (!v.is_array()) return false;
        for (const auto& e : v)
          if (!e.is_string()) return false;
        return true;
      case Kind::objects:
        if (!v.is_array()) return false;
        for (const auto& e : v)
          if (!e.is_object()) return false;
        return true;
    }
    return false;
  }

  // Required properties, unknown properties (the schema's additionalProperties: false)
  // and JSON types. Returns false when `obj` is not an object at all.
  template <std::size_t N>
  bool check_fields(const json& obj, const std::string& at, const Field (&fields)[N]) {
    if (!obj.is_object()) {
      add(at, "expected an object");
      return false;
    }
    for (const auto& f : fields) {
      bool required = f.required || (m_v22 && f.required_22);
      if (required && !obj.contains(std::string(f.name)))
        add(at, "missing required property '" + std::string(f.name) + "'");
    }
    for (const auto& [key, value] : obj.items()) {
      const Field* field = nullptr;
      for (const auto& f : fields)
        if (f.name == key) field = &f;
      if (!field || (m_v22 && field->only_23)) {
        add(child(at, key),
            "unexpected property '" + util::printable(key) + "'" + (field ? " (added in SPDX 2.3)" : ""));
        continue;
      }
      if (!kind_matches(value, field->kind)) add(child(at, key), std::string("expected ") + kind_text(field->kind));
    }
    return true;
  }

  static const std::string* str(const json& obj, std::string_view key) {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_string()) return nullptr;
    return &it->get_ref<const std::string&>();
  }

  template <std::size_t N, class Fn>
  void for_each_object(std::string_view list, const Field (&fields)[N], Fn fn) {
    for_each_object_in(m_doc, "", list, fields, fn);
  }

  template <std::size_t N, class Fn>
  void for_each_object_in(const json& parent, const std::string& at, std::string_view list, const Field (&fields)[N],
                          Fn fn) {
    auto it = parent.find(list);
    if (it == parent.end() || !it->is_array()) return;
    std::string base = child(at, list);
    for (std::size_t i = 0; i < it->size(); ++i) {
      const json& item = (*it)[i];
      std::string item_at = child(base, i);
      if (!item.is_object()) continue;  // check_fields on the parent reported the type
      check_fields(item, item_at, fields);
      fn(item, item_at);
    }
  }

  void date_field(const json& obj, const std::string& at, std::string_view key) {
    if (const std::string* v = str(obj, key); v && !is_date_time(*v))
      add(child(at, key), "'" + util::printable(*v) + "' is not a date-time (YYYY-MM-DDThh:mm:ssZ)");
  }

  // Clause 6.1–6.5.
  void check_document() {
    if (const std::string* v = str(m_doc, "dataLicense"); v && *v != "CC0-1.0")
      add("/dataLicense", "dataLicense must be CC0-1.0, found '" + util::printable(*v) + "'");
    if (const std::string* v = str(m_doc, "SPDXID"); v && *v != "SPDXRef-DOCUMENT")
      add("/SPDXID", "document SPDXID must be SPDXRef-DOCUMENT, found '" + util::printable(*v) + "'");
    if (const std::string* v = str(m_doc, "name"); v && util::trim(*v).empty()) add("/name", "name must not be empty");
    if (const std::string* v = str(m_doc, "documentNamespace")) {
      if (!is_absolute_uri(*v)) {
        add("/documentNamespace", "documentNamespace must be an absolute URI, found '" + util::printable(*v) + "'");
      } else if (v->find('#') != std::string::npos) {
        add("/documentNamespace", "documentNamespace must not contain '#'");
      }
    }
  }

  void check_creation_info() {
    auto it = m_doc.find("creationInfo");
    if (it == m_doc.end() || !it->is_object()) return;
    const json& ci = *it;
    check_fields(ci, "/creationInfo", k_creation_fields);
    date_field(ci, "/creationInfo", "created");
    if (auto c = ci.find("creators"); c != ci.end() && c->is_array()) {
      if (c->empty()) add("/creationInfo/creators", "creators must not be empty");
      for (std::size_t i = 0; i < c->size(); ++i) {
        const json& v = (*c)[i];
        if (!v.is_string()) continue;
        const std::string& s = v.get_ref<const std::string&>();
        bool ok = false;
        for (std::string_view prefix : {"Tool: ", "Organization: ", "Person: "})
          if (starts_with(s, prefix) && !util::trim(std::string_view(s).substr(prefix.size())).empty()) ok = true;
        if (!ok)
          add(child("/creationInfo/creators", i),
              "creator '" + util::printable(s) + "' must start with 'Tool: ', 'Organization: ' or 'Person: '");
      }
    }
    if (const std::string* v = str(ci, "licenseListVersion")) {
      auto dot = v->find('.');
      if (dot == std::string::npos || !all_digits(std::string_view(*v).substr(0, dot)) ||
          !all_digits(std::string_view(*v).substr(dot + 1)))
        add("/creationInfo/licenseListVersion", "licenseListVersion must look like 3.21");
    }
  }

  void check_external_documents() {
    for_each_object("externalDocumentRefs", k_external_document_fields, [&](const json& e, const std::string& at) {
      if (const std::string* id = str(e, "externalDocumentId")) {
        if (!starts_with(*id, "DocumentRef-") || !is_idstring(std::string_view(*id).substr(12)))
          add(child(at, "externalDocumentId"), "'" + util::printable(*id) + "' is not a DocumentRef-[idstring]");
      }
      if (const std::string* d = str(e, "spdxDocument"); d && !is_absolute_uri(*d))
        add(child(at, "spdxDocument"), "spdxDocument must be an absolute URI");
      if (auto c = e.find("checksum"); c != e.end() && c->is_object()) check_checksum(*c, child(at, "checksum"));
    });
  }

  void check_checksum(const json& c, const std::string& at) {
    if (!check_fields(c, at, k_checksum_fields)) return;
    const std::string* algorithm = str(c, "algorithm");
    const std::string* value = str(c, "checksumValue");
    if (!algorithm) return;
    const Algorithm* found = nullptr;
    for (const auto& a : k_checksum_algorithms)
      if (a.name == *algorithm) found = &a;
    if (!found) {
      add(child(at, "algorithm"), "'" + util::printable(*algorithm) + "' is not an SPDX checksum algorithm");
      return;
    }
    if (!value) return;
    bool ok = is_hex(*value) && (found->hex_length ? value->size() == found->hex_length : value->size() % 2 == 0);
    if (!ok) {
      std::string want = found->hex_length ? std::to_string(found->hex_length) + " hex digits" : "hex digits";
      add(child(at, "checksumValue"), "checksumValue must be " + want + " for " + *algorithm);
    }
  }

  void collect_ids() {
    m_ids.insert("SPDXRef-DOCUMENT");
    for (std::string_view list : {"packages", "files", "snippets"}) {
      auto it = m_doc.find(list);
      if (it == m_doc.end() || !it->is_array()) continue;
      for (std::size_t i = 0; i < it->size(); ++i) {
        const json& e = (*it)[i];
        if (!e.is_object()) continue;
        const std::string* id = str(e, "SPDXID");
        if (!id) continue;
        std::string at = child(child("", list), i) + "/SPDXID";
        if (!is_spdx_ref(*id)) {
          add(at, "'" + util::printable(*id) + "' is not an SPDXRef-[idstring]");
          continue;
        }
        if (!m_ids.insert(*id).second) {
          add(at, "duplicate SPDXID '" + *id + "'");
          continue;
        }
        if (list == "files") m_file_ids.insert(*id);
      }
    }
    if (auto it = m_doc.find("externalDocumentRefs"); it != m_doc.end() && it->is_array())
      for (const auto& e : *it)
        if (e.is_object())
          if (const std::string* id = str(e, "externalDocumentId")) m_document_refs.insert(*id);
  }

  void check_extracted_licenses() {
    for_each_object(
        "hasExtractedLicensingInfos", k_extracted_license_fields, [&](const json& e, const std::string& at) {
          if (const std::string* id = str(e, "licenseId")) {
            if (!starts_with(*id, "LicenseRef-") || !is_idstring(std::string_view(*id).substr(11))) {
              add(child(at, "licenseId"), "'" + util::printable(*id) + "' is not a LicenseRef-[idstring]");
            } else if (!m_license_refs.insert(*id).second) {
              add(child(at, "licenseId"), "duplicate licenseId '" + *id + "'");
            }
          }
          for_each_object_in(e, at, "crossRefs", k_cross_ref_fields, [](const json&, const std::string&) {});
        });
  }

  // Clauses 7.13, 7.15, 8.5, 8.6: NONE | NOASSERTION | an Annex D expression whose
  // ids are on the SPDX list and whose LicenseRefs are declared in this document.
  void check_license(const json& obj, const std::string& at, std::string_view key) {
    auto it = obj.find(key);
    if (it == obj.end()) return;
    if (it->is_string()) {
      check_license_value(it->get_ref<const std::string&>(), child(at, key));
    } else if (it->is_array()) {
      for (std::size_t i = 0; i < it->size(); ++i)
        if ((*it)[i].is_string()) check_license_value((*it)[i].get_ref<const std::string&>(), child(child(at, key), i));
    }
  }

  void check_license_value(const std::string& value, const std::string& at) {
    if (value == "NONE" || value == "NOASSERTION") return;
    model::LicenseCheck c = model::check_license_expression(value);
    if (!c.valid) {
      add(at, "invalid license expression: " + c.error);
      return;
    }
    for (const auto& id : c.unknown) add(at, "unknown license id '" + util::printable(id) + "'");
    // LicenseRefs: the tokens of the normalized expression that start with LicenseRef-.
    std::string_view n = c.normalized;
    std::size_t i = 0;
    while (i < n.size()) {
      while (i < n.size() && (n[i] == ' ' || n[i] == '(' || n[i] == ')')) ++i;
      std::size_t start = i;
      while (i < n.size() && n[i] != ' ' && n[i] != '(' && n[i] != ')') ++i;
      std::string_view token = n.substr(start, i - start);
      if (starts_with(token, "LicenseRef-") && !m_license_refs.count(std::string(token)))
        add(at, std::string(token) + " is not declared in hasExtractedLicensingInfos");
      if (starts_with(token, "DocumentRef-")) {
        std::string doc(token.substr(0, token.find(':')));
        if (!m_document_refs.count(doc)) add(at, doc + " is not declared in externalDocumentRefs");
      }
    }
  }

  // Clause 7.5/7.6: "NOASSERTION", "Person: ..." or "Organization: ...".
  void check_actor(const json& obj, const std::string& at, std::string_view key) {
    const std::string* v = str(obj, key);
    if (!v || *v == "NOASSERTION") return;
    if (!starts_with(*v, "Person: ") && !starts_with(*v, "Organization: "))
      add(child(at, key), std::string(key) + " must be NOASSERTION or start with 'Person: ' or 'Organization: '");
  }

  void check_package(const json& p, const std::string& at) {
    if (const std::string* n = str(p, "name"); n && util::trim(*n).empty())
      add(child(at, "name"), "name must not be empty");
    if (const std::string* d = str(p, "downloadLocation"); d && !is_download_location(*d))
      add(child(at, "downloadLocation"),
          "downloadLocation must be NONE, NOASSERTION or a URL, found '" + util::printable(*d) + "'");
    check_actor(p, at, "supplier");
    check_actor(p, at, "originator");
    bool files_analyzed = true;  // clause 7.8: omitted means true
    if (auto fa = p.find("filesAnalyzed"); fa != p.end() && fa->is_boolean()) files_analyzed = fa->get<bool>();
    auto code = p.find("packageVerificationCode");
    if (!files_analyzed) {
      if (code != p.end())
        add(child(at, "packageVerificationCode"),
            "packageVerificationCode must be omitted when filesAnalyzed is false");
      if (auto hf = p.find("hasFiles"); hf != p.end() && hf->is_array() && !hf->empty())
        add(child(at, "hasFiles"), "a package with filesAnalyzed false must not contain files");
    } else if (m_v22 && code == p.end()) {
      add(at, "missing required property 'packageVerificationCode' (filesAnalyzed is true)");
    }
    if (code != p.end() && code->is_object()) {
      std::string code_at = child(at, "packageVerificationCode");
      check_fields(*code, code_at, k_verification_code_fields);
      if (const std::string* v = str(*code, "packageVerificationCodeValue"); v && !(is_hex(*v) && v->size() == 40))
        add(child(code_at, "packageVerificationCodeValue"), "packageVerificationCodeValue must be 40 hex digits");
    }
    if (auto c = p.find("checksums"); c != p.end() && c->is_array())
      for (std::size_t i = 0; i < c->size(); ++i)
        if ((*c)[i].is_object()) check_checksum((*c)[i], child(child(at, "checksums"), i));
    for_each_object_in(p, at, "externalRefs", k_external_ref_fields,
                       [&](const json& r, const std::string& ref_at) { check_external_ref(r, ref_at); });
    if (const std::string* v = str(p, "primaryPackagePurpose"); v && !m_v22 && !one_of(*v, k_package_purposes))
      add(child(at, "primaryPackagePurpose"), "'" + util::printable(*v) + "' is not a primaryPackagePurpose");
    check_license(p, at, "licenseConcluded");
    check_license(p, at, "licenseDeclared");
    check_license(p, at, "licenseInfoFromFiles");
    for (std::string_view key : {"releaseDate", "builtDate", "validUntilDate"}) date_field(p, at, key);
    if (auto hf = p.find("hasFiles"); hf != p.end() && hf->is_array())
      for (std::size_t i = 0; i < hf->size(); ++i)
        if ((*hf)[i].is_string() && !m_file_ids.count((*hf)[i].get<std::string>()))
          add(child(child(at, "hasFiles"), i),
              "'" + util::printable((*hf)[i].get<std::string>()) + "' is not a file declared in this document");
    check_annotations(p, at);
  }

  void check_external_ref(const json& r, const std::string& at) {
    const std::string* category = str(r, "referenceCategory");
    const std::string* type = str(r, "referenceType");
    const std::string* locator = str(r, "referenceLocator");
    const RefCategory* cat = nullptr;
    if (category) {
      for (const auto& c : ref_categories())
        if (c.category == *category) cat = &c;
      // SPDX 2.3 spells the categories with hyphens (its schema's enum has only those);
      // the underscore forms are SPDX 2.2's.
      if (cat && !m_v22 && category->find('_') != std::string::npos) {
        std::string hyphenated = *category;
        hyphenated[hyphenated.find('_')] = '-';
        add(child(at, "referenceCategory"),
            "'" + *category + "' is the SPDX 2.2 spelling; SPDX 2.3 uses '" + hyphenated + "'");
        cat = nullptr;
      } else if (!cat) {
        add(child(at, "referenceCategory"), "'" + util::printable(*category) + "' is not a referenceCategory");
      }
    }
    if (cat && type) {
      bool ok = false;
      if (cat->types.empty()) {
        ok = !type->empty() && !has_whitespace(*type);
      } else {
        for (auto t : cat->types)
          if (t == *type) ok = true;
        if (!ok && type->find("://") != std::string::npos && is_absolute_uri(*type)) ok = true;
      }
      if (!ok)
        add(child(at, "referenceType"),
            "'" + util::printable(*type) + "' is not a referenceType of category " + std::string(cat->category));
    }
    if (locator) {
      if (locator->empty() || has_whitespace(*locator)) {
        add(child(at, "referenceLocator"), "referenceLocator must be non-empty and contain no spaces");
      } else if (type && *type == "purl") {
        auto purl = model::Purl::parse(*locator);
        if (!purl.ok()) add(child(at, "referenceLocator"), purl.error().message);
      } else if (type && *type == "cpe23Type" && !starts_with(*locator, "cpe:2.3:")) {
        add(child(at, "referenceLocator"), "cpe23Type locator must start with 'cpe:2.3:'");
      } else if (type && *type == "cpe22Type" && !starts_with(*locator, "cpe:/")) {
        add(child(at, "referenceLocator"), "cpe22Type locator must start with 'cpe:/'");
      }
    }
  }

  void check_file(const json& f, const std::string& at) {
    auto c = f.find("checksums");
    if (c != f.end() && c->is_array()) {
      bool has_sha1 = false;
      for (std::size_t i = 0; i < c->size(); ++i) {
        if (!(*c)[i].is_object()) continue;
        check_checksum((*c)[i], child(child(at, "checksums"), i));
        if (const std::string* a = str((*c)[i], "algorithm"); a && *a == "SHA1") has_sha1 = true;
      }
      // Clause 8.4: the SHA1 checksum is mandatory.
      if (!has_sha1) add(child(at, "checksums"), "checksums must include SHA1");
    }
    if (auto t = f.find("fileTypes"); t != f.end() && t->is_array())
      for (std::size_t i = 0; i < t->size(); ++i)
        if ((*t)[i].is_string() && !one_of((*t)[i].get_ref<const std::string&>(), k_file_types))
          add(child(child(at, "fileTypes"), i),
              "'" + util::printable((*t)[i].get<std::string>()) + "' is not a file type");
    check_license(f, at, "licenseConcluded");
    check_license(f, at, "licenseInfoInFiles");
    check_annotations(f, at);
  }

  void check_snippet(const json& s, const std::string& at) {
    if (const std::string* from = str(s, "snippetFromFile");
        from && !m_file_ids.count(*from) && !is_external_ref(*from))
      add(child(at, "snippetFromFile"), "'" + util::printable(*from) + "' is not a file declared in this document");
    for_each_object_in(s, at, "ranges", k_range_fields, [&](const json& r, const std::string& range_at) {
      for (std::string_view end : {"startPointer", "endPointer"})
        if (auto p = r.find(end); p != r.end() && p->is_object())
          check_fields(*p, child(range_at, end), k_pointer_fields);
    });
    check_license(s, at, "licenseConcluded");
    check_license(s, at, "licenseInfoInSnippets");
    check_annotations(s, at);
  }

  void check_annotations(const json& owner, const std::string& at) {
    for_each_object_in(owner, at, "annotations", k_annotation_fields, [&](const json& a, const std::string& a_at) {
      date_field(a, a_at, "annotationDate");
      if (const std::string* t = str(a, "annotationType"); t && *t != "REVIEW" && *t != "OTHER")
        add(child(a_at, "annotationType"), "annotationType must be REVIEW or OTHER");
      if (const std::string* who = str(a, "annotator");
          who && !starts_with(*who, "Person: ") && !starts_with(*who, "Organization: ") && !starts_with(*who, "Tool: "))
        add(child(a_at, "annotator"), "annotator must start with 'Person: ', 'Organization: ' or 'Tool: '");
    });
  }

  // "DocumentRef-x:SPDXRef-y" with x declared in externalDocumentRefs.
  bool is_external_ref(std::string_view id) const {
    auto colon = id.find(':');
    if (colon == std::string_view::npos || !starts_with(id, "DocumentRef-")) return false;
    return m_document_refs.count(std::string(id.substr(0, colon))) && is_spdx_ref(id.substr(colon + 1));
  }

  void check_element_ref(const std::string& id, const std::string& at, bool allow_none) {
    if (allow_none && (id == "NONE" || id == "NOASSERTION")) return;
    if (m_ids.count(id) || is_external_ref(id)) return;
    add(at, "'" + util::printable(id) + "' is not an element declared in this document");
  }

  void check_relationships() {
    bool describes = false;
    for_each_object("relationships", k_relationship_fields, [&](const json& r, const std::string& at) {
      const std::string* from = str(r, "spdxElementId");
      const std::string* to = str(r, "relatedSpdxElement");
      const std::string* type = str(r, "relationshipType");
      if (from) check_element_ref(*from, child(at, "spdxElementId"), false);
      if (to) check_element_ref(*to, child(at, "relatedSpdxElement"), true);
      if (type && !one_of(*type, k_relationship_types))
        add(child(at, "relationshipType"), "'" + util::printable(*type) + "' is not a relationshipType");
      if (type && from && to &&
          ((*type == "DESCRIBES" && *from == "SPDXRef-DOCUMENT") ||
           (*type == "DESCRIBED_BY" && *to == "SPDXRef-DOCUMENT")))
        describes = true;
    });
    if (auto d = m_doc.find("documentDescribes"); d != m_doc.end() && d->is_array()) {
      for (std::size_t i = 0; i < d->size(); ++i) {
        if (!(*d)[i].is_string()) continue;
        describes = true;
        check_element_ref((*d)[i].get<std::string>(), child("/documentDescribes", i), false);
      }
    }
    if (!describes)
      add("",
          "the document describes nothing: add a DESCRIBES relationship from SPDXRef-DOCUMENT or documentDescribes");
  }

  const json& m_doc;
  bool m_v22;
  std::vector<Violation>& m_out;
  std::unordered_set<std::string> m_ids;
  std::unordered_set<std::string> m_file_ids;
  std::unordered_set<std::string> m_license_refs;
  std::unordered_set<std::string> m_document_refs;
};

util::Result<ValidationReport> validate_spdx(const json& doc, const std::string& path) {
  const std::string& version = doc["spdxVersion"].get_ref<const std::string&>();
  if (version != "SPDX-2.3" && version != "SPDX-2.2")
    return make_error(ErrorCode::unsupported,
                      "unsupported SPDX version " + util::printable(version) + ": supported are SPDX-2.2, SPDX-2.3",
                      {path});
  ValidationReport report;
  report.format = version == "SPDX-2.3" ? "SPDX 2.3" : "SPDX 2.2";
  SpdxChecker(doc, version == "SPDX-2.2", report.violations).run();
  return report;
}

// Tag-value: the same rules on the JSON equivalent, each violation located at the line of its tag.
util::Result<ValidationReport> validate_spdx_tag_value(std::string_view bytes, const std::string& path) {
  auto tv = detail::spdx_tag_value_to_json(bytes, path);
  if (!tv.ok()) return tv.error();
  auto version = tv->doc.find("spdxVersion");
  if (version == tv->doc.end() || !version->is_string())
    return make_error(ErrorCode::unsupported, "not an SPDX tag-value document: no SPDXVersion", {path});
  auto report = validate_spdx(tv->doc, path);
  if (!report.ok()) return report;
  std::vector<Violation> all;
  for (auto& [line, message] : tv->problems) all.push_back({"", std::move(message), line});
  for (auto& v : report->violations) {
    v.line = tv->line_of(v.pointer);
    all.push_back(std::move(v));
  }
  std::stable_sort(all.begin(), all.end(), [](const Violation& a, const Violation& b) { return a.line < b.line; });
  report->violations = std::move(all);
  report->format += " tag-value";
  return report;
}

}  // namespace

util::Result<ValidationReport> validate_sbom(std::string_view bytes, const std::string& path) {
  try {
    if (detail::looks_like_spdx_tag_value(bytes)) return validate_spdx_tag_value(bytes, path);
    if (detail::looks_like_xml(bytes)) return detail::validate_cyclonedx_xml(bytes, path);
    if (auto at = find_excess_depth(bytes); at != std::string_view::npos)
      return make_error(ErrorCode::parse,
                        "invalid json: nesting deeper than " + std::to_string(k_max_depth) + " levels",
                        {path, util::line_of_offset(bytes, at)});
    json doc;
    try {
      doc = json::parse(bytes);
    } catch (const json::parse_error& e) {
      std::size_t at = e.byte > 0 ? e.byte - 1 : 0;
      return make_error(ErrorCode::parse, "invalid json: " + json_reason(e), {path, util::line_of_offset(bytes, at)});
    }
    if (doc.is_object()) {
      if (auto f = doc.find("bomFormat"); f != doc.end() && f->is_string() && *f == "CycloneDX")
        return validate_cyclonedx(doc, path);
      if (auto v = doc.find("spdxVersion"); v != doc.end() && v->is_string()) return validate_spdx(doc, path);
    }
    return make_error(ErrorCode::unsupported, "not a CycloneDX or SPDX JSON document", {path});
  } catch (const std::exception& e) {
    // Programming errors only (a schema the validator cannot handle, allocation failure).
    return make_error(ErrorCode::internal, std::string("validation failed: ") + e.what(), {path});
  }
}

}  // namespace purser::formats
