// SPDX 2.2 / 2.3 JSON reader. Sections cited are from the SPDX 2.3 specification (spdx.github.io/spdx-spec/v2.3);
// 2.2 JSON differs only in spellings handled here (PACKAGE_MANAGER).
//
// Mapping decisions (documented in reader.hpp too):
// - The root is what the document describes (documentDescribes, or DESCRIBES relationships from
//   SPDXRef-DOCUMENT). One described package is the root; several get a root named after the document with a
//   contains edge to each; none gets that root alone and a diagnostic.
// - licence: licenseDeclared when it states one, else licenseConcluded; NOASSERTION and NONE are "unknown".
//   LicenseRef-ids whose extracted text is just their name (how the purser writer carries free-text licences)
//   read back as that text.
// - Relationships: DEPENDS_ON, HAS_PREREQUISITE, STATIC_LINK, DYNAMIC_LINK and every *DEPENDENCY_OF (inverse) are
//   depends_on; CONTAINS and CONTAINED_BY (inverse) are contains. DEV_/TEST_DEPENDENCY_OF make the dependency dev,
//   OPTIONAL_DEPENDENCY_OF optional, unless another relationship needs it as a plain dependency.
// - Files and snippets are not packages: their ids are known, so relationships to them are dropped silently.

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "formats/reader_common.hpp"
#include "lib/model/purl.hpp"
#include "lib/util/strings.hpp"

namespace purser::formats::detail {

namespace {

bool one_of(std::string_view s, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

std::string quote_text(std::string_view s) { return "\"" + util::printable(s, 200) + "\""; }

constexpr std::string_view k_document = "SPDXRef-DOCUMENT";

// §7 package fields this reader uses; files lists, descriptions, annotations... are never materialised.
bool is_package_member(std::string_view k) {
  return one_of(k, {"SPDXID", "name", "versionInfo", "externalRefs", "licenseConcluded", "licenseDeclared", "checksums",
                    "supplier", "downloadLocation", "primaryPackagePurpose", "comment", "sourceInfo"});
}

// §7.10 checksum algorithm → the CycloneDX spelling the model uses ("SHA256" → "SHA-256").
std::string hash_algorithm(std::string_view alg) {
  static const std::pair<std::string_view, std::string_view> k_map[] = {
      {"SHA1", "SHA-1"}, {"SHA224", "SHA-224"}, {"SHA256", "SHA-256"}, {"SHA384", "SHA-384"}, {"SHA512", "SHA-512"}};
  for (const auto& [spdx, cdx] : k_map)
    if (alg == spdx) return std::string(cdx);
  return std::string(alg);  // MD5, SHA3-256, BLAKE2b-256, BLAKE3... are spelt alike
}

// §7.28 primaryPackagePurpose → model type; the purposes the model lacks keep their spelling as a property.
bool purpose_type(std::string_view s, model::ComponentType& out) {
  using T = model::ComponentType;
  static const std::pair<std::string_view, T> k_types[] = {{"APPLICATION", T::application},
                                                           {"LIBRARY", T::library},
                                                           {"FRAMEWORK", T::framework},
                                                           {"CONTAINER", T::container},
                                                           {"FILE", T::file},
                                                           {"OPERATING_SYSTEM", T::operating_system},
                                                           {"OPERATING-SYSTEM", T::operating_system}};
  for (const auto& [name, type] : k_types)
    if (s == name) {
      out = type;
      return true;
    }
  return false;
}

bool states_license(std::optional<std::string_view> s) {
  if (!s) return false;
  std::string_view t = util::trim(*s);
  return !t.empty() && t != "NOASSERTION" && t != "NONE";
}

struct Entry {
  model::Package pkg;
  std::string id;
  std::string pointer;
  std::size_t offset = 0;
  bool version_missing = false;
};

struct Relationship {
  std::string from, to, type;
  std::string pointer;
  std::size_t offset = 0;
};

enum class Edge : std::uint8_t { none, depends, depends_inverse, contains, contains_inverse };

// §11.1 relationship types → edges. Anything else (GENERATED_FROM, VARIANT_OF, DESCRIBES between packages...)
// says nothing about dependencies and is ignored.
Edge edge_of(std::string_view type, model::Scope& scope) {
  scope = model::Scope::required;
  if (one_of(type, {"DEPENDS_ON", "HAS_PREREQUISITE", "STATIC_LINK", "DYNAMIC_LINK"})) return Edge::depends;
  if (one_of(type, {"DEV_DEPENDENCY_OF", "TEST_DEPENDENCY_OF"})) {
    scope = model::Scope::dev;
    return Edge::depends_inverse;
  }
  if (type == "OPTIONAL_DEPENDENCY_OF") {
    scope = model::Scope::optional;
    return Edge::depends_inverse;
  }
  if (one_of(type, {"DEPENDENCY_OF", "BUILD_DEPENDENCY_OF", "RUNTIME_DEPENDENCY_OF", "PROVIDED_DEPENDENCY_OF",
                    "PREREQUISITE_FOR"}))
    return Edge::depends_inverse;
  if (type == "CONTAINS") return Edge::contains;
  if (type == "CONTAINED_BY") return Edge::contains_inverse;
  return Edge::none;
}

}  // namespace

struct SpdxCollector::State {
  State(const std::string& p, const LineIndex& l) : path(p), lines(l) {}
  const std::string& path;
  const LineIndex& lines;
  std::vector<util::Diagnostic> diagnostics;
  std::vector<Entry> entries;
  std::vector<Relationship> relationships;
  std::unordered_set<std::string> elements;  // SPDXIDs of files and snippets

