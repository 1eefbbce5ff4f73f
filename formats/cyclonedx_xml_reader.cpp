// CycloneDX XML reader, spec 1.2-1.6. Element and attribute names follow the vendored schemas in
// schemas/cyclonedx/bom-1.X.SNAPSHOT.xsd; comments cite the schema type they read.
//
// The document is parsed into a pugixml DOM, then each component, dependency and service is read into the same
// syntax-neutral shapes the JSON reader produces (reader_common.hpp: CdxComponent, CdxParts), so the mapping into
// the model, identities, merges, edges and their diagnostics are shared code: the same document in either syntax
// reads into the same model with the same findings, located by line and an XML path instead of a JSON pointer.
//
// Paths name elements by local name from the document element; an element that has same-named siblings carries its
// 1-based position ("/bom/components/component[3]/purl"), attributes are "@name".
//
// Hostile input: pugixml never loads external resources and does not expand entities declared in a DTD (their
// references stay as text), so a document type declaration is reported and otherwise ignored. Nesting is checked
// before anything recurses.

#include <pugixml.hpp>

#include <charconv>
#include <deque>
#include <optional>

#include "formats/reader_common.hpp"
#include "lib/util/strings.hpp"

namespace purser::formats::detail {

namespace {

using util::ErrorCode;
using util::make_error;

constexpr std::size_t k_max_depth = 512;
constexpr std::string_view k_namespace_prefix = "http://cyclonedx.org/schema/bom/";

std::string quote_text(std::string_view s) { return "\"" + util::printable(s, 200) + "\""; }

// pugixml's descriptions ("Start-end tags mismatch") as a lower-case reason.
std::string parse_reason(const pugi::xml_parse_result& result) {
  std::string reason = result.description();
  if (!reason.empty() && reason[0] >= 'A' && reason[0] <= 'Z') reason[0] = static_cast<char>(reason[0] - 'A' + 'a');
  return reason;
}

// The deepest element nesting, found without recursion; `at` receives the first element past the limit.
bool too_deep(const pugi::xml_node& document, pugi::xml_node& at) {
  std::size_t depth = 0;
  pugi::xml_node n = document.first_child();
  while (n) {
    if (n.type() == pugi::node_element && n.first_child()) {
      if (++depth > k_max_depth) {
        at = n;
        return true;
      }
      n = n.first_child();
      continue;
    }
    while (n && !n.next_sibling()) {
      n = n.parent();
      if (n == document) return false;
      --depth;
    }
    if (n) n = n.next_sibling();
  }
  return false;
}

class XmlReader {
 public:
  XmlReader(std::string_view bytes, const std::string& path) : m_bytes(bytes), m_path(path), m_lines(bytes) {}

