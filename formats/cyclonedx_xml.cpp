// CycloneDX XML writer for spec 1.4, 1.5 and 1.6. Element names, attributes and their order follow the vendored
// schemas in schemas/cyclonedx/bom-1.X.SNAPSHOT.xsd (xs:sequence fixes the order); comments cite the schema type
// they satisfy. What a component carries is decided in cyclonedx_writer_common.cpp, shared with the JSON writer.

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "formats/cyclonedx_writer_common.hpp"
#include "formats/writer_common.hpp"
#include "formats/writers.hpp"

namespace purser::formats {

namespace {

using detail::CdxComponentView;
using detail::CdxContext;
using detail::CdxLicenseChoice;

// Length of the well-formed UTF-8 sequence at s[i] (Unicode 15 table 3-7), 0 when it is not one.
std::size_t utf8_length(std::string_view s, std::size_t i, std::uint32_t& cp) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b = byte(i);
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (b >= 0xC2 && b <= 0xDF) {
    n = 2;
    cp = b & 0x1F;
  } else if (b >= 0xE0 && b <= 0xEF) {
    n = 3;
    cp = b & 0x0F;
    if (b == 0xE0) lo = 0xA0;
    if (b == 0xED) hi = 0x9F;  // no surrogates
  } else if (b >= 0xF0 && b <= 0xF4) {
    n = 4;
    cp = b & 0x07;
    if (b == 0xF0) lo = 0x90;
    if (b == 0xF4) hi = 0x8F;  // nothing past U+10FFFF
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    unsigned char c = byte(i + k);
    if (c < (k == 1 ? lo : 0x80) || c > (k == 1 ? hi : 0xBF)) return 0;
    cp = (cp << 6) | (c & 0x3F);
  }
  return n;
}

// Appends `s` as XML 1.0 character data (§2.4) or an attribute value (§3.3.3: tab, line feed and carriage return
// are escaped so attribute-value normalisation gives them back). Characters XML 1.0 cannot carry at all (§2.2
// Char: controls other than tab/LF/CR, U+FFFE, U+FFFF) and invalid UTF-8 become U+FFFD.
void append_escaped(std::string& out, std::string_view s, bool attribute) {
  static constexpr std::string_view k_replacement = "\xEF\xBF\xBD";
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      std::uint32_t cp = 0;
      std::size_t n = utf8_length(s, i, cp);
      if (n == 0 || cp == 0xFFFE || cp == 0xFFFF) {
        out += k_replacement;
        i += n == 0 ? 1 : n;
      } else {
        out.append(s.data() + i, n);
        i += n;
      }
      continue;
    }
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += attribute ? "&quot;" : "\"";
        break;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        break;
      case '\n':
        out += attribute ? "&#10;" : "\n";
        break;
      case '\r':
        out += "&#13;";  // end-of-line handling (§2.11) would turn a literal one into a line feed
        break;
      default:
        if (c < 0x20)
          out += k_replacement;
        else
          out += static_cast<char>(c);
    }
    ++i;
  }
}

// Pretty-printing XML emitter: two-space indentation, elements without content as "<name/>", text-only elements on
// one line. Output goes to `sink` in chunks; call flush() at the end.
class XmlWriter {
 public:
  explicit XmlWriter(const ByteSink& sink) : m_sink(sink) { m_buf.reserve(k_chunk + 4096); }
  XmlWriter(const XmlWriter&) = delete;
  XmlWriter& operator=(const XmlWriter&) = delete;

