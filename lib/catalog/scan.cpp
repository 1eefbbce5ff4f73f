#include "lib/catalog/scan.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
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
    case model::Scope::required:
      return 0;
    case model::Scope::optional:
      return 1;
    case model::Scope::dev:
      return 2;
  }
  return 0;
}

// `into_scope_known` / `from_scope_known`: an installed package (a package.json in node_modules) does not know
// whether it is a dev dependency, so its scope yields to any cataloger that does (the lockfile beside it).
void merge_into(model::Package& into, model::Package&& from, bool into_scope_known, bool from_scope_known) {
  if (!into_scope_known && from_scope_known)
    into.scope = from.scope;
  else if (from_scope_known == into_scope_known && scope_rank(from.scope) < scope_rank(into.scope))
    into.scope = from.scope;
  if (into.license.empty()) into.license = std::move(from.license);
  if (into.download_url.empty()) into.download_url = std::move(from.download_url);
  for (auto& h : from.hashes)
    if (std::find(into.hashes.begin(), into.hashes.end(), h) == into.hashes.end()) into.hashes.push_back(std::move(h));
  for (auto& l : from.locations) into.locations.push_back(std::move(l));
  for (auto& p : from.properties) into.add_property(std::move(p.name), std::move(p.value));
  // found_by lists every cataloger that saw the package, in sorted order.
  if (!from.found_by.empty() && from.found_by != into.found_by) {
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

Assembler::Assembler(model::Document& doc) : m_doc(doc), m_root_ref(doc.root.ref()) {
  for (std::size_t i = 0; i < m_doc.packages.size(); ++i)
    m_index.emplace(m_doc.packages[i].ref(), static_cast<std::uint32_t>(i));
}

// Edges are kept as pairs of package positions until finish(): copies of the same
// lockfile repeat thousands of edges, and a set of integers absorbs them cheaply.
void Assembler::add(ParseResult result) {
  auto& doc = m_doc;
  for (auto& d : result.diagnostics) doc.diagnostics.push_back(std::move(d));
  const std::size_t n = result.entries.size();
  std::vector<std::uint32_t> pos(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto& pkg = result.entries[i].package;
    if (result.entries[i].reference_only) {
      result.entries[i].needs.clear();
      auto found = m_index.find(pkg.ref());
      pos[i] = found == m_index.end() ? k_root : found->second;
      if (found == m_index.end()) result.entries[i].provides.clear();  // nothing to point at
      continue;
    }
    auto [it, inserted] = m_index.try_emplace(pkg.ref(), static_cast<std::uint32_t>(doc.packages.size()));
    pos[i] = it->second;
    if (it->first == m_root_ref) pos[i] = k_root;
    const bool known = result.entries[i].scope_known;
    if (inserted) {
      doc.packages.push_back(std::move(pkg));
      if (!known) m_scope_unknown.insert(pos[i]);
    } else if (pos[i] != k_root) {
      bool into_known = !m_scope_unknown.count(pos[i]);
      merge_into(doc.packages[it->second], std::move(pkg), into_known, known);
      if (!into_known && known) m_scope_unknown.erase(pos[i]);
    }
  }
  if (!result.link_scope.empty()) {  // resolved across artifacts in finish()
    auto& scope = m_scopes[result.link_scope];
    for (std::size_t i = 0; i < n; ++i) {
      auto& e = result.entries[i];
      for (auto& key : e.provides) scope.provided.emplace(std::move(key), pos[i]);
      for (auto& req : e.needs) {
        std::vector<std::string> keys;
        keys.reserve(1 + req.fallbacks.size());
        keys.push_back(std::move(req.key));
        for (auto& f : req.fallbacks) keys.push_back(std::move(f));
        scope.needs.push_back({pos[i], std::move(keys)});
      }
      if (!e.reference_only) scope.members.push_back(pos[i]);
    }
    return;
  }
  // Resolve within the artifact: key -> position (a requirement's fallbacks in order).
  std::unordered_map<std::string_view, std::uint32_t> provided;
  for (std::size_t i = 0; i < n; ++i)
    for (const auto& key : result.entries[i].provides) provided.emplace(key, pos[i]);
  std::unordered_set<std::uint32_t> has_incoming;
  bool any_root = false;
  for (std::size_t i = 0; i < n; ++i) {
    const auto& e = result.entries[i];
    any_root = any_root || e.root;
    for (const auto& req : e.needs) {
      auto it = provided.find(req.key);
      for (std::size_t f = 0; it == provided.end() && f < req.fallbacks.size(); ++f)
        it = provided.find(req.fallbacks[f]);
      if (it == provided.end() || it->second == pos[i]) continue;
      m_edges.insert(std::uint64_t(pos[i]) << 32 | it->second);
      has_incoming.insert(it->second);
    }
  }
  // The artifact's roots hang off the document root; without declared roots, every
  // entry nothing else in the artifact requires is a direct dependency.
  for (std::size_t i = 0; i < n; ++i) {
    if (result.entries[i].reference_only) continue;
    bool top = any_root ? result.entries[i].root : !has_incoming.count(pos[i]);
    if (top && pos[i] != k_root) m_edges.insert(std::uint64_t(k_root) << 32 | pos[i]);
  }
}

void Assembler::finish() {
  // Installed packages (one artifact each) link across artifacts of the same scope; what nothing in the scope
  // requires hangs off the document root.
  for (auto& [name, scope] : m_scopes) {
    std::unordered_set<std::uint32_t> has_incoming;
    for (const auto& [from, keys] : scope.needs) {
      for (const auto& key : keys) {
        auto it = scope.provided.find(key);
        if (it == scope.provided.end()) continue;
        if (it->second != from) {
          m_edges.insert(std::uint64_t(from) << 32 | it->second);
          has_incoming.insert(it->second);
        }
        break;
      }
    }
    for (std::uint32_t p : scope.members)
      if (p != k_root && !has_incoming.count(p)) m_edges.insert(std::uint64_t(k_root) << 32 | p);
  }
  m_scopes.clear();
  std::vector<std::string> refs;
  refs.reserve(m_doc.packages.size());
  for (const auto& p : m_doc.packages) refs.push_back(p.ref());
  auto ref_of = [&](std::uint32_t p) -> const std::string& { return p == k_root ? m_root_ref : refs[p]; };
  m_doc.relationships.reserve(m_doc.relationships.size() + m_edges.size());
  for (std::uint64_t e : m_edges)
    m_doc.relationships.push_back(
        {ref_of(std::uint32_t(e >> 32)), ref_of(std::uint32_t(e & 0xffffffffu)), model::RelationshipKind::depends_on});
  m_edges.clear();
  m_doc.normalize();
  // Safety net for cycles unreachable from any root: attach what is still orphaned.
  auto orphans = m_doc.orphans();
  if (!orphans.empty()) {
    for (auto& ref : orphans)
      m_doc.relationships.push_back({m_root_ref, std::move(ref), model::RelationshipKind::depends_on});
    m_doc.normalize();
  }
}

void assemble(model::Document& doc, std::vector<ParseResult> results) {
  Assembler assembler(doc);
  for (auto& r : results) assembler.add(std::move(r));
  assembler.finish();
}

util::Result<std::vector<const Cataloger*>> select_catalogers(const std::vector<std::string>& select) {
  std::vector<const Cataloger*> active;
  for (const auto& c : registry()) {
    bool on = select.empty();
    for (const auto& s : select)
      if (s == c.id || s == c.ecosystem) on = true;
    if (on) active.push_back(&c);
  }
  for (const auto& s : select) {
    bool known = std::any_of(registry().begin(), registry().end(),
                             [&](const Cataloger& c) { return s == c.id || s == c.ecosystem; });
    if (!known) return make_error(ErrorCode::usage, "unknown cataloger: " + s + " (see 'purser catalogers')");
  }
  return active;
}

bool has_tag(const Cataloger& c, std::string_view tag) {
  return std::find(c.tags.begin(), c.tags.end(), tag) != c.tags.end();
}

bool cataloger_matches(const Cataloger& c, std::string_view path) {
  return std::any_of(c.globs.begin(), c.globs.end(), [&](std::string_view g) { return util::glob_match(g, path); });
}

bool cataloger_matches(const Cataloger& c, const source::FileEntry& file) {
  if (c.executables_only && !file.executable()) return false;
  return cataloger_matches(c, file.path);
}

bool claimed_by_other(const std::vector<const Cataloger*>& active, const Cataloger& c, const source::FileEntry& file) {
  if (!c.executables_only) return false;
  return std::any_of(active.begin(), active.end(), [&](const Cataloger* other) {
    return other != &c && !other->executables_only && cataloger_matches(*other, file.path);
  });
}

source::CondenseFn choose_condenser(const std::vector<const Cataloger*>& active, const source::FileEntry& file) {
  const Cataloger* chosen = nullptr;
  for (const auto* c : active)
    if (c->condense && cataloger_matches(*c, file) && !claimed_by_other(active, *c, file)) {
      chosen = c;
      break;
    }
  return chosen ? chosen->condense : nullptr;
}

namespace {

bool is_os_package(const model::Package& p) {
  if (p.type == model::ComponentType::operating_system) return false;
  for (auto id : util::split(p.found_by, ','))
    for (const auto& c : registry())
      if (c.id == id && has_tag(c, "os")) return true;
  return false;
}

// A root filesystem's packages belong to its operating system: the root contains the OS component, the OS contains
// every package its package database lists, and those packages no longer hang off the root directly.
void attach_os_packages(model::Document& doc) {
  std::string os_ref;
  for (const auto& p : doc.packages)
    if (p.type == model::ComponentType::operating_system) {
      os_ref = p.ref();
      break;
    }
  if (os_ref.empty()) return;
  std::unordered_set<std::string> os_packages;
  for (const auto& p : doc.packages)
    if (is_os_package(p)) os_packages.insert(p.ref());
  const std::string root_ref = doc.root.ref();
  std::vector<model::Relationship> edges;
  edges.reserve(doc.relationships.size() + os_packages.size() + 1);
  for (auto& r : doc.relationships) {
    if (r.from == root_ref && (os_packages.count(r.to) || r.to == os_ref)) continue;
    edges.push_back(std::move(r));
  }
  edges.push_back({root_ref, os_ref, model::RelationshipKind::contains});
  for (const auto& ref : os_packages) edges.push_back({os_ref, ref, model::RelationshipKind::contains});
  doc.relationships = std::move(edges);
  doc.normalize();
}

}  // namespace

util::Result<model::Document> scan(source::Source& src, const ScanOptions& options) {
  auto selected = select_catalogers(options.select);
  if (!selected.ok()) return selected.error();
  const std::vector<const Cataloger*>& active = *selected;

  model::Document doc;
  if (options.root.name.empty()) {
    doc.root.name = src.name();
    doc.root.ecosystem = "directory";
    doc.root.type = model::ComponentType::application;
  } else {
    doc.root = options.root;
  }
  doc.metadata.source_target = src.target();

  auto files = src.files(
      [&](std::string_view path) {
        if (options.exclude && options.exclude(path)) return false;
        return std::any_of(active.begin(), active.end(),
                           [&](const Cataloger* c) { return cataloger_matches(*c, path); });
      },
      doc.diagnostics);

  // One job per (file, cataloger) pair. OS package databases go first: the files they record as installed are
  // theirs, and an installed language package found in such a file (a deb-shipped Python module) is not reported a
  // second time.
  std::vector<std::pair<const source::FileEntry*, const Cataloger*>> os_jobs, jobs;
  for (const auto& f : files)
    for (const auto* c : active)
      if (cataloger_matches(*c, f) && !claimed_by_other(active, *c, f))
        (has_tag(*c, "os") ? os_jobs : jobs).emplace_back(&f, c);

  Assembler assembler(doc);
  SourceResolver resolver(src, options.max_file_bytes);
  std::unordered_set<std::string> owned;
  std::atomic<std::size_t> done{0};
  const std::size_t total = os_jobs.size() + jobs.size();
  // Jobs run in path order on all threads; results are merged in that same order as soon as they are ready (an
  // ordered reduction), so the merge is deterministic and only the few results finished out of order are held.
  auto run = [&](const std::vector<std::pair<const source::FileEntry*, const Cataloger*>>& list, bool os_phase) {
    std::vector<std::optional<ParseResult>> pending(list.size());
    std::size_t cursor = 0;
    std::mutex merge_mu;
    util::parallel_for(list.size(), options.threads, [&](std::size_t i) {
      const auto& [file, cat] = list[i];
      ParseResult out;
      if (!os_phase && has_tag(*cat, "installed") && owned.count(file->path)) {
        // owned by an OS package: nothing to parse
      } else {  // the file's bytes are released before the merge: a 200 MB lockfile need not wait
        auto bytes =
            cat->condense ? src.condensed(file->path, cat->condense) : src.read(file->path, options.max_file_bytes);
        if (!bytes.ok()) {
          out.diagnostics.push_back({util::Severity::error, bytes.error().message, {file->path}});
        } else {
          out = cat->parse(*bytes, file->path, resolver);
        }
      }
      const bool installed = has_tag(*cat, "installed") && !has_tag(*cat, "os");
      for (auto& e : out.entries) {
        e.package.found_by = std::string(cat->id);
        if (installed) e.scope_known = false;
        if (e.package.locations.empty()) e.package.locations.push_back({file->path});
      }
      {
        std::lock_guard lock(merge_mu);
        pending[i] = std::move(out);
        while (cursor < pending.size() && pending[cursor]) {
          if (os_phase)
            for (auto& e : pending[cursor]->entries)
              for (auto& f : e.owned_files) owned.insert(std::move(f));
          assembler.add(std::move(*pending[cursor]));
          pending[cursor].reset();
          ++cursor;
        }
      }
      if (options.progress) options.progress(done.fetch_add(1) + 1, total);
    });
  };
  run(os_jobs, true);
  run(jobs, false);
  if (options.before_finish) options.before_finish(assembler, doc, active);
  assembler.finish();
  attach_os_packages(doc);
  return doc;
}

}  // namespace purser::catalog
