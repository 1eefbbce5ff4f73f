// SPDX 2.2 / 2.3 tag-value reader. Each section the parser (spdx_tag_value_parse.cpp) hands over is already the value
// its SPDX JSON equivalent has, so it becomes a unit for the SPDX JSON reader's collector (spdx_reader.cpp): one
// mapping for both serialisations, and a document reads to the same model in either. Only the diagnostics differ:
// the collector names fields by JSON pointer, which are turned back into the tag and the line it was read from.

#include <algorithm>
#include <array>

#include "formats/reader_common.hpp"
#include "formats/spdx_tag_value_common.hpp"
#include "lib/util/strings.hpp"

namespace purser::formats::detail {

namespace {

void append_tree(const TvNode& n, JsonTree& tree, std::string_view key) {
  switch (n.kind) {
    case TvNode::Kind::string:
      tree.open(JsonValue::Kind::string, key, n.text);
      return;
    case TvNode::Kind::number:
      tree.open(JsonValue::Kind::number, key, n.text);
      return;
    case TvNode::Kind::boolean:
      tree.open(JsonValue::Kind::boolean, key, {}, n.flag);
      return;
    case TvNode::Kind::array:
    case TvNode::Kind::object:
      tree.open(n.kind == TvNode::Kind::array ? JsonValue::Kind::array : JsonValue::Kind::object, key);
      for (const auto& c : n.children) append_tree(c, tree, c.key);
      tree.close();
      return;
  }
}

// What a diagnostic about a section needs: its kind, its first line and where each of its tags was.
struct SectionInfo {
  TvSection section = TvSection::document;
  std::uint64_t line = 1;
  std::vector<TvField> fields;
};

class Reader final : public TvHandler {
 public:
  Reader(const std::string& path, const LineIndex& lines) : m_path(path), m_collector(path, lines) {}

  void unit(TvUnit& u) override {
    switch (u.section) {
      case TvSection::package:
        feed(u, Role::spdx_package);
        break;
      case TvSection::file:
      case TvSection::snippet:
        feed(u, Role::spdx_element);
        break;
      case TvSection::relationship:
        feed(u, Role::spdx_relationship);
        break;
      case TvSection::license:
        m_licenses.push_back(std::move(u.value));
        if (m_license_offset == SIZE_MAX) m_license_offset = u.offset;
        remember(u);
        break;
      case TvSection::document:
        remember(u);
        m_document = std::move(u);
        break;
      case TvSection::annotation:
      case TvSection::review:
        break;  // nothing in the model
    }
  }

  void warning(std::size_t, std::uint64_t line, std::string message) override {
    m_warnings.push_back({util::Severity::warning, std::move(message), {m_path, line}});
  }

  util::Result<ReadSbom> finish() {
    if (!m_document || !m_document->value.find("spdxVersion") ||
        m_document->value.find("spdxVersion")->kind != TvNode::Kind::string)
      return util::make_error(util::ErrorCode::unsupported, "not an SPDX tag-value document: no SPDXVersion", {m_path});
    // The document unit: its own members, then the extracted licences, as the JSON reader expects them.
    Unit top;
    top.role = Role::top;
    top.offset = m_document->offset;
    JsonTree& tree = top.tree;
    tree.open(JsonValue::Kind::object, {});
    for (const auto& member : m_document->value.children) {
      append_tree(member, tree, member.key);
      std::size_t offset = m_document->offset;
      const std::string prefix = "/" + member.key;
      for (const auto& f : m_document->fields) {
        if (f.pointer == prefix || f.pointer.rfind(prefix + "/", 0) == 0) {
          offset = f.offset;
          break;
        }
      }
      top.member_offsets.emplace_back(member.key, offset);
    }
    if (!m_licenses.empty()) {
      tree.open(JsonValue::Kind::array, "hasExtractedLicensingInfos");
      for (const auto& l : m_licenses) append_tree(l, tree, {});
      tree.close();
      top.member_offsets.emplace_back("hasExtractedLicensingInfos", m_license_offset);
    }
    tree.close();
    auto result = m_collector.finish(std::move(top));
    if (!result.ok()) return result;
    result->format = SbomFormat::spdx_tag_value;
    model::Document& d = result->document;
    for (auto& diagnostic : d.diagnostics) retell(diagnostic);
    for (auto& w : m_warnings) d.diagnostics.push_back(std::move(w));
    d.normalize();
    return result;
  }

 private:
  void feed(TvUnit& u, Role role) {
    Unit unit;
    unit.role = role;
    append_tree(u.value, unit.tree, {});
    unit.pointer = u.pointer;
    unit.offset = u.offset;
    unit.seq = m_seq++;
    m_collector.unit(unit);
    remember(u);
  }

