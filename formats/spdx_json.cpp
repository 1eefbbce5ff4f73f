#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "formats/writer_common.hpp"
#include "formats/writers.hpp"
#include "lib/model/license.hpp"
#include "lib/util/hash.hpp"
#include "lib/util/strings.hpp"

// SPDX 2.3 JSON writer. Sections cited are from the SPDX 2.3 specification (spdx.github.io/spdx-spec/v2.3);
// member names and enums match spdx-schema-2.3.json.

namespace purser::formats {

using Json = nlohmann::ordered_json;

namespace {

constexpr const char* k_noassertion = "NOASSERTION";

// §7.28 primaryPackagePurpose enum.
const char* purpose_of(model::ComponentType type) {
  switch (type) {
    case model::ComponentType::library:
      return "LIBRARY";
    case model::ComponentType::application:
      return "APPLICATION";
    case model::ComponentType::framework:
      return "FRAMEWORK";
    case model::ComponentType::container:
      return "CONTAINER";
    case model::ComponentType::operating_system:
      return "OPERATING_SYSTEM";
    case model::ComponentType::file:
      return "FILE";
  }
  return "LIBRARY";
}

// §7.10 checksum algorithms: CycloneDX "SHA-256" is SPDX "SHA256"; the SHA-3 and BLAKE names are shared.
std::string checksum_algorithm(std::string_view alg) {
  static const std::map<std::string_view, const char*> k_map = {{"MD5", "MD5"},
                                                                {"SHA-1", "SHA1"},
                                                                {"SHA-224", "SHA224"},
                                                                {"SHA-256", "SHA256"},
                                                                {"SHA-384", "SHA384"},
                                                                {"SHA-512", "SHA512"},
                                                                {"SHA3-256", "SHA3-256"},
                                                                {"SHA3-384", "SHA3-384"},
                                                                {"SHA3-512", "SHA3-512"},
                                                                {"BLAKE2b-256", "BLAKE2b-256"},
                                                                {"BLAKE2b-384", "BLAKE2b-384"},
                                                                {"BLAKE2b-512", "BLAKE2b-512"},
                                                                {"BLAKE3", "BLAKE3"}};
  auto it = k_map.find(alg);
  return it == k_map.end() ? std::string() : std::string(it->second);
}

bool is_hex(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  });
}

bool is_idstring(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
  });
}

// Rewrites a declared licence into an SPDX expression valid in this document (§7.15, Annex D). Known ids keep
// their canonical case; every other licence (unknown ids, LicenseRef-/DocumentRef- from the source, free text)
// goes through `ref_for`, which returns the LicenseRef-… declared in hasExtractedLicensingInfos (§10).
std::string render_license(const std::string& text, const std::function<std::string(const std::string&)>& ref_for) {
  std::string trimmed(util::trim(text));
  if (trimmed.empty()) return k_noassertion;
  model::LicenseCheck check = model::check_license_expression(trimmed);
  if (!check.valid || check.normalized.empty()) return ref_for(trimmed);
  // Split into separators and words; decide about every word before calling ref_for so a rejected expression
  // declares nothing but its own text.
  struct Piece {
    std::string text;
    bool word = false;
    bool needs_ref = false;
  };
  const std::string& expr = check.normalized;
  std::vector<Piece> pieces;
  std::string previous;
  for (std::size_t i = 0; i < expr.size();) {
    auto is_sep = [](char c) { return c == ' ' || c == '(' || c == ')'; };
    if (is_sep(expr[i])) {
      pieces.push_back({std::string(1, expr[i]), false, false});
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < expr.size() && !is_sep(expr[j])) ++j;
    std::string token = expr.substr(i, j - i);
    i = j;
    std::string upper = token;
    for (char& c : upper) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    if (upper == "AND" || upper == "OR" || upper == "WITH") {
      pieces.push_back({upper, false, false});
    } else if (previous == "WITH") {
      // An exception must be on the exception list and there is no LicenseRef for exceptions: keep the whole
      // expression as one extracted licence instead.
      if (!model::is_spdx_exception_id(token)) return ref_for(trimmed);
      pieces.push_back({token, true, false});
    } else {
      std::string_view id = token;
      if (!id.empty() && id.back() == '+') id.remove_suffix(1);
      pieces.push_back({token, true, !model::is_spdx_license_id(id)});
    }
    previous = upper;
  }
  std::string out;
  for (const auto& piece : pieces) out += piece.needs_ref ? ref_for(piece.text) : piece.text;
  return out;
}

