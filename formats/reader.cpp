#include "formats/reader.hpp"

// read_sbom: format detection and the streaming splitter both readers share.
//
// SBOMs reach hundreds of MB (50,000 components ≈ 100 MB), and a DOM of that costs about ten times its size. The
// document is therefore read as a stream of events (util::json): each component, dependency or relationship is
// materialised as a small tree of only the members its reader uses, handed over when its closing bracket is read,
// and its storage reused for the next one; members nobody reads are skipped without copying a byte. nlohmann is
// not used here: its SAX parser reads through a per-character input adapter (measured at under 50 MB/s on a
// 130 MB document) and its parse-with-callback DOM builder is quadratic in the number of components.

#include <algorithm>
#include <cstddef>
#include <deque>

#include "formats/reader_common.hpp"
#include "formats/spdx_tag_value_common.hpp"
#include "lib/util/json_scan.hpp"
#include "lib/util/strings.hpp"

namespace purser::formats {

namespace detail {

namespace {

constexpr std::size_t k_max_depth = 512;
// Stands for an array level in a unit's key path; no member rule names it, so nothing under an array matches.
const std::string k_array_level("\0[]", 3);

class Splitter final : public util::json::Events {
 public:
  explicit Splitter(UnitHandler& handler) : m_handler(handler) {}

  bool skip_next() override {
    bool skip = m_drop_next;
    m_drop_next = false;
    return skip;
  }
  void start_object(std::size_t at) override { open(JsonValue::Kind::object, at); }
  void start_array(std::size_t at) override { open(JsonValue::Kind::array, at); }
  void end_object() override { close(); }
  void end_array() override { close(); }
  void string(std::string_view v, std::size_t at) override { scalar(JsonValue::Kind::string, v, false, at); }
  void number(std::string_view text, std::size_t at) override { scalar(JsonValue::Kind::number, text, false, at); }
  void boolean(bool v, std::size_t at) override { scalar(JsonValue::Kind::boolean, {}, v, at); }
  void null(std::size_t at) override { scalar(JsonValue::Kind::null, {}, false, at); }

  void key(std::string_view k, std::size_t at) override {
    Building& b = m_units.back();
    const std::size_t d = b.depth;
    if (b.keys.size() < d) b.keys.resize(d);
    b.keys[d - 1] = k;
    if (b.unit.role == Role::top && d == 1) b.unit.member_offsets.emplace_back(std::string(k), at);
    Decision decision = m_handler.member(b.unit.role, b.keys, d);
    switch (decision.kind) {
      case Decision::Kind::keep:
        m_key = &b.keys[d - 1];
        break;
      case Decision::Kind::skip:
        m_drop_next = true;
        break;
      case Decision::Kind::split:
        // An array becomes a split frame; any other value is kept under this key.
        m_key = &b.keys[d - 1];
        m_split_next = decision.role;
        break;
    }
  }

 private:
  struct Frame {
    bool split = false;  ///< a split array: its elements are units of `role`
    Role role = Role::top;
    std::uint64_t count = 0;  ///< split arrays: elements seen
    std::string base;         ///< split arrays: the array's JSON pointer
  };
  struct Building {
    Unit unit;
    std::size_t depth = 0;          ///< open containers of the unit's value
    std::vector<std::string> keys;  ///< keys[i]: the current member name at depth i + 1
  };

  /// Starts a unit for a value that is an element of a split array (or the document itself).
  Building& start_unit(std::size_t at) {
    Building b;
    if (!m_spare.empty()) {
      b.unit.tree = std::move(m_spare.back());
      m_spare.pop_back();
    }
    if (m_frames.empty()) {
      b.unit.role = Role::top;
    } else {
      Frame& f = m_frames.back();
      b.unit.role = f.role;
      b.unit.pointer = f.base + "/" + std::to_string(f.count++);
    }
    if (!m_units.empty()) {
      b.unit.has_parent = true;
      b.unit.parent = m_units.back().unit.seq;
      b.unit.parent_role = m_units.back().unit.role;
    }
    b.unit.seq = m_seq++;
    b.unit.offset = at;
    m_units.push_back(std::move(b));
    return m_units.back();
  }

  bool at_unit_start() const { return m_frames.empty() || m_frames.back().split; }

  /// The member name of the value being added: the last kept key inside an object, none inside an array.
  std::string_view take_key() {
    std::string_view k = m_key != nullptr ? std::string_view(*m_key) : std::string_view();
    m_key = nullptr;
    return k;
  }

  void scalar(JsonValue::Kind kind, std::string_view text, bool flag, std::size_t at) {
    m_split_next.reset();  // a split member that is not an array stays in the parent's tree
    if (at_unit_start()) {
      Building& b = start_unit(at);
      b.unit.tree.open(kind, {}, text, flag);
      emit();
      return;
    }
    m_units.back().unit.tree.open(kind, take_key(), text, flag);
  }

  void open(JsonValue::Kind kind, std::size_t at) {
    if (m_split_next && kind == JsonValue::Kind::array) {
      Building& b = m_units.back();
      Frame f;
      f.split = true;
      f.role = *m_split_next;
      f.base = b.unit.pointer;
      for (std::size_t i = 0; i < b.depth; ++i) f.base += "/" + pointer_escape(b.keys[i]);
      m_key = nullptr;
      m_split_next.reset();
      m_frames.push_back(std::move(f));
      return;
    }
    m_split_next.reset();
    Building* b = nullptr;
    if (at_unit_start()) {
      b = &start_unit(at);
      b->unit.tree.open(kind, {});
    } else {
      b = &m_units.back();
      b->unit.tree.open(kind, take_key());
    }
    ++b->depth;
    if (kind == JsonValue::Kind::array) {
      if (b->keys.size() < b->depth) b->keys.resize(b->depth);
      b->keys[b->depth - 1] = k_array_level;
    }
    m_frames.push_back(Frame{});
  }

