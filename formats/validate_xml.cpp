#include "formats/validate_xml.hpp"

// CycloneDX XML validation with libxml2's XML Schema validator against the official XSDs, vendored unchanged in
// schemas/cyclonedx/ and embedded in the binary (cmake/embed.cmake).
//
// Nothing is ever read from outside: bom-1.X.SNAPSHOT.xsd imports spdx.SNAPSHOT.xsd by a relative schemaLocation,
// which a process-wide external entity loader serves from memory while this file is at work (a thread-local flag;
// other users of libxml2 in the process keep the previous loader), refusing every other URL. Documents are parsed
// with XML_PARSE_NONET and without entity substitution or DTD loading, and a document type declaration is refused
// before libxml2 sees the bytes, so no entity is ever expanded. libxml2 never prints: every error goes to a
// structured handler that turns it into a violation or an error.

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "lib/util/strings.hpp"

namespace purser::embedded {
extern const std::string_view cdx_xsd_1_2;
extern const std::string_view cdx_xsd_1_3;
extern const std::string_view cdx_xsd_1_4;
extern const std::string_view cdx_xsd_1_5;
extern const std::string_view cdx_xsd_1_6;
extern const std::string_view cdx_xsd_spdx;
}  // namespace purser::embedded

namespace purser::formats::detail {

namespace {

using util::ErrorCode;
using util::make_error;

constexpr std::string_view k_namespace_prefix = "http://cyclonedx.org/schema/bom/";
constexpr std::string_view k_spdx_location = "spdx.SNAPSHOT.xsd";

// ---------------------------------------------------------------- loading from memory only

thread_local bool t_ours = false;  // inside this file's libxml2 calls
xmlExternalEntityLoader g_previous_loader = nullptr;

// The schemas' own import is the only external resource there is; anything else (a DTD, an external entity, an
// xsi:schemaLocation hint) is refused.
xmlParserInputPtr load_entity(const char* url, const char* id, xmlParserCtxtPtr ctxt) {
  if (!t_ours) return g_previous_loader != nullptr ? g_previous_loader(url, id, ctxt) : nullptr;
  if (url == nullptr || ctxt == nullptr || std::string_view(url) != k_spdx_location) return nullptr;
  const std::string_view& xsd = embedded::cdx_xsd_spdx;
  xmlParserInputBufferPtr buffer =
      xmlParserInputBufferCreateMem(xsd.data(), static_cast<int>(xsd.size()), XML_CHAR_ENCODING_NONE);
  if (buffer == nullptr) return nullptr;
  xmlParserInputPtr input = xmlNewIOInputStream(ctxt, buffer, XML_CHAR_ENCODING_NONE);
  if (input == nullptr) {
    xmlFreeParserInputBuffer(buffer);
    return nullptr;
  }
  input->filename = reinterpret_cast<const char*>(xmlStrdup(reinterpret_cast<const xmlChar*>(url)));
  return input;
}

// Marks a stretch of libxml2 calls as ours (the loader serves embedded files only) and routes libxml2's generic
// structured errors to `errors` instead of stderr; restores both on exit, so scopes nest.
class Scope {
 public:
  explicit Scope(std::vector<xmlError>* errors)
      : m_handler(xmlStructuredError), m_context(xmlStructuredErrorContext), m_was_ours(t_ours) {
    static std::once_flag once;
    std::call_once(once, [] {
      xmlInitParser();
      g_previous_loader = xmlGetExternalEntityLoader();
      xmlSetExternalEntityLoader(load_entity);
    });
    t_ours = true;
    xmlSetStructuredErrorFunc(errors, &Scope::collect);
  }
  ~Scope() {
    xmlSetStructuredErrorFunc(m_context, m_handler);
    t_ours = m_was_ours;  // scopes nest (loading a schema while validating)
  }
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

  /// Keeps a copy of each error (the one libxml2 passes is reused).
  static void collect(void* data, xmlErrorPtr error) {
    auto* errors = static_cast<std::vector<xmlError>*>(data);
    if (errors == nullptr || error == nullptr) return;
    xmlError copy{};
    xmlCopyError(error, &copy);
    errors->push_back(copy);
  }

