#include "lib/diff/merge.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <unordered_map>

#include "lib/util/strings.hpp"

namespace purser::diff {

namespace {

std::string quoted(std::string_view s) { return "\"" + util::printable(s, 200) + "\""; }

// found_by holds comma-separated cataloger ids; the union keeps them sorted and unique.
std::string union_ids(const std::string& a, const std::string& b) {
  std::set<std::string> ids;
  for (const std::string* s : {&a, &b})
    for (auto id : util::split(*s, ','))
      if (auto t = util::trim(id); !t.empty()) ids.emplace(t);
  std::string out;
  for (const auto& id : ids) {
    if (!out.empty()) out += ',';
    out += id;
  }
  return out;
}

class Merger {
 public:
  Merger(model::Document& out, const MergeOptions& options) : m_out(out), m_options(options) {}

  std::string label(std::size_t input) const {
    if (input < m_options.labels.size() && !m_options.labels[input].empty()) return m_options.labels[input];
    return "input " + std::to_string(input + 1);
  }

  /// Adds a package from input `input`, folding it into an earlier one with the same ref. Returns the ref, or an
  /// error when it is the new root's.
  util::Result<std::string> absorb(model::Package&& p, std::size_t input) {
    std::string ref = p.ref();
    if (ref == m_root_ref)
      return util::make_error(util::ErrorCode::usage, "merge: the new root " + quoted(ref) +
                                                          " is also a component of " + label(input) +
                                                          ": choose another --name or --version");
    auto [it, inserted] = m_index.try_emplace(
        ref, Origin{static_cast<std::uint32_t>(m_out.packages.size()), static_cast<std::uint32_t>(input)});
    if (inserted) {
      m_out.packages.push_back(std::move(p));
      return ref;
    }
    fold(m_out.packages[it->second.position], std::move(p), ref, it->second.input, input);
    return ref;
  }

  /// The input that first had `ref`, if any.
  std::optional<std::uint32_t> origin(const std::string& ref) const {
    auto it = m_index.find(ref);
    if (it == m_index.end()) return std::nullopt;
    return it->second.input;
  }

  void set_root_ref(std::string ref) { m_root_ref = std::move(ref); }

 private:
  struct Origin {
    std::uint32_t position;
    std::uint32_t input;
  };

  void fold(model::Package& into, model::Package&& from, const std::string& ref, std::size_t first, std::size_t input) {
    if (into.name.empty()) into.name = std::move(from.name);
    if (into.version.empty()) into.version = std::move(from.version);
    if (into.ecosystem.empty()) into.ecosystem = std::move(from.ecosystem);
    // Enumerators run from the strongest (required) to the weakest (dev): needed anywhere means needed.
    into.scope = std::min(into.scope, from.scope);
    keep_first(into.license, std::move(from.license), "license", ref, first, input);
    keep_first(into.supplier, std::move(from.supplier), "supplier", ref, first, input);
    keep_first(into.download_url, std::move(from.download_url), "download url", ref, first, input);
    into.hashes.insert(into.hashes.end(), from.hashes.begin(), from.hashes.end());
    into.locations.insert(into.locations.end(), from.locations.begin(), from.locations.end());
    into.properties.insert(into.properties.end(), from.properties.begin(), from.properties.end());
    into.found_by = union_ids(into.found_by, from.found_by);
  }

  void keep_first(std::string& into, std::string&& from, const char* what, const std::string& ref, std::size_t first,
                  std::size_t input) {
    if (from.empty() || from == into) return;
    if (into.empty()) {
      into = std::move(from);
      return;
    }
    m_out.diagnostics.push_back({util::Severity::warning,
                                 "merge: " + util::printable(ref, 200) + ": " + what + " " + quoted(from) +
                                     " differs from " + quoted(into) + " in " + label(first) + ": kept " + quoted(into),
                                 {label(input)}});
  }

  model::Document& m_out;
  const MergeOptions& m_options;
  std::string m_root_ref;
  std::unordered_map<std::string, Origin> m_index;
};

}  // namespace

util::Result<model::Document> merge(std::vector<model::Document> inputs, const MergeOptions& options) {
  if (inputs.empty()) return util::make_error(util::ErrorCode::usage, "merge: no input documents");
  model::Document out;
  out.metadata.tool_name = "purser";
  out.metadata.tool_version = options.tool_version;
  out.metadata.timestamp = options.timestamp;
  out.metadata.source_target = options.source_target;
  out.root.name = options.name;
  out.root.version = options.version;
  out.root.type = model::ComponentType::application;
  const std::string root_ref = out.root.ref();

  Merger merger(out, options);
  merger.set_root_ref(root_ref);
  std::vector<std::string> input_roots;
  std::size_t total = 0;
  for (const auto& doc : inputs) total += doc.packages.size() + 1;
  out.packages.reserve(total);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    model::Document& doc = inputs[i];
    for (auto& author : doc.metadata.authors)
      if (std::find(out.metadata.authors.begin(), out.metadata.authors.end(), author) == out.metadata.authors.end())
        out.metadata.authors.push_back(std::move(author));
    auto root = merger.absorb(std::move(doc.root), i);
    if (!root.ok()) return root.error();
    out.relationships.push_back({root_ref, *root, model::RelationshipKind::depends_on});
    input_roots.push_back(*root);
    for (auto& p : doc.packages) {
      auto ref = merger.absorb(std::move(p), i);
      if (!ref.ok()) return ref.error();
    }
    out.relationships.insert(out.relationships.end(), std::make_move_iterator(doc.relationships.begin()),
                             std::make_move_iterator(doc.relationships.end()));
    doc = model::Document();  // release the input as soon as it is folded in
  }
  // A document may hold components nothing depends on (the readers add no edges the document does not state);
  // in the merge they hang off the root of the input they came from.
  for (auto& ref : out.orphans()) {
    auto input = merger.origin(ref);
    out.relationships.push_back(
        {input ? input_roots[*input] : root_ref, std::move(ref), model::RelationshipKind::depends_on});
  }
  out.normalize();
  return out;
}

}  // namespace purser::diff
