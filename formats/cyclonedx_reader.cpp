// CycloneDX JSON reader, spec 1.2-1.6. Field names and shapes follow the vendored schemas in
// schemas/cyclonedx/bom-1.X.SNAPSHOT.schema.json; comments cite the schema definition they read.
//
// Mapping decisions (documented in reader.hpp too):
// - metadata.component is the document root; components nested under a component (at any depth, also under
//   metadata.component) are flattened into the package list, each with a contains edge from its parent.
// - group: joined to the name with "/" the way a PURL joins namespace and name ("@types" + "node" → "@types/node",
//   "org.apache" + "commons" → "org.apache/commons"); the writers split it back the same way.
// - licenses: one entry is kept as written (an id, an expression, or a free-text name). Several entries are joined
//   with AND: the schema leaves a list's meaning open (CycloneDX/specification#349) and AND is the reading that
//   never grants more than the document states. Compound expressions are parenthesised; free-text names become
//   LicenseRef-<name> so the result stays one valid SPDX expression. When 1.6 acknowledgements are present,
//   "declared" entries win over "concluded" ones.
// - scope "excluded" is dev (not shipped), and so is a component with the taxonomy property
//   "cdx:npm:package:development" = "true" (npm sbom marks dev dependencies that way, with scope "required");
//   properties the purser writer uses for fields CycloneDX lacks
//   (purser:scope, purser:found-by, purser:location, purser:download-url, purser:hash) are decoded back.

#include <algorithm>
#include <deque>
#include <numeric>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "formats/reader_common.hpp"
#include "formats/writer_common.hpp"
#include "lib/model/license.hpp"
#include "lib/model/purl.hpp"
#include "lib/util/strings.hpp"