 private:
  xmlStructuredErrorFunc m_handler;
  void* m_context;
  bool m_was_ours;
};

// Owns copied errors and frees their strings.
struct Errors {
  std::vector<xmlError> list;
  ~Errors() {
    for (auto& e : list) xmlResetError(&e);
  }
};

// libxml2's "Element '{ns}x': This element is not expected.\n" → "this element is not expected"; the element is
// named by the violation's path already, and the namespace of every CycloneDX element is the document's.
// "Element 'x', attribute 'y': ..." names an attribute: `attribute` receives "y".
std::string clean_message(const char* raw, std::string* attribute = nullptr) {
  std::string m = raw != nullptr ? raw : "invalid";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  if (m.rfind("Element '", 0) == 0) {
    std::size_t name_end = m.find('\'', 9);
    if (name_end != std::string::npos && m.compare(name_end, 3, "': ") == 0) {
      m.erase(0, name_end + 3);
    } else if (name_end != std::string::npos && m.compare(name_end, 14, "', attribute '") == 0) {
      std::size_t attr_end = m.find("': ", name_end + 14);
      if (attr_end != std::string::npos) {
        if (attribute != nullptr) *attribute = m.substr(name_end + 14, attr_end - name_end - 14);
        m.erase(0, attr_end + 3);
      }
    }
  }
  for (std::size_t at; (at = m.find('{' + std::string(k_namespace_prefix))) != std::string::npos;) {
    std::size_t close = m.find('}', at);
    if (close == std::string::npos) break;
    m.erase(at, close - at + 1);
  }
  if (!m.empty() && m.back() == '.') m.pop_back();
  // Lower-case the first word, after a "[facet 'x'] " prefix if there is one.
  std::size_t first = 0;
  if (m.rfind("[facet '", 0) == 0) {
    std::size_t close = m.find("'] ");
    if (close != std::string::npos) first = close + 3;
  }
  if (first < m.size() && m[first] >= 'A' && m[first] <= 'Z') m[first] = static_cast<char>(m[first] - 'A' + 'a');
  return m;
}

// ---------------------------------------------------------------- schemas

struct Xsd {
  xmlSchemaPtr schema = nullptr;
  std::string error;
};

const std::string_view* xsd_text(std::string_view version) {
  if (version == "1.2") return &embedded::cdx_xsd_1_2;
  if (version == "1.3") return &embedded::cdx_xsd_1_3;
  if (version == "1.4") return &embedded::cdx_xsd_1_4;
  if (version == "1.5") return &embedded::cdx_xsd_1_5;
  if (version == "1.6") return &embedded::cdx_xsd_1_6;
  return nullptr;
}

// Parsed once per version and kept: a parsed schema is read-only and may be shared by validation contexts.
const Xsd& xsd(const std::string& version) {
  static std::mutex mutex;
  // Never destroyed: schemas stay valid for validations still running while the process exits.
  static auto& cache = *new std::map<std::string, Xsd>;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(version);
  if (it != cache.end()) return it->second;
  Xsd& out = cache[version];
  const std::string_view* text = xsd_text(version);
  Errors errors;
  Scope scope(&errors.list);
  xmlSchemaParserCtxtPtr parser = xmlSchemaNewMemParserCtxt(text->data(), static_cast<int>(text->size()));
  if (parser != nullptr) {
    xmlSchemaSetParserStructuredErrors(parser, &Scope::collect, &errors.list);
    out.schema = xmlSchemaParse(parser);
    xmlSchemaFreeParserCtxt(parser);
  }
  if (out.schema == nullptr)
    out.error = errors.list.empty() ? std::string("out of memory") : clean_message(errors.list.front().message);
  return out;
}

// ---------------------------------------------------------------- paths

std::string_view name_of(const xmlNode* n) {
  return n->name != nullptr ? std::string_view(reinterpret_cast<const char*>(n->name)) : std::string_view();
}

// Element paths like the reader's: local names from the document element, a 1-based position on an element that
// has same-named siblings, "@name" for an attribute. Positions are computed once per parent.
class Paths {
 public:
  std::string of(const xmlNode* n) {
    if (n == nullptr) return "";
    if (n->type == XML_ATTRIBUTE_NODE) return of(n->parent) + "/@" + std::string(name_of(n));
    std::vector<const xmlNode*> chain;
    for (const xmlNode* e = n; e != nullptr && e->type == XML_ELEMENT_NODE; e = e->parent) chain.push_back(e);
    std::string out;
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      out += '/';
      out += name_of(*it);
      const xmlNode* parent = (*it)->parent;
      if (parent == nullptr || parent->type != XML_ELEMENT_NODE) continue;
      if (!m_indexed.count(parent)) index(parent);
      auto [position, total] = m_position[*it];
      if (total > 1) out += "[" + std::to_string(position) + "]";
    }
    return out;
  }

