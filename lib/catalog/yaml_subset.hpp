#pragma once
// A fast reader for the block-YAML subset that lockfiles are written in (pnpm-lock.yaml,
// yarn Berry): block mappings and sequences by indentation, plain / single- / double-quoted
// scalars, literal and folded block scalars (`|`, `>-`), flow collections (`{a: b}`,
// `[x, y]`, nested), explicit `? key` entries, comments, `---` / `...` markers and
// multi-document streams, CRLF, a UTF-8 BOM. Anchors, aliases, tags and directives other
// than a leading `%YAML` are outside the subset and give a located error.
//
// One pass over the bytes builds a compact tree: all nodes in one vector, children as
// index ranges, scalars as string_views into the input (only scalars that need decoding —
// escapes, quotes doubled, folded lines, block scalars — are copied, into the Document).

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "lib/util/result.hpp"

namespace purser::catalog::yaml {

enum class Kind : std::uint8_t { null, scalar, mapping, sequence };

/// One node. `text` is the decoded value of a scalar; for a null it is the source text
/// ("", "~", "null"). Children are Document::children()[first, first + count) for a
/// sequence, and key/value pairs [first, first + 2 * count) for a mapping.
struct Node {
  Kind kind = Kind::null;
  bool quoted = false;     ///< written quoted or as a block scalar (so never null)
  std::uint32_t line = 0;  ///< 1-based line where the node starts; 0 for an empty stream
  std::string_view text;
  std::uint32_t first = 0;
  std::uint32_t count = 0;
};

/// Limits against hostile input.
struct Limits {
  std::uint32_t max_depth = 64;      ///< nested collections
  std::uint64_t nodes_per_byte = 1;  ///< at most nodes_per_byte * size + 64 nodes
};

class Ref;

/// A parsed YAML stream. Its string_views point into the bytes given to parse(), which
/// must outlive it, and into its own storage (moving a Document keeps them valid).
class Document {
 public:
  /// Parses a whole stream. On malformed or unsupported input returns an Error with code
  /// parse or unsupported, a lowercase message ("unclosed flow sequence") and the 1-based
  /// line in location.line (location.path empty). Throws only std::bad_alloc.
  static util::Result<Document> parse(std::string_view bytes, const Limits& limits = {});

  /// The root of each document, in order; at least one (a null for an empty stream).
  std::vector<Ref> documents() const;
  /// The first document's root.
  Ref root() const;

  const std::vector<Node>& nodes() const { return m_nodes; }
  const std::vector<std::uint32_t>& children() const { return m_children; }

 private:
  friend class Reader;
  std::vector<Node> m_nodes;
  std::vector<std::uint32_t> m_children;
  std::vector<std::uint32_t> m_documents;
  std::vector<std::unique_ptr<char[]>> m_decoded;  // scalars that could not be views of the input
};

/// A cheap handle to a node of a Document; a default-constructed Ref (or a lookup that
/// found nothing) is undefined and behaves as an empty null.
class Ref {
 public:
  Ref() = default;
  Ref(const Document* doc, std::uint32_t index) : m_doc(doc), m_index(index) {}

  bool defined() const { return m_doc != nullptr; }
  Kind kind() const { return defined() ? node().kind : Kind::null; }
  bool is_null() const { return kind() == Kind::null; }
  bool is_scalar() const { return kind() == Kind::scalar; }
  bool is_map() const { return kind() == Kind::mapping; }
  bool is_seq() const { return kind() == Kind::sequence; }
  /// The scalar's value; empty for anything that is not a scalar.
  std::string_view scalar() const { return is_scalar() ? node().text : std::string_view(); }
  /// 1-based line, 0 when unknown.
  std::uint64_t line() const { return defined() ? node().line : 0; }
  /// Items of a sequence or pairs of a mapping; 0 otherwise.
  std::size_t size() const { return is_map() || is_seq() ? node().count : 0; }
  Ref item(std::size_t i) const { return child(i); }
  Ref key(std::size_t i) const { return child(2 * i); }
  Ref value(std::size_t i) const { return child(2 * i + 1); }
  /// The value of the first pair whose key is the scalar `k`; undefined if none. Linear.
  Ref get(std::string_view k) const {
    if (!is_map()) return {};
    const Node& n = node();
    const auto& kids = m_doc->children();
    const auto& nodes = m_doc->nodes();
    for (std::uint32_t i = 0; i < n.count; ++i) {
      const Node& key_node = nodes[kids[n.first + 2 * i]];
      if (key_node.kind == Kind::scalar && key_node.text == k) return {m_doc, kids[n.first + 2 * i + 1]};
    }
    return {};
  }
  const Node& node() const { return m_doc->nodes()[m_index]; }
  std::uint32_t index() const { return m_index; }

 private:
  Ref child(std::size_t i) const { return {m_doc, m_doc->children()[node().first + i]}; }
  const Document* m_doc = nullptr;
  std::uint32_t m_index = 0;
};

}  // namespace purser::catalog::yaml