  util::Result<ReadSbom> read() {
    // encoding_utf8: offsets then index the input itself, so lines are exact (read_sbom only sends documents
    // that start with '<', after an optional UTF-8 byte order mark).
    const unsigned options = pugi::parse_default | pugi::parse_doctype;
    pugi::xml_parse_result result = m_doc.load_buffer(m_bytes.data(), m_bytes.size(), options, pugi::encoding_utf8);
    if (!result)
      return make_error(
          ErrorCode::parse, "invalid xml: " + parse_reason(result),
          {m_path, m_lines.line_of(static_cast<std::size_t>(std::max<std::ptrdiff_t>(result.offset, 0)))});
    if (pugi::xml_node deep; too_deep(m_doc, deep))
      return make_error(ErrorCode::parse, "invalid xml: nesting deeper than " + std::to_string(k_max_depth) + " levels",
                        {m_path, line(deep)});
    // XML 1.0 §2.1: exactly one document element (pugixml accepts more).
    pugi::xml_node bom = m_doc.document_element();
    for (pugi::xml_node n = bom.next_sibling(); n; n = n.next_sibling())
      if (n.type() == pugi::node_element)
        return make_error(ErrorCode::parse, "invalid xml: more than one document element", {m_path, line(n)});
    std::string_view qname = bom.name();
    std::size_t colon = qname.find(':');
    if (colon != std::string_view::npos) m_prefix = std::string(qname.substr(0, colon + 1));
    if (qname.substr(m_prefix.size()) != "bom")
      return make_error(ErrorCode::unsupported,
                        "not a CycloneDX XML document: the document element is <" + util::printable(qname) + ">",
                        {m_path, line(bom)});
    ReadSbom out;
    out.format = SbomFormat::cyclonedx_xml;
    std::string xmlns = m_prefix.empty() ? "xmlns" : "xmlns:" + m_prefix.substr(0, m_prefix.size() - 1);
    pugi::xml_attribute ns = bom.attribute(xmlns.c_str());
    std::string_view ns_text = ns.value();
    if (!ns) {
      warn_at(bom, "/bom/@" + xmlns, "missing: read as 1.6");
    } else if (ns_text.substr(0, k_namespace_prefix.size()) != k_namespace_prefix) {
      return make_error(ErrorCode::unsupported, "not a CycloneDX XML document: namespace is " + quote_text(ns_text),
                        {m_path, line(bom)});
    } else {
      // The namespace names the spec version (bom-1.X.SNAPSHOT.xsd targetNamespace).
      std::string_view v = ns_text.substr(k_namespace_prefix.size());
      out.spec_version = v;
      if (v != "1.2" && v != "1.3" && v != "1.4" && v != "1.5" && v != "1.6")
        warn_at(bom, "/bom/@" + xmlns, "unsupported version " + quote_text(v) + ": read as 1.6");
    }
    for (pugi::xml_node n = m_doc.first_child(); n; n = n.next_sibling())
      if (n.type() == pugi::node_doctype)
        warn_at(n, "", "document type declaration ignored: its entities are not expanded");

    model::Document& d = out.document;
    d.metadata.tool_name.clear();
    m_parts.root.pointer = "/bom/metadata/component";
    if (pugi::xml_node md = child(bom, "metadata")) read_metadata(md, d.metadata);
    if (pugi::xml_node list = child(bom, "components"))
      read_components(list, "/bom/components", CdxEntry::Parent::none, 0);
    if (pugi::xml_node list = child(bom, "services")) read_services(list);
    if (pugi::xml_node list = child(bom, "dependencies")) read_dependencies(list);
    assemble_cdx(m_parts, CdxSyntax::xml, m_path, m_lines, m_diagnostics, d);
    return out;
  }

 private:
  std::uint64_t line(const pugi::xml_node& n) const { return m_lines.line_of(offset(n)); }
  static std::size_t offset(const pugi::xml_node& n) {
    return static_cast<std::size_t>(std::max<std::ptrdiff_t>(n.offset_debug(), 0));
  }
  void warn_at(const pugi::xml_node& n, std::string_view path, std::string_view text) {
    warn(m_diagnostics, m_path, line(n), path, text);
  }

  // Element names are compared with the document element's prefix ("" or "cdx:"); extension elements in other
  // namespaces never match.
  bool is(const pugi::xml_node& n, std::string_view local) const {
    std::string_view name = n.name();
    return n.type() == pugi::node_element && name.size() == m_prefix.size() + local.size() &&
           name.substr(0, m_prefix.size()) == m_prefix && name.substr(m_prefix.size()) == local;
  }
  pugi::xml_node child(const pugi::xml_node& parent, std::string_view local) const {
    for (pugi::xml_node n = parent.first_child(); n; n = n.next_sibling())
      if (is(n, local)) return n;
    return {};
  }
  std::size_t count(const pugi::xml_node& parent, std::string_view local) const {
    std::size_t n = 0;
    for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling())
      if (is(c, local)) ++n;
    return n;
  }
  // The path of the `index`-th (0-based) of `total` same-named elements.
  static std::string item(const std::string& parent, std::string_view local, std::size_t index, std::size_t total) {
    std::string out = parent + "/" + std::string(local);
    if (total > 1) out += "[" + std::to_string(index + 1) + "]";
    return out;
  }

