#pragma once
// The flat tree the SBOM readers build one unit at a time (a component, a relationship) from the events of the JSON
// scanner (lib/util/json_scan.hpp), or that another reader builds from its own parse. Internal to formats/, not
// part of the public API.
//
// Why not a DOM: nlohmann's costs one allocation per member; a JsonTree keeps one unit in two reusable vectors.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace purser::formats::detail {

class JsonTree;

/// A read-only handle on one value of a JsonTree (or "absent": every accessor then says no). Cheap to copy; valid
/// while its tree is alive and unchanged.
class JsonValue {
 public:
  enum class Kind : std::uint8_t { absent, null, boolean, number, string, array, object };

  JsonValue() = default;
  Kind kind() const;
  bool present() const { return kind() != Kind::absent; }
  bool is_null() const { return kind() == Kind::null; }
  bool is_string() const { return kind() == Kind::string; }
  bool is_array() const { return kind() == Kind::array; }
  bool is_object() const { return kind() == Kind::object; }
  /// "object", "array", "string", "number", "boolean", "null" (or "absent").
  const char* type_name() const;
  /// The string's bytes; empty for any other kind.
  std::string_view str() const;
  /// A number that is a non-negative integer fitting 64 bits.
  std::optional<std::uint64_t> as_uint() const;
  /// The member name, when this value is an object member.
  std::string_view key() const;
  /// The first member named `name` (objects only); absent otherwise.
  JsonValue find(std::string_view name) const;
  /// A string member's text, or nullopt when absent or not a string.
  std::optional<std::string_view> string_member(std::string_view name) const;
  /// Number of elements or members.
  std::size_t size() const;

  /// Iterates the elements of an array or the members of an object, in document order.
  class iterator {
   public:
    JsonValue operator*() const { return JsonValue(m_tree, m_index); }
    iterator& operator++();
    bool operator==(const iterator& o) const { return m_index == o.m_index; }
    bool operator!=(const iterator& o) const { return m_index != o.m_index; }

   private:
    friend class JsonValue;
    iterator(const JsonTree* tree, std::uint32_t index) : m_tree(tree), m_index(index) {}
    const JsonTree* m_tree = nullptr;
    std::uint32_t m_index = 0;
  };
  iterator begin() const;
  iterator end() const;

 private:
  friend class JsonTree;
  JsonValue(const JsonTree* tree, std::uint32_t index) : m_tree(tree), m_index(index) {}
  const JsonTree* m_tree = nullptr;
  std::uint32_t m_index = 0;
};

/// One materialised value: nodes in a vector, every string in one arena. Built by appending in document order;
/// clear() keeps the capacity for the next unit.
class JsonTree {
 public:
  /// The first value appended (absent when empty).
  JsonValue root() const { return m_nodes.empty() ? JsonValue() : JsonValue(this, 0); }
  bool empty() const { return m_nodes.empty(); }
  void clear();
  /// Starts a value: a scalar (`text` holds a string's bytes or a number's JSON text, `flag` a boolean) or a
  /// container that is then filled until close(). `key` is its member name when its parent is an object.
  void open(JsonValue::Kind kind, std::string_view key, std::string_view text = {}, bool flag = false);
  /// Ends the innermost open container.
  void close();

 private:
  friend class JsonValue;
  struct Node {
    std::uint32_t key_begin = 0, key_size = 0;
    std::uint32_t text_begin = 0, text_size = 0;
    std::uint32_t first = 0;  ///< first child; 0 = none (node 0 is the root, never a child)
    std::uint32_t next = 0;   ///< next sibling; 0 = none
    std::uint32_t count = 0;  ///< children
    JsonValue::Kind kind = JsonValue::Kind::null;
    bool flag = false;
  };
  struct Open {
    std::uint32_t node = 0;
    std::uint32_t last = 0;  ///< last child so far; 0 = none
  };
  std::uint32_t add_text(std::string_view s);

  std::vector<Node> m_nodes;
  std::string m_arena;
  std::vector<Open> m_open;
};

}  // namespace purser::formats::detail