 private:
  void index(const xmlNode* parent) {
    m_indexed.insert(parent);
    std::unordered_map<std::string_view, std::size_t> totals;
    for (const xmlNode* c = parent->children; c != nullptr; c = c->next)
      if (c->type == XML_ELEMENT_NODE) ++totals[name_of(c)];
    std::unordered_map<std::string_view, std::size_t> seen;
    for (const xmlNode* c = parent->children; c != nullptr; c = c->next)
      if (c->type == XML_ELEMENT_NODE) m_position[c] = {++seen[name_of(c)], totals[name_of(c)]};
  }
  std::unordered_set<const xmlNode*> m_indexed;
  std::unordered_map<const xmlNode*, std::pair<std::size_t, std::size_t>> m_position;
};

std::uint64_t line_of(const xmlNode* n, int fallback) {
  long line = n != nullptr ? xmlGetLineNo(n) : -1;
  if (line > 0) return static_cast<std::uint64_t>(line);
  return fallback > 0 ? static_cast<std::uint64_t>(fallback) : 0;
}

// ---------------------------------------------------------------- document checks

// The byte offset of a document type declaration in the prolog, or npos.
std::size_t doctype_offset(std::string_view bytes) {
  std::size_t i = bytes.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  while (i < bytes.size()) {
    i = bytes.find_first_not_of(" \t\r\n", i);
    if (i == std::string_view::npos || bytes[i] != '<') return std::string_view::npos;
    std::string_view rest = bytes.substr(i);
    if (rest.substr(0, 2) == "<?") {
      std::size_t end = bytes.find("?>", i + 2);
      if (end == std::string_view::npos) return std::string_view::npos;
      i = end + 2;
    } else if (rest.substr(0, 4) == "<!--") {
      std::size_t end = bytes.find("-->", i + 4);
      if (end == std::string_view::npos) return std::string_view::npos;
      i = end + 3;
    } else {
      return rest.substr(0, 9) == "<!DOCTYPE" ? i : std::string_view::npos;
    }
  }
  return std::string_view::npos;
}

bool is_cdx(const xmlNode* n, std::string_view local, const xmlNs* ns) {
  return n != nullptr && n->type == XML_ELEMENT_NODE && n->ns == ns && name_of(n) == local;
}

std::string attribute(const xmlNode* n, const char* name) {
  xmlChar* v = xmlGetNoNsProp(n, reinterpret_cast<const xmlChar*>(name));
  if (v == nullptr) return {};
  std::string out(reinterpret_cast<const char*>(v));
  xmlFree(v);
  return out;
}
bool has_attribute(const xmlNode* n, const char* name) {
  return xmlHasNsProp(n, reinterpret_cast<const xmlChar*>(name), nullptr) != nullptr;
}

// Refs a dependency may name: bom-refs of components and services, wherever they nest (as validate.cpp does for
// JSON); then every dependency's ref, dependency children and 1.6 provides must name one.
void check_references(const xmlNode* bom, Paths& paths, std::vector<Violation>& out) {
  const xmlNs* ns = bom->ns;
  std::unordered_set<std::string> declared;
  std::vector<const xmlNode*> work;
  for (const xmlNode* c = bom->children; c != nullptr; c = c->next) {
    if (is_cdx(c, "components", ns) || is_cdx(c, "services", ns)) work.push_back(c);
    if (is_cdx(c, "metadata", ns))
      for (const xmlNode* m = c->children; m != nullptr; m = m->next)
        if (is_cdx(m, "component", ns)) work.push_back(m);
  }
  while (!work.empty()) {
    const xmlNode* n = work.back();
    work.pop_back();
    if ((is_cdx(n, "component", ns) || is_cdx(n, "service", ns)) && has_attribute(n, "bom-ref"))
      declared.insert(attribute(n, "bom-ref"));
    for (const xmlNode* c = n->children; c != nullptr; c = c->next)
      if (is_cdx(c, "components", ns) || is_cdx(c, "services", ns) || is_cdx(c, "component", ns) ||
          is_cdx(c, "service", ns))
        work.push_back(c);
  }
  std::vector<const xmlNode*> deps;
  for (const xmlNode* c = bom->children; c != nullptr; c = c->next)
    if (is_cdx(c, "dependencies", ns)) deps.push_back(c);
  while (!deps.empty()) {
    const xmlNode* n = deps.back();
    deps.pop_back();
    for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
      if (!is_cdx(c, "dependency", ns) && !is_cdx(c, "provides", ns)) continue;
      if (has_attribute(c, "ref")) {
        std::string ref = attribute(c, "ref");
        if (!declared.count(ref))
          out.push_back({paths.of(c) + "/@ref",
                         "ref '" + util::printable(ref) + "' does not name a component or service bom-ref",
                         line_of(c, 0)});
      }
      if (is_cdx(c, "dependency", ns)) deps.push_back(c);
    }
  }
}