  void warn_at(std::size_t off, std::string_view pointer, std::string_view text) {
    warn(diagnostics, path, lines.line_of(off), pointer, text);
  }

  // A string member; a present value of another type is reported and ignored (null counts as absent).
  std::optional<std::string_view> text(JsonValue obj, std::string_view key, const std::string& at, std::size_t off) {
    JsonValue v = obj.find(key);
    if (!v.present() || v.is_null()) return std::nullopt;
    if (v.is_string()) return v.str();
    warn_at(off, at + "/" + pointer_escape(key),
            std::string("expected a string, found ") + v.type_name() + ": ignored");
    return std::nullopt;
  }

  // An array member; absent or null → absent silently, another type → reported.
  JsonValue array(JsonValue obj, std::string_view key, const std::string& at, std::size_t off) {
    JsonValue v = obj.find(key);
    if (!v.present() || v.is_null()) return {};
    if (v.is_array()) return v;
    warn_at(off, at + "/" + pointer_escape(key),
            std::string("expected an array, found ") + v.type_name() + ": ignored");
    return {};
  }

  bool read_package(JsonValue pk, const std::string& at, std::size_t off, Entry& e) {
    if (!pk.is_object()) {
      warn_at(off, at, std::string("expected a package object, found ") + pk.type_name() + ": skipped");
      return false;
    }
    model::Package& p = e.pkg;
    if (auto id = text(pk, "SPDXID", at, off)) e.id = *id;
    if (e.id.empty()) warn_at(off, at + "/SPDXID", "missing: nothing can refer to this package");
    // §7.21 external references: the purl (category PACKAGE-MANAGER, 2.2: PACKAGE_MANAGER) is the identity; a
    // CPE (SECURITY cpe23Type / cpe22Type) is kept as a property when there is no purl.
    std::optional<model::Purl> purl;
    std::string cpe;
    std::size_t i = 0;
    for (JsonValue r : array(pk, "externalRefs", at, off)) {
      std::size_t index = i++;
      auto category = r.string_member("referenceCategory");
      auto type = r.string_member("referenceType");
      auto locator = r.string_member("referenceLocator");
      if (!type || !locator || locator->empty()) continue;
      if (*type == "purl" && p.purl.empty() && category &&
          (*category == "PACKAGE-MANAGER" || *category == "PACKAGE_MANAGER")) {
        auto parsed = model::Purl::parse(*locator);
        if (parsed) {
          purl = std::move(*parsed);
          p.purl = purl->to_string();
          p.ecosystem = purl->type;
        } else {
          warn_at(off, at + "/externalRefs/" + std::to_string(index) + "/referenceLocator", parsed.error().message);
          p.purl = *locator;
        }
      } else if ((*type == "cpe23Type" || *type == "cpe22Type") && cpe.empty()) {
        cpe = *locator;
      }
    }
    if (!cpe.empty() && p.purl.empty()) p.add_property("purser:cpe", cpe);
    auto name = text(pk, "name", at, off);
    if (name && !util::trim(*name).empty()) {
      p.name = *name;
    } else if (purl) {
      p.name = purl->namespace_.empty() ? purl->name : purl->namespace_ + "/" + purl->name;
      warn_at(off, at + "/name", "missing: named " + quote_text(p.name) + " after its purl");
    } else {
      warn_at(off, at + "/name", "missing, and no valid purl: package skipped");
      return false;
    }
    if (auto version = text(pk, "versionInfo", at, off)) p.version = *version;
    if (p.version.empty() && purl) p.version = purl->version;
    e.version_missing = p.version.empty();
    // §7.13 / §7.15.
    auto declared = text(pk, "licenseDeclared", at, off);
    auto concluded = text(pk, "licenseConcluded", at, off);
    if (states_license(declared))
      p.license = std::string(util::trim(*declared));
    else if (states_license(concluded))
      p.license = std::string(util::trim(*concluded));
    // §7.10 checksums.
    i = 0;
    for (JsonValue sum : array(pk, "checksums", at, off)) {
      std::size_t index = i++;
      auto alg = sum.string_member("algorithm");
      auto value = sum.string_member("checksumValue");
      if (!alg || !value || alg->empty() || value->empty()) {
        warn_at(off, at + "/checksums/" + std::to_string(index),
                "expected algorithm and checksumValue strings: ignored");
        continue;
      }
      model::Hash h{hash_algorithm(*alg), util::to_lower(*value)};
      if (std::find(p.hashes.begin(), p.hashes.end(), h) == p.hashes.end()) p.hashes.push_back(std::move(h));
    }
    // §7.5 supplier: "Organization: X" / "Person: X (email)" / NOASSERTION.
    if (auto supplier = text(pk, "supplier", at, off)) p.supplier = actor_name(*supplier);
    // §7.7 downloadLocation: a URL/VCS location, NONE or NOASSERTION.
    if (auto dl = text(pk, "downloadLocation", at, off)) {
      std::string_view v = util::trim(*dl);
      if (!v.empty() && v != "NONE" && v != "NOASSERTION") p.download_url = std::string(v);
    }
    if (auto purpose = text(pk, "primaryPackagePurpose", at, off)) {
      if (!purpose_type(*purpose, p.type)) p.add_property("purser:spdx:purpose", std::string(*purpose));
    }
    // §7.22 comment: the purser writer keeps scope, cataloger and every typed property there as "name=value" lines
    // (also foreign ones such as "cdx:npm:package:development=true"); a comment is read as such when every line is
    // "name=value" with a name free of blanks and at least one name is purser's. Any other comment is prose and is
    // not read.
    if (auto comment = text(pk, "comment", at, off)) {
      std::vector<model::Property> props;
      bool ours = !comment->empty(), any_purser = false;
      for (auto part : util::split(*comment, '\n')) {
        std::size_t eq = part.find('=');
        std::string_view key = part.substr(0, eq);
        if (eq == std::string_view::npos || key.empty() || key.find_first_of(" \t\r") != std::string_view::npos) {
          ours = false;
          break;
        }
        any_purser = any_purser || key.substr(0, 7) == "purser:";
        props.push_back({std::string(key), std::string(part.substr(eq + 1))});
      }
      if (ours && any_purser)
        for (auto& prop : props) p.add_property(std::move(prop.name), std::move(prop.value));
    }
    // §7.12 sourceInfo: the purser writer lists where a package was found as "found in: a:1, b".
    if (auto info = text(pk, "sourceInfo", at, off); info && info->substr(0, 10) == "found in: ") {
      for (auto part : util::split(info->substr(10), ',')) {
        std::string_view t = util::trim(part);
        if (t.empty()) continue;
        util::Location loc = parse_location(t);
        if (std::find(p.locations.begin(), p.locations.end(), loc) == p.locations.end())
          p.locations.push_back(std::move(loc));
      }
    }
    decode_purser_properties(p);
    return true;
  }
};

SpdxCollector::SpdxCollector(const std::string& path, const LineIndex& lines)
    : m_state(std::make_unique<State>(path, lines)) {}
SpdxCollector::~SpdxCollector() = default;

bool SpdxCollector::owns_top_member(std::string_view key) {
  return one_of(key, {"spdxVersion", "name", "SPDXID", "documentNamespace", "creationInfo", "documentDescribes",
                      "packages", "relationships", "files", "snippets", "hasExtractedLicensingInfos"});
}

Decision SpdxCollector::member(Role role, const std::vector<std::string>& keys, std::size_t depth) {
  using K = Decision::Kind;
  const std::string& k = keys[depth - 1];
  switch (role) {
    case Role::top:
      if (depth == 1) {
        if (k == "packages") return {K::split, Role::spdx_package};
        if (k == "relationships") return {K::split, Role::spdx_relationship};
        if (k == "files" || k == "snippets") return {K::split, Role::spdx_element};
      }
      return {K::keep, Role::top};
    case Role::spdx_package:
      if (depth == 1) return {is_package_member(k) ? K::keep : K::skip, Role::top};
      return {K::keep, Role::top};
    case Role::spdx_relationship:
      if (depth == 1)
        return {one_of(k, {"spdxElementId", "relatedSpdxElement", "relationshipType"}) ? K::keep : K::skip, Role::top};
      return {K::skip, Role::top};
    case Role::spdx_element:
      return {depth == 1 && k == "SPDXID" ? K::keep : K::skip, Role::top};
    default:
      return {K::skip, Role::top};
  }
}

void SpdxCollector::unit(Unit& u) {
  State& s = *m_state;
  switch (u.role) {
    case Role::spdx_package: {
      Entry e;
      e.pointer = u.pointer;
      e.offset = u.offset;
      if (s.read_package(u.tree.root(), u.pointer, u.offset, e)) s.entries.push_back(std::move(e));
      break;
    }
    case Role::spdx_relationship: {
      JsonValue v = u.tree.root();
      auto from = v.string_member("spdxElementId");
      auto to = v.string_member("relatedSpdxElement");
      auto type = v.string_member("relationshipType");
      if (!from || !to || !type) {
        s.warn_at(u.offset, u.pointer,
                  "expected spdxElementId, relatedSpdxElement and relationshipType strings: ignored");
        break;
      }
      s.relationships.push_back({std::string(*from), std::string(*to), std::string(*type), u.pointer, u.offset});
      break;
    }
    case Role::spdx_element:
      if (auto id = u.tree.root().string_member("SPDXID")) s.elements.emplace(*id);
      break;
    default:
      break;
  }
}

namespace {

// Replaces LicenseRef-ids that stand for a short free-text licence by that text: the whole expression when it is
// one such id, single words inside a compound expression (so the expression stays parseable).
std::string resolve_license_refs(const std::string& expr, const std::unordered_map<std::string, std::string>& labels) {
  if (auto it = labels.find(expr); it != labels.end()) return it->second;
  std::string out;
  std::size_t i = 0;
  while (i < expr.size()) {
    char c = expr[i];
    if (c == ' ' || c == '(' || c == ')') {
      out += c;
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < expr.size() && expr[j] != ' ' && expr[j] != '(' && expr[j] != ')') ++j;
    std::string word = expr.substr(i, j - i);
    auto it = labels.find(word);
    if (it != labels.end() && !it->second.empty() && it->second.find_first_of(" ()") == std::string::npos)
      out += it->second;
    else
      out += word;
    i = j;
  }
  return out;
}

}  // namespace

util::Result<ReadSbom> SpdxCollector::finish(Unit&& top) {
  State& s = *m_state;
  JsonValue doc = top.tree.root();
  auto offset_of = [&](std::string_view key) -> std::size_t {
    for (const auto& [k, o] : top.member_offsets)
      if (k == key) return o;
    return top.offset;
  };
  ReadSbom out;
  out.format = SbomFormat::spdx_json;
  model::Document& d = out.document;
  d.metadata.tool_name.clear();

  // §6.1 spdxVersion "SPDX-M.N".
  const std::string version(*doc.string_member("spdxVersion"));
  if (version.rfind("SPDX-2.", 0) != 0)
    return util::make_error(util::ErrorCode::unsupported,
                            "unsupported SPDX version " + quote_text(version) + ": supported are SPDX-2.2, SPDX-2.3",
                            {s.path, s.lines.line_of(offset_of("spdxVersion"))});
  out.spec_version = version.substr(5);
  if (version != "SPDX-2.2" && version != "SPDX-2.3")
    s.warn_at(offset_of("spdxVersion"), "/spdxVersion", "unsupported version " + quote_text(version) + ": read as 2.3");
  std::string doc_name;
  if (auto n = s.text(doc, "name", "", offset_of("name"))) doc_name = *n;
  d.metadata.source_target = doc_name;

  // §6.8 / §6.9 creationInfo.
  if (JsonValue ci = doc.find("creationInfo"); ci.is_object()) {
    const std::size_t off = offset_of("creationInfo");
    if (auto created = s.text(ci, "created", "/creationInfo", off)) {
      if (auto seconds = parse_rfc3339(*created))
        d.metadata.timestamp = *seconds;
      else
        s.warn_at(off, "/creationInfo/created", "invalid date-time " + quote_text(*created) + ": ignored");
    }
    for (JsonValue c : s.array(ci, "creators", "/creationInfo", off)) {
      if (!c.is_string()) continue;
      std::string_view v = util::trim(c.str());
      if (v.rfind("Tool:", 0) == 0) {
        // "Tool: name-version": the version is what follows the last '-' when it starts with a digit.
        if (!d.metadata.tool_name.empty()) continue;
        std::string tool = actor_name(v);
        std::size_t dash = tool.rfind('-');
        if (dash != std::string::npos && dash + 1 < tool.size() && tool[dash + 1] >= '0' && tool[dash + 1] <= '9') {
          d.metadata.tool_version = tool.substr(dash + 1);
          tool.resize(dash);
        }
        d.metadata.tool_name = tool;
      } else if (v.rfind("Person:", 0) == 0 || v.rfind("Organization:", 0) == 0) {
        std::string who = actor_name(v);
        if (!who.empty()) d.metadata.authors.push_back(std::move(who));
      }
    }
  }

  for (std::string_view key : {"packages", "relationships", "files", "snippets"})
    if (JsonValue v = doc.find(key); v.present())
      s.warn_at(offset_of(key), "/" + std::string(key),
                std::string("expected an array, found ") + v.type_name() + ": ignored");

  // §7.2 SPDXIDs: the first package with an id owns it.
  std::unordered_map<std::string, std::size_t> by_id;  // SPDXID → index in s.entries
  for (std::size_t i = 0; i < s.entries.size(); ++i) {
    Entry& e = s.entries[i];
    if (e.id.empty()) continue;
    auto [it, inserted] = by_id.emplace(e.id, i);
    if (!inserted) {
      s.warn_at(e.offset, e.pointer + "/SPDXID",
                "duplicate " + quote_text(e.id) + ": the first, at " + s.entries[it->second].pointer + ", wins");
      e.id.clear();
    }
  }
  auto known_elsewhere = [&](const std::string& id) {
    return id == k_document || id == "NONE" || id == "NOASSERTION" || id.rfind("DocumentRef-", 0) == 0 ||
           s.elements.count(id) > 0;
  };

  // documentDescribes (the JSON schema's shorthand) and DESCRIBES relationships (§11.1) name the subject.
  std::vector<std::size_t> described;
  auto describe = [&](const std::string& id, std::size_t off, const std::string& at) {
    auto it = by_id.find(id);
    if (it == by_id.end()) {
      if (!known_elsewhere(id)) s.warn_at(off, at, "undeclared element " + quote_text(id) + ": ignored");
      return;
    }
    if (std::find(described.begin(), described.end(), it->second) == described.end()) described.push_back(it->second);
  };
  {
    std::size_t i = 0;
    JsonValue list = doc.find("documentDescribes");
    for (JsonValue id : list.is_array() ? list : JsonValue()) {
      if (id.is_string())
        describe(std::string(id.str()), offset_of("documentDescribes"), "/documentDescribes/" + std::to_string(i));
      ++i;
    }
  }
  for (const Relationship& r : s.relationships) {
    if (r.type == "DESCRIBES" && r.from == k_document) describe(r.to, r.offset, r.pointer + "/relatedSpdxElement");
    if (r.type == "DESCRIBED_BY" && r.to == k_document) describe(r.from, r.offset, r.pointer + "/spdxElementId");
  }

  // The root: the one described package, or a stand-in named after the document.
  std::size_t root_index = described.size() == 1 ? described[0] : SIZE_MAX;
  if (root_index != SIZE_MAX) {
    d.root = std::move(s.entries[root_index].pkg);
  } else {
    d.root.name = doc_name.empty() ? std::string("unknown") : doc_name;
    d.root.type = model::ComponentType::application;
    if (described.empty())
      s.warn_at(offset_of("spdxVersion"), "",
                "the document describes no package (documentDescribes, DESCRIBES): root " + quote_text(d.root.name) +
                    " stands in");
  }
  const std::string root_ref = d.root.ref();

  // Packages, one per ref; every SPDXID maps to the ref of the package it ended up in.
  std::unordered_map<std::string, std::string> ref_of_id;
  std::unordered_map<std::string, std::size_t> by_ref;
  std::vector<std::string> first_pointer;
  if (root_index != SIZE_MAX) ref_of_id.emplace(s.entries[root_index].id, root_ref);
  d.packages.reserve(s.entries.size());
  for (std::size_t i = 0; i < s.entries.size(); ++i) {
    if (i == root_index) continue;
    Entry& e = s.entries[i];
    if (e.version_missing) s.warn_at(e.offset, e.pointer + "/versionInfo", "missing for " + quote_text(e.pkg.name));
    std::string ref = e.pkg.ref();
    if (ref == root_ref) {
      s.warn_at(e.offset, e.pointer, "same identity as the document root (" + quote_text(ref) + "): merged into it");
      merge_package(d.root, std::move(e.pkg));
    } else if (auto it = by_ref.find(ref); it != by_ref.end()) {
      s.warn_at(e.offset, e.pointer,
                "duplicate of " + first_pointer[it->second] + " (" + quote_text(ref) + "): merged");
      merge_package(d.packages[it->second], std::move(e.pkg));
    } else {
      by_ref.emplace(ref, d.packages.size());
      first_pointer.push_back(e.pointer);
      d.packages.push_back(std::move(e.pkg));
    }
    if (!e.id.empty()) ref_of_id.emplace(e.id, std::move(ref));
  }
  if (root_index == SIZE_MAX)
    for (std::size_t i : described)
      if (auto it = ref_of_id.find(s.entries[i].id); it != ref_of_id.end() && it->second != root_ref)
        d.relationships.push_back({root_ref, it->second, model::RelationshipKind::contains});

  // §11.1 relationships.
  std::unordered_map<std::string, std::uint8_t> needed_as;  // ref → bit 1 plain, 2 dev, 4 optional dependency
  for (const Relationship& r : s.relationships) {
    model::Scope scope = model::Scope::required;
    Edge edge = edge_of(r.type, scope);
    if (edge == Edge::none) continue;
    auto resolve = [&](const std::string& id, const char* member) -> const std::string* {
      if (auto it = ref_of_id.find(id); it != ref_of_id.end()) return &it->second;
      if (!known_elsewhere(id))
        s.warn_at(r.offset, r.pointer + "/" + member,
                  "undeclared element " + quote_text(id) + ": relationship dropped");
      return nullptr;
    };
    const std::string* a = resolve(r.from, "spdxElementId");
    const std::string* b = a == nullptr ? nullptr : resolve(r.to, "relatedSpdxElement");
    if (a == nullptr || b == nullptr || *a == *b) continue;
    bool inverse = edge == Edge::depends_inverse || edge == Edge::contains_inverse;
    const std::string& from = inverse ? *b : *a;
    const std::string& to = inverse ? *a : *b;
    bool contains = edge == Edge::contains || edge == Edge::contains_inverse;
    d.relationships.push_back(
        {from, to, contains ? model::RelationshipKind::contains : model::RelationshipKind::depends_on});
    if (!contains) needed_as[to] |= scope == model::Scope::dev ? 2 : (scope == model::Scope::optional ? 4 : 1);
  }
  for (auto& p : d.packages) {
    if (p.scope != model::Scope::required) continue;
    auto it = needed_as.find(p.ref());
    if (it == needed_as.end() || (it->second & 1)) continue;
    p.scope = (it->second & 4) ? model::Scope::optional : model::Scope::dev;
  }

  // §10 hasExtractedLicensingInfos: a LicenseRef whose extracted text equals its name is a label, not a licence
  // text (how the purser writer carries free-text licences); read it back as that text.
  std::unordered_map<std::string, std::string> labels;
  JsonValue infos = doc.find("hasExtractedLicensingInfos");
  for (JsonValue info : infos.is_array() ? infos : JsonValue()) {
    auto id = info.string_member("licenseId");
    auto name = info.string_member("name");
    auto text = info.string_member("extractedText");
    if (id && name && text && *name == *text && !name->empty()) labels.emplace(*id, *name);
  }
  if (!labels.empty()) {
    auto apply = [&](model::Package& p) {
      if (p.license.find("LicenseRef-") != std::string::npos) p.license = resolve_license_refs(p.license, labels);
    };
    apply(d.root);
    for (auto& p : d.packages) apply(p);
  }

  s.entries.clear();
  s.relationships.clear();
  d.diagnostics = std::move(s.diagnostics);
  d.normalize();
  return out;
}

}  // namespace purser::formats::detail
