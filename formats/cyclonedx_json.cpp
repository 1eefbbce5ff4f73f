#include <algorithm>
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "formats/cyclonedx_writer_common.hpp"
#include "formats/writer_common.hpp"
#include "formats/writers.hpp"
#include "lib/util/hash.hpp"

// CycloneDX JSON writer for spec 1.4, 1.5 and 1.6. Field names and shapes follow the vendored schemas in
// schemas/cyclonedx/bom-1.X.SNAPSHOT.schema.json; comments cite the schema definition they satisfy.

namespace purser::formats {

const char* to_string(CycloneDxVersion version) {
  switch (version) {
    case CycloneDxVersion::v1_4:
      return "1.4";
    case CycloneDxVersion::v1_5:
      return "1.5";
    case CycloneDxVersion::v1_6:
      return "1.6";
  }
  return "1.6";
}

namespace {

using detail::CdxComponentView;
using detail::CdxContext;
using detail::CdxLicenseChoice;

// Name, group, version and purl shared by metadata.component and components[] (definitions/component).
void write_identity(detail::JsonWriter& w, const CdxContext& ctx, std::size_t i) {
  const model::Package& p = *ctx.pk.all[i];
  w.member("type", model::to_string(p.type));
  w.member("bom-ref", ctx.pk.refs[i]);
  // definitions/organizationalEntity: the supplier is an organisation with a name (1.4-1.6); written only when
  // known so documents without suppliers keep their bytes.
  if (!p.supplier.empty()) {
    w.key("supplier");
    w.begin_object();
    w.member("name", p.supplier);
    w.end_object();
  }
  // group: the PURL namespace ("@types", "github.com/pkg") when the name is spelled namespace/name.
  std::string_view name = p.name;
  if (std::size_t g = ctx.group_len[i]; g > 0) {
    w.member("group", name.substr(0, g));
    name.remove_prefix(g + 1);
  }
  w.member("name", name.empty() ? std::string_view("unknown") : name);
  if (!p.version.empty()) w.member("version", p.version);
}

void write_component(detail::JsonWriter& w, const CdxContext& ctx, std::size_t i, CdxComponentView& view) {
  const model::Package& p = *ctx.pk.all[i];
  detail::cdx_component_view(ctx, i, view);
  w.begin_object();
  write_identity(w, ctx, i);
  w.member("scope", view.scope);
  if (!view.hashes.empty()) {
    w.key("hashes");
    w.begin_array();
    for (const model::Hash* h : view.hashes) {
      w.begin_object();
      w.member("alg", h->algorithm);
      w.member("content", h->value);
      w.end_object();
    }
    w.end_array();
  }
  if (view.license != nullptr) {
    const CdxLicenseChoice& lc = *view.license;
    w.key("licenses");
    w.begin_array();
    w.begin_object();
    if (lc.kind == CdxLicenseChoice::Kind::expression) {
      w.member("expression", lc.value);
    } else {
      w.key("license");
      w.begin_object();
      w.member(lc.kind == CdxLicenseChoice::Kind::id ? "id" : "name", lc.value);
      w.end_object();
    }
    w.end_object();
    w.end_array();
  }
  if (!p.purl.empty()) w.member("purl", p.purl);
  if (view.distribution) {
    w.key("externalReferences");
    w.begin_array();
    w.begin_object();
    w.member("type", "distribution");
    w.member("url", p.download_url);
    w.end_object();
    w.end_array();
  }
  if (view.occurrences) {
    w.key("evidence");
    w.begin_object();
    w.key("occurrences");
    w.begin_array();
    for (const auto& loc : p.locations) {
      w.begin_object();
      if (ctx.version == CycloneDxVersion::v1_5) {
        w.member("location", loc.to_string());
      } else {
        w.member("location", loc.path);
        if (loc.line > 0) {
          w.key("line");
          w.number(loc.line);
        } else if (loc.offset != UINT64_MAX) {
          w.key("offset");
          w.number(loc.offset);
        }
      }
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  if (!view.properties.empty()) {
    w.key("properties");
    w.begin_array();
    for (const auto* prop : view.properties) {
      w.begin_object();
      w.member("name", prop->name);
      w.member("value", prop->value);
      w.end_object();
    }
    w.end_array();
  }
  w.end_object();
}

void write_property(detail::JsonWriter& w, std::string_view name, std::string_view value) {
  w.begin_object();
  w.member("name", name);
  w.member("value", value);
  w.end_object();
}

void write_metadata(detail::JsonWriter& w, const CdxContext& ctx, std::string_view timestamp) {
  const model::Document& doc = ctx.doc;
  const model::Metadata& md = doc.metadata;
  w.begin_object();
  w.member("timestamp", timestamp);
  std::string_view tool_name = md.tool_name.empty() ? std::string_view("purser") : std::string_view(md.tool_name);
  w.key("tools");
  if (ctx.version == CycloneDxVersion::v1_4) {
    // 1.4 metadata.tools: legacy array of definitions/tool {vendor, name, version}.
    w.begin_array();
  } else {
    // 1.5+: {"components": [component]}; the array form is deprecated.
    w.begin_object();
    w.key("components");
    w.begin_array();
  }
  w.begin_object();
  if (ctx.version != CycloneDxVersion::v1_4) w.member("type", "application");
  w.member("name", tool_name);
  if (!md.tool_version.empty()) w.member("version", md.tool_version);
  w.end_object();
  w.end_array();
  if (ctx.version != CycloneDxVersion::v1_4) w.end_object();
  // metadata.authors: an array of definitions/organizationalContact in every version we write (1.2-1.6 alike);
  // omitted when no author is known.
  if (!md.authors.empty()) {
    w.key("authors");
    w.begin_array();
    for (const auto& author : md.authors) {
      w.begin_object();
      w.member("name", author);
      w.end_object();
    }
    w.end_array();
  }
  w.key("component");
  w.begin_object();
  write_identity(w, ctx, 0);
  // The root's own digests and facts (an image: manifest digest, config digest, layers).
  if (!doc.root.hashes.empty()) {
    w.key("hashes");
    w.begin_array();
    for (const auto& h : doc.root.hashes) {
      w.begin_object();
      w.member("alg", h.algorithm);
      w.member("content", h.value);
      w.end_object();
    }
    w.end_array();
  }
  if (!doc.root.purl.empty()) w.member("purl", doc.root.purl);
  if (!doc.root.properties.empty()) {
    w.key("properties");
    w.begin_array();
    for (const auto& prop : doc.root.properties) write_property(w, prop.name, prop.value);
    w.end_array();
  }
  w.end_object();
  if (!md.source_target.empty() || !doc.diagnostics.empty()) {
    w.key("properties");
    w.begin_array();
    if (!md.source_target.empty()) write_property(w, "purser:source-target", md.source_target);
    for (const auto& d : doc.diagnostics)
      write_property(w, d.severity == util::Severity::error ? "purser:error" : "purser:warning", d.to_string());
    w.end_array();
  }
  w.end_object();
}

void write_bom(detail::JsonWriter& w, const CdxContext& ctx, CdxComponentView& view, std::string_view serial,
               std::string_view timestamp) {
  w.begin_object();
  w.member("bomFormat", "CycloneDX");
  w.member("specVersion", to_string(ctx.version));
  w.member("serialNumber", serial);
  w.key("version");
  w.number(1);
  w.key("metadata");
  write_metadata(w, ctx, timestamp);
  std::size_t n = ctx.pk.all.size();
  if (n > 1) {
    w.key("components");
    w.begin_array();
    for (std::size_t i = 1; i < n; ++i) write_component(w, ctx, i, view);
    w.end_array();
  }
  w.key("dependencies");
  w.begin_array();
  for (std::size_t i = 0; i < n; ++i) {
    w.begin_object();
    w.member("ref", ctx.pk.refs[i]);
    if (ctx.dep_begin[i] != ctx.dep_begin[i + 1]) {
      w.key("dependsOn");
      w.begin_array();
      for (std::uint32_t e = ctx.dep_begin[i]; e < ctx.dep_begin[i + 1]; ++e) w.value(ctx.pk.refs[ctx.dep_to[e]]);
      w.end_array();
    }
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

// Two passes over the same context: the serial number is a UUID of everything but itself and the timestamp
// (both written empty), so re-scanning unchanged inputs yields the same serial and any content change yields a
// new one; the second pass writes the real document. Neither pass holds more than one chunk of output.
void stream(const model::Document& doc, CycloneDxVersion version, const ByteSink& sink, std::string* reserve) {
  CdxContext ctx(doc, version);
  std::uint64_t first_size = 0;
  std::string serial = detail::cdx_serial_number(ctx, &first_size);
  std::string timestamp = detail::rfc3339_utc(doc.metadata.timestamp);
  if (reserve != nullptr) reserve->reserve(first_size + serial.size() + timestamp.size() + 1);
  CdxComponentView view;
  detail::JsonWriter second(sink);
  write_bom(second, ctx, view, serial, timestamp);
  second.flush();
  sink("\n");
}

}  // namespace

namespace detail {

std::string cdx_serial_number(const CdxContext& ctx, std::uint64_t* json_size) {
  util::Digest digest(util::DigestAlgorithm::sha256);
  ByteSink to_digest = [&](std::string_view bytes) { digest.update(bytes); };
  CdxComponentView view;
  JsonWriter first(to_digest);
  write_bom(first, ctx, view, "", "");
  first.flush();
  if (json_size != nullptr) *json_size = first.size();
  return "urn:uuid:" + uuid_of_sha256_hex(digest.finish_hex());
}

}  // namespace detail

void write_cyclonedx_json(const model::Document& doc, CycloneDxVersion version, const ByteSink& sink) {
  stream(doc, version, sink, nullptr);
}

std::string write_cyclonedx_json(const model::Document& doc, CycloneDxVersion version) {
  std::string out;
  stream(
      doc, version, [&](std::string_view bytes) { out.append(bytes); }, &out);
  return out;
}

}  // namespace purser::formats
