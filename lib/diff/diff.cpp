#include "lib/diff/diff.hpp"

// The diff engine. docs/diff.md is the user-facing specification of what is compared and how; the comments here
// say why the pieces are shaped the way they are.
//
// Symmetry (diff(b, a) == mirror(diff(a, b))) is a requirement, not an accident: every step below treats the two
// documents alike. Sorting never depends on which side an entry came from, pairing walks compare one side's
// version with the other's through model::compare_versions (antisymmetric), and ties are broken by positions in
// lists whose order is the same whichever document is called "old".

#include <algorithm>
#include <thread>
#include <unordered_map>

#include "lib/model/license.hpp"
#include "lib/model/purl.hpp"
#include "lib/model/version.hpp"
#include "lib/util/strings.hpp"

namespace purser::diff {

const char* to_string(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::added:
      return "added";
    case ChangeKind::removed:
      return "removed";
    case ChangeKind::upgraded:
      return "upgraded";
    case ChangeKind::downgraded:
      return "downgraded";
    case ChangeKind::hash:
      return "hash";
    case ChangeKind::license:
      return "license";
    case ChangeKind::supplier:
      return "supplier";
    case ChangeKind::layer:
      return "layer";
    case ChangeKind::edge_added:
      return "edge-added";
    case ChangeKind::edge_removed:
      return "edge-removed";
  }
  return "added";
}

std::optional<ChangeKind> parse_change_kind(std::string_view text) {
  for (std::size_t i = 0; i < k_change_kinds; ++i) {
    auto kind = static_cast<ChangeKind>(i);
    if (text == to_string(kind)) return kind;
  }
  return std::nullopt;
}

ChangeKind mirror(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::added:
      return ChangeKind::removed;
    case ChangeKind::removed:
      return ChangeKind::added;
    case ChangeKind::upgraded:
      return ChangeKind::downgraded;
    case ChangeKind::downgraded:
      return ChangeKind::upgraded;
    case ChangeKind::edge_added:
      return ChangeKind::edge_removed;
    case ChangeKind::edge_removed:
      return ChangeKind::edge_added;
    default:
      return kind;
  }
}

std::size_t DiffReport::count(ChangeKind kind) const {
  return static_cast<std::size_t>(
      std::count_if(changes.begin(), changes.end(), [kind](const Change& c) { return c.kind == kind; }));
}

void sort_changes(std::vector<Change>& changes) { std::sort(changes.begin(), changes.end()); }

DiffReport mirror(const DiffReport& report) {
  DiffReport out;
  out.before = report.after;
  out.after = report.before;
  out.unchanged = report.unchanged;
  out.changes.reserve(report.changes.size());
  for (const Change& c : report.changes) {
    Change m = c;
    m.kind = mirror(c.kind);
    std::swap(m.component.before, m.component.after);
    std::swap(m.dependency.before, m.dependency.after);
    out.changes.push_back(std::move(m));
  }
  sort_changes(out.changes);
  return out;
}

namespace {

// purl spec: qualifiers are "extra qualifying data", but these three name a different artifact rather than the
// same one fetched differently: deb/rpm/apk `arch` (multi-arch installs hold libc6:amd64 and libc6:i386 at once),
// `distro` (a debian-11 and a debian-12 build are different binaries), maven `classifier` (sources vs main jar).
bool is_identity_qualifier(std::string_view key) { return key == "arch" || key == "distro" || key == "classifier"; }

std::string fallback_identity(const model::Package& p) {
  // The PURL a name and ecosystem would make: "@types/node" in npm → pkg:npm/%40types/node, the same string the
  // PURL-bearing twin gives, so an SPDX package with only a CPE still pairs with its CycloneDX counterpart.
  model::Purl purl;
  purl.type = p.ecosystem.empty() ? std::string("generic") : util::to_lower(p.ecosystem);
  std::size_t slash = p.name.rfind('/');
  if (slash != std::string::npos && slash > 0 && slash + 1 < p.name.size()) {
    purl.namespace_ = p.name.substr(0, slash);
    purl.name = p.name.substr(slash + 1);
  } else {
    purl.name = p.name;
  }
  return purl.to_string();
}

// "pkg:npm/..." → "npm".
std::string_view type_of_identity(std::string_view identity) {
  if (identity.substr(0, 4) != "pkg:") return {};
  identity.remove_prefix(4);
  return identity.substr(0, identity.find('/'));
}

}  // namespace