  // The character data of an element (text and CDATA sections); nullopt when the element is absent. One piece is a
  // view into the DOM; several (text split by comments or CDATA) are joined in storage that lives as long as this.
  std::optional<std::string_view> text(const pugi::xml_node& n) {
    if (!n) return std::nullopt;
    std::optional<std::string_view> single;
    std::string* joined = nullptr;
    for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling()) {
      if (c.type() != pugi::node_pcdata && c.type() != pugi::node_cdata) continue;
      std::string_view piece = c.value();
      if (!single) {
        single = piece;
        continue;
      }
      if (joined == nullptr) joined = &m_joined.emplace_back(*single);
      joined->append(piece);
    }
    if (joined != nullptr) return *joined;
    if (!single) return std::string_view();
    return single;
  }
  std::optional<std::string_view> child_text(const pugi::xml_node& parent, std::string_view local) {
    return text(child(parent, local));
  }
  static std::optional<std::string_view> attribute(const pugi::xml_node& n, const char* name) {
    pugi::xml_attribute a = n.attribute(name);
    if (!a) return std::nullopt;
    return std::string_view(a.value());
  }
  // xs:nonNegativeInteger (whitespace collapsed); nullopt when absent or not one.
  std::optional<std::uint64_t> unsigned_text(const pugi::xml_node& n) {
    auto t = text(n);
    if (!t) return std::nullopt;
    std::string_view s = util::trim(*t);
    if (s.empty()) return std::nullopt;
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
  }

  // metadataType: timestamp, tools, authors, component, properties.
  void read_metadata(const pugi::xml_node& md, model::Metadata& out) {
    if (pugi::xml_node ts = child(md, "timestamp")) {
      std::string_view value = util::trim(*text(ts));
      if (auto seconds = parse_rfc3339(value))
        out.timestamp = *seconds;
      else
        warn_at(ts, "/bom/metadata/timestamp", "invalid date-time " + quote_text(value) + ": ignored");
    }
    // authors/author: organizationalContact; name, else e-mail.
    if (pugi::xml_node authors = child(md, "authors")) {
      for (pugi::xml_node a = authors.first_child(); a; a = a.next_sibling()) {
        if (!is(a, "author")) continue;
        auto who = child_text(a, "name");
        if (!who || util::trim(*who).empty()) who = child_text(a, "email");
        if (who && !util::trim(*who).empty()) out.authors.emplace_back(util::trim(*who));
      }
    }
    // tools: legacy tool elements {vendor, name, version} (1.2-1.4, deprecated later); from 1.5 components/component
    // and services/service. The first with a name is the tool.
    if (pugi::xml_node tools = child(md, "tools")) {
      pugi::xml_node first;
      auto pick = [&](const pugi::xml_node& list, std::string_view local) {
        if (!list) return;
        for (pugi::xml_node t = list.first_child(); t && !first; t = t.next_sibling())
          if (is(t, local) && child(t, "name")) first = t;
      };
      pick(tools, "tool");
      pick(child(tools, "components"), "component");
      pick(child(tools, "services"), "service");
      if (first) {
        out.tool_name = *child_text(first, "name");
        if (auto v = child_text(first, "version")) out.tool_version = *v;
      }
    }
    if (pugi::xml_node props = child(md, "properties")) {
      for (pugi::xml_node p = props.first_child(); p; p = p.next_sibling())
        if (is(p, "property") && std::string_view(p.attribute("name").value()) == "purser:source-target")
          out.source_target = *text(p);
    }
    if (pugi::xml_node c = child(md, "component")) {
      CdxEntry& root = m_parts.root;
      root.offset = offset(c);
      root.seq = m_seq++;
      m_parts.have_root = read_component(c, root.pointer, true, root);
      if (pugi::xml_node nested = child(c, "components"))
        read_components(nested, root.pointer + "/components", CdxEntry::Parent::root, root.seq);
    }
  }

  // The component elements of a components element, depth first in document order (pre-order seq, as the JSON
  // reader numbers them), nested ones with their parent.
  void read_components(const pugi::xml_node& list, const std::string& at, CdxEntry::Parent parent_kind,
                       std::uint64_t parent) {
    const std::size_t total = count(list, "component");
    std::size_t i = 0;
    for (pugi::xml_node c = list.first_child(); c; c = c.next_sibling()) {
      if (!is(c, "component")) continue;
      CdxEntry e;
      e.pointer = item(at, "component", i++, total);
      e.offset = offset(c);
      e.seq = m_seq++;
      e.parent_kind = parent_kind;
      e.parent = parent;
      std::string nested_at = e.pointer + "/components";
      const std::uint64_t seq = e.seq;
      if (read_component(c, e.pointer, false, e)) m_parts.entries.push_back(std::move(e));
      if (pugi::xml_node nested = child(c, "components"))
        read_components(nested, nested_at, CdxEntry::Parent::component, seq);
    }
  }

