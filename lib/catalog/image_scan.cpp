#include "lib/catalog/image_scan.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "lib/model/purl.hpp"
#include "lib/util/glob.hpp"
#include "lib/util/strings.hpp"

namespace purser::catalog {

namespace {

constexpr std::size_t k_none = std::numeric_limits<std::size_t>::max();

// A package's identity across versions: its PURL without version and without qualifiers other than arch (the same
// package upgraded in a later layer keeps its identity); without a PURL, its ref minus the version.
std::string identity_of(const model::Package& p) {
  if (!p.purl.empty()) {
    auto purl = model::Purl::parse(p.purl);
    if (purl.ok()) {
      purl->version.clear();
      auto arch = purl->qualifiers.find("arch");
      std::string a = arch == purl->qualifiers.end() ? std::string() : arch->second;
      purl->qualifiers.clear();
      if (!a.empty()) purl->qualifiers["arch"] = a;
      purl->subpath.clear();
      return purl->to_string();
    }
  }
  return p.ecosystem + ":" + p.name;
}

// Image name "registry.example/team/app:1.2" → repository and tag (a digest reference keeps its tag empty).
void split_name(const std::string& name, std::string& repository, std::string& tag) {
  repository = name;
  tag.clear();
  auto at = repository.find('@');
  if (at != std::string::npos) repository.erase(at);
  auto slash = repository.rfind('/');
  auto colon = repository.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    tag = repository.substr(colon + 1);
    repository.erase(colon);
  }
}

// The image as the root component (PURL spec, type "oci": the digest is the version; repository_url and tag are
// qualifiers).
model::Package image_root(const source::ImageInfo& info) {
  model::Package root;
  root.type = model::ComponentType::container;
  root.ecosystem = "oci";
  std::string repository, tag;
  split_name(info.ref.name, repository, tag);
  root.name = repository.empty() ? info.ref.name : repository;
  const std::string& digest = info.ref.digest;
  root.version = tag.empty() ? digest : tag;
  if (!digest.empty()) {
    model::Purl purl;
    purl.type = "oci";
    auto last = root.name.rfind('/');
    purl.name = util::to_lower(last == std::string::npos ? root.name : root.name.substr(last + 1));
    purl.version = digest;
    if (root.name.find('/') != std::string::npos || root.name.find('.') != std::string::npos)
      purl.qualifiers["repository_url"] = root.name;
    if (!tag.empty()) purl.qualifiers["tag"] = tag;
    root.purl = purl.to_string();
    if (!info.ref.digest_is_image_id && digest.rfind("sha256:", 0) == 0)
      root.hashes.push_back({"SHA-256", digest.substr(7)});
  }
  // A pre-25 `docker save` archive has no manifest blob: its reference digest is the image id (the config digest,
  // recorded below), which must not be passed off as a manifest digest.
  std::string manifest = info.manifest_digest.empty() && !info.ref.digest_is_image_id ? digest : info.manifest_digest;
  if (!manifest.empty()) root.add_property("purser:image:manifest_digest", manifest);
  if (!info.manifest_digest.empty() && info.manifest_digest != digest)
    root.add_property("purser:image:index_digest", digest);
  if (!info.ref.config_digest.empty()) root.add_property("purser:image:config_digest", info.ref.config_digest);
  for (const auto& t : info.ref.tags) root.add_property("purser:image:tag", t);
  std::string platform = info.os + "/" + info.architecture + (info.variant.empty() ? "" : "/" + info.variant);
  if (!info.os.empty()) root.add_property("purser:image:platform", platform);
  for (std::size_t i = 0; i < info.layers.size(); ++i)
    root.add_property("purser:image:layer:" + std::to_string(i), info.layers[i].diff_id);
  return root;
}

// Resolves reads against the squashed image, like the generic driver's resolver.
class ImageResolver final : public FileResolver {
 public:
  ImageResolver(const source::ImageSource& image, std::uint64_t max_bytes) : m_image(image), m_max(max_bytes) {}
  util::Result<std::string> read_relative(std::string_view from, std::string_view relative) const override {
    std::string joined = source::join_relative(from, relative);
    if (joined.empty())
      return util::make_error(util::ErrorCode::io, "cannot read: path leaves the source root", {std::string(relative)});
    return m_image.read(joined, m_max);
  }