std::string identity_of(const model::Package& package) {
  if (!package.purl.empty()) {
    auto parsed = model::Purl::parse(package.purl);
    if (parsed.ok()) {
      model::Purl& p = *parsed;
      p.version.clear();
      for (auto it = p.qualifiers.begin(); it != p.qualifiers.end();) {
        if (is_identity_qualifier(it->first))
          ++it;
        else
          it = p.qualifiers.erase(it);
      }
      return p.to_string();
    }
  }
  return fallback_identity(package);
}

namespace {

constexpr std::uint32_t k_none = UINT32_MAX;

struct Entry {
  const model::Package* pkg = nullptr;
  std::string_view ref;   // the package's PURL, or owned_ref
  std::string owned_ref;  // Package::ref() when there is no PURL
  std::string identity;
  std::uint32_t partner = k_none;  // index of the paired entry in the other document
  std::uint32_t slot = k_none;     // graph node shared by both documents (see Graph)
};

// One document's components, unique by ref (the first occurrence wins, as in the writers), root excluded.
struct Index {
  const model::Document* doc = nullptr;
  std::string root_ref;
  std::vector<Entry> entries;
  std::unordered_map<std::string_view, std::uint32_t> by_ref;  // views into entries (never reallocated)
};

void build_index(const model::Document& doc, Index& index) {
  index.doc = &doc;
  index.root_ref = doc.root.ref();
  // Entries are built in place in reserved storage: `ref` may view the entry's own owned_ref.
  index.entries.reserve(doc.packages.size());
  index.by_ref.reserve(doc.packages.size());
  for (const auto& p : doc.packages) {
    Entry& e = index.entries.emplace_back();
    e.pkg = &p;
    if (p.purl.empty()) {
      e.owned_ref = p.ref();
      e.ref = e.owned_ref;
    } else {
      e.ref = p.purl;  // Package::ref() is the PURL when there is one
    }
    if (e.ref == index.root_ref ||
        !index.by_ref.emplace(e.ref, static_cast<std::uint32_t>(index.entries.size() - 1)).second)
      index.entries.pop_back();
  }
  for (auto& e : index.entries) e.identity = identity_of(*e.pkg);
}

Side side_of(const Entry& e) { return Side{std::string(e.ref), e.pkg->name, e.pkg->version, {}}; }

// The value of a property without copying it; empty when absent.
std::string_view property_view(const model::Package& p, std::string_view name) {
  for (const auto& prop : p.properties)
    if (prop.name == name) return prop.value;
  return {};
}

// ---- pairing within one identity group

struct Member {
  std::uint32_t index;  // into its document's entries
  bool after;           // which document
};

int compare_version_of(model::VersionScheme scheme, const Entry& a, const Entry& b) {
  const std::string& va = a.pkg->version;
  const std::string& vb = b.pkg->version;
  if (va == vb) return 0;
  return model::compare_versions(scheme, va, vb);
}

// Leading segments two versions share ("1.4.2" and "1.4.9" share 2): the tie-breaker for nearest versions.
std::size_t shared_segments(std::string_view a, std::string_view b) {
  auto next = [](std::string_view& s) {
    std::size_t end = s.find_first_of(".-+_~:");
    std::string_view seg = s.substr(0, end);
    s = end == std::string_view::npos ? std::string_view() : s.substr(end + 1);
    return seg;
  };
  std::size_t n = 0;
  while (!a.empty() && !b.empty()) {
    if (next(a) != next(b)) break;
    ++n;
  }
  return n;
}

// Groups larger than this pair by the linear rule only (a hostile document with thousands of versions of one
// name must not cost quadratic time).
constexpr std::size_t k_quadratic_limit = 256;

class Pairer {
 public:
  Pairer(Index& before, Index& after) : m_before(before), m_after(after) {}

