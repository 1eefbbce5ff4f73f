#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "formats/spdx_document_events.hpp"
#include "formats/writer_common.hpp"
#include "formats/writers.hpp"
#include "lib/model/license.hpp"
#include "lib/util/hash.hpp"
#include "lib/util/strings.hpp"

// SPDX 2.3 JSON writer. Sections cited are from the SPDX 2.3 specification (spdx.github.io/spdx-spec/v2.3);
// member names and enums match spdx-schema-2.3.json.

namespace purser::formats {

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
std::string package_spdxid(const model::Package& p, const std::string& ref, std::unordered_set<std::string>& used) {
  std::string base = "SPDXRef-Package-" + detail::sanitize_idstring(p.name, "package") + "-";
  std::string digest = util::sha256_hex(ref);
  for (std::size_t len : {8u, 16u, 64u}) {
    std::string id = base + digest.substr(0, len);
    if (used.insert(id).second) return id;
  }
  for (int n = 2;; ++n) {
    std::string id = base + digest + "-" + std::to_string(n);
    if (used.insert(id).second) return id;
  }
}

// Everything the two serialisation passes share, computed once: refs, SPDX ids and rendered licences.
struct Context {
  const model::Document& doc;
  detail::IndexedPackages pk;
  std::vector<std::string> ids;                                // SPDXID per pk.all entry
  std::unordered_map<std::string_view, std::string> licenses;  // declared text → licenseDeclared
  std::map<std::string, std::string> license_refs;             // extracted text → LicenseRef id
  std::string name;                                            // document name
  std::string tool;
  // Scratch reused per package.
  std::vector<model::Property> extra;
  std::vector<const model::Property*> props;
  std::string text;
};

void prepare(Context& ctx) {
  const auto& all = ctx.pk.all;
  std::unordered_set<std::string> used_ids{"SPDXRef-DOCUMENT"};
  used_ids.reserve(all.size() + 1);
  ctx.ids.reserve(all.size());
  for (std::size_t i = 0; i < all.size(); ++i) ctx.ids.push_back(package_spdxid(*all[i], ctx.pk.refs[i], used_ids));

  // Two passes over the distinct licence texts: collect every text that needs a LicenseRef, then render with
  // stable ids.
  std::set<std::string> extracted;
  for (const auto* p : all) {
    if (ctx.licenses.count(p->license)) continue;
    ctx.licenses.emplace(p->license, std::string());
    render_license(p->license, [&](const std::string& t) {
      extracted.insert(t);
      return std::string("LicenseRef-x");
    });
  }
  ctx.license_refs = assign_license_refs(extracted);
  auto ref_for = [&](const std::string& t) { return ctx.license_refs.at(t); };
  for (auto& [text, rendered] : ctx.licenses) rendered = render_license(std::string(text), ref_for);

  const model::Metadata& md = ctx.doc.metadata;
  ctx.name = !md.source_target.empty() ? md.source_target : ctx.doc.root.name;
  if (ctx.name.empty()) ctx.name = "unknown";
  ctx.tool = md.tool_name.empty() ? std::string("purser") : md.tool_name;
  if (!md.tool_version.empty()) ctx.tool += "-" + md.tool_version;
}

// §7.22 comment: scope, cataloger and typed properties as sorted, unique "name=value" lines.
const std::string& join_comment(Context& ctx, const model::Package& p) {
  std::vector<model::Property>& extra = ctx.extra;
  extra.clear();
  if (p.scope != model::Scope::required) extra.push_back({"purser:scope", model::to_string(p.scope)});
  if (!p.found_by.empty()) extra.push_back({"purser:found-by", p.found_by});
  std::vector<const model::Property*>& props = ctx.props;
  props.clear();
  for (const auto& prop : p.properties) props.push_back(&prop);
  for (const auto& prop : extra) props.push_back(&prop);
  std::sort(props.begin(), props.end(), [](const auto* a, const auto* b) { return *a < *b; });
  std::string& out = ctx.text;
  out.clear();
  const model::Property* previous = nullptr;
  for (const auto* prop : props) {
    if (previous != nullptr && *previous == *prop) continue;
    previous = prop;
    if (!out.empty()) out += '\n';
    out += prop->name;
    out += '=';
    out += prop->value;
  }
  return out;
}

// Templates over the writer: detail::JsonWriter for the JSON text, detail::SpdxJsonEvents for the tag-value writer.
template <class W>
void write_package(W& w, Context& ctx, std::size_t i) {
  const model::Package& p = *ctx.pk.all[i];
  w.begin_object();
  w.member("SPDXID", ctx.ids[i]);
  w.member("name", p.name.empty() ? std::string_view("unknown") : std::string_view(p.name));  // §7.1: mandatory
  if (!p.version.empty()) w.member("versionInfo", p.version);
  // §7.5 PackageSupplier: "Organization: X". The model keeps a bare name; CycloneDX defines the supplier as an
  // organisation (organizationalEntity), so that is the kind written. Omitted when unknown.
  if (!p.supplier.empty()) w.member("supplier", "Organization: " + p.supplier);
  // §7.7: a URL, VCS location, NONE or NOASSERTION; anything we cannot vouch for is NOASSERTION.
  w.member("downloadLocation", detail::is_absolute_iri(p.download_url) ? std::string_view(p.download_url)
                                                                       : std::string_view(k_noassertion));
  w.key("filesAnalyzed");
  w.boolean(false);  // §7.8: we catalogue metadata, not files
  bool any_checksum = false;
  for (const auto& h : p.hashes) {
    std::string alg = checksum_algorithm(h.algorithm);
    if (alg.empty() || !is_hex(h.value)) continue;
    if (!any_checksum) {
      w.key("checksums");
      w.begin_array();
      any_checksum = true;
    }
    w.begin_object();
    w.member("algorithm", alg);
    w.member("checksumValue", util::to_lower(h.value));
    w.end_object();
  }
  if (any_checksum) w.end_array();
  // §7.12 sourceInfo: free text about where the package information came from.
  if (!p.locations.empty()) {
    std::string& found = ctx.text;
    found = "found in: ";
    for (std::size_t k = 0; k < p.locations.size(); ++k) {
      if (k > 0) found += ", ";
      found += p.locations[k].to_string();
    }
    w.member("sourceInfo", found);
  }
  w.member("licenseConcluded", k_noassertion);  // §7.13: we do not conclude, we report what is declared
  w.member("licenseDeclared", ctx.licenses.at(p.license));
  w.member("copyrightText", k_noassertion);
  // §7.22 comment: scope, cataloger and typed properties have no SPDX 2.3 field; keep them readable here.
  const std::string& comment = join_comment(ctx, p);
  if (!comment.empty()) w.member("comment", comment);
  // §7.21 / Annex F: purl is a PACKAGE-MANAGER reference (2.3 spelling, with a hyphen).
  if (!p.purl.empty()) {
    w.key("externalRefs");
    w.begin_array();
    w.begin_object();
    w.member("referenceCategory", "PACKAGE-MANAGER");
    w.member("referenceType", "purl");
    w.member("referenceLocator", p.purl);
    w.end_object();
    w.end_array();
  }
  w.member("primaryPackagePurpose", purpose_of(p.type));
  w.end_object();
}

template <class W>
void write_relationship(W& w, std::string_view from, const char* type, std::string_view to) {
  w.begin_object();
  w.member("spdxElementId", from);
  w.member("relatedSpdxElement", to);
  w.member("relationshipType", type);
  w.end_object();
}

template <class W>
void write_document(W& w, Context& ctx, std::string_view document_namespace, std::string_view created) {
  w.begin_object();
  w.member("spdxVersion", "SPDX-2.3");
  w.member("dataLicense", "CC0-1.0");  // §6.2: fixed value
  w.member("SPDXID", "SPDXRef-DOCUMENT");
  w.member("name", ctx.name);
  w.member("documentNamespace", document_namespace);
  w.key("creationInfo");
  w.begin_object();
  w.member("created", created);
  w.key("creators");
  w.begin_array();
  w.value("Tool: " + ctx.tool);
  // §6.8 Creator: authors are people (CycloneDX metadata.authors are organizationalContacts), so "Person: X".
  for (const auto& author : ctx.doc.metadata.authors) w.value("Person: " + author);
  w.end_array();
  w.end_object();
  w.key("packages");
  w.begin_array();
  for (std::size_t i = 0; i < ctx.pk.all.size(); ++i) write_package(w, ctx, i);
  w.end_array();
  if (!ctx.license_refs.empty()) {
    // §10: every LicenseRef used must be declared; sorted by id for a stable diff.
    std::vector<std::pair<std::string_view, std::string_view>> by_id;
    for (const auto& [text, id] : ctx.license_refs) by_id.emplace_back(id, text);
    std::sort(by_id.begin(), by_id.end());
    w.key("hasExtractedLicensingInfos");
    w.begin_array();
    for (const auto& [id, text] : by_id) {
      w.begin_object();
      w.member("licenseId", id);
      w.member("extractedText", text);
      w.member("name", text);
      w.end_object();
    }
    w.end_array();
  }
  w.key("relationships");
  w.begin_array();
  write_relationship(w, "SPDXRef-DOCUMENT", "DESCRIBES", ctx.ids[0]);
  // Unique (from, type, to) in first-seen order; ids are one per index, so indices identify them.
  std::unordered_set<std::uint64_t> seen;
  seen.reserve(ctx.doc.relationships.size());
  for (const auto& r : ctx.doc.relationships) {
    auto from = ctx.pk.index.find(r.from);
    auto to = ctx.pk.index.find(r.to);
    if (from == ctx.pk.index.end() || to == ctx.pk.index.end()) continue;  // dangling edges cannot be expressed
    bool contains = r.kind == model::RelationshipKind::contains;
    std::uint64_t key = (std::uint64_t{from->second} << 32 | to->second) * 2 + (contains ? 1 : 0);
    if (!seen.insert(key).second) continue;
    write_relationship(w, ctx.ids[from->second], contains ? "CONTAINS" : "DEPENDS_ON", ctx.ids[to->second]);
  }
  w.end_array();
  w.end_object();
}

// §6.5: a unique absolute URI without '#'. The host is under the reserved .invalid TLD (RFC 2606): purser owns no
// domain, and .invalid can never be mistaken for, or collide with, a namespace someone else publishes. The
// UUID is derived from the content (written with namespace and creation time empty) like the CycloneDX serial
// number: a first pass feeds SHA-256, the second writes the document into the sink.
// Returns the namespace; `size` receives the length of the first pass's JSON.
std::string derive_namespace(Context& ctx, std::uint64_t& size) {
  util::Digest digest(util::DigestAlgorithm::sha256);
  ByteSink to_digest = [&](std::string_view bytes) { digest.update(bytes); };
  detail::JsonWriter first(to_digest);
  write_document(first, ctx, "", "");
  first.flush();
  size = first.size();
  return "https://purser.invalid/spdxdocs/" + detail::sanitize_idstring(ctx.name, "sbom") + "-" +
         detail::uuid_of_sha256_hex(digest.finish_hex());
}

void stream(const model::Document& doc, const ByteSink& sink, std::string* reserve) {
  Context ctx{doc, detail::index_packages(doc), {}, {}, {}, {}, {}, {}, {}, {}};
  prepare(ctx);
  std::uint64_t first_size = 0;
  std::string document_namespace = derive_namespace(ctx, first_size);
  std::string created = detail::rfc3339_utc(doc.metadata.timestamp);
  if (reserve != nullptr) reserve->reserve(first_size + document_namespace.size() + created.size() + 1);
  detail::JsonWriter second(sink);
  write_document(second, ctx, document_namespace, created);
  second.flush();
  sink("\n");
}

}  // namespace

namespace detail {

void emit_spdx_document(const model::Document& doc, SpdxJsonEvents& events) {
  Context ctx{doc, detail::index_packages(doc), {}, {}, {}, {}, {}, {}, {}, {}};
  prepare(ctx);
  std::uint64_t first_size = 0;
  std::string document_namespace = derive_namespace(ctx, first_size);
  write_document(events, ctx, document_namespace, detail::rfc3339_utc(doc.metadata.timestamp));
}

}  // namespace detail

void write_spdx_json(const model::Document& doc, const ByteSink& sink) { stream(doc, sink, nullptr); }

std::string write_spdx_json(const model::Document& doc) {
  std::string out;
  stream(
      doc, [&](std::string_view bytes) { out.append(bytes); }, &out);
  return out;
}

}  // namespace purser::formats
