#pragma once
// Builders shared by the diff and merge tests: packages from a PURL string, documents from package lists.

#include <string>
#include <vector>

#include "lib/model/package.hpp"
#include "lib/model/purl.hpp"

namespace purser::diff::testing {

/// A package whose name, version and ecosystem come from `purl` (namespace joined to the name with '/').
inline model::Package pkg(const std::string& purl_text, const std::string& license = {}) {
  model::Package p;
  auto purl = model::Purl::parse(purl_text);
  if (purl.ok()) {
    p.name = purl->namespace_.empty() ? purl->name : purl->namespace_ + "/" + purl->name;
    p.version = purl->version;
    p.ecosystem = purl->type;
    p.purl = purl->to_string();
  }
  p.license = license;
  return p;
}

/// A package without a PURL.
inline model::Package bare(const std::string& ecosystem, const std::string& name, const std::string& version) {
  model::Package p;
  p.name = name;
  p.version = version;
  p.ecosystem = ecosystem;
  return p;
}

/// A document with root `root` (an npm application) depending on every package, plus `edges` between packages.
inline model::Document doc(const std::string& root_version, std::vector<model::Package> packages,
                           std::vector<std::pair<std::string, std::string>> edges = {}, bool root_edges = true) {
  model::Document d;
  d.root = pkg("pkg:npm/app@" + root_version);
  d.root.type = model::ComponentType::application;
  for (const auto& p : packages)
    if (root_edges) d.relationships.push_back({d.root.ref(), p.ref(), model::RelationshipKind::depends_on});
  for (const auto& [from, to] : edges) d.relationships.push_back({from, to, model::RelationshipKind::depends_on});
  d.packages = std::move(packages);
  d.normalize();
  return d;
}

}  // namespace purser::diff::testing