namespace purser::formats::detail {

namespace {

bool one_of(std::string_view s, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

std::string quote_text(std::string_view s) { return "\"" + util::printable(s, 200) + "\""; }

// definitions/component members this reader uses; everything else (description, copyright, pedigree, swid,
// releaseNotes, modelCard, data, cryptoProperties, signature...) is never materialised.
bool is_component_member(std::string_view k) {
  return one_of(k, {"type", "bom-ref", "supplier", "group", "name", "version", "scope", "hashes", "licenses", "purl",
                    "cpe", "externalReferences", "properties", "evidence"});
}

// definitions/component.type enum → model; the types the model lacks keep their spelling as a property.
bool component_type(std::string_view s, model::ComponentType& out) {
  using T = model::ComponentType;
  static const std::pair<std::string_view, T> k_types[] = {
      {"application", T::application}, {"library", T::library}, {"framework", T::framework},
      {"container", T::container},     {"file", T::file},       {"operating-system", T::operating_system}};
  for (const auto& [name, type] : k_types)
    if (s == name) {
      out = type;
      return true;
    }
  return false;
}

// definitions/licenseChoice entries → one expression (reader.hpp): 1.6 "declared" entries win over "concluded"
// ones; several are joined with AND, compound expressions parenthesised, free-text names made LicenseRef-<name>.
std::string join_licenses(std::vector<CdxLicense>& entries) {
  std::vector<CdxLicense*> declared, concluded, parts;
  for (auto& e : entries) {
    if (e.ack == CdxLicense::Ack::declared)
      declared.push_back(&e);
    else if (e.ack == CdxLicense::Ack::concluded)
      concluded.push_back(&e);
  }
  parts = std::move(declared);
  for (auto& e : entries)
    if (e.ack == CdxLicense::Ack::none) parts.push_back(&e);
  if (parts.empty()) parts = std::move(concluded);
  if (parts.empty()) return {};
  if (parts.size() == 1) return std::move(parts[0]->text);
  std::string out;
  for (CdxLicense* part : parts) {
    std::string piece = part->text;
    model::LicenseCheck check = model::check_license_expression(part->text);
    if (part->kind != CdxLicense::Kind::id && (!check.valid || check.normalized.empty())) {
      piece = "LicenseRef-" + sanitize_idstring(part->text, "unknown");
    } else if (!check.single_id() && check.valid) {
      piece = "(" + part->text + ")";
    }
    if (!out.empty()) out += " AND ";
    out += piece;
  }
  return out;
}

}  // namespace

// definitions/component → Package; the members come from either syntax.
bool cdx_package(CdxComponent& c, bool is_root, model::Package& p, std::vector<CdxProblem>& problems) {
  // The PURL is canonicalised so it compares equal to what a scan produces; an invalid one is kept as written.
  std::optional<model::Purl> purl;
  if (c.purl && !c.purl->empty()) {
    auto parsed = model::Purl::parse(*c.purl);
    if (parsed) {
      purl = std::move(*parsed);
      p.purl = purl->to_string();
      p.ecosystem = purl->type;
    } else {
      problems.push_back({"purl", parsed.error().message});
      p.purl = *c.purl;
    }
  }
  if (c.name && !util::trim(*c.name).empty()) {
    if (c.group && !c.group->empty()) {
      p.name.reserve(c.group->size() + 1 + c.name->size());
      p.name.append(*c.group).append("/");
    }
    p.name.append(*c.name);
  } else if (purl) {
    p.name = purl->namespace_.empty() ? purl->name : purl->namespace_ + "/" + purl->name;
    problems.push_back({"name", "missing: named " + quote_text(p.name) + " after its purl"});
  } else {
    problems.push_back({"name", "missing, and no valid purl: component skipped"});
    return false;
  }
  if (c.version) p.version = *c.version;
  if (p.version.empty() && purl) p.version = purl->version;
  if (p.version.empty() && !is_root) problems.push_back({"version", "missing for " + quote_text(p.name)});
  if (c.type) {
    if (!component_type(*c.type, p.type)) p.add_property("purser:cyclonedx:type", std::string(*c.type));
  }
  // definitions/scope: required / optional / excluded ("not reachable at runtime": development and test).
  if (c.scope) {
    if (*c.scope == "optional") p.scope = model::Scope::optional;
    if (*c.scope == "excluded") p.scope = model::Scope::dev;
  }
  // CycloneDX property taxonomy (cyclonedx-property-taxonomy, cdx/npm.md): "cdx:npm:package:development" = "true"
  // marks a development dependency. npm sbom writes it next to scope "required", so it wins over the scope.
  for (const auto& prop : c.properties)
    if (prop.name == "cdx:npm:package:development" && prop.value == "true") p.scope = model::Scope::dev;
  // definitions/hash: {alg, content}; the model uses the CycloneDX algorithm names and lower-case hex.
  for (auto& h : c.hashes) {
    model::Hash hash{std::move(h.algorithm), util::to_lower(h.value)};
    if (std::find(p.hashes.begin(), p.hashes.end(), hash) == p.hashes.end()) p.hashes.push_back(std::move(hash));
  }
  p.license = join_licenses(c.licenses);
  // definitions/organizationalEntity: the supplier's name.
  if (c.supplier) p.supplier = std::string(util::trim(*c.supplier));
  // definitions/externalReference: type "distribution" is where the component can be obtained.
  if (c.distribution) p.download_url = *c.distribution;
  p.properties.reserve(c.properties.size());
  for (auto& prop : c.properties) p.add_property(std::move(prop.name), std::move(prop.value));
  if (c.cpe && !c.cpe->empty() && p.purl.empty()) p.add_property("purser:cpe", std::string(*c.cpe));
  // definitions/componentEvidence.occurrences (1.5+): location, and from 1.6 line/offset.
  for (const CdxOccurrence& o : c.occurrences) {
    if (o.location.empty()) continue;
    util::Location loc;
    if (o.line && *o.line > 0) {
      loc = {std::string(o.location), *o.line};
    } else if (o.offset) {
      loc.path = o.location;
      loc.offset = *o.offset;
    } else {
      loc = parse_location(o.location);
    }
    if (std::find(p.locations.begin(), p.locations.end(), loc) == p.locations.end())
      p.locations.push_back(std::move(loc));
  }
  decode_purser_properties(p);
  return true;
}

struct CycloneDxCollector::State : CdxParts {
  State(const std::string& p, const LineIndex& l) : path(p), lines(l) {}
  const std::string& path;
  const LineIndex& lines;
  std::vector<util::Diagnostic> diagnostics;
  std::vector<CdxProblem> problems;  // scratch, per component

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

