#include "lib/model/package.hpp"

#include <algorithm>
#include <deque>
#include <unordered_map>
#include <unordered_set>

namespace purser::model {

const char* to_string(Scope scope) {
  switch (scope) {
    case Scope::required:
      return "required";
    case Scope::optional:
      return "optional";
    case Scope::dev:
      return "dev";
  }
  return "required";
}

const char* to_string(ComponentType type) {
  switch (type) {
    case ComponentType::library:
      return "library";
    case ComponentType::application:
      return "application";
    case ComponentType::framework:
      return "framework";
    case ComponentType::container:
      return "container";
    case ComponentType::operating_system:
      return "operating-system";
    case ComponentType::file:
      return "file";
  }
  return "library";
}

std::string Package::ref() const {
  if (!purl.empty()) return purl;
  std::string out = ecosystem.empty() ? std::string("generic") : ecosystem;
  out += ':';
  out += name;
  if (!version.empty()) {
    out += '@';
    out += version;
  }
  return out;
}

void Package::add_property(std::string prop_name, std::string value) {
  Property p{std::move(prop_name), std::move(value)};
  auto it = std::lower_bound(properties.begin(), properties.end(), p);
  if (it != properties.end() && *it == p) return;
  properties.insert(it, std::move(p));
}

std::string Package::property(const std::string& prop_name) const {
  for (const auto& p : properties)
    if (p.name == prop_name) return p.value;
  return {};
}

template <class T>
static void sort_unique(std::vector<T>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

void Document::normalize() {
  for (auto& p : packages) {
    sort_unique(p.locations);
    sort_unique(p.properties);
    sort_unique(p.hashes);
  }
  sort_unique(root.locations);
  sort_unique(root.properties);
  // Sort by ref, computing each ref once (ref() builds a string).
  {
    std::vector<std::pair<std::string, std::size_t>> keys;
    keys.reserve(packages.size());
    for (std::size_t i = 0; i < packages.size(); ++i) keys.emplace_back(packages[i].ref(), i);
    std::sort(keys.begin(), keys.end());
    std::vector<Package> sorted;
    sorted.reserve(packages.size());
    for (auto& [ref, i] : keys) sorted.push_back(std::move(packages[i]));
    packages = std::move(sorted);
  }
  sort_unique(relationships);
  // Keep diagnostics in a stable order: by location, then message.
  std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const util::Diagnostic& a, const util::Diagnostic& b) {
    if (a.location != b.location) return a.location < b.location;
    return a.message < b.message;
  });
}

std::vector<std::string> Document::orphans() const {
  std::unordered_map<std::string, std::vector<const std::string*>> out_edges;
  for (const auto& r : relationships) out_edges[r.from].push_back(&r.to);
  std::unordered_set<std::string> seen{root.ref()};
  std::deque<std::string> queue{root.ref()};
  while (!queue.empty()) {
    std::string cur = std::move(queue.front());
    queue.pop_front();
    auto it = out_edges.find(cur);
    if (it == out_edges.end()) continue;
    for (const std::string* to : it->second)
      if (seen.insert(*to).second) queue.push_back(*to);
  }
  std::vector<std::string> out;
  for (const auto& p : packages)
    if (!seen.count(p.ref())) out.push_back(p.ref());
  return out;
}

}  // namespace purser::model