  /// Pairs the members of one group, setting Entry::partner on both sides.
  void pair(std::vector<std::uint32_t>& b, std::vector<std::uint32_t>& a, model::VersionScheme scheme) {
    if (b.size() == 1 && a.size() == 1) {  // the common case
      link(b[0], a[0]);
      return;
    }
    if (b.empty() || a.empty()) return;
    // 1. Equal refs: the same PURL, qualifiers and all.
    auto by_ref = [](const Index& idx) {
      return [&idx](std::uint32_t x, std::uint32_t y) { return idx.entries[x].ref < idx.entries[y].ref; };
    };
    std::sort(b.begin(), b.end(), by_ref(m_before));
    std::sort(a.begin(), a.end(), by_ref(m_after));
    walk(b, a,
         [&](std::uint32_t x, std::uint32_t y) { return m_before.entries[x].ref.compare(m_after.entries[y].ref); });
    drop_paired(b, m_before);
    drop_paired(a, m_after);
    if (b.empty() || a.empty()) return;
    // 2. Versions the ecosystem calls equal ("1.0" and "1.0.0" in PEP 440). Lists are in ref order, so the stable
    // sort by version leaves the same order whichever document is which.
    auto by_version = [&](const Index& idx) {
      return [&idx, scheme](std::uint32_t x, std::uint32_t y) {
        return compare_version_of(scheme, idx.entries[x], idx.entries[y]) < 0;
      };
    };
    std::stable_sort(b.begin(), b.end(), by_version(m_before));
    std::stable_sort(a.begin(), a.end(), by_version(m_after));
    walk(b, a, [&](std::uint32_t x, std::uint32_t y) {
      return compare_version_of(scheme, m_before.entries[x], m_after.entries[y]);
    });
    drop_paired(b, m_before);
    drop_paired(a, m_after);
    if (b.empty() || a.empty()) return;
    // 3. Nearest versions: all that is left, from both documents, in one list ordered by ref then (stably) by
    // version; only neighbours from different documents pair.
    std::vector<Member> merged;
    merged.reserve(b.size() + a.size());
    for (auto x : b) merged.push_back({x, false});
    for (auto y : a) merged.push_back({y, true});
    std::sort(merged.begin(), merged.end(), [&](const Member& x, const Member& y) { return ref(x) < ref(y); });
    std::stable_sort(merged.begin(), merged.end(), [&](const Member& x, const Member& y) {
      return compare_version_of(scheme, entry(x), entry(y)) < 0;
    });
    if (merged.size() <= k_quadratic_limit)
      pair_nearest(merged);
    else
      pair_linear(merged);
  }

 private:
  Entry& entry(const Member& m) { return m.after ? m_after.entries[m.index] : m_before.entries[m.index]; }
  std::string_view ref(const Member& m) { return entry(m).ref; }

  void link(std::uint32_t b, std::uint32_t a) {
    m_before.entries[b].partner = a;
    m_after.entries[a].partner = b;
  }
  void link(const Member& x, const Member& y) {
    if (x.after)
      link(y.index, x.index);
    else
      link(x.index, y.index);
  }

  // Merge-walks two sorted lists, pairing elements `cmp` calls equal.
  template <class Cmp>
  void walk(const std::vector<std::uint32_t>& b, const std::vector<std::uint32_t>& a, Cmp cmp) {
    std::size_t i = 0, j = 0;
    while (i < b.size() && j < a.size()) {
      int c = cmp(b[i], a[j]);
      if (c < 0) {
        ++i;
      } else if (c > 0) {
        ++j;
      } else {
        link(b[i++], a[j++]);
      }
    }
  }

