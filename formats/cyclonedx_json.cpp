#include <algorithm>
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "formats/writer_common.hpp"
#include "formats/writers.hpp"
#include "lib/model/license.hpp"
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

// definitions/hash-alg enum (identical in 1.4, 1.5 and 1.6).
bool is_cdx_hash_alg(std::string_view alg) {
  static constexpr std::string_view k_algs[] = {"MD5",         "SHA-1",       "SHA-256",     "SHA-384",
                                                "SHA-512",     "SHA3-256",    "SHA3-384",    "SHA3-512",
                                                "BLAKE2b-256", "BLAKE2b-384", "BLAKE2b-512", "BLAKE3"};
  return std::find(std::begin(k_algs), std::end(k_algs), alg) != std::end(k_algs);
}

// definitions/hash-content: hex of 32, 40, 64, 96 or 128 digits.
bool is_cdx_hash_content(std::string_view value) {
  std::size_t n = value.size();
  if (n != 32 && n != 40 && n != 64 && n != 96 && n != 128) return false;
  return std::all_of(value.begin(), value.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); });
}

// definitions/licenseChoice: one SPDX id → {"license":{"id"}}; a valid expression whose ids are all known →
// the single-element {"expression"} tuple; anything else is free text → {"license":{"name"}} (the id member is
// an enum of the SPDX list, so unknown ids must not go there).
struct LicenseChoice {
  enum class Kind { id, expression, name } kind = Kind::name;
  std::string value;
};
LicenseChoice license_choice(const std::string& text) {
  model::LicenseCheck check = model::check_license_expression(text);
  if (check.valid && check.unknown.empty() && !check.normalized.empty()) {
    if (check.single_id() && model::is_spdx_license_id(check.normalized))
      return {LicenseChoice::Kind::id, check.normalized};
    return {LicenseChoice::Kind::expression, check.normalized};
  }
  return {LicenseChoice::Kind::name, text};
}

// Everything the two serialisation passes share, computed once: refs, groups, licences and the dependency graph.
struct Context {
  const model::Document& doc;
  CycloneDxVersion version;
  detail::IndexedPackages pk;
  std::vector<std::uint32_t> group_len;                          // per pk.all entry
  std::unordered_map<std::string_view, LicenseChoice> licenses;  // by declared text
  std::vector<std::uint32_t> dep_begin;                          // CSR: dependsOn of i is
  std::vector<std::uint32_t> dep_to;                             // dep_to[dep_begin[i] .. dep_begin[i+1])
  // Scratch reused per component (no per-component allocations for the property list).
  std::vector<model::Property> extra;
  std::vector<const model::Property*> props;
};

// definitions/dependency: one entry per component and for the root, even with no dependsOn ("components that do
// not have their own dependencies MUST be declared as empty elements"). Edges to refs that are not in the BOM are
// dropped so every ref resolves; dependsOn is sorted by ref and unique.
void build_dependencies(Context& ctx) {
  const auto& refs = ctx.pk.refs;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> edges;
  edges.reserve(ctx.doc.relationships.size());
  for (const auto& r : ctx.doc.relationships) {
    // Both depends_on and contains become dependsOn for now: CycloneDX expresses containment by nesting
    // components, which this writer does not do yet, and a flat graph keeps every edge visible.
    auto from = ctx.pk.index.find(r.from);
    auto to = ctx.pk.index.find(r.to);
    if (from == ctx.pk.index.end() || to == ctx.pk.index.end() || from->second == to->second) continue;
    edges.emplace_back(from->second, to->second);
  }
  std::sort(edges.begin(), edges.end(), [&](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    return refs[a.second] < refs[b.second];
  });
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  ctx.dep_begin.assign(ctx.pk.all.size() + 1, 0);
  ctx.dep_to.reserve(edges.size());
  for (const auto& e : edges) {
    ++ctx.dep_begin[e.first + 1];
    ctx.dep_to.push_back(e.second);
  }
  for (std::size_t i = 1; i < ctx.dep_begin.size(); ++i) ctx.dep_begin[i] += ctx.dep_begin[i - 1];
}

void prepare(Context& ctx) {
  ctx.group_len.reserve(ctx.pk.all.size());
  for (const auto* p : ctx.pk.all) ctx.group_len.push_back(static_cast<std::uint32_t>(detail::group_length(*p)));
  for (std::size_t i = 1; i < ctx.pk.all.size(); ++i) {
    const std::string& text = ctx.pk.all[i]->license;
    if (!text.empty() && !ctx.licenses.count(text)) ctx.licenses.emplace(text, license_choice(text));
  }
  build_dependencies(ctx);
}

