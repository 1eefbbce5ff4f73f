#include "lib/catalog/scan.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "lib/util/glob.hpp"
#include "lib/util/parallel.hpp"
#include "lib/util/strings.hpp"

namespace purser::catalog {

using util::ErrorCode;
using util::make_error;

util::Result<std::string> NullResolver::read_relative(std::string_view from, std::string_view relative) const {
  (void)from;
  return make_error(ErrorCode::io, "cannot read: no such file", {std::string(relative)});
}

namespace {

class SourceResolver final : public FileResolver {
 public:
  SourceResolver(const source::Source& src, std::uint64_t max_bytes) : m_source(src), m_max(max_bytes) {}
  util::Result<std::string> read_relative(std::string_view from, std::string_view relative) const override {
    std::string joined = source::join_relative(from, relative);
    if (joined.empty())
      return make_error(ErrorCode::io, "cannot read: path leaves the source root", {std::string(relative)});
    return m_source.read(joined, m_max);
  }

 private:
  const source::Source& m_source;
  std::uint64_t m_max;
};

// Scope precedence when one PURL is found several times: the most "shipped" wins.
int scope_rank(model::Scope s) {
  switch (s) {
    case model::Scope::required: return 0;
    case model::Scope::optional: return 1;
    case model::Scope::dev: return 2;
  }
  return 0;
}

void merge_into(model::Package& into, model::Package&& from) {
  if (scope_rank(from.scope) < scope_rank(into.scope)) into.scope = from.scope;
  if (into.license.empty()) into.license = std::move(from.license);
  if (into.download_url.empty()) into.download_url = std::move(from.download_url);
  for (auto& h : from.hashes)
    if (std::find(into.hashes.begin(), into.hashes.end(), h) == into.hashes.end()) into.hashes.push_back(std::move(h));
  for (auto& l : from.locations) into.locations.push_back(std::move(l));
  for (auto& p : from.properties) into.add_property(std::move(p.name), std::move(p.value));
  // found_by lists every cataloger that saw the package, in sorted order.
  if (!from.found_by.empty()) {
    std::vector<std::string> ids;
    const std::string both = into.found_by + "," + from.found_by;
    for (auto part : util::split(both, ','))
      if (!part.empty()) ids.emplace_back(part);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::string joined;
    for (const auto& id : ids) joined += (joined.empty() ? "" : ",") + id;
    into.found_by = joined;
  }
  if (into.type == model::ComponentType::library && from.type != model::ComponentType::library) into.type = from.type;
}

}  // namespace

void assemble(model::Document& doc, std::vector<ParseResult> results) {
  std::unordered_map<std::string, std::size_t> index;  // ref -> position in doc.packages
  for (std::size_t i = 0; i < doc.packages.size(); ++i) index.emplace(doc.packages[i].ref(), i);
  const std::string root_ref = doc.root.ref();

  for (auto& result : results) {
    for (auto& d : result.diagnostics) doc.diagnostics.push_back(std::move(d));
    // Resolve within the artifact: key -> ref.
    std::unordered_map<std::string, std::string> provided;
    std::vector<std::string> refs;
    refs.reserve(result.entries.size());
    for (auto& e : result.entries) {
      refs.push_back(e.package.ref());
      for (const auto& key : e.provides) provided.emplace(key, refs.back());
    }
    std::unordered_set<std::string> has_incoming;
    bool any_root = false;
    for (std::size_t i = 0; i < result.entries.size(); ++i) {
      auto& e = result.entries[i];
      any_root = any_root || e.root;
      for (const auto& req : e.needs) {
        auto it = provided.find(req.key);
        if (it == provided.end() || it->second == refs[i]) continue;
        doc.relationships.push_back({refs[i], it->second, model::RelationshipKind::depends_on});
        has_incoming.insert(it->second);
      }
    }
    // The artifact's roots hang off the document root; without declared roots, every
    // entry nothing else in the artifact requires is a direct dependency.
    for (std::size_t i = 0; i < result.entries.size(); ++i) {
      auto& e = result.entries[i];
      bool top = any_root ? e.root : !has_incoming.count(refs[i]);
      if (top && refs[i] != root_ref) doc.relationships.push_back({root_ref, refs[i], model::RelationshipKind::depends_on});
    }
    for (std::size_t i = 0; i < result.entries.size(); ++i) {
      auto& pkg = result.entries[i].package;
      auto [it, inserted] = index.emplace(refs[i], doc.packages.size());
      if (inserted)
        doc.packages.push_back(std::move(pkg));
      else
        merge_into(doc.packages[it->second], std::move(pkg));
    }
  }
  doc.normalize();
  // Safety net for cycles unreachable from any root: attach what is still orphaned.
  auto orphans = doc.orphans();
  if (!orphans.empty()) {
    for (auto& ref : orphans) doc.relationships.push_back({root_ref, std::move(ref), model::RelationshipKind::depends_on});
    doc.normalize();
  }
}

util::Result<model::Document> scan(source::Source& src, const ScanOptions& options) {
  std::vector<const Cataloger*> active;
  for (const auto& c : registry()) {
    bool on = options.select.empty();
    for (const auto& s : options.select)
      if (s == c.id || s == c.ecosystem) on = true;
    if (on) active.push_back(&c);
  }
  for (const auto& s : options.select) {
    bool known = std::any_of(registry().begin(), registry().end(),
                             [&](const Cataloger& c) { return s == c.id || s == c.ecosystem; });
    if (!known) return make_error(ErrorCode::usage, "unknown cataloger: " + s + " (see 'purser catalogers')");
  }

  model::Document doc;
  doc.root.name = src.name();
  doc.root.ecosystem = "directory";
  doc.root.type = model::ComponentType::application;
  doc.metadata.source_target = src.target();

  auto matches = [&](std::string_view path, const Cataloger& c) {
    return std::any_of(c.globs.begin(), c.globs.end(), [&](std::string_view g) { return util::glob_match(g, path); });
  };
  auto files = src.files(
      [&](std::string_view path) {
        return std::any_of(active.begin(), active.end(), [&](const Cataloger* c) { return matches(path, *c); });
      },
      doc.diagnostics);

  // One job per (file, cataloger) pair.
  std::vector<std::pair<const source::FileEntry*, const Cataloger*>> jobs;
  for (const auto& f : files)
    for (const auto* c : active)
      if (matches(f.path, *c)) jobs.emplace_back(&f, c);

  // Largest files first so one big lockfile does not finish last on a lone core.
  std::stable_sort(jobs.begin(), jobs.end(), [](const auto& a, const auto& b) { return a.first->size > b.first->size; });

  std::vector<ParseResult> results(jobs.size());
  SourceResolver resolver(src, options.max_file_bytes);
  std::atomic<std::size_t> done{0};
  util::parallel_for(jobs.size(), options.threads, [&](std::size_t i) {
    const auto& [file, cat] = jobs[i];
    ParseResult& out = results[i];
    auto bytes = src.read(file->path, options.max_file_bytes);
    if (!bytes.ok()) {
      out.diagnostics.push_back({util::Severity::error, bytes.error().message, {file->path}});
    } else {
      out = cat->parse(*bytes, file->path, resolver);
      for (auto& e : out.entries) {
        e.package.found_by = std::string(cat->id);
        if (e.package.locations.empty()) e.package.locations.push_back({file->path});
      }
    }
    if (options.progress) options.progress(done.fetch_add(1) + 1, jobs.size());
  });

  // Assemble in path order so merges (first licence wins) are deterministic.
  std::vector<std::size_t> order(jobs.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (jobs[a].first->path != jobs[b].first->path) return jobs[a].first->path < jobs[b].first->path;
    return jobs[a].second->id < jobs[b].second->id;
  });
  std::vector<ParseResult> ordered;
  ordered.reserve(results.size());
  for (auto i : order) ordered.push_back(std::move(results[i]));
  assemble(doc, std::move(ordered));
  return doc;
}

}  // namespace purser::catalog