  void close() {
    bool split = m_frames.back().split;
    m_frames.pop_back();
    if (split) return;
    Building& b = m_units.back();
    b.unit.tree.close();
    if (--b.depth == 0) emit();
  }

  void emit() {
    Unit& u = m_units.back().unit;
    m_handler.unit(u);
    if (!u.tree.empty()) {  // not moved out: keep its capacity
      u.tree.clear();
      m_spare.push_back(std::move(u.tree));
    }
    m_units.pop_back();
  }

  UnitHandler& m_handler;
  std::vector<Frame> m_frames;         // every open container that is not skipped
  std::deque<Building> m_units;        // open units, innermost last
  std::vector<JsonTree> m_spare;       // cleared trees whose capacity later units reuse
  const std::string* m_key = nullptr;  // name of the next member value (in the current unit's keys)
  bool m_drop_next = false;            // the last key was skipped: skip its value too
  std::optional<Role> m_split_next;
  std::uint64_t m_seq = 0;
};

}  // namespace

std::optional<SplitError> split_json(std::string_view bytes, UnitHandler& handler) {
  Splitter splitter(handler);
  // Strings keep the bytes they hold (the writers replace invalid UTF-8 on output); a byte order mark is tolerated.
  util::json::Scanner scanner(bytes, {.validate_utf8 = false, .max_depth = k_max_depth});
  scanner.skip_byte_order_mark();
  if (!util::json::scan(scanner, splitter))
    return SplitError{"invalid json: " + scanner.error_reason(), util::line_of_offset(bytes, scanner.error_offset())};
  return std::nullopt;
}

}  // namespace detail

namespace {

using detail::Decision;
using detail::Role;
using detail::Unit;

// Routes units to both collectors: which format the document is becomes known only once bomFormat or spdxVersion
// was read, and JSON members come in any order.
class Dispatcher final : public detail::UnitHandler {
 public:
  Dispatcher(const std::string& path, const detail::LineIndex& lines) : cdx(path, lines), spdx(path, lines) {}

  detail::CycloneDxCollector cdx;
  detail::SpdxCollector spdx;
  std::optional<Unit> top;

  Decision member(Role role, const std::vector<std::string>& keys, std::size_t depth) override {
    switch (role) {
      case Role::top:
        if (detail::CycloneDxCollector::owns_top_member(keys[0]))
          return detail::CycloneDxCollector::member(role, keys, depth);
        if (detail::SpdxCollector::owns_top_member(keys[0])) return detail::SpdxCollector::member(role, keys, depth);
        return {Decision::Kind::skip, Role::top};
      case Role::cdx_component:
      case Role::cdx_dependency:
      case Role::cdx_service:
        return detail::CycloneDxCollector::member(role, keys, depth);
      case Role::spdx_package:
      case Role::spdx_relationship:
      case Role::spdx_element:
        return detail::SpdxCollector::member(role, keys, depth);
    }
    return {Decision::Kind::skip, Role::top};
  }

  void unit(Unit& u) override {
    switch (u.role) {
      case Role::top:
        top = std::move(u);
        break;
      case Role::cdx_component:
      case Role::cdx_dependency:
      case Role::cdx_service:
        cdx.unit(u);
        break;
      case Role::spdx_package:
      case Role::spdx_relationship:
      case Role::spdx_element:
        spdx.unit(u);
        break;
    }
  }
};

}  // namespace

util::Result<ReadSbom> read_sbom(std::string_view bytes, const std::string& path) {
  using util::ErrorCode;
  using util::make_error;
  if (detail::looks_like_spdx_tag_value(bytes)) return detail::read_spdx_tag_value(bytes, path);
  if (detail::looks_like_xml(bytes)) return detail::read_cyclonedx_xml(bytes, path);
  try {
    detail::LineIndex lines(bytes);
    Dispatcher dispatcher(path, lines);
    if (auto error = detail::split_json(bytes, dispatcher))
      return make_error(ErrorCode::parse, error->message, {path, error->line});
    if (!dispatcher.top || !dispatcher.top->tree.root().is_object())
      return make_error(ErrorCode::unsupported, "not a CycloneDX or SPDX JSON document", {path});
    detail::JsonValue doc = dispatcher.top->tree.root();
    if (doc.find("bomFormat").present()) {
      auto format = doc.string_member("bomFormat");
      if (!format || *format != "CycloneDX")
        return make_error(ErrorCode::unsupported,
                          "not a CycloneDX document: bomFormat is " +
                              (format ? "\"" + util::printable(*format) + "\"" : std::string("not a string")),
                          {path});
      return dispatcher.cdx.finish(std::move(*dispatcher.top));
    }
    if (doc.string_member("spdxVersion")) return dispatcher.spdx.finish(std::move(*dispatcher.top));
    return make_error(ErrorCode::unsupported, "not a CycloneDX or SPDX JSON document", {path});
  } catch (const std::exception& e) {
    // Allocation failures only: every value is type-checked before use.
    return make_error(ErrorCode::internal, std::string("cannot read sbom: ") + e.what(), {path});
  }
}

}  // namespace purser::formats
