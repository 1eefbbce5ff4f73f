#include "formats/spdx_tag_value_json.hpp"

#include <charconv>
#include <optional>
#include <unordered_map>

#include "formats/spdx_tag_value_common.hpp"

namespace purser::formats::detail {

namespace {

using json = nlohmann::json;

json to_json(const TvNode& n) {
  switch (n.kind) {
    case TvNode::Kind::string:
      return n.text;
    case TvNode::Kind::boolean:
      return n.flag;
    case TvNode::Kind::number: {
      std::uint64_t v = 0;
      auto r = std::from_chars(n.text.data(), n.text.data() + n.text.size(), v);
      if (r.ec == std::errc() && r.ptr == n.text.data() + n.text.size()) return v;
      return n.text;
    }
    case TvNode::Kind::array: {
      json out = json::array();
      for (const auto& c : n.children) out.push_back(to_json(c));
      return out;
    }
    case TvNode::Kind::object: {
      json out = json::object();
      for (const auto& c : n.children)
        if (!out.contains(c.key)) out[c.key] = to_json(c);
      return out;
    }
  }
  return nullptr;
}

const char* array_of(TvSection s) {
  switch (s) {
    case TvSection::package:
      return "packages";
    case TvSection::file:
      return "files";
    case TvSection::snippet:
      return "snippets";
    case TvSection::license:
      return "hasExtractedLicensingInfos";
    case TvSection::relationship:
      return "relationships";
    case TvSection::review:
      return "revieweds";
    default:
      return nullptr;
  }
}

class Builder final : public TvHandler {
 public:
  void unit(TvUnit& u) override {
    if (u.section == TvSection::annotation) {
      m_annotations.push_back(std::move(u));
      return;
    }
    if (u.section == TvSection::document) {
      m_document = std::move(u);
      return;
    }
    const char* array = array_of(u.section);
    json& list = m_out.doc[array];
    if (!list.is_array()) list = json::array();
    // The parser numbers sections of a kind in the order it hands them over, so the pointer is the next index.
    list.push_back(to_json(u.value));
    record(u.pointer, u);
    if (const TvNode* id = u.value.find("SPDXID"); id && u.section != TvSection::license)
      m_elements.emplace(id->text, u.pointer);
  }

  void warning(std::size_t, std::uint64_t line, std::string message) override {
    m_out.problems.emplace_back(line, std::move(message));
  }

  TagValueJson finish() {
    json packages_etc = std::move(m_out.doc);
    m_out.doc = m_document ? to_json(m_document->value) : json::object();
    for (auto& [key, value] : packages_etc.items()) m_out.doc[key] = std::move(value);
    if (m_document) record("", *m_document);
    for (TvUnit& a : m_annotations) attach(a);
    return std::move(m_out);
  }

 private:
  void record(const std::string& pointer, const TvUnit& u) {
    m_out.lines.emplace(pointer, u.line);
    for (const auto& f : u.fields) m_out.lines.emplace(pointer + f.pointer, f.line);
  }

  // Clause 12.5: SPDXREF names the element the annotation is about.
  void attach(TvUnit& a) {
    std::string owner;  // JSON pointer of the annotated element; "" = the document
    const TvNode* doc_id = m_document ? m_document->value.find("SPDXID") : nullptr;
    if (a.target.empty()) {
      m_out.problems.emplace_back(a.line, "SPDXREF: missing: the annotation is read as the document's");
    } else if (auto it = m_elements.find(a.target); it != m_elements.end()) {
      owner = it->second;
    } else if (a.target != "SPDXRef-DOCUMENT" && !(doc_id && doc_id->text == a.target)) {
      std::uint64_t line = a.line;
      for (const auto& f : a.fields)
        if (f.tag == "SPDXREF") line = f.line;
      m_out.problems.emplace_back(line, "SPDXREF: \"" + a.target +
                                            "\" is not an element declared in this document: the annotation is "
                                            "read as the document's");
    }
    json& element = owner.empty() ? m_out.doc : m_out.doc.at(json::json_pointer(owner));
    json& list = element["annotations"];
    if (!list.is_array()) list = json::array();
    std::string pointer = owner + "/annotations/" + std::to_string(list.size());
    list.push_back(to_json(a.value));
    record(pointer, a);
  }

  TagValueJson m_out;
  std::optional<TvUnit> m_document;
  std::vector<TvUnit> m_annotations;
  std::unordered_map<std::string, std::string> m_elements;  // SPDXID → JSON pointer of the package, file or snippet
};

}  // namespace

std::uint64_t TagValueJson::line_of(std::string_view pointer) const {
  std::string p(pointer);
  while (true) {
    if (auto it = lines.find(p); it != lines.end()) return it->second;
    if (p.empty()) return 1;
    std::size_t slash = p.rfind('/');
    p.resize(slash == std::string::npos ? 0 : slash);
  }
}

util::Result<TagValueJson> spdx_tag_value_to_json(std::string_view bytes, const std::string& path) {
  Builder builder;
  if (auto error = parse_spdx_tag_value(bytes, builder))
    return util::make_error(util::ErrorCode::parse, error->message, {path, error->line});
  return builder.finish();
}

}  // namespace purser::formats::detail