struct DocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
struct ParserFree {
  void operator()(xmlParserCtxt* c) const { xmlFreeParserCtxt(c); }
};
struct ValidFree {
  void operator()(xmlSchemaValidCtxt* c) const { xmlSchemaFreeValidCtxt(c); }
};

}  // namespace

util::Result<ValidationReport> validate_cyclonedx_xml(std::string_view bytes, const std::string& path) {
  if (std::size_t at = doctype_offset(bytes); at != std::string_view::npos)
    return make_error(ErrorCode::unsupported,
                      "document type declaration: refused (entities are never expanded or loaded)",
                      {path, util::line_of_offset(bytes, at)});
  if (bytes.size() > static_cast<std::size_t>(INT32_MAX))
    return make_error(ErrorCode::unsupported, "xml document larger than 2 GiB", {path});

  Errors errors;
  Scope scope(&errors.list);
  std::unique_ptr<xmlParserCtxt, ParserFree> parser(xmlNewParserCtxt());
  if (!parser) return make_error(ErrorCode::internal, "validation failed: out of memory", {path});
  // NONET: never the network; BIG_LINES: line numbers past 65535; no NOENT/DTDLOAD/DTDATTR: no entity expansion.
  const int options = XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOWARNING;
  std::unique_ptr<xmlDoc, DocFree> doc(
      xmlCtxtReadMemory(parser.get(), bytes.data(), static_cast<int>(bytes.size()), nullptr, nullptr, options));
  if (!doc || !parser->wellFormed) {
    std::string reason = "unreadable document";
    std::uint64_t line = 0;
    for (const auto& e : errors.list) {
      if (e.level < XML_ERR_ERROR) continue;
      reason = clean_message(e.message);
      line = e.line > 0 ? static_cast<std::uint64_t>(e.line) : 0;
      break;
    }
    return make_error(ErrorCode::parse, "invalid xml: " + reason, {path, line});
  }

  const xmlNode* bom = xmlDocGetRootElement(doc.get());
  if (bom == nullptr || name_of(bom) != "bom" || bom->ns == nullptr)
    return make_error(ErrorCode::unsupported, "not a CycloneDX XML document", {path});
  std::string_view ns = reinterpret_cast<const char*>(bom->ns->href);
  if (ns.substr(0, k_namespace_prefix.size()) != k_namespace_prefix)
    return make_error(ErrorCode::unsupported,
                      "not a CycloneDX XML document: namespace is '" + util::printable(ns) + "'", {path});
  std::string version(ns.substr(k_namespace_prefix.size()));
  if (xsd_text(version) == nullptr)
    return make_error(
        ErrorCode::unsupported,
        "unsupported CycloneDX version " + util::printable(version) + ": supported are 1.2, 1.3, 1.4, 1.5, 1.6",
        {path});
  const Xsd& schema = xsd(version);
  if (schema.schema == nullptr)
    return make_error(ErrorCode::internal, "cannot load CycloneDX XML schema: " + schema.error, {path});

  ValidationReport report;
  report.format = "CycloneDX " + version + " XML";
  std::unique_ptr<xmlSchemaValidCtxt, ValidFree> valid(xmlSchemaNewValidCtxt(schema.schema));
  if (!valid) return make_error(ErrorCode::internal, "validation failed: out of memory", {path});
  Errors found;
  xmlSchemaSetValidStructuredErrors(valid.get(), &Scope::collect, &found.list);
  if (xmlSchemaValidateDoc(valid.get(), doc.get()) < 0 && found.list.empty())
    return make_error(ErrorCode::internal, "validation failed: libxml2 internal error", {path});
  Paths paths;
  for (const auto& e : found.list) {
    const auto* node = static_cast<const xmlNode*>(e.node);
    std::string attribute;
    std::string message = clean_message(e.message, &attribute);
    std::string where = paths.of(node);
    if (!attribute.empty() && (node == nullptr || node->type != XML_ATTRIBUTE_NODE)) where += "/@" + attribute;
    report.violations.push_back({std::move(where), std::move(message), line_of(node, e.line)});
  }
  check_references(bom, paths, report.violations);
  std::stable_sort(report.violations.begin(), report.violations.end(),
                   [](const Violation& a, const Violation& b) { return a.line < b.line; });
  return report;
}

}  // namespace purser::formats::detail
