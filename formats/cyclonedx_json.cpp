#include <algorithm>
#include <map>
#include <set>
#include <string_view>

#include <nlohmann/json.hpp>

#include "formats/writer_common.hpp"
#include "formats/writers.hpp"
#include "lib/model/license.hpp"

// CycloneDX JSON writer for spec 1.4, 1.5 and 1.6. Field names and shapes follow the vendored schemas in
// schemas/cyclonedx/bom-1.X.SNAPSHOT.schema.json; comments cite the schema definition they satisfy.

namespace purser::formats {

using Json = nlohmann::ordered_json;

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
Json licenses_of(const std::string& text) {
  Json out = Json::array();
  if (text.empty()) return out;
  model::LicenseCheck check = model::check_license_expression(text);
  if (check.valid && check.unknown.empty() && !check.normalized.empty()) {
    if (check.single_id() && model::is_spdx_license_id(check.normalized))
      out.push_back({{"license", {{"id", check.normalized}}}});
    else
      out.push_back({{"expression", check.normalized}});
  } else {
    out.push_back({{"license", {{"name", text}}}});
  }
  return out;
}

Json property(const std::string& name, const std::string& value) { return {{"name", name}, {"value", value}}; }

// Name, group, version and purl shared by metadata.component and components[] (definitions/component).
void put_identity(Json& c, const model::Package& p) {
  c["type"] = model::to_string(p.type);
  c["bom-ref"] = p.ref();
  // group: the PURL namespace ("@types", "github.com/pkg") when the name is spelled namespace/name.
  detail::GroupName gn = detail::split_group(p);
  if (!gn.group.empty()) c["group"] = gn.group;
  c["name"] = gn.name.empty() ? std::string("unknown") : gn.name;
  if (!p.version.empty()) c["version"] = p.version;
}

Json component_of(const model::Package& p, CycloneDxVersion version) {
  Json c = Json::object();
  put_identity(c, p);
  // scope enum is required/optional/excluded; dev/test-only maps to excluded ("not reachable at runtime") and
  // the exact scope also travels as a property so a reader can tell dev from other exclusions.
  std::vector<model::Property> props = p.properties;
  switch (p.scope) {
    case model::Scope::required:
      c["scope"] = "required";
      break;
    case model::Scope::optional:
      c["scope"] = "optional";
      break;
    case model::Scope::dev:
      c["scope"] = "excluded";
      props.push_back({"purser:scope", "dev"});
      break;
  }
  Json hashes = Json::array();
  for (const auto& h : p.hashes) {
    if (is_cdx_hash_alg(h.algorithm) && is_cdx_hash_content(h.value))
      hashes.push_back({{"alg", h.algorithm}, {"content", h.value}});
    else  // would fail the schema; keep the fact rather than drop it
      props.push_back({"purser:hash", h.algorithm + ":" + h.value});
  }
  if (!hashes.empty()) c["hashes"] = std::move(hashes);
  Json licenses = licenses_of(p.license);
  if (!licenses.empty()) c["licenses"] = std::move(licenses);
  if (!p.purl.empty()) c["purl"] = p.purl;
  // externalReference.url is format iri-reference: only well-formed absolute IRIs are emitted.
  if (!p.download_url.empty()) {
    if (detail::is_absolute_iri(p.download_url))
      c["externalReferences"] = Json::array({{{"type", "distribution"}, {"url", p.download_url}}});
    else
      props.push_back({"purser:download-url", p.download_url});
  }
  // componentEvidence.occurrences exists from 1.5 (1.6 adds line/offset); 1.4 evidence has no place for
  // locations, so they become properties there.
  Json occurrences = Json::array();
  for (const auto& loc : p.locations) {
    if (version == CycloneDxVersion::v1_4) {
      props.push_back({"purser:location", loc.to_string()});
    } else if (version == CycloneDxVersion::v1_5) {
      occurrences.push_back({{"location", loc.to_string()}});
    } else {
      Json o = {{"location", loc.path}};
      if (loc.line > 0)
        o["line"] = loc.line;
      else if (loc.offset != UINT64_MAX)
        o["offset"] = loc.offset;
      occurrences.push_back(std::move(o));
    }
  }
  if (!occurrences.empty()) c["evidence"] = {{"occurrences", std::move(occurrences)}};
  if (!p.found_by.empty()) props.push_back({"purser:found-by", p.found_by});
  std::sort(props.begin(), props.end());
  props.erase(std::unique(props.begin(), props.end()), props.end());
  if (!props.empty()) {
    Json arr = Json::array();
    for (const auto& prop : props) arr.push_back(property(prop.name, prop.value));
    c["properties"] = std::move(arr);
  }
  return c;
}

Json metadata_of(const model::Document& doc, CycloneDxVersion version) {
  Json m = Json::object();
  m["timestamp"] = "";  // filled in after the serial number is derived
  const model::Metadata& md = doc.metadata;
  std::string tool_name = md.tool_name.empty() ? std::string("purser") : md.tool_name;
  if (version == CycloneDxVersion::v1_4) {
    // 1.4 metadata.tools: legacy array of definitions/tool {vendor, name, version}.
    Json tool = {{"name", tool_name}};
    if (!md.tool_version.empty()) tool["version"] = md.tool_version;
    m["tools"] = Json::array({tool});
  } else {
    // 1.5+: {"components": [component]}; the array form is deprecated.
    Json tool = {{"type", "application"}, {"name", tool_name}};
    if (!md.tool_version.empty()) tool["version"] = md.tool_version;
    m["tools"] = {{"components", Json::array({tool})}};
  }
  Json root = Json::object();
  put_identity(root, doc.root);
  if (!doc.root.purl.empty()) root["purl"] = doc.root.purl;
  m["component"] = std::move(root);
  Json props = Json::array();
  if (!md.source_target.empty()) props.push_back(property("purser:source-target", md.source_target));
  for (const auto& d : doc.diagnostics)
    props.push_back(property(d.severity == util::Severity::error ? "purser:error" : "purser:warning", d.to_string()));
  if (!props.empty()) m["properties"] = std::move(props);
  return m;
}

// definitions/dependency: one entry per component and for the root, even with no dependsOn ("components that do
// not have their own dependencies MUST be declared as empty elements"). Edges to refs that are not in the BOM are
// dropped so every ref resolves.
Json dependencies_of(const model::Document& doc, const std::vector<const model::Package*>& packages) {
  std::map<std::string, std::set<std::string>> edges;
  edges[doc.root.ref()];
  for (const auto* p : packages) edges[p->ref()];
  for (const auto& r : doc.relationships) {
    // Both depends_on and contains become dependsOn for now: CycloneDX expresses containment by nesting
    // components, which this writer does not do yet, and a flat graph keeps every edge visible.
    auto from = edges.find(r.from);
    if (from == edges.end() || !edges.count(r.to) || r.from == r.to) continue;
    from->second.insert(r.to);
  }
  Json out = Json::array();
  auto emit = [&](const std::string& ref) {
    Json d = {{"ref", ref}};
    const auto& deps = edges[ref];
    if (!deps.empty()) d["dependsOn"] = Json(std::vector<std::string>(deps.begin(), deps.end()));
    out.push_back(std::move(d));
  };
  emit(doc.root.ref());
  for (const auto* p : packages) emit(p->ref());
  return out;
}

std::string dump(const Json& j) {
  // replace: invalid UTF-8 from hostile input becomes U+FFFD instead of throwing.
  return j.dump(2, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

std::string write_cyclonedx_json(const model::Document& doc, CycloneDxVersion version) {
  std::vector<const model::Package*> packages = detail::unique_packages(doc);
  Json bom = Json::object();
  bom["bomFormat"] = "CycloneDX";
  bom["specVersion"] = to_string(version);
  bom["serialNumber"] = "";
  bom["version"] = 1;
  bom["metadata"] = metadata_of(doc, version);
  Json components = Json::array();
  for (const auto* p : packages) components.push_back(component_of(*p, version));
  if (!components.empty()) bom["components"] = std::move(components);
  bom["dependencies"] = dependencies_of(doc, packages);
  // The serial number is a UUID of everything but itself and the timestamp, so re-scanning unchanged inputs
  // yields the same serial and any content change yields a new one.
  std::string body = dump(bom);
  bom["serialNumber"] = "urn:uuid:" + detail::content_uuid(body);
  bom["metadata"]["timestamp"] = detail::rfc3339_utc(doc.metadata.timestamp);
  return dump(bom) + "\n";
}

}  // namespace purser::formats