 private:
  const source::ImageSource& m_image;
  std::uint64_t m_max;
};

// One version of an artifact, parsed: which refs and identities it holds.
struct ParsedVersion {
  std::size_t layer = 0;
  bool deleted = false;
  bool captured = true;
  std::unordered_set<std::string> refs, identities;
};

// Parses one version of a captured file with the catalogers that want it: a condensed version with the one cataloger
// whose condenser made it, a captured one with the others.
ParseResult parse_with(const std::vector<const Cataloger*>& active, const std::string& path,
                       const source::FileVersion& version, const FileResolver& resolver) {
  ParseResult all;
  source::CondenseFn chosen = nullptr;
  if (version.condensed) chosen = choose_condenser(active, source::FileEntry{path, version.bytes.size(), 0755});
  for (const auto* c : active) {
    if (!cataloger_matches(*c, path) || c->condense != chosen) continue;
    auto r = c->parse(version.bytes, path, resolver);
    for (auto& e : r.entries) {
      e.package.found_by = std::string(c->id);
      if (e.package.locations.empty()) e.package.locations.push_back({path});
      all.entries.push_back(std::move(e));
    }
    if (all.link_scope.empty()) all.link_scope = r.link_scope;
  }
  return all;
}

// Layer attribution: for each artifact path with more than one version, every version is parsed; a package's
// introducing layer is where the run of versions that hold its identity (up to the final one) starts, and its
// changing layer where the run holding its exact ref starts.
class Attribution {
 public:
  Attribution(const source::ImageSource& image, const std::vector<const Cataloger*>& active,
              const FileResolver& resolver)
      : m_image(image), m_active(active), m_resolver(resolver) {}

  // (introduced, changed) layer indexes of `p` as found in `path`; k_none when unknown.
  std::pair<std::size_t, std::size_t> of(const model::Package& p, const std::string& path) {
    const auto& versions = parsed(path);
    if (versions.empty()) {
      std::size_t l = m_image.layer_of(path);
      return {l, l};
    }
    std::size_t intro = k_none, changed = k_none;
    const std::string ref = p.ref(), id = identity_of(p);
    for (const auto& v : versions) {
      if (!v.captured) continue;  // present but too large to keep: no evidence either way
      bool has_id = !v.deleted && v.identities.count(id);
      bool has_ref = !v.deleted && v.refs.count(ref);
      if (!has_id)
        intro = k_none;
      else if (intro == k_none)
        intro = v.layer;
      if (!has_ref)
        changed = k_none;
      else if (changed == k_none)
        changed = v.layer;
    }
    if (changed == k_none) changed = m_image.layer_of(path);
    if (intro == k_none) intro = changed;
    return {intro, changed};
  }

 private:
  const std::vector<ParsedVersion>& parsed(const std::string& path) {
    auto it = m_cache.find(path);
    if (it != m_cache.end()) return it->second;
    std::vector<ParsedVersion> out;
    auto history = m_image.history(path);
    if (history.size() > 1) {
      for (auto& h : history) {
        ParsedVersion v;
        v.layer = h.layer;
        v.deleted = h.deleted;
        v.captured = h.captured;
        if (!h.deleted && h.captured) {
          auto r = parse_with(m_active, path, h, m_resolver);
          for (const auto& e : r.entries) {
            v.refs.insert(e.package.ref());
            v.identities.insert(identity_of(e.package));
          }
        }
        out.push_back(std::move(v));
      }
    }
    return m_cache.emplace(path, std::move(out)).first->second;
  }

  const source::ImageSource& m_image;
  const std::vector<const Cataloger*>& m_active;
  const FileResolver& m_resolver;
  std::map<std::string, std::vector<ParsedVersion>> m_cache;
};

}  // namespace

util::Result<source::PathFilter> capture_filter(const std::vector<std::string>& select) {
  auto active = select_catalogers(select);
  if (!active.ok()) return active.error();
  std::vector<std::string_view> globs;
  for (const auto* c : *active) {
    if (c->condense) continue;  // their files are condensed while they stream (condense_chooser)
    globs.insert(globs.end(), c->globs.begin(), c->globs.end());
    globs.insert(globs.end(), c->aux_globs.begin(), c->aux_globs.end());
  }
  return source::PathFilter([globs = std::move(globs)](std::string_view path) {
    return std::any_of(globs.begin(), globs.end(), [&](std::string_view g) { return util::glob_match(g, path); });
  });
}