  void declaration() { m_buf += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"; }
  /// Opens an element; attributes may follow until content or a child is written. `name` must outlive the element.
  void start(std::string_view name) {
    close_tag();
    if (!m_stack.empty()) m_stack.back().children = true;
    if (!m_buf.empty() || m_flushed > 0) m_buf += '\n';
    m_buf.append(2 * m_stack.size(), ' ');
    m_buf += '<';
    m_buf += name;
    m_stack.push_back({name, false});
    m_tag_open = true;
  }
  void attribute(std::string_view name, std::string_view value) {
    m_buf += ' ';
    m_buf += name;
    m_buf += "=\"";
    append_escaped(m_buf, value, true);
    m_buf += '"';
  }
  void text(std::string_view value) {
    close_tag();
    append_escaped(m_buf, value, false);
  }
  void end() {
    Frame f = m_stack.back();
    m_stack.pop_back();
    if (m_tag_open) {
      m_buf += "/>";
      m_tag_open = false;
    } else {
      if (f.children) {
        m_buf += '\n';
        m_buf.append(2 * m_stack.size(), ' ');
      }
      m_buf += "</";
      m_buf += f.name;
      m_buf += '>';
    }
    if (m_buf.size() >= k_chunk) flush();
  }
  /// <name>value</name>
  void leaf(std::string_view name, std::string_view value) {
    start(name);
    text(value);
    end();
  }
  void flush() {
    if (m_buf.empty()) return;
    m_flushed += m_buf.size();
    m_sink(m_buf);
    m_buf.clear();
  }

 private:
  static constexpr std::size_t k_chunk = 64 * 1024;
  struct Frame {
    std::string_view name;
    bool children = false;
  };
  void close_tag() {
    if (!m_tag_open) return;
    m_buf += '>';
    m_tag_open = false;
  }

  const ByteSink& m_sink;
  std::string m_buf;
  std::vector<Frame> m_stack;
  bool m_tag_open = false;
  std::uint64_t m_flushed = 0;
};

const char* namespace_of(CycloneDxVersion version) {
  switch (version) {
    case CycloneDxVersion::v1_4:
      return "http://cyclonedx.org/schema/bom/1.4";
    case CycloneDxVersion::v1_5:
      return "http://cyclonedx.org/schema/bom/1.5";
    case CycloneDxVersion::v1_6:
      return "http://cyclonedx.org/schema/bom/1.6";
  }
  return "http://cyclonedx.org/schema/bom/1.6";
}

// component: attributes type and bom-ref, then supplier, group, name, version (shared by metadata/component and
// components/component). The caller ends the element.
void start_component(XmlWriter& w, const CdxContext& ctx, std::size_t i) {
  const model::Package& p = *ctx.pk.all[i];
  w.start("component");
  w.attribute("type", model::to_string(p.type));
  w.attribute("bom-ref", ctx.pk.refs[i]);
  // organizationalEntity: written only when known, as in the JSON writer.
  if (!p.supplier.empty()) {
    w.start("supplier");
    w.leaf("name", p.supplier);
    w.end();
  }
  std::string_view name = p.name;
  if (std::size_t g = ctx.group_len[i]; g > 0) {
    w.leaf("group", name.substr(0, g));
    name.remove_prefix(g + 1);
  }
  w.leaf("name", name.empty() ? std::string_view("unknown") : name);
  if (!p.version.empty()) w.leaf("version", p.version);
}

void write_component(XmlWriter& w, const CdxContext& ctx, std::size_t i, CdxComponentView& view) {
  const model::Package& p = *ctx.pk.all[i];
  detail::cdx_component_view(ctx, i, view);
  start_component(w, ctx, i);
  w.leaf("scope", view.scope);
  if (!view.hashes.empty()) {
    w.start("hashes");
    for (const model::Hash* h : view.hashes) {
      w.start("hash");
      w.attribute("alg", h->algorithm);
      w.text(h->value);
      w.end();
    }
    w.end();
  }
  // licenseChoiceType: license elements (id or name) or one expression.
  if (view.license != nullptr) {
    const CdxLicenseChoice& lc = *view.license;
    w.start("licenses");
    if (lc.kind == CdxLicenseChoice::Kind::expression) {
      w.leaf("expression", lc.value);
    } else {
      w.start("license");
      w.leaf(lc.kind == CdxLicenseChoice::Kind::id ? "id" : "name", lc.value);
      w.end();
    }
    w.end();
  }
  if (!p.purl.empty()) w.leaf("purl", p.purl);
  if (view.distribution) {
    w.start("externalReferences");
    w.start("reference");
    w.attribute("type", "distribution");
    w.leaf("url", p.download_url);
    w.end();
    w.end();
  }
  // propertiesType comes before evidence in the component sequence.
  if (!view.properties.empty()) {
    w.start("properties");
    for (const model::Property* prop : view.properties) {
      w.start("property");
      w.attribute("name", prop->name);
      w.text(prop->value);
      w.end();
    }
    w.end();
  }
  // componentEvidenceType occurrences: location (1.5), plus line or offset (1.6).
  if (view.occurrences) {
    w.start("evidence");
    w.start("occurrences");
    for (const auto& loc : p.locations) {
      w.start("occurrence");
      if (ctx.version == CycloneDxVersion::v1_5) {
        w.leaf("location", loc.to_string());
      } else {
        w.leaf("location", loc.path);
        if (loc.line > 0)
          w.leaf("line", std::to_string(loc.line));
        else if (loc.offset != UINT64_MAX)
          w.leaf("offset", std::to_string(loc.offset));
      }
      w.end();
    }
    w.end();
    w.end();
  }
  w.end();
}

void write_property(XmlWriter& w, std::string_view name, std::string_view value) {
  w.start("property");
  w.attribute("name", name);
  w.text(value);
  w.end();
}

// metadata: timestamp, tools, authors, component, properties.
void write_metadata(XmlWriter& w, const CdxContext& ctx, std::string_view timestamp) {
  const model::Document& doc = ctx.doc;
  const model::Metadata& md = doc.metadata;
  w.start("metadata");
  w.leaf("timestamp", timestamp);
  std::string_view tool_name = md.tool_name.empty() ? std::string_view("purser") : std::string_view(md.tool_name);
  w.start("tools");
  if (ctx.version == CycloneDxVersion::v1_4) {
    // 1.4: legacy tool elements {vendor, name, version}.
    w.start("tool");
  } else {
    // 1.5+: components/component; tool elements are deprecated.
    w.start("components");
    w.start("component");
    w.attribute("type", "application");
  }
  w.leaf("name", tool_name);
  if (!md.tool_version.empty()) w.leaf("version", md.tool_version);
  w.end();
  if (ctx.version != CycloneDxVersion::v1_4) w.end();
  w.end();
  if (!md.authors.empty()) {
    w.start("authors");
    for (const auto& author : md.authors) {
      w.start("author");
      w.leaf("name", author);
      w.end();
    }
    w.end();
  }
  start_component(w, ctx, 0);
  if (!doc.root.hashes.empty()) {  // the root's own digests and facts (an image: manifest, config, layers)
    w.start("hashes");
    for (const auto& h : doc.root.hashes) {
      w.start("hash");
      w.attribute("alg", h.algorithm);
      w.text(h.value);
      w.end();
    }
    w.end();
  }
  if (!doc.root.purl.empty()) w.leaf("purl", doc.root.purl);
  if (!doc.root.properties.empty()) {
    w.start("properties");
    for (const auto& prop : doc.root.properties) write_property(w, prop.name, prop.value);
    w.end();
  }
  w.end();
  if (!md.source_target.empty() || !doc.diagnostics.empty()) {
    w.start("properties");
    if (!md.source_target.empty()) write_property(w, "purser:source-target", md.source_target);
    for (const auto& d : doc.diagnostics)
      write_property(w, d.severity == util::Severity::error ? "purser:error" : "purser:warning", d.to_string());
    w.end();
  }
  w.end();
}

void write_bom(XmlWriter& w, const CdxContext& ctx, CdxComponentView& view, std::string_view serial,
               std::string_view timestamp) {
  w.declaration();
  w.start("bom");
  w.attribute("xmlns", namespace_of(ctx.version));
  w.attribute("serialNumber", serial);
  w.attribute("version", "1");
  write_metadata(w, ctx, timestamp);
  std::size_t n = ctx.pk.all.size();
  if (n > 1) {
    w.start("components");
    for (std::size_t i = 1; i < n; ++i) write_component(w, ctx, i, view);
    w.end();
  }
  // dependencyType: one per component and for the root; the dependency children name what it depends on.
  w.start("dependencies");
  for (std::size_t i = 0; i < n; ++i) {
    w.start("dependency");
    w.attribute("ref", ctx.pk.refs[i]);
    for (std::uint32_t e = ctx.dep_begin[i]; e < ctx.dep_begin[i + 1]; ++e) {
      w.start("dependency");
      w.attribute("ref", ctx.pk.refs[ctx.dep_to[e]]);
      w.end();
    }
    w.end();
  }
  w.end();
  w.end();
}

// One pass: the serial number comes from the JSON serialisation of the same document (cdx_serial_number), so it is
// the JSON document's serial, and the timestamp is the document's.
void stream(const model::Document& doc, CycloneDxVersion version, const ByteSink& sink) {
  CdxContext ctx(doc, version);
  std::string serial = detail::cdx_serial_number(ctx);
  // xs:dateTime (XML Schema 1.0) has no year 0000, which rfc3339_utc clamps to.
  constexpr std::int64_t k_year_one = -62135596800;  // 0001-01-01T00:00:00Z
  std::string timestamp = detail::rfc3339_utc(std::max(doc.metadata.timestamp, k_year_one));
  CdxComponentView view;
  XmlWriter w(sink);
  write_bom(w, ctx, view, serial, timestamp);
  w.flush();
  sink("\n");
}

}  // namespace

void write_cyclonedx_xml(const model::Document& doc, CycloneDxVersion version, const ByteSink& sink) {
  stream(doc, version, sink);
}

std::string write_cyclonedx_xml(const model::Document& doc, CycloneDxVersion version) {
  std::string out;
  stream(doc, version, [&](std::string_view bytes) { out.append(bytes); });
  return out;
}

}  // namespace purser::formats