// Deterministic, unique LicenseRef ids for extracted licence texts: "LicenseRef-<sanitized>", a literal
// "LicenseRef-x" from the source kept as is, a short hash added on collision.
std::map<std::string, std::string> assign_license_refs(const std::set<std::string>& texts) {
  std::map<std::string, std::string> out;
  std::set<std::string> used;
  for (const auto& t : texts) {
    std::string id;
    if (t.rfind("LicenseRef-", 0) == 0 && is_idstring(t.substr(11)))
      id = t;
    else
      id = "LicenseRef-" + detail::sanitize_idstring(t, "unknown");
    if (used.count(id)) id += "-" + util::sha256_hex(t).substr(0, 8);
    while (used.count(id)) id += "-" + util::sha256_hex(id).substr(0, 4);
    used.insert(id);
    out.emplace(t, id);
  }
  return out;
}

// §7.2 SPDXID "SPDXRef-" idstring: the sanitized name plus a short hash of the ref, lengthened on collision.
std::string package_spdxid(const model::Package& p, std::set<std::string>& used) {
  std::string base = "SPDXRef-Package-" + detail::sanitize_idstring(p.name, "package") + "-";
  std::string digest = util::sha256_hex(p.ref());
  for (std::size_t len : {8u, 16u, 64u}) {
    std::string id = base + digest.substr(0, len);
    if (used.insert(id).second) return id;
  }
  for (int n = 2;; ++n) {
    std::string id = base + digest + "-" + std::to_string(n);
    if (used.insert(id).second) return id;
  }
}

std::string join_comment(const model::Package& p) {
  std::vector<model::Property> props = p.properties;
  if (p.scope != model::Scope::required) props.push_back({"purser:scope", model::to_string(p.scope)});
  if (!p.found_by.empty()) props.push_back({"purser:found-by", p.found_by});
  std::sort(props.begin(), props.end());
  props.erase(std::unique(props.begin(), props.end()), props.end());
  std::string out;
  for (const auto& prop : props) {
    if (!out.empty()) out += '\n';
    out += prop.name + "=" + prop.value;
  }
  return out;
}

Json package_of(const model::Package& p, const std::string& spdxid,
                const std::function<std::string(const std::string&)>& ref_for) {
  Json j = Json::object();
  j["SPDXID"] = spdxid;
  j["name"] = p.name.empty() ? std::string("unknown") : p.name;  // §7.1: name is mandatory
  if (!p.version.empty()) j["versionInfo"] = p.version;
  // §7.7: a URL, VCS location, NONE or NOASSERTION; anything we cannot vouch for is NOASSERTION.
  j["downloadLocation"] = detail::is_absolute_iri(p.download_url) ? p.download_url : std::string(k_noassertion);
  j["filesAnalyzed"] = false;  // §7.8: we catalogue metadata, not files
  Json checksums = Json::array();
  for (const auto& h : p.hashes) {
    std::string alg = checksum_algorithm(h.algorithm);
    if (alg.empty() || !is_hex(h.value)) continue;
    checksums.push_back({{"algorithm", alg}, {"checksumValue", util::to_lower(h.value)}});
  }
  if (!checksums.empty()) j["checksums"] = std::move(checksums);
  // §7.12 sourceInfo: free text about where the package information came from.
  if (!p.locations.empty()) {
    std::string found = "found in: ";
    for (std::size_t i = 0; i < p.locations.size(); ++i) {
      if (i > 0) found += ", ";
      found += p.locations[i].to_string();
    }
    j["sourceInfo"] = found;
  }
  j["licenseConcluded"] = k_noassertion;  // §7.13: we do not conclude, we report what is declared
  j["licenseDeclared"] = render_license(p.license, ref_for);
  j["copyrightText"] = k_noassertion;
  // §7.22 comment: scope, cataloger and typed properties have no SPDX 2.3 field; keep them readable here.
  std::string comment = join_comment(p);
  if (!comment.empty()) j["comment"] = comment;
  // §7.21 / Annex F: purl is a PACKAGE-MANAGER reference (2.3 spelling, with a hyphen).
  if (!p.purl.empty())
    j["externalRefs"] = Json::array(
        {{{"referenceCategory", "PACKAGE-MANAGER"}, {"referenceType", "purl"}, {"referenceLocator", p.purl}}});
  j["primaryPackagePurpose"] = purpose_of(p.type);
  return j;
}

