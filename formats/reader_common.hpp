#pragma once
// Shared by the SBOM readers in this folder only (not part of the public API): the streaming splitter that turns
// one large JSON document into small trees ("units": one component, one relationship...), and helpers both readers
// use. Everything here is format-neutral except the Role names.

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "formats/json_tree.hpp"
#include "formats/reader.hpp"
#include "lib/model/package.hpp"
#include "lib/util/result.hpp"

namespace purser::formats::detail {

/// What a unit is; decides which member rules apply inside it and who handles it.
enum class Role : std::uint8_t {
  top,                ///< the document object itself, minus what was split off or skipped
  cdx_component,      ///< one CycloneDX component (nested components are split off as their own units)
  cdx_dependency,     ///< one CycloneDX dependencies[] entry
  cdx_service,        ///< one CycloneDX service: only its bom-ref is kept (edges to services are not packages)
  spdx_package,       ///< one SPDX packages[] entry
  spdx_relationship,  ///< one SPDX relationships[] entry
  spdx_element,       ///< one SPDX files[] / snippets[] entry: only its SPDXID is kept
};

/// A self-contained piece of the document, handed over as soon as its closing bracket is read.
struct Unit {
  Role role = Role::top;
  JsonTree tree;             ///< the unit's value is tree.root(); a handler may move the tree out
  std::string pointer;       ///< JSON pointer of the value ("" for the document)
  std::size_t offset = 0;    ///< byte offset where the value starts (LineIndex turns it into a line)
  std::uint64_t seq = 0;     ///< document (pre-)order of the units' starts
  std::uint64_t parent = 0;  ///< seq of the enclosing unit; only meaningful when has_parent
  bool has_parent = false;
  Role parent_role = Role::top;
  /// Role::top only: the byte offset of every top-level member name, in document order.
  std::vector<std::pair<std::string, std::size_t>> member_offsets;
};

/// How a member of a unit is treated.
struct Decision {
  enum class Kind : std::uint8_t {
    keep,   ///< part of the unit's tree
    skip,   ///< never materialised
    split,  ///< when the value is an array, each element becomes its own unit of `role` (the member is then
            ///< absent from this unit's tree); any other value is kept, so the handler can report it
  } kind = Kind::keep;
  Role role = Role::top;
};

/// Receives units and says what to keep.
class UnitHandler {
 public:
  virtual ~UnitHandler() = default;
  /// Called for every member key inside a unit of `role`; `keys[0..depth)` is the path of member names from the
  /// unit's root (a level that is an array holds an unmatchable placeholder).
  virtual Decision member(Role role, const std::vector<std::string>& keys, std::size_t depth) = 0;
  /// A finished unit. Units arrive in post-order (a nested unit before its parent); `seq` gives the pre-order.
  /// The handler may move u.tree out; otherwise its storage is reused for a later unit.
  virtual void unit(Unit& u) = 0;
};

/// Why split_json stopped: ErrorCode::parse with the message and 1-based line.
struct SplitError {
  std::string message;
  std::uint64_t line = 1;
};

/// Streams `bytes` through the JSON scanner (lib/util/json_scan.hpp), materialising only what `handler` keeps, one
/// unit at a time, so memory stays proportional to the largest unit rather than the document. Containers nested
/// deeper than 512 levels are refused. Returns the parse error, if any.
std::optional<SplitError> split_json(std::string_view bytes, UnitHandler& handler);

/// Line numbers of byte offsets, for diagnostics. Nothing is counted until the first question (most documents
/// have few or no diagnostics); then one pass records the line count at every 64 KiB, and each answer counts
/// newlines within one block. Keeps a view of `bytes`, which must outlive it.
class LineIndex {
 public:
  explicit LineIndex(std::string_view bytes) : m_bytes(bytes) {}
  /// 1-based line of byte `offset` (offsets past the end count as the end).
  std::uint64_t line_of(std::size_t offset) const;