  // definitions/licenseChoice (1.2-1.6): [{"license": {"id"|"name"}}...] or [{"expression"}].
  void read_licenses(JsonValue c, const std::string& at, std::size_t off, std::vector<CdxLicense>& out) {
    std::size_t i = 0;
    for (JsonValue e : array(c, "licenses", at, off)) {
      std::string here = at + "/licenses/" + std::to_string(i++);
      CdxLicense part;
      JsonValue holder = e;
      if (auto expr = e.string_member("expression")) {
        part.kind = CdxLicense::Kind::expression;
        part.text = util::trim(*expr);
      } else if (JsonValue license = e.find("license"); license.present()) {
        holder = license;
        if (auto id = license.string_member("id")) {
          part.kind = CdxLicense::Kind::id;
          part.text = util::trim(*id);
        } else if (auto name = license.string_member("name")) {
          part.text = util::trim(*name);
        }
      }
      if (part.text.empty()) {
        warn_at(off, here, "expected a license id, name or expression: ignored");
        continue;
      }
      // 1.6 definitions/licenseAcknowledgementEnumeration: declared / concluded.
      auto ack = holder.string_member("acknowledgement");
      if (!ack) ack = e.string_member("acknowledgement");
      if (ack && *ack == "declared") part.ack = CdxLicense::Ack::declared;
      if (ack && *ack == "concluded") part.ack = CdxLicense::Ack::concluded;
      out.push_back(std::move(part));
    }
  }