  // licenseChoiceType: license elements (id or name; 1.6 acknowledgement attribute) or one expression.
  void read_licenses(const pugi::xml_node& list, const std::string& at, std::vector<CdxLicense>& out) {
    const std::size_t licenses = count(list, "license");
    const std::size_t expressions = count(list, "expression");
    std::size_t li = 0, ei = 0;
    for (pugi::xml_node n = list.first_child(); n; n = n.next_sibling()) {
      CdxLicense part;
      std::string here;
      if (is(n, "expression")) {
        here = item(at, "expression", ei++, expressions);
        part.kind = CdxLicense::Kind::expression;
        part.text = util::trim(*text(n));
      } else if (is(n, "license")) {
        here = item(at, "license", li++, licenses);
        if (auto id = child_text(n, "id")) {
          part.kind = CdxLicense::Kind::id;
          part.text = util::trim(*id);
        } else if (auto name = child_text(n, "name")) {
          part.text = util::trim(*name);
        }
      } else {
        continue;
      }
      if (part.text.empty()) {
        warn_at(n, here, "expected a license id, name or expression: ignored");
        continue;
      }
      std::string_view ack = util::trim(n.attribute("acknowledgement").value());
      if (ack == "declared") part.ack = CdxLicense::Ack::declared;
      if (ack == "concluded") part.ack = CdxLicense::Ack::concluded;
      out.push_back(std::move(part));
    }
  }

  // component type: attributes type and bom-ref; elements supplier, group, name, version, scope, hashes, licenses,
  // cpe, purl, externalReferences, properties, evidence (components are read by the caller).
  bool read_component(const pugi::xml_node& c, const std::string& at, bool is_root, CdxEntry& e) {
    CdxComponent f;
    f.bom_ref = attribute(c, "bom-ref");
    if (auto type = attribute(c, "type")) f.type = util::trim(*type);
    // purl is xs:anyURI and cpe a pattern-restricted string: surrounding whitespace is not part of them.
    if (auto purl = child_text(c, "purl")) f.purl = util::trim(*purl);
    f.name = child_text(c, "name");
    f.group = child_text(c, "group");
    f.version = child_text(c, "version");
    if (auto scope = child_text(c, "scope")) f.scope = util::trim(*scope);
    if (pugi::xml_node hashes = child(c, "hashes")) {
      const std::size_t total = count(hashes, "hash");
      std::size_t i = 0;
      for (pugi::xml_node h = hashes.first_child(); h; h = h.next_sibling()) {
        if (!is(h, "hash")) continue;
        std::string_view alg = util::trim(h.attribute("alg").value());
        std::string_view content = util::trim(*text(h));
        std::string here = item(at + "/hashes", "hash", i++, total);
        if (alg.empty() || content.empty()) {
          warn_at(h, here, "expected an alg attribute and content: ignored");
          continue;
        }
        f.hashes.push_back({std::string(alg), std::string(content)});
      }
    }
    if (pugi::xml_node licenses = child(c, "licenses")) read_licenses(licenses, at + "/licenses", f.licenses);
    if (pugi::xml_node supplier = child(c, "supplier")) f.supplier = child_text(supplier, "name");
    if (pugi::xml_node refs = child(c, "externalReferences")) {
      for (pugi::xml_node r = refs.first_child(); r; r = r.next_sibling()) {
        if (!is(r, "reference") || util::trim(r.attribute("type").value()) != "distribution") continue;
        auto url = child_text(r, "url");
        if (url && !util::trim(*url).empty()) {
          f.distribution = util::trim(*url);
          break;
        }
      }
    }
    if (pugi::xml_node props = child(c, "properties")) {
      const std::size_t total = count(props, "property");
      std::size_t i = 0;
      for (pugi::xml_node p = props.first_child(); p; p = p.next_sibling()) {
        if (!is(p, "property")) continue;
        std::string here = item(at + "/properties", "property", i++, total);
        pugi::xml_attribute name = p.attribute("name");
        if (!name) {
          warn_at(p, here, "expected a name attribute: ignored");
          continue;
        }
        f.properties.push_back({name.value(), std::string(*text(p))});
      }
    }
    if (auto cpe = child_text(c, "cpe")) f.cpe = util::trim(*cpe);
    if (pugi::xml_node occurrences = child(child(c, "evidence"), "occurrences")) {
      for (pugi::xml_node o = occurrences.first_child(); o; o = o.next_sibling()) {
        if (!is(o, "occurrence")) continue;
        if (auto where = child_text(o, "location"))
          f.occurrences.push_back({*where, unsigned_text(child(o, "line")), unsigned_text(child(o, "offset"))});
      }
    }
    if (f.bom_ref) e.bom_ref = *f.bom_ref;
    m_problems.clear();
    bool ok = cdx_package(f, is_root, e.pkg, m_problems);
    for (const CdxProblem& problem : m_problems) {
      pugi::xml_node where = child(c, problem.member);
      warn(m_diagnostics, m_path, line(where ? where : c), at + "/" + std::string(problem.member), problem.text);
    }
    return ok;
  }