Json relationship(const std::string& from, const char* type, const std::string& to) {
  return {{"spdxElementId", from}, {"relatedSpdxElement", to}, {"relationshipType", type}};
}

std::string dump(const Json& j) { return j.dump(2, ' ', false, Json::error_handler_t::replace); }

}  // namespace

std::string write_spdx_json(const model::Document& doc) {
  std::vector<const model::Package*> packages = detail::unique_packages(doc);
  std::vector<const model::Package*> all{&doc.root};
  all.insert(all.end(), packages.begin(), packages.end());

  std::set<std::string> used_ids{"SPDXRef-DOCUMENT"};
  std::unordered_map<std::string, std::string> id_of_ref;
  std::vector<std::string> ids;
  for (const auto* p : all) {
    ids.push_back(package_spdxid(*p, used_ids));
    id_of_ref.emplace(p->ref(), ids.back());
  }

  // Two passes over the licences: collect every text that needs a LicenseRef, then render with stable ids.
  std::set<std::string> extracted;
  for (const auto* p : all)
    render_license(p->license, [&](const std::string& t) {
      extracted.insert(t);
      return std::string("LicenseRef-x");
    });
  std::map<std::string, std::string> license_refs = assign_license_refs(extracted);
  auto ref_for = [&](const std::string& t) { return license_refs.at(t); };

  const model::Metadata& md = doc.metadata;
  std::string name = !md.source_target.empty() ? md.source_target : doc.root.name;
  if (name.empty()) name = "unknown";
  std::string tool = md.tool_name.empty() ? std::string("purser") : md.tool_name;
  if (!md.tool_version.empty()) tool += "-" + md.tool_version;

  Json out = Json::object();
  out["spdxVersion"] = "SPDX-2.3";
  out["dataLicense"] = "CC0-1.0";  // §6.2: fixed value
  out["SPDXID"] = "SPDXRef-DOCUMENT";
  out["name"] = name;
  out["documentNamespace"] = "";  // derived from the content below
  out["creationInfo"] = {{"created", ""}, {"creators", Json::array({"Tool: " + tool})}};
  Json pkgs = Json::array();
  for (std::size_t i = 0; i < all.size(); ++i) pkgs.push_back(package_of(*all[i], ids[i], ref_for));
  out["packages"] = std::move(pkgs);
  if (!license_refs.empty()) {
    // §10: every LicenseRef used must be declared; sorted by id for a stable diff.
    std::vector<std::pair<std::string, std::string>> by_id;
    for (const auto& [text, id] : license_refs) by_id.emplace_back(id, text);
    std::sort(by_id.begin(), by_id.end());
    Json infos = Json::array();
    for (const auto& [id, text] : by_id) infos.push_back({{"licenseId", id}, {"extractedText", text}, {"name", text}});
    out["hasExtractedLicensingInfos"] = std::move(infos);
  }
  Json rels = Json::array();
  rels.push_back(relationship("SPDXRef-DOCUMENT", "DESCRIBES", ids[0]));
  std::set<std::tuple<std::string, std::string, std::string>> seen;
  for (const auto& r : doc.relationships) {
    auto from = id_of_ref.find(r.from);
    auto to = id_of_ref.find(r.to);
    if (from == id_of_ref.end() || to == id_of_ref.end()) continue;  // dangling edges cannot be expressed
    const char* type = r.kind == model::RelationshipKind::contains ? "CONTAINS" : "DEPENDS_ON";
    if (!seen.emplace(from->second, type, to->second).second) continue;
    rels.push_back(relationship(from->second, type, to->second));
  }
  out["relationships"] = std::move(rels);

  // §6.5: a unique absolute URI without '#'. The host is under the reserved .invalid TLD (RFC 2606): purser owns no
  // domain, and .invalid can never be mistaken for, or collide with, a namespace someone else publishes. The
  // UUID is derived from the content (minus namespace and creation time) like the CycloneDX serial number.
  std::string uuid = detail::content_uuid(dump(out));
  out["documentNamespace"] = "https://purser.invalid/spdxdocs/" + detail::sanitize_idstring(name, "sbom") + "-" + uuid;
  out["creationInfo"]["created"] = detail::rfc3339_utc(md.timestamp);
  return dump(out) + "\n";
}

}  // namespace purser::formats