  // definitions/component → Package. False when the component has neither a name nor a usable PURL.
  bool read_component(JsonValue c, const std::string& at, std::size_t off, bool is_root, CdxEntry& e) {
    if (!c.is_object()) {
      warn_at(off, at, std::string("expected a component object, found ") + c.type_name() + ": skipped");
      return false;
    }
    CdxComponent f;
    f.bom_ref = text(c, "bom-ref", at, off);
    f.purl = text(c, "purl", at, off);
    f.name = text(c, "name", at, off);
    f.group = text(c, "group", at, off);
    f.version = text(c, "version", at, off);
    f.type = text(c, "type", at, off);
    f.scope = text(c, "scope", at, off);
    std::size_t i = 0;
    for (JsonValue h : array(c, "hashes", at, off)) {
      auto alg = h.string_member("alg");
      auto content = h.string_member("content");
      if (!alg || !content || alg->empty() || content->empty()) {
        warn_at(off, at + "/hashes/" + std::to_string(i++), "expected alg and content strings: ignored");
        continue;
      }
      ++i;
      f.hashes.push_back({std::string(*alg), std::string(*content)});
    }
    read_licenses(c, at, off, f.licenses);
    f.supplier = c.find("supplier").string_member("name");
    for (JsonValue r : array(c, "externalReferences", at, off)) {
      auto type = r.string_member("type");
      auto url = r.string_member("url");
      if (type && url && *type == "distribution" && !url->empty()) {
        f.distribution = url;
        break;
      }
    }
    i = 0;
    JsonValue props = array(c, "properties", at, off);
    f.properties.reserve(props.size());
    for (JsonValue prop : props) {
      auto pname = prop.string_member("name");
      if (!pname) {
        warn_at(off, at + "/properties/" + std::to_string(i++), "expected a name string: ignored");
        continue;
      }
      ++i;
      auto value = prop.string_member("value");
      f.properties.push_back({std::string(*pname), value ? std::string(*value) : std::string()});
    }
    f.cpe = text(c, "cpe", at, off);
    JsonValue occurrences = c.find("evidence").find("occurrences");
    for (JsonValue o : occurrences.is_array() ? occurrences : JsonValue()) {
      auto where = o.string_member("location");
      if (where) f.occurrences.push_back({*where, o.find("line").as_uint(), o.find("offset").as_uint()});
    }
    // Nested components that were not an array stayed in this tree (arrays are split off as their own units).
    if (JsonValue nested = c.find("components"); nested.present())
      warn_at(off, at + "/components", std::string("expected an array, found ") + nested.type_name() + ": ignored");
    if (f.bom_ref) e.bom_ref = *f.bom_ref;
    problems.clear();
    bool ok = cdx_package(f, is_root, e.pkg, problems);
    for (const CdxProblem& problem : problems) warn_at(off, at + "/" + std::string(problem.member), problem.text);
    return ok;
  }
};

CycloneDxCollector::CycloneDxCollector(const std::string& path, const LineIndex& lines)
    : m_state(std::make_unique<State>(path, lines)) {}
CycloneDxCollector::~CycloneDxCollector() = default;

bool CycloneDxCollector::owns_top_member(std::string_view key) {
  return one_of(key, {"bomFormat", "specVersion", "metadata", "components", "dependencies", "services"});
}

Decision CycloneDxCollector::member(Role role, const std::vector<std::string>& keys, std::size_t depth) {
  using K = Decision::Kind;
  const std::string& k = keys[depth - 1];
  switch (role) {
    case Role::top:
      if (depth == 1) {
        if (k == "components") return {K::split, Role::cdx_component};
        if (k == "dependencies") return {K::split, Role::cdx_dependency};
        if (k == "services") return {K::split, Role::cdx_service};
        return {K::keep, Role::top};
      }
      if (depth == 3 && keys[0] == "metadata" && keys[1] == "component" && k == "components")
        return {K::split, Role::cdx_component};
      return {K::keep, Role::top};
    case Role::cdx_component:
      if (depth == 1) {
        if (k == "components") return {K::split, Role::cdx_component};
        return {is_component_member(k) ? K::keep : K::skip, Role::top};
      }
      if (depth == 2 && keys[0] == "evidence") return {k == "occurrences" ? K::keep : K::skip, Role::top};
      return {K::keep, Role::top};
    case Role::cdx_dependency:
      // definitions/dependency: ref and dependsOn (1.6 "provides" is not a dependency edge).
      if (depth == 1) return {k == "ref" || k == "dependsOn" ? K::keep : K::skip, Role::top};
      return {K::keep, Role::top};
    case Role::cdx_service:
      if (depth == 1) {
        if (k == "services") return {K::split, Role::cdx_service};
        return {k == "bom-ref" ? K::keep : K::skip, Role::top};
      }
      return {K::skip, Role::top};
    default:
      return {K::skip, Role::top};
  }
}

void CycloneDxCollector::unit(Unit& u) {
  State& s = *m_state;
  switch (u.role) {
    case Role::cdx_component: {
      CdxEntry e;
      e.pointer = u.pointer;
      e.offset = u.offset;
      e.seq = u.seq;
      if (u.has_parent && u.parent_role == Role::cdx_component) {
        e.parent_kind = CdxEntry::Parent::component;
        e.parent = u.parent;
      } else if (u.pointer.rfind("/metadata/", 0) == 0) {
        e.parent_kind = CdxEntry::Parent::root;
      }
      if (s.read_component(u.tree.root(), u.pointer, u.offset, false, e)) s.entries.push_back(std::move(e));
      break;
    }
    case Role::cdx_dependency: {
      JsonValue v = u.tree.root();
      if (!v.is_object()) {
        s.warn_at(u.offset, u.pointer,
                  std::string("expected a dependency object, found ") + v.type_name() + ": ignored");
        break;
      }
      CdxDependency d;
      d.pointer = u.pointer;
      d.offset = u.offset;
      auto ref = v.string_member("ref");
      if (!ref) {
        s.warn_at(u.offset, u.pointer + "/ref", "missing: entry ignored");
        break;
      }
      d.ref = *ref;
      JsonValue deps = s.array(v, "dependsOn", u.pointer, u.offset);
      d.depends_on.reserve(deps.size());
      std::size_t i = 0;
      for (JsonValue target : deps) {
        if (target.is_string()) {
          d.depends_on.emplace_back(target.str());
        } else {
          s.warn_at(u.offset, u.pointer + "/dependsOn/" + std::to_string(i),
                    std::string("expected a ref string, found ") + target.type_name() + ": ignored");
          d.depends_on.emplace_back();
        }
        ++i;
      }
      s.dependencies.push_back(std::move(d));
      break;
    }
    case Role::cdx_service:
      if (auto ref = u.tree.root().string_member("bom-ref")) s.services.emplace(*ref);
      break;
    default:
      break;
  }
}

util::Result<ReadSbom> CycloneDxCollector::finish(Unit&& top) {
  State& s = *m_state;
  JsonValue doc = top.tree.root();
  auto offset_of = [&](std::string_view key) -> std::size_t {
    for (const auto& [k, o] : top.member_offsets)
      if (k == key) return o;
    return top.offset;
  };
  ReadSbom out;
  out.format = SbomFormat::cyclonedx_json;
  model::Document& d = out.document;
  d.metadata.tool_name.clear();

  // specVersion: JSON exists from 1.2; later versions only add members, so they are read like 1.6.
  if (auto v = s.text(doc, "specVersion", "", offset_of("specVersion"))) {
    out.spec_version = *v;
    if (!one_of(*v, {"1.2", "1.3", "1.4", "1.5", "1.6"}))
      s.warn_at(offset_of("specVersion"), "/specVersion", "unsupported version " + quote_text(*v) + ": read as 1.6");
  } else {
    s.warn_at(offset_of("bomFormat"), "/specVersion", "missing: read as 1.6");
  }

  // definitions/metadata.
  CdxEntry& root = s.root;
  root.pointer = "/metadata/component";
  if (JsonValue md = doc.find("metadata"); md.is_object()) {
    const std::size_t off = offset_of("metadata");
    if (auto ts = s.text(md, "timestamp", "/metadata", off)) {
      if (auto seconds = parse_rfc3339(*ts))
        d.metadata.timestamp = *seconds;
      else
        s.warn_at(off, "/metadata/timestamp", "invalid date-time " + quote_text(*ts) + ": ignored");
    }
    // metadata.authors: organizationalContact[] (1.2-1.6); name, else e-mail.
    for (JsonValue a : s.array(md, "authors", "/metadata", off)) {
      auto who = a.string_member("name");
      if (!who || util::trim(*who).empty()) who = a.string_member("email");
      if (who && !util::trim(*who).empty()) d.metadata.authors.emplace_back(util::trim(*who));
    }
    // metadata.tools: tool[] {vendor, name, version} up to 1.4 (deprecated, still allowed later); from 1.5
    // {components: [component], services: [service]}.
    if (JsonValue tools = md.find("tools"); tools.present()) {
      JsonValue first;
      auto pick = [&](JsonValue list) {
        if (!list.is_array()) return;
        for (JsonValue t : list)
          if (!first.present() && t.string_member("name")) first = t;
      };
      pick(tools);
      pick(tools.find("components"));
      pick(tools.find("services"));
      if (first.present()) {
        d.metadata.tool_name = *first.string_member("name");
        if (auto v = first.string_member("version")) d.metadata.tool_version = *v;
      }
    }
    for (JsonValue prop : s.array(md, "properties", "/metadata", off)) {
      auto pname = prop.string_member("name");
      auto value = prop.string_member("value");
      if (pname && value && *pname == "purser:source-target") d.metadata.source_target = *value;
    }
    if (JsonValue c = md.find("component"); c.present() && !c.is_null()) {
      root.offset = off;
      s.have_root = s.read_component(c, root.pointer, off, true, root);
    }
  } else if (md.present() && !md.is_null()) {
    s.warn_at(offset_of("metadata"), "/metadata",
              std::string("expected an object, found ") + md.type_name() + ": ignored");
  }
  for (std::string_view key : {"components", "dependencies", "services"})
    if (JsonValue v = doc.find(key); v.present())
      s.warn_at(offset_of(key), "/" + std::string(key),
                std::string("expected an array, found ") + v.type_name() + ": ignored");

  assemble_cdx(s, CdxSyntax::json, s.path, s.lines, s.diagnostics, d);
  return out;
}

// Identities and edges, for either syntax (definitions/component bom-ref, definitions/dependency).
void assemble_cdx(CdxParts& parts, CdxSyntax syntax, const std::string& path, const LineIndex& lines,
                  std::vector<util::Diagnostic>& diagnostics, model::Document& d) {
  auto warn_at = [&](std::size_t off, std::string_view pointer, std::string_view text) {
    warn(diagnostics, path, lines.line_of(off), pointer, text);
  };
  const bool xml = syntax == CdxSyntax::xml;
  CdxEntry& root = parts.root;
  if (!parts.have_root) {
    // No subject: a stand-in root so the document still has one; nothing points to it.
    root.pkg = model::Package{};
    root.pkg.name = "unknown";
    root.pkg.type = model::ComponentType::application;
    root.bom_ref.clear();
  }
  d.root = std::move(root.pkg);
  const std::string root_ref = d.root.ref();
  // Entries in document order: a nested component arrives before its parent, so sort (indices, not packages).
  const std::size_t n = parts.entries.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  auto by_seq = [&](std::size_t a, std::size_t b) { return parts.entries[a].seq < parts.entries[b].seq; };
  if (!std::is_sorted(order.begin(), order.end(), by_seq)) std::sort(order.begin(), order.end(), by_seq);
  bool nested = std::any_of(parts.entries.begin(), parts.entries.end(),
                            [](const CdxEntry& e) { return e.parent_kind == CdxEntry::Parent::component; });
  constexpr std::size_t k_root = SIZE_MAX;
  std::vector<std::string> refs(n);                          // Package::ref() per entry
  std::unordered_map<std::string, std::size_t> by_bom_ref;   // bom-ref → first entry with it (k_root: the root)
  std::unordered_map<std::string_view, std::size_t> by_ref;  // ref (views into refs) → index in d.packages
  std::vector<std::size_t> first_entry;                      // per d.packages index: the entry that made it
  std::unordered_map<std::uint64_t, std::size_t> entry_of_seq;
  auto ref_of = [&](std::size_t entry) -> const std::string& { return entry == k_root ? root_ref : refs[entry]; };
  auto pointer_of = [&](std::size_t entry) -> const std::string& {
    return entry == k_root ? root.pointer : parts.entries[entry].pointer;
  };
  by_bom_ref.reserve(n + 1);
  by_ref.reserve(n);
  d.packages.reserve(n);
  if (!root.bom_ref.empty()) by_bom_ref.emplace(std::move(root.bom_ref), k_root);

  for (std::size_t i : order) {
    CdxEntry& e = parts.entries[i];
    refs[i] = e.pkg.ref();
    const std::string& ref = refs[i];
    bool duplicate_bom_ref = false;
    if (!e.bom_ref.empty()) {
      auto [it, inserted] = by_bom_ref.try_emplace(std::move(e.bom_ref), i);
      if (!inserted) {
        duplicate_bom_ref = true;
        warn_at(e.offset, e.pointer + (xml ? "/@bom-ref" : "/bom-ref"),
                "duplicate " + quote_text(it->first) + ": the first, at " + pointer_of(it->second) + ", wins");
      }
    }
    if (nested) entry_of_seq.emplace(e.seq, i);
    const std::string* parent_ref = nullptr;
    if (e.parent_kind == CdxEntry::Parent::root) {
      parent_ref = &root_ref;
    } else if (e.parent_kind == CdxEntry::Parent::component) {
      // The parent started earlier, so it was handled already (unless it was skipped).
      if (auto it = entry_of_seq.find(e.parent); it != entry_of_seq.end()) parent_ref = &refs[it->second];
    }
    if (ref == root_ref) {
      if (!duplicate_bom_ref)
        warn_at(e.offset, e.pointer, "same identity as the document root (" + quote_text(ref) + "): merged into it");
      merge_package(d.root, std::move(e.pkg));
    } else if (auto it = by_ref.find(ref); it != by_ref.end()) {
      if (!duplicate_bom_ref)
        warn_at(e.offset, e.pointer,
                "duplicate of " + pointer_of(first_entry[it->second]) + " (" + quote_text(ref) + "): merged");
      merge_package(d.packages[it->second], std::move(e.pkg));
    } else {
      by_ref.emplace(ref, d.packages.size());
      first_entry.push_back(i);
      d.packages.push_back(std::move(e.pkg));
    }
    if (parent_ref != nullptr && *parent_ref != ref)
      d.relationships.push_back({*parent_ref, ref, model::RelationshipKind::contains});
  }

  // definitions/dependency: refs name bom-refs. A component without a bom-ref can still be named by its PURL
  // (what several generators use as bom-ref anyway).
  auto resolve = [&](const std::string& ref) -> const std::string* {
    if (auto it = by_bom_ref.find(ref); it != by_bom_ref.end()) return &ref_of(it->second);
    if (ref == root_ref) return &root_ref;
    if (auto it = by_ref.find(ref); it != by_ref.end()) return &refs[first_entry[it->second]];
    return nullptr;
  };
  std::size_t edges = d.relationships.size();
  for (const CdxDependency& dep : parts.dependencies) edges += dep.depends_on.size();
  d.relationships.reserve(edges);
  for (const CdxDependency& dep : parts.dependencies) {
    const std::string* from = resolve(dep.ref);
    if (from == nullptr) {
      if (!parts.services.count(dep.ref))
        warn_at(dep.offset, dep.pointer + (xml ? "/@ref" : "/ref"),
                "undeclared ref " + quote_text(dep.ref) + ": its edges are dropped");
      continue;
    }
    for (std::size_t i = 0; i < dep.depends_on.size(); ++i) {
      const std::string& target = dep.depends_on[i];
      if (target.empty()) continue;  // reported when read
      const std::string* to = resolve(target);
      if (to == nullptr) {
        if (!parts.services.count(target)) {
          std::string at = dep.pointer;
          if (!xml)
            at += "/dependsOn/" + std::to_string(i);
          else if (dep.depends_on.size() > 1)
            at += "/dependency[" + std::to_string(i + 1) + "]";
          else
            at += "/dependency";
          warn_at(i < dep.target_offsets.size() ? dep.target_offsets[i] : dep.offset, at,
                  "undeclared ref " + quote_text(target) + ": edge dropped");
        }
        continue;
      }
      if (*from != *to) d.relationships.push_back({*from, *to, model::RelationshipKind::depends_on});
    }
  }
  parts.dependencies.clear();
  parts.entries.clear();
  d.diagnostics = std::move(diagnostics);
  d.normalize();
}

}  // namespace purser::formats::detail
