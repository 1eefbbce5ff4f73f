// SPDX 2.3 tag-value writer. The document is the one the SPDX JSON writer writes (spdx_document_events.hpp): its
// members arrive as JSON events and leave as tag-value sections, so both serialisations carry the same SPDXIDs,
// documentNamespace, licences and relationships. Sections are written as they complete: the document creation
// information (clause 6), then each package (clause 7), each extracted licence (clause 10) and the relationships
// (clause 11), a blank line between sections.

#include <string>
#include <vector>

#include "formats/spdx_document_events.hpp"
#include "formats/spdx_tag_value_common.hpp"
#include "formats/writers.hpp"

namespace purser::formats {

namespace {

using detail::TvNode;
using detail::TvSection;

constexpr std::size_t k_chunk = 64 * 1024;

// The document's arrays whose elements are sections of their own.
bool section_of(std::string_view key, TvSection& out) {
  static const std::pair<std::string_view, TvSection> k_arrays[] = {
      {"packages", TvSection::package},           {"files", TvSection::file},
      {"snippets", TvSection::snippet},           {"hasExtractedLicensingInfos", TvSection::license},
      {"relationships", TvSection::relationship}, {"revieweds", TvSection::review},
  };
  for (const auto& [name, section] : k_arrays)
    if (key == name) {
      out = section;
      return true;
    }
  return false;
}

class TagValueEmitter final : public detail::SpdxJsonEvents {
 public:
  explicit TagValueEmitter(const ByteSink& sink) : m_sink(sink) { m_document.kind = TvNode::Kind::object; }

  void begin_object() override { open(TvNode::Kind::object); }
  void begin_array() override { open(TvNode::Kind::array); }
  void end_object() override { close(); }
  void end_array() override { close(); }
  void key(std::string_view k) override { m_key = k; }
  void value(std::string_view s) override {
    TvNode n;
    n.kind = TvNode::Kind::string;
    n.text = s;
    add(std::move(n));
  }
  void boolean(bool b) override {
    TvNode n;
    n.kind = TvNode::Kind::boolean;
    n.flag = b;
    add(std::move(n));
  }

  void finish() {
    if (!m_buf.empty()) m_sink(m_buf);
    m_buf.clear();
  }

 private:
  void add(TvNode n) {
    if (m_stack.empty() || m_stack.back() == nullptr) return;  // a value outside any object: nothing writes one
    TvNode& parent = *m_stack.back();
    if (parent.kind == TvNode::Kind::object) n.key = std::move(m_key);
    m_key.clear();
    parent.children.push_back(std::move(n));
  }

  void open(TvNode::Kind kind) {
    if (m_stack.empty()) {
      m_stack.push_back(&m_document);
      return;
    }
    TvSection section{};
    if (m_stack.back() == &m_document && kind == TvNode::Kind::array && section_of(m_key, section)) {
      write_document_once();
      m_section = section;
      m_key.clear();
      m_stack.push_back(nullptr);  // a section array: its elements are written one by one
      return;
    }
    if (m_stack.back() == nullptr) {
      m_element = TvNode();
      m_element.kind = kind;
      m_stack.push_back(&m_element);
      return;
    }
    TvNode n;
    n.kind = kind;
    add(std::move(n));
    m_stack.push_back(&m_stack.back()->children.back());
  }

  void close() {
    TvNode* done = m_stack.back();
    m_stack.pop_back();
    if (done == &m_element && !m_stack.empty() && m_stack.back() == nullptr) {
      write_section(m_section, m_element);
      m_element = TvNode();
    } else if (done == &m_document) {
      write_document_once();
    }
  }

  void write_document_once() {
    if (m_document_written) return;
    m_document_written = true;
    write_section(TvSection::document, m_document);
  }

  void write_section(TvSection section, const TvNode& value) {
    bool grouped = section == TvSection::relationship && m_last == TvSection::relationship;
    if (m_any && !grouped) m_buf += '\n';
    detail::append_tag_value_section(section, value, m_buf);
    m_any = true;
    m_last = section;
    if (m_buf.size() >= k_chunk) {
      m_sink(m_buf);
      m_buf.clear();
    }
  }

  const ByteSink& m_sink;
  std::string m_buf;
  TvNode m_document;             // the document's own members, written before the first section array
  TvNode m_element;              // the section being received
  std::vector<TvNode*> m_stack;  // open containers; nullptr marks a section array
  std::string m_key;
  TvSection m_section = TvSection::document;
  TvSection m_last = TvSection::document;
  bool m_document_written = false;
  bool m_any = false;
};

}  // namespace

void write_spdx_tag_value(const model::Document& doc, const ByteSink& sink) {
  TagValueEmitter emitter(sink);
  detail::emit_spdx_document(doc, emitter);
  emitter.finish();
}

std::string write_spdx_tag_value(const model::Document& doc) {
  std::string out;
  write_spdx_tag_value(doc, [&](std::string_view bytes) { out.append(bytes); });
  return out;
}

}  // namespace purser::formats