  static void drop_paired(std::vector<std::uint32_t>& v, const Index& idx) {
    v.erase(std::remove_if(v.begin(), v.end(), [&](std::uint32_t x) { return idx.entries[x].partner != k_none; }),
            v.end());
  }

  // Repeatedly pairs the neighbours (from different documents) whose versions share the most leading segments;
  // among equals, the highest in version order. Quadratic; only for small groups.
  void pair_nearest(std::vector<Member> merged) {
    for (;;) {
      std::size_t best = SIZE_MAX, best_score = 0;
      for (std::size_t i = 0; i + 1 < merged.size(); ++i) {
        if (merged[i].after == merged[i + 1].after) continue;
        std::size_t score = shared_segments(entry(merged[i]).pkg->version, entry(merged[i + 1]).pkg->version);
        if (best == SIZE_MAX || score >= best_score) {
          best = i;
          best_score = score;
        }
      }
      if (best == SIZE_MAX) return;
      link(merged[best], merged[best + 1]);
      merged.erase(merged.begin() + static_cast<std::ptrdiff_t>(best),
                   merged.begin() + static_cast<std::ptrdiff_t>(best + 2));
    }
  }

  // Linear variant: from the highest version down, pair each member with the nearest unpaired one above it from
  // the other document (a stack of same-document members).
  void pair_linear(const std::vector<Member>& merged) {
    std::vector<Member> stack;
    for (std::size_t k = merged.size(); k-- > 0;) {
      const Member& m = merged[k];
      if (!stack.empty() && stack.back().after != m.after) {
        link(m, stack.back());
        stack.pop_back();
      } else {
        stack.push_back(m);
      }
    }
  }

  Index& m_before;
  Index& m_after;
};

// ---- component changes

std::string normalized_license(const std::string& text) {
  model::LicenseCheck check = model::check_license_expression(text);
  if (check.valid && !check.normalized.empty()) return check.normalized;
  return std::string(util::trim(text));
}

// Hash algorithm names compared without case and punctuation ("SHA-256", "sha256").
std::string algorithm_key(std::string_view alg) {
  std::string out;
  for (char c : alg)
    if (c != '-' && c != '_' && c != ' ') out += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return out;
}

// Algorithms both packages state where they share no value: "ALG:hex ..." for each side, or empty strings.
std::pair<std::string, std::string> hash_mismatch(const model::Package& b, const model::Package& a) {
  if (b.hashes == a.hashes) return {};  // the usual case, decided without allocating
  struct H {
    std::string key;
    std::string value;  // lower-case
    const model::Hash* hash;
    bool after;
  };
  std::vector<H> all;
  for (const auto& h : b.hashes) all.push_back({algorithm_key(h.algorithm), util::to_lower(h.value), &h, false});
  for (const auto& h : a.hashes) all.push_back({algorithm_key(h.algorithm), util::to_lower(h.value), &h, true});
  if (all.empty()) return {};
  std::sort(all.begin(), all.end(), [](const H& x, const H& y) {
    if (x.key != y.key) return x.key < y.key;
    if (x.value != y.value) return x.value < y.value;
    return x.after < y.after;
  });
  std::string out_b, out_a;
  for (std::size_t i = 0; i < all.size();) {
    std::size_t j = i;
    bool in_b = false, in_a = false, shared = false;
    for (; j < all.size() && all[j].key == all[i].key; ++j) {
      (all[j].after ? in_a : in_b) = true;
      if (j > i && all[j].value == all[j - 1].value && all[j].after != all[j - 1].after) shared = true;
    }
    if (in_b && in_a && !shared) {
      for (std::size_t k = i; k < j; ++k) {
        std::string& out = all[k].after ? out_a : out_b;
        if (!out.empty()) out += ' ';
        out += all[k].hash->algorithm + ":" + all[k].value;
      }
    }
    i = j;
  }
  return {out_b, out_a};
}

// ---- the graph both documents' edges are compared in

struct Slot {
  std::uint32_t before = k_none;  // entry index, or k_none
  std::uint32_t after = k_none;
  std::string dangling;  // for refs no component has
  bool dangling_before = false;
  bool dangling_after = false;
};

class Graph {
 public:
  Graph(Index& before, Index& after) : m_before(before), m_after(after) {
    m_slots.emplace_back();  // slot 0: the roots
  }

