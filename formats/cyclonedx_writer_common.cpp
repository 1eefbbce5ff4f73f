#include "formats/cyclonedx_writer_common.hpp"

// Decisions the CycloneDX writers share. Comments cite the schema definition (bom-1.X.SNAPSHOT.schema.json and the
// equivalent types of bom-1.X.SNAPSHOT.xsd) they satisfy.

#include <algorithm>
#include <utility>

#include "lib/model/license.hpp"

namespace purser::formats::detail {

namespace {

// definitions/hash-alg enum (identical in 1.4, 1.5 and 1.6; XSD hashAlg).
bool is_cdx_hash_alg(std::string_view alg) {
  static constexpr std::string_view k_algs[] = {"MD5",         "SHA-1",       "SHA-256",     "SHA-384",
                                                "SHA-512",     "SHA3-256",    "SHA3-384",    "SHA3-512",
                                                "BLAKE2b-256", "BLAKE2b-384", "BLAKE2b-512", "BLAKE3"};
  return std::find(std::begin(k_algs), std::end(k_algs), alg) != std::end(k_algs);
}

// definitions/hash-content: hex of 32, 40, 64, 96 or 128 digits (XSD hashValue).
bool is_cdx_hash_content(std::string_view value) {
  std::size_t n = value.size();
  if (n != 32 && n != 40 && n != 64 && n != 96 && n != 128) return false;
  return std::all_of(value.begin(), value.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); });
}

// definitions/dependency: one entry per component and for the root, even with no dependsOn ("components that do
// not have their own dependencies MUST be declared as empty elements"). Edges to refs that are not in the BOM are
// dropped so every ref resolves; dependsOn is sorted by ref and unique.
void build_dependencies(CdxContext& ctx) {
  const auto& refs = ctx.pk.refs;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> edges;
  edges.reserve(ctx.doc.relationships.size());
  for (const auto& r : ctx.doc.relationships) {
    // Both depends_on and contains become dependsOn for now: CycloneDX expresses containment by nesting
    // components, which the writers do not do yet, and a flat graph keeps every edge visible.
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

}  // namespace

CdxLicenseChoice cdx_license_choice(const std::string& text) {
  model::LicenseCheck check = model::check_license_expression(text);
  if (check.valid && check.unknown.empty() && !check.normalized.empty()) {
    if (check.single_id() && model::is_spdx_license_id(check.normalized))
      return {CdxLicenseChoice::Kind::id, check.normalized};
    return {CdxLicenseChoice::Kind::expression, check.normalized};
  }
  return {CdxLicenseChoice::Kind::name, text};
}

CdxContext::CdxContext(const model::Document& d, CycloneDxVersion v) : doc(d), version(v), pk(index_packages(d)) {
  group_len.reserve(pk.all.size());
  for (const auto* p : pk.all) group_len.push_back(static_cast<std::uint32_t>(group_length(*p)));
  for (std::size_t i = 1; i < pk.all.size(); ++i) {
    const std::string& text = pk.all[i]->license;
    if (!text.empty() && !licenses.count(text)) licenses.emplace(text, cdx_license_choice(text));
  }
  build_dependencies(*this);
}

void cdx_component_view(const CdxContext& ctx, std::size_t i, CdxComponentView& out) {
  const model::Package& p = *ctx.pk.all[i];
  out.extra.clear();
  out.hashes.clear();
  out.properties.clear();
  // scope enum is required/optional/excluded; dev/test-only maps to excluded ("not reachable at runtime") and
  // the exact scope also travels as a property so a reader can tell dev from other exclusions.
  switch (p.scope) {
    case model::Scope::required:
      out.scope = "required";
      break;
    case model::Scope::optional:
      out.scope = "optional";
      break;
    case model::Scope::dev:
      out.scope = "excluded";
      out.extra.push_back({"purser:scope", "dev"});
      break;
  }
  for (const auto& h : p.hashes) {
    if (is_cdx_hash_alg(h.algorithm) && is_cdx_hash_content(h.value))
      out.hashes.push_back(&h);
    else  // would fail the schema; keep the fact rather than drop it
      out.extra.push_back({"purser:hash", h.algorithm + ":" + h.value});
  }
  out.license = p.license.empty() ? nullptr : &ctx.licenses.at(p.license);
  // externalReference.url is an iri-reference (XSD anyURI): only well-formed absolute IRIs are emitted.
  out.distribution = false;
  if (!p.download_url.empty()) {
    if (is_absolute_iri(p.download_url))
      out.distribution = true;
    else
      out.extra.push_back({"purser:download-url", p.download_url});
  }
  // componentEvidence.occurrences exists from 1.5 (1.6 adds line/offset); 1.4 evidence has no place for
  // locations, so they become properties there.
  out.occurrences = ctx.version != CycloneDxVersion::v1_4 && !p.locations.empty();
  if (ctx.version == CycloneDxVersion::v1_4)
    for (const auto& loc : p.locations) out.extra.push_back({"purser:location", loc.to_string()});
  if (!p.found_by.empty()) out.extra.push_back({"purser:found-by", p.found_by});
  // Sorted, unique properties without copying the package's own list.
  for (const auto& prop : p.properties) out.properties.push_back(&prop);
  for (const auto& prop : out.extra) out.properties.push_back(&prop);
  std::sort(out.properties.begin(), out.properties.end(), [](const auto* a, const auto* b) { return *a < *b; });
  out.properties.erase(
      std::unique(out.properties.begin(), out.properties.end(), [](const auto* a, const auto* b) { return *a == *b; }),
      out.properties.end());
}

}  // namespace purser::formats::detail