  // Sections of a kind arrive in the order the parser numbered them, so "/packages/N" is m_sections[package][N].
  void remember(TvUnit& u) {
    SectionInfo info;
    info.section = u.section;
    info.line = u.line;
    info.fields = std::move(u.fields);
    if (u.section == TvSection::document)
      m_document_info = std::move(info);
    else
      m_sections[static_cast<std::size_t>(u.section)].push_back(std::move(info));
  }

  // The section a JSON pointer falls in ("/packages/3/versionInfo" → the fourth package; any other pointer → the
  // document), and the length of the section's own pointer.
  std::pair<const SectionInfo*, std::size_t> section_of(std::string_view pointer) const {
    static const std::pair<std::string_view, TvSection> k_arrays[] = {
        {"/packages/", TvSection::package},
        {"/files/", TvSection::file},
        {"/snippets/", TvSection::snippet},
        {"/hasExtractedLicensingInfos/", TvSection::license},
        {"/relationships/", TvSection::relationship}};
    for (const auto& [prefix, section] : k_arrays) {
      if (pointer.substr(0, prefix.size()) != prefix) continue;
      std::size_t end = prefix.size();
      std::size_t index = 0;
      while (end < pointer.size() && pointer[end] >= '0' && pointer[end] <= '9' && end - prefix.size() < 18)
        index = index * 10 + static_cast<std::size_t>(pointer[end++] - '0');
      const auto& list = m_sections[static_cast<std::size_t>(section)];
      if (end == prefix.size() || (end < pointer.size() && pointer[end] != '/') || index >= list.size()) break;
      return {&list[index], end};
    }
    return {m_document_info ? &*m_document_info : nullptr, 0};
  }

  // "/packages/3/versionInfo: missing for "x"" at the package's line → "PackageVersion: missing for "x"" at the
  // line of the PackageVersion tag (or of the package when there is none); section pointers inside the text
  // ("the first, at /packages/0, wins") become "line N".
  void retell(util::Diagnostic& d) const {
    std::string& msg = d.message;
    if (msg.empty() || msg.front() != '/') return;
    std::size_t sep = msg.find(": ");
    if (sep == std::string::npos) return;
    std::string_view pointer(msg.data(), sep);
    auto [found, length] = section_of(pointer);
    if (found == nullptr) return;
    const SectionInfo& info = *found;
    std::string_view rel = pointer.substr(length);
    const TvField* best = nullptr;
    for (const auto& f : info.fields) {
      bool match = rel == f.pointer || (rel.size() > f.pointer.size() && rel.substr(0, f.pointer.size()) == f.pointer &&
                                        rel[f.pointer.size()] == '/');
      if (match && (best == nullptr || f.pointer.size() > best->pointer.size())) best = &f;
    }
    std::string_view tag = best != nullptr ? best->tag : tag_for_pointer(info.section, rel);
    d.location.line = best != nullptr ? best->line : info.line;
    std::string text = msg.substr(sep + 2);
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
      bool word_start = text[i] == '/' && (i == 0 || text[i - 1] == ' ');
      if (!word_start) {
        out += text[i++];
        continue;
      }
      std::size_t j = i;
      while (j < text.size() && text[j] != ' ' && text[j] != ',' && text[j] != ')') ++j;
      std::string_view word = std::string_view(text).substr(i, j - i);
      auto [section, section_length] = section_of(word);
      if (section_length > 0 && section_length == word.size())
        out += "line " + std::to_string(section->line);
      else
        out += word;
      i = j;
    }
    msg = std::string(tag) + ": " + out;
  }

  const std::string& m_path;
  SpdxCollector m_collector;
  std::optional<TvUnit> m_document;
  std::vector<TvNode> m_licenses;
  std::size_t m_license_offset = SIZE_MAX;
  std::optional<SectionInfo> m_document_info;
  std::array<std::vector<SectionInfo>, 8> m_sections;  // per TvSection, in pointer order: what diagnostics need
  std::vector<util::Diagnostic> m_warnings;
  std::uint64_t m_seq = 0;
};

}  // namespace

util::Result<ReadSbom> read_spdx_tag_value(std::string_view bytes, const std::string& path) {
  try {
    LineIndex lines(bytes);
    Reader reader(path, lines);
    if (auto error = parse_spdx_tag_value(bytes, reader))
      return util::make_error(util::ErrorCode::parse, error->message, {path, error->line});
    return reader.finish();
  } catch (const std::exception& e) {
    // Allocation failures only.
    return util::make_error(util::ErrorCode::internal, std::string("cannot read sbom: ") + e.what(), {path});
  }
}

}  // namespace purser::formats::detail