  void assign_slots() {
    for (std::uint32_t i = 0; i < m_before.entries.size(); ++i) {
      Entry& e = m_before.entries[i];
      e.slot = static_cast<std::uint32_t>(m_slots.size());
      Slot s;
      s.before = i;
      if (e.partner != k_none) {
        s.after = e.partner;
        m_after.entries[e.partner].slot = e.slot;
      }
      m_slots.push_back(std::move(s));
    }
    for (std::uint32_t j = 0; j < m_after.entries.size(); ++j) {
      Entry& e = m_after.entries[j];
      if (e.slot != k_none) continue;
      e.slot = static_cast<std::uint32_t>(m_slots.size());
      Slot s;
      s.after = j;
      m_slots.push_back(std::move(s));
    }
  }

  /// (from << 32 | to) slot pairs of a document's edges between known nodes (roots and components), unsorted;
  /// indices of relationships with an end no component has go to `unresolved`. Const, so both documents can be
  /// done at once; add_unresolved finishes the job.
  std::vector<std::uint64_t> edges(const Index& idx, std::vector<std::size_t>& unresolved) const {
    std::vector<std::uint64_t> out;
    const auto& rels = idx.doc->relationships;
    out.reserve(rels.size());
    // A normalized document lists relationships sorted by `from`: consecutive ones usually share it.
    const std::string* last_from = nullptr;
    std::uint32_t last_slot = k_none;
    for (std::size_t i = 0; i < rels.size(); ++i) {
      const auto& r = rels[i];
      if (last_from == nullptr || *last_from != r.from) {
        last_from = &r.from;
        last_slot = known_slot(idx, r.from);
      }
      std::uint32_t to = known_slot(idx, r.to);
      if (last_slot == k_none || to == k_none) {
        unresolved.push_back(i);
        continue;
      }
      out.push_back(std::uint64_t{last_slot} << 32 | to);
    }
    return out;
  }