  // serviceType: only bom-refs matter (edges to services are not package edges); services nest.
  void read_services(const pugi::xml_node& list) {
    for (pugi::xml_node s = list.first_child(); s; s = s.next_sibling()) {
      if (!is(s, "service")) continue;
      if (auto ref = attribute(s, "bom-ref")) m_parts.services.emplace(*ref);
      if (pugi::xml_node nested = child(s, "services")) read_services(nested);
    }
  }

  // dependencyType: ref attribute, dependency children naming what it depends on. A child with children of its own
  // states its own dependencies too (the schema nests the same type); 1.6 provides is not a dependency edge.
  void read_dependencies(const pugi::xml_node& list) {
    const std::size_t total = count(list, "dependency");
    std::size_t i = 0;
    for (pugi::xml_node n = list.first_child(); n; n = n.next_sibling()) {
      if (!is(n, "dependency")) continue;
      std::string here = item("/bom/dependencies", "dependency", i++, total);
      if (!n.attribute("ref")) {
        warn_at(n, here + "/@ref", "missing: entry ignored");
        continue;
      }
      read_dependency(n, here);
    }
  }
  void read_dependency(const pugi::xml_node& n, const std::string& here) {
    CdxDependency d;
    d.ref = n.attribute("ref").value();
    d.pointer = here;
    d.offset = offset(n);
    const std::size_t total = count(n, "dependency");
    std::vector<std::pair<pugi::xml_node, std::string>> nested;
    for (pugi::xml_node t = n.first_child(); t; t = t.next_sibling()) {
      if (!is(t, "dependency")) continue;
      std::string there = item(here, "dependency", d.depends_on.size(), total);
      pugi::xml_attribute target = t.attribute("ref");
      if (!target) warn_at(t, there + "/@ref", "missing: ignored");
      d.depends_on.emplace_back(target.value());
      d.target_offsets.push_back(offset(t));
      if (target && child(t, "dependency")) nested.emplace_back(t, std::move(there));
    }
    m_parts.dependencies.push_back(std::move(d));
    for (const auto& [t, there] : nested) read_dependency(t, there);
  }

  std::string_view m_bytes;
  const std::string& m_path;
  LineIndex m_lines;
  pugi::xml_document m_doc;
  std::string m_prefix;  // of the document element, with its colon ("cdx:"), or empty
  CdxParts m_parts;
  std::vector<util::Diagnostic> m_diagnostics;
  std::vector<CdxProblem> m_problems;  // scratch, per component
  std::deque<std::string> m_joined;    // text joined from several pieces
  std::uint64_t m_seq = 0;
};

}  // namespace

bool looks_like_xml(std::string_view bytes) {
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  std::size_t i = bytes.find_first_not_of(" \t\r\n");
  return i != std::string_view::npos && bytes[i] == '<';
}

util::Result<ReadSbom> read_cyclonedx_xml(std::string_view bytes, const std::string& path) {
  try {
    XmlReader reader(bytes, path);
    return reader.read();
  } catch (const std::exception& e) {
    // Allocation failures only.
    return make_error(ErrorCode::internal, std::string("cannot read sbom: ") + e.what(), {path});
  }
}

}  // namespace purser::formats::detail