util::Result<source::CondenseChooser> condense_chooser(const std::vector<std::string>& select) {
  auto active = select_catalogers(select);
  if (!active.ok()) return active.error();
  std::vector<const Cataloger*> condensing;
  for (const auto* c : *active)
    if (c->condense) condensing.push_back(c);
  if (condensing.empty()) return source::CondenseChooser();
  return source::CondenseChooser(
      [active = std::move(*active)](const source::FileEntry& file) { return choose_condenser(active, file); });
}

util::Result<model::Document> scan_image(source::ImageSource& image, ScanOptions options, ImageScope scope) {
  const source::ImageInfo& info = image.info();
  const auto& layers = info.layers;
  auto diff_id = [&](std::size_t l) { return l < layers.size() ? layers[l].diff_id : std::string(); };
  options.root = image_root(info);
  ImageResolver resolver(image, options.max_file_bytes);

  if (scope == ImageScope::all_layers) {
    options.before_finish = [&](Assembler& assembler, const model::Document& so_far,
                                const std::vector<const Cataloger*>& active) {
      std::unordered_set<std::string> seen;
      for (const auto& p : so_far.packages) seen.insert(p.ref());
      for (const auto& path : image.captured_paths()) {
        if (options.exclude && options.exclude(path)) continue;
        if (!std::any_of(active.begin(), active.end(), [&](const Cataloger* c) { return cataloger_matches(*c, path); }))
          continue;
        auto history = image.history(path);
        std::size_t final_layer = image.layer_of(path);
        // Each version's refs, to find the layer that dropped a package.
        std::vector<std::unordered_set<std::string>> refs(history.size());
        std::vector<ParseResult> results(history.size());
        for (std::size_t i = 0; i < history.size(); ++i) {
          if (history[i].deleted || !history[i].captured) continue;
          bool is_final = i + 1 == history.size() && history[i].layer == final_layer;
          if (is_final) continue;  // already in the squashed scan
          results[i] = parse_with(active, path, history[i], resolver);
          for (const auto& e : results[i].entries) refs[i].insert(e.package.ref());
        }
        for (std::size_t i = 0; i < history.size(); ++i) {
          ParseResult kept;
          kept.link_scope = results[i].link_scope;
          for (auto& e : results[i].entries) {
            std::string ref = e.package.ref();
            if (!seen.insert(ref).second) {
              // Already reported: still there for this version's requirements to point at.
              Entry lender;
              lender.package.name = e.package.name;
              lender.package.version = e.package.version;
              lender.package.purl = e.package.purl;
              lender.package.ecosystem = e.package.ecosystem;
              lender.provides = std::move(e.provides);
              lender.reference_only = true;
              kept.entries.push_back(std::move(lender));
              continue;
            }
            std::size_t removed = k_none;
            for (std::size_t j = i + 1; j < history.size() && removed == k_none; ++j)
              if (history[j].deleted || !refs[j].count(ref)) removed = history[j].layer;
            e.package.add_property(k_layer_introduced, diff_id(history[i].layer));
            if (removed != k_none) e.package.add_property(k_layer_removed, diff_id(removed));
            kept.entries.push_back(std::move(e));
          }
          for (auto& d : results[i].diagnostics) kept.diagnostics.push_back(std::move(d));
          if (!kept.entries.empty()) assembler.add(std::move(kept));
        }
      }
    };
  }

  auto doc = scan(image, options);
  if (!doc.ok()) return doc.error();
  for (const auto& d : image.diagnostics()) doc->diagnostics.push_back(d);

  // Introducing and changing layers of what the final image holds.
  auto active = select_catalogers(options.select);
  if (!active.ok()) return active.error();
  Attribution attribution(image, *active, resolver);
  for (auto& p : doc->packages) {
    if (!p.property(k_layer_removed).empty()) continue;
    std::size_t intro = k_none, changed = k_none;
    for (const auto& loc : p.locations) {
      auto [i, c] = attribution.of(p, loc.path);
      if (i != k_none && (intro == k_none || i < intro)) intro = i;
      if (c != k_none && (changed == k_none || c < changed)) changed = c;
    }
    if (intro == k_none) continue;
    p.add_property(k_layer_introduced, diff_id(intro));
    if (changed != k_none && changed != intro) p.add_property(k_layer_changed, diff_id(changed));
  }

  // The image contains everything the scan hangs off the root (the operating system holds its own packages).
  const std::string root_ref = doc->root.ref();
  for (auto& r : doc->relationships)
    if (r.from == root_ref) r.kind = model::RelationshipKind::contains;
  doc->normalize();
  return doc;
}

}  // namespace purser::catalog