// Name, group, version and purl shared by metadata.component and components[] (definitions/component).
void write_identity(detail::JsonWriter& w, const Context& ctx, std::size_t i) {
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

void write_component(detail::JsonWriter& w, Context& ctx, std::size_t i) {
  const model::Package& p = *ctx.pk.all[i];
  CycloneDxVersion version = ctx.version;
  std::vector<model::Property>& extra = ctx.extra;
  extra.clear();
  w.begin_object();
  write_identity(w, ctx, i);
  // scope enum is required/optional/excluded; dev/test-only maps to excluded ("not reachable at runtime") and
  // the exact scope also travels as a property so a reader can tell dev from other exclusions.
  switch (p.scope) {
    case model::Scope::required:
      w.member("scope", "required");
      break;
    case model::Scope::optional:
      w.member("scope", "optional");
      break;
    case model::Scope::dev:
      w.member("scope", "excluded");
      extra.push_back({"purser:scope", "dev"});
      break;
  }
  bool any_hash = false;
  for (const auto& h : p.hashes) {
    if (is_cdx_hash_alg(h.algorithm) && is_cdx_hash_content(h.value)) {
      if (!any_hash) {
        w.key("hashes");
        w.begin_array();
        any_hash = true;
      }
      w.begin_object();
      w.member("alg", h.algorithm);
      w.member("content", h.value);
      w.end_object();
    } else {  // would fail the schema; keep the fact rather than drop it
      extra.push_back({"purser:hash", h.algorithm + ":" + h.value});
    }
  }
  if (any_hash) w.end_array();
  if (!p.license.empty()) {
    const LicenseChoice& lc = ctx.licenses.at(p.license);
    w.key("licenses");
    w.begin_array();
    w.begin_object();
    if (lc.kind == LicenseChoice::Kind::expression) {
      w.member("expression", lc.value);
    } else {
      w.key("license");
      w.begin_object();
      w.member(lc.kind == LicenseChoice::Kind::id ? "id" : "name", lc.value);
      w.end_object();
    }
    w.end_object();
    w.end_array();
  }
  if (!p.purl.empty()) w.member("purl", p.purl);
  // externalReference.url is format iri-reference: only well-formed absolute IRIs are emitted.
  if (!p.download_url.empty()) {
    if (detail::is_absolute_iri(p.download_url)) {
      w.key("externalReferences");
      w.begin_array();
      w.begin_object();
      w.member("type", "distribution");
      w.member("url", p.download_url);
      w.end_object();
      w.end_array();
    } else {
      extra.push_back({"purser:download-url", p.download_url});
    }
  }
  // componentEvidence.occurrences exists from 1.5 (1.6 adds line/offset); 1.4 evidence has no place for
  // locations, so they become properties there.
  if (version == CycloneDxVersion::v1_4) {
    for (const auto& loc : p.locations) extra.push_back({"purser:location", loc.to_string()});
  } else if (!p.locations.empty()) {
    w.key("evidence");
    w.begin_object();
    w.key("occurrences");
    w.begin_array();
    for (const auto& loc : p.locations) {
      w.begin_object();
      if (version == CycloneDxVersion::v1_5) {
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
  if (!p.found_by.empty()) extra.push_back({"purser:found-by", p.found_by});
  // Sorted, unique properties without copying the package's own list.
  std::vector<const model::Property*>& props = ctx.props;
  props.clear();
  for (const auto& prop : p.properties) props.push_back(&prop);
  for (const auto& prop : extra) props.push_back(&prop);
  if (!props.empty()) {
    std::sort(props.begin(), props.end(), [](const auto* a, const auto* b) { return *a < *b; });
    w.key("properties");
    w.begin_array();
    const model::Property* previous = nullptr;
    for (const auto* prop : props) {
      if (previous != nullptr && *previous == *prop) continue;
      previous = prop;
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

void write_metadata(detail::JsonWriter& w, const Context& ctx, std::string_view timestamp) {
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
  if (!doc.root.purl.empty()) w.member("purl", doc.root.purl);
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

void write_bom(detail::JsonWriter& w, Context& ctx, std::string_view serial, std::string_view timestamp) {
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
    for (std::size_t i = 1; i < n; ++i) write_component(w, ctx, i);
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
  Context ctx{doc, version, detail::index_packages(doc), {}, {}, {}, {}, {}, {}};
  prepare(ctx);
  util::Digest digest(util::DigestAlgorithm::sha256);
  ByteSink to_digest = [&](std::string_view bytes) { digest.update(bytes); };
  detail::JsonWriter first(to_digest);
  write_bom(first, ctx, "", "");
  first.flush();
  std::string serial = "urn:uuid:" + detail::uuid_of_sha256_hex(digest.finish_hex());
  std::string timestamp = detail::rfc3339_utc(doc.metadata.timestamp);
  if (reserve != nullptr) reserve->reserve(first.size() + serial.size() + timestamp.size() + 1);
  detail::JsonWriter second(sink);
  write_bom(second, ctx, serial, timestamp);
  second.flush();
  sink("\n");
}

}  // namespace

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