  /// Adds the `unresolved` relationships of a document to `out` (refs no component has get slots shared by both
  /// documents), then sorts `out` and drops duplicates.
  void add_unresolved(const Index& idx, bool after, const std::vector<std::size_t>& unresolved,
                      std::vector<std::uint64_t>& out) {
    for (std::size_t i : unresolved) {
      const auto& r = idx.doc->relationships[i];
      std::uint64_t from = slot_of(idx, r.from, after);
      std::uint64_t to = slot_of(idx, r.to, after);
      out.push_back(from << 32 | to);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
  }

  Component component(std::uint32_t slot) const {
    Component c;
    const Slot& s = m_slots[slot];
    if (slot == 0) {
      c.identity = "root";
      c.before = {m_before.root_ref, m_before.doc->root.name, m_before.doc->root.version, {}};
      c.after = {m_after.root_ref, m_after.doc->root.name, m_after.doc->root.version, {}};
      return c;
    }
    if (!s.dangling.empty()) {
      c.identity = "ref:" + s.dangling;
      if (s.dangling_before) c.before.ref = s.dangling;
      if (s.dangling_after) c.after.ref = s.dangling;
      return c;
    }
    const Entry* any = nullptr;
    if (s.before != k_none) {
      any = &m_before.entries[s.before];
      c.before = side_of(*any);
    }
    if (s.after != k_none) {
      any = &m_after.entries[s.after];
      c.after = side_of(*any);
    }
    c.identity = any->identity;
    c.ecosystem = std::string(type_of_identity(c.identity));
    return c;
  }

 private:
  static std::uint32_t known_slot(const Index& idx, const std::string& ref) {
    if (ref == idx.root_ref) return 0;
    auto it = idx.by_ref.find(ref);
    return it == idx.by_ref.end() ? k_none : idx.entries[it->second].slot;
  }

  std::uint32_t slot_of(const Index& idx, const std::string& ref, bool after) {
    if (std::uint32_t known = known_slot(idx, ref); known != k_none) return known;
    auto [d, inserted] = m_dangling.try_emplace(ref, static_cast<std::uint32_t>(m_slots.size()));
    if (inserted) {
      Slot s;
      s.dangling = ref;
      m_slots.push_back(std::move(s));
    }
    (after ? m_slots[d->second].dangling_after : m_slots[d->second].dangling_before) = true;
    return d->second;
  }

  Index& m_before;
  Index& m_after;
  std::vector<Slot> m_slots;
  std::unordered_map<std::string, std::uint32_t> m_dangling;
};

DocumentSummary summary_of(const Index& idx, std::size_t edges) {
  return {idx.root_ref, idx.doc->root.name, idx.doc->root.version, idx.entries.size(), edges};
}

}  // namespace

DiffReport diff(const model::Document& before, const model::Document& after, const DiffOptions& options) {
  Index ib, ia;
  if (options.threads >= 2) {
    std::thread worker([&] { build_index(after, ia); });
    build_index(before, ib);
    worker.join();
  } else {
    build_index(before, ib);
    build_index(after, ia);
  }

  // Groups by identity, numbered in order of first appearance (the numbering does not reach the result, which is
  // sorted at the end), stored as flat member lists: most groups are one component on each side.
  std::unordered_map<std::string_view, std::uint32_t> group_of;
  group_of.reserve(ib.entries.size() + ia.entries.size());
  auto group_ids = [&](const Index& idx) {
    std::vector<std::uint32_t> ids(idx.entries.size());
    for (std::size_t i = 0; i < idx.entries.size(); ++i)
      ids[i] = group_of.try_emplace(idx.entries[i].identity, static_cast<std::uint32_t>(group_of.size())).first->second;
    return ids;
  };
  std::vector<std::uint32_t> gid_b = group_ids(ib);
  std::vector<std::uint32_t> gid_a = group_ids(ia);
  const std::size_t n_groups = group_of.size();
  auto members = [n_groups](const std::vector<std::uint32_t>& ids, std::vector<std::uint32_t>& start) {
    start.assign(n_groups + 1, 0);
    for (auto g : ids) ++start[g + 1];
    for (std::size_t g = 1; g <= n_groups; ++g) start[g] += start[g - 1];
    std::vector<std::uint32_t> out(ids.size());
    std::vector<std::uint32_t> fill(start.begin(), start.end() - 1);
    for (std::uint32_t i = 0; i < ids.size(); ++i) out[fill[ids[i]]++] = i;
    return out;
  };
  std::vector<std::uint32_t> start_b, start_a;
  std::vector<std::uint32_t> members_b = members(gid_b, start_b);
  std::vector<std::uint32_t> members_a = members(gid_a, start_a);

  Pairer pairer(ib, ia);
  std::vector<std::uint32_t> group_b, group_a;  // scratch, reused
  for (std::size_t g = 0; g < n_groups; ++g) {
    group_b.assign(members_b.begin() + start_b[g], members_b.begin() + start_b[g + 1]);
    group_a.assign(members_a.begin() + start_a[g], members_a.begin() + start_a[g + 1]);
    if (group_b.empty() || group_a.empty()) continue;
    pairer.pair(group_b, group_a, model::version_scheme(type_of_identity(ib.entries[group_b[0]].identity)));
  }

  DiffReport report;
  auto component_of = [](const Entry* b, const Entry* a) {
    Component c;
    if (b != nullptr) c.before = side_of(*b);
    if (a != nullptr) c.after = side_of(*a);
    c.identity = (b != nullptr ? b : a)->identity;
    c.ecosystem = std::string(type_of_identity(c.identity));
    return c;
  };
  for (const Entry& b : ib.entries) {
    if (b.partner == k_none) {
      Change c{ChangeKind::removed, component_of(&b, nullptr), {}};
      c.component.before.value = b.pkg->license;
      report.changes.push_back(std::move(c));
      continue;
    }
    const Entry& a = ia.entries[b.partner];
    const model::Package& pb = *b.pkg;
    const model::Package& pa = *a.pkg;
    std::size_t changes_before = report.changes.size();
    // Most pairs have no change: the report's strings are only built for those that do.
    auto emit = [&](ChangeKind kind, std::string_view value_b, std::string_view value_a) {
      Change c{kind, component_of(&b, &a), {}};
      c.component.before.value = value_b;
      c.component.after.value = value_a;
      report.changes.push_back(std::move(c));
    };
    int order = compare_version_of(model::version_scheme(type_of_identity(b.identity)), b, a);
    if (order < 0) emit(ChangeKind::upgraded, {}, {});
    if (order > 0) emit(ChangeKind::downgraded, {}, {});
    // A different digest is only news at the same version: a new version is expected to have new bytes.
    if (order == 0) {
      auto [hb, ha] = hash_mismatch(pb, pa);
      if (!hb.empty()) emit(ChangeKind::hash, hb, ha);
    }
    if (pb.license != pa.license && normalized_license(pb.license) != normalized_license(pa.license))
      emit(ChangeKind::license, pb.license, pa.license);
    if (util::trim(pb.supplier) != util::trim(pa.supplier)) emit(ChangeKind::supplier, pb.supplier, pa.supplier);
    // Layers are compared only when both documents say where the package came from (two image scans); a
    // directory scan against an image scan is not a layer change.
    std::string_view lb = property_view(pb, k_layer_property), la = property_view(pa, k_layer_property);
    if (!lb.empty() && !la.empty() && lb != la) emit(ChangeKind::layer, lb, la);
    if (report.changes.size() == changes_before) ++report.unchanged;
  }
  for (const Entry& a : ia.entries) {
    if (a.partner != k_none) continue;
    Change c{ChangeKind::added, component_of(nullptr, &a), {}};
    c.component.after.value = a.pkg->license;
    report.changes.push_back(std::move(c));
  }

  Graph graph(ib, ia);
  graph.assign_slots();
  std::vector<std::uint64_t> eb, ea;
  std::vector<std::size_t> unresolved_b, unresolved_a;
  if (options.threads >= 2) {
    std::thread worker([&] { ea = graph.edges(ia, unresolved_a); });
    eb = graph.edges(ib, unresolved_b);
    worker.join();
  } else {
    eb = graph.edges(ib, unresolved_b);
    ea = graph.edges(ia, unresolved_a);
  }
  graph.add_unresolved(ib, false, unresolved_b, eb);
  graph.add_unresolved(ia, true, unresolved_a, ea);
  std::vector<std::uint64_t> only_b, only_a;
  std::set_difference(eb.begin(), eb.end(), ea.begin(), ea.end(), std::back_inserter(only_b));
  std::set_difference(ea.begin(), ea.end(), eb.begin(), eb.end(), std::back_inserter(only_a));
  auto edge_change = [&](ChangeKind kind, std::uint64_t key) {
    return Change{kind, graph.component(static_cast<std::uint32_t>(key >> 32)),
                  graph.component(static_cast<std::uint32_t>(key & 0xffffffffu))};
  };
  for (auto key : only_b) report.changes.push_back(edge_change(ChangeKind::edge_removed, key));
  for (auto key : only_a) report.changes.push_back(edge_change(ChangeKind::edge_added, key));

  report.before = summary_of(ib, eb.size());
  report.after = summary_of(ia, ea.size());
  sort_changes(report.changes);
  return report;
}

}  // namespace purser::diff
