#include "formats/json_tree.hpp"

#include <charconv>
#include <cstdint>
#include <stdexcept>

namespace purser::formats::detail {

void JsonTree::clear() {
  m_nodes.clear();
  m_arena.clear();
  m_open.clear();
}

std::uint32_t JsonTree::add_text(std::string_view s) {
  // Offsets are 32-bit: a single unit (one component) of 4 GiB is refused rather than wrapped.
  if (m_arena.size() + s.size() > UINT32_MAX) throw std::length_error("json unit larger than 4 GiB");
  auto at = static_cast<std::uint32_t>(m_arena.size());
  m_arena.append(s);
  return at;
}

void JsonTree::open(JsonValue::Kind kind, std::string_view key, std::string_view text, bool flag) {
  if (m_nodes.size() >= UINT32_MAX) throw std::length_error("json unit with too many values");
  auto index = static_cast<std::uint32_t>(m_nodes.size());
  Node n;
  n.kind = kind;
  n.flag = flag;
  if (!key.empty()) {
    n.key_begin = add_text(key);
    n.key_size = static_cast<std::uint32_t>(key.size());
  }
  if (!text.empty()) {
    n.text_begin = add_text(text);
    n.text_size = static_cast<std::uint32_t>(text.size());
  }
  m_nodes.push_back(n);
  if (!m_open.empty()) {
    Open& parent = m_open.back();
    if (parent.last == 0)
      m_nodes[parent.node].first = index;
    else
      m_nodes[parent.last].next = index;
    parent.last = index;
    ++m_nodes[parent.node].count;
  }
  if (kind == JsonValue::Kind::array || kind == JsonValue::Kind::object) m_open.push_back({index, 0});
}

void JsonTree::close() {
  if (!m_open.empty()) m_open.pop_back();
}

JsonValue::Kind JsonValue::kind() const { return m_tree == nullptr ? Kind::absent : m_tree->m_nodes[m_index].kind; }

const char* JsonValue::type_name() const {
  switch (kind()) {
    case Kind::absent:
      return "absent";
    case Kind::null:
      return "null";
    case Kind::boolean:
      return "boolean";
    case Kind::number:
      return "number";
    case Kind::string:
      return "string";
    case Kind::array:
      return "array";
    case Kind::object:
      return "object";
  }
  return "null";
}

std::string_view JsonValue::str() const {
  if (kind() != Kind::string) return {};
  const auto& n = m_tree->m_nodes[m_index];
  return std::string_view(m_tree->m_arena).substr(n.text_begin, n.text_size);
}

std::optional<std::uint64_t> JsonValue::as_uint() const {
  if (kind() != Kind::number) return std::nullopt;
  const auto& n = m_tree->m_nodes[m_index];
  std::string_view text = std::string_view(m_tree->m_arena).substr(n.text_begin, n.text_size);
  std::uint64_t v = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

std::string_view JsonValue::key() const {
  if (m_tree == nullptr) return {};
  const auto& n = m_tree->m_nodes[m_index];
  return std::string_view(m_tree->m_arena).substr(n.key_begin, n.key_size);
}

JsonValue JsonValue::find(std::string_view name) const {
  if (kind() != Kind::object) return {};
  for (JsonValue member : *this)
    if (member.key() == name) return member;
  return {};
}

std::optional<std::string_view> JsonValue::string_member(std::string_view name) const {
  JsonValue v = find(name);
  if (!v.is_string()) return std::nullopt;
  return v.str();
}

std::size_t JsonValue::size() const {
  Kind k = kind();
  return k == Kind::array || k == Kind::object ? m_tree->m_nodes[m_index].count : 0;
}

JsonValue::iterator& JsonValue::iterator::operator++() {
  m_index = m_tree->m_nodes[m_index].next;
  return *this;
}

JsonValue::iterator JsonValue::begin() const {
  if (size() == 0) return end();
  return iterator(m_tree, m_tree->m_nodes[m_index].first);
}

JsonValue::iterator JsonValue::end() const { return iterator(m_tree, 0); }

}  // namespace purser::formats::detail