 private:
  std::string_view m_bytes;
  mutable std::vector<std::uint64_t> m_block_lines;  ///< lines before block i (of k_block bytes); built lazily
};

/// Escapes a member name for a JSON pointer (RFC 6901 §3: "~" → "~0", "/" → "~1").
std::string pointer_escape(std::string_view key);

/// Parses an RFC 3339 date-time ("2024-01-02T03:04:05Z", fractional seconds, "+02:00" offsets, lower-case "t"/"z")
/// into seconds since the epoch (UTC); nullopt when malformed or out of range.
std::optional<std::int64_t> parse_rfc3339(std::string_view text);

/// An SPDX actor ("Person: Jane Doe (jane@example.com)", "Organization: Acme ()") without its kind prefix and
/// trailing e-mail in parentheses; empty for NOASSERTION/NONE or an empty name.
std::string actor_name(std::string_view actor);

/// Parses "path:line" / "path@offset" / "path" (util::Location::to_string) back; digits only after the separator.
util::Location parse_location(std::string_view text);

/// Folds `from` into `into` (a second occurrence of the same package): empty scalars are filled, hashes, locations
/// and properties are united.
void merge_package(model::Package& into, model::Package&& from);

/// Applies properties the purser writers use to carry fields their format has no place for ("purser:scope",
/// "purser:found-by", "purser:download-url", "purser:hash", "purser:location"), removing them from `p.properties`.
/// Also puts an operating-system component without a PURL in the "os" ecosystem, as scans do.
void decode_purser_properties(model::Package& p);

/// Adds a warning located at `path`:`line` with message "<pointer>: <text>" (just `text` when the pointer is the
/// document, "").
void warn(std::vector<util::Diagnostic>& out, const std::string& path, std::uint64_t line, std::string_view pointer,
          std::string_view text);

// ---- CycloneDX, either syntax (cyclonedx_reader.cpp): the JSON and XML readers extract a component's members each
// in their own way, then share the mapping into the model and the resolution of identities and edges, so both say
// the same thing about the same document.

/// One definitions/licenseChoice entry as written: a licence id, a licence name or an expression (trimmed).
struct CdxLicense {
  enum class Kind : std::uint8_t { id, expression, name } kind = Kind::name;
  std::string text;
  /// 1.6 licenseAcknowledgementEnumeration.
  enum class Ack : std::uint8_t { none, declared, concluded } ack = Ack::none;
};

/// One definitions/componentEvidence.occurrences entry (1.5+; line and offset from 1.6).
struct CdxOccurrence {
  std::string_view location;
  std::optional<std::uint64_t> line;
  std::optional<std::uint64_t> offset;
};

/// The members of a component the readers use, as written (views into the document, valid until the component is
/// mapped). Each syntax checks and reports its own shapes; entries it could not read are left out of the lists.
struct CdxComponent {
  std::optional<std::string_view> bom_ref, type, group, name, version, scope, purl, cpe;
  std::optional<std::string_view> supplier;      ///< supplier.name
  std::optional<std::string_view> distribution;  ///< url of the first externalReference of type "distribution"
  std::vector<model::Hash> hashes;               ///< alg and content as written (both non-empty)
  std::vector<CdxLicense> licenses;
  std::vector<model::Property> properties;
  std::vector<CdxOccurrence> occurrences;
};

/// A problem with one member of a component: `member` is "purl", "name" or "version".
struct CdxProblem {
  std::string_view member;
  std::string text;
};

/// Maps a component into `p` as reader.hpp describes (canonical PURL, name from group or PURL, version from the PURL,
/// type, scope, hashes, licences joined, supplier, download URL, properties, CPE, occurrences, purser properties).
/// Problems are appended to `problems`. False when the component has neither a name nor a valid PURL: it is skipped.
bool cdx_package(CdxComponent& c, bool is_root, model::Package& p, std::vector<CdxProblem>& problems);

/// One component as read, before identities are resolved.
struct CdxEntry {
  model::Package pkg;
  std::string bom_ref;
  std::string pointer;     ///< where it is written: a JSON pointer or an XML path
  std::size_t offset = 0;  ///< byte offset of the component
  std::uint64_t seq = 0;   ///< document (pre-)order
  enum class Parent : std::uint8_t { none, root, component } parent_kind = Parent::none;
  std::uint64_t parent = 0;  ///< seq of the parent component
};

/// One definitions/dependency entry as read.
struct CdxDependency {
  std::string ref;
  std::vector<std::string> depends_on;  ///< "" for a target that could not be read (reported already)
  std::string pointer;
  std::size_t offset = 0;
  std::vector<std::size_t> target_offsets;  ///< XML: byte offset of each target; JSON: empty (the entry's offset)
};

/// Everything a CycloneDX reader collected, in either syntax, before identities are resolved.
struct CdxParts {
  CdxEntry root;                 ///< metadata.component, when have_root
  bool have_root = false;        ///< otherwise a stand-in root named "unknown" is used
  std::deque<CdxEntry> entries;  ///< every other component, in any order (seq gives the document order)
  std::vector<CdxDependency> dependencies;
  std::unordered_set<std::string> services;  ///< bom-refs of services: edges to them are not package edges
};

/// How a syntax spells member locations in diagnostics.
enum class CdxSyntax : std::uint8_t {
  json,  ///< "/bom-ref", "/ref", "/dependsOn/<0-based index>"
  xml,   ///< "/@bom-ref", "/@ref", "/dependency[<1-based index>]" (no index when there is one target)
};

/// Builds the document from `parts` (consumed): root, packages merged by identity (duplicate bom-refs and refs
/// reported), contains edges of nested components, depends_on edges resolved by bom-ref then ref (undeclared refs
/// reported, edges to services dropped silently); then moves `diagnostics` in and normalises.
void assemble_cdx(CdxParts& parts, CdxSyntax syntax, const std::string& path, const LineIndex& lines,
                  std::vector<util::Diagnostic>& diagnostics, model::Document& d);

/// Whether `bytes` look like XML: the first byte after an optional UTF-8 byte order mark and whitespace is '<'.
bool looks_like_xml(std::string_view bytes);

/// Reads a CycloneDX XML document (cyclonedx_xml_reader.cpp); read_sbom's contract.
util::Result<ReadSbom> read_cyclonedx_xml(std::string_view bytes, const std::string& path);

/// Collects the units of a CycloneDX JSON document (cyclonedx_reader.cpp). The top unit arrives last, to finish().
class CycloneDxCollector {
 public:
  CycloneDxCollector(const std::string& path, const LineIndex& lines);
  ~CycloneDxCollector();
  CycloneDxCollector(const CycloneDxCollector&) = delete;
  CycloneDxCollector& operator=(const CycloneDxCollector&) = delete;
  /// Whether `key` is a top-level member this reader wants.
  static bool owns_top_member(std::string_view key);
  /// Member rules for the top unit (keys[0] is one this reader owns) and for its own roles.
  static Decision member(Role role, const std::vector<std::string>& keys, std::size_t depth);
  /// A component, dependency or service unit.
  void unit(Unit& u);
  /// Builds the document once the whole input was read. `top` is the document object.
  util::Result<ReadSbom> finish(Unit&& top);

 private:
  struct State;
  std::unique_ptr<State> m_state;
};

/// Collects the units of an SPDX 2.x JSON document (spdx_reader.cpp); same protocol as CycloneDxCollector.
class SpdxCollector {
 public:
  SpdxCollector(const std::string& path, const LineIndex& lines);
  ~SpdxCollector();
  SpdxCollector(const SpdxCollector&) = delete;
  SpdxCollector& operator=(const SpdxCollector&) = delete;
  /// Whether `key` is a top-level member this reader wants.
  static bool owns_top_member(std::string_view key);
  /// Member rules for the top unit (keys[0] is one this reader owns) and for its own roles.
  static Decision member(Role role, const std::vector<std::string>& keys, std::size_t depth);
  /// A package, relationship, file or snippet unit.
  void unit(Unit& u);
  /// Builds the document once the whole input was read; ErrorCode::unsupported for an SPDX version other than 2.x.
  util::Result<ReadSbom> finish(Unit&& top);

 private:
  struct State;
  std::unique_ptr<State> m_state;
};

}  // namespace purser::formats::detail
