#pragma once
// Shared by the writer tests: a hand-built sample document, golden-file comparison (STYLE 15) and schema
// validation with valijson directly (independent of formats/validate.cpp, so a writer bug and a validator bug
// cannot hide each other).

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#define VALIJSON_USE_EXCEPTIONS 1
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "lib/catalog/npm/npm_common.hpp"
#include "lib/catalog/scan.hpp"
#include "lib/model/package.hpp"
#include "lib/model/purl.hpp"
#include "lib/source/source.hpp"

namespace purser::formats::testing {

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Compares `actual` with fixtures/golden/<name> byte for byte; with UPDATE_GOLDEN=1 rewrites the file instead.
inline void expect_golden(const std::string& name, const std::string& actual) {
  std::filesystem::path path = std::filesystem::path(PURSER_SOURCE_DIR) / "fixtures" / "golden" / name;
  const char* update = std::getenv("UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  ASSERT_TRUE(std::filesystem::exists(path)) << path << " is missing; run with UPDATE_GOLDEN=1 to create it";
  std::string expected = read_file(path);
  EXPECT_EQ(expected, actual) << "output differs from " << path << "; review and run with UPDATE_GOLDEN=1";
}

/// Validates `doc` against the JSON schema at `schema_path`; relative $refs (spdx.SNAPSHOT.schema.json,
/// jsf-0.82.SNAPSHOT.schema.json) are loaded from the same directory. Returns the violations, empty when valid.
inline std::vector<std::string> schema_violations(const nlohmann::json& doc, const std::filesystem::path& schema_path) {
  nlohmann::json schema_doc = nlohmann::json::parse(read_file(schema_path));
  std::filesystem::path dir = schema_path.parent_path();
  valijson::Schema schema;
  valijson::SchemaParser parser;
  valijson::adapters::NlohmannJsonAdapter schema_adapter(schema_doc);
  auto fetch = [dir](const std::string& uri) -> const nlohmann::json* {
    std::string base = uri.substr(uri.find_last_of('/') + 1);
    std::filesystem::path p = dir / base;
    if (!std::filesystem::exists(p)) return nullptr;
    return new nlohmann::json(nlohmann::json::parse(read_file(p)));
  };
  auto release = [](const nlohmann::json* d) { delete d; };
  parser.populateSchema(schema_adapter, schema, fetch, release);
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(doc);
  std::vector<std::string> out;
  if (validator.validate(schema, target, &results)) return out;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) {
    std::string where;
    for (const auto& c : error.context) where += c;
    out.push_back(where + ": " + error.description);
  }
  if (out.empty()) out.push_back("invalid");
  return out;
}

inline std::string cyclonedx_schema(const char* version) {
  return std::string(PURSER_SOURCE_DIR) + "/schemas/cyclonedx/bom-" + version + ".SNAPSHOT.schema.json";
}

inline std::string spdx_schema() { return std::string(PURSER_SHARED_DIR) + "/schemas/spdx-schema-2.3.json"; }

inline model::Package make(const char* type, const char* ns, const char* name, const char* version) {
  model::Purl purl;
  purl.type = type;
  purl.namespace_ = ns;
  purl.name = name;
  purl.version = version;
  model::Package p;
  p.name = std::string(ns).empty() ? std::string(name) : std::string(ns) + "/" + name;
  p.version = version;
  p.ecosystem = type;
  p.purl = purl.to_string();
  return p;
}

/// A small, real-shaped document: an npm project with a scoped dependency (MIT, SRI hash), an unpinned pypi
/// requirement, a Go module, a dual-licensed crate, a dev-only package, a free-text licence, locations,
/// properties, depends_on and contains edges, and one diagnostic.
inline model::Document sample_document() {
  model::Document doc;
  doc.metadata.tool_version = "0.1.0";
  doc.metadata.timestamp = 1704164645;  // 2024-01-02T03:04:05Z
  doc.metadata.source_target = "dir:examples/app";

  doc.root = make("npm", "", "demo-app", "1.0.0");
  doc.root.type = model::ComponentType::application;
  doc.root.locations = {{"package.json", 0}};

  model::Package types_node = make("npm", "@types", "node", "20.11.5");
  types_node.license = "MIT";
  // sha512 of the bytes "node" in SRI form.
  types_node.hashes = catalog::npm::parse_integrity(
      "sha512-GDjjPPdoyvYprfEf/0UGB28Qnt95i2sUqeTFirVatiCY0dgsPQg9dp1f/LluvwaIVydtS0kPw2AFs43WFC6+Pg==");
  types_node.download_url = "https://registry.npmjs.org/@types/node/-/node-20.11.5.tgz";
  types_node.locations = {{"package-lock.json", 12}, {"web/package-lock.json", 40}};
  types_node.found_by = "npm-package-lock";

  model::Package requests = make("pypi", "", "requests", "");
  requests.name = "Requests";
  requests.locations = {{"requirements.txt", 3}};
  requests.found_by = "python-requirements";
  requests.add_property("purser:pypi:markers", "python_version >= \"3.8\"");

  model::Package errors = make("golang", "github.com/pkg", "errors", "v0.9.1");
  errors.license = "BSD-2-Clause";
  errors.hashes = {{"SHA-256", "2b0ffb0c3c9c3a1b4fbd6eb0e7c3c1b8c1d4d5ee8f2e3c8d8f0d3c0b1a2f3e4d"}};
  errors.locations = {{"go.mod", 5}};
  errors.found_by = "go-mod";

  model::Package serde = make("cargo", "", "serde", "1.0.195");
  serde.license = "MIT OR Apache-2.0";
  serde.hashes = {{"SHA-256", "63261df402c67811e9ac6def069e4786148c4563f4b50fd4bf30aa370d626b02"}};
  serde.download_url = "https://crates.io/api/v1/crates/serde/1.0.195/download";
  serde.locations = {{"Cargo.lock", 88}};
  serde.found_by = "cargo-lock";
  serde.add_property("purser:cargo:source", "registry+https://github.com/rust-lang/crates.io-index");

  model::Package jest = make("npm", "", "jest", "29.7.0");
  jest.scope = model::Scope::dev;
  jest.license = "mit";
  jest.download_url = "../vendor/jest 29.7.0.tgz";  // not an absolute IRI: kept as a property only
  jest.locations = {{"package-lock.json", 30}};
  jest.found_by = "npm-package-lock";

  model::Package internal = make("pypi", "", "internal-lib", "2.0");
  internal.license = "Custom Thing";
  internal.scope = model::Scope::optional;
  internal.locations = {{"requirements.txt", 4}};
  internal.found_by = "python-requirements";

  model::Package mixed = make("cargo", "", "odd-crate", "0.3.0");
  mixed.license = "Apache-2.0 AND Frobnicate-1.0";
  mixed.locations = {{"Cargo.lock", 120}};
  mixed.found_by = "cargo-lock";

  doc.packages = {types_node, requests, errors, serde, jest, internal, mixed};
  const std::string root = doc.root.ref();
  using model::RelationshipKind;
  doc.relationships = {
      {root, types_node.ref(), RelationshipKind::depends_on},
      {root, requests.ref(), RelationshipKind::depends_on},
      {root, errors.ref(), RelationshipKind::depends_on},
      {root, serde.ref(), RelationshipKind::depends_on},
      {root, jest.ref(), RelationshipKind::depends_on},
      {root, internal.ref(), RelationshipKind::contains},
      {jest.ref(), types_node.ref(), RelationshipKind::depends_on},
      {internal.ref(), requests.ref(), RelationshipKind::depends_on},
      {serde.ref(), mixed.ref(), RelationshipKind::depends_on},
  };
  doc.diagnostics = {
      {util::Severity::warning, "unpinned requirement: requests", {"requirements.txt", 3}},
  };
  doc.normalize();
  return doc;
}

/// Root only: what an empty directory scans to.
inline model::Document empty_document() {
  model::Document doc;
  doc.metadata.tool_version = "0.1.0";
  doc.metadata.timestamp = 1704164645;
  doc.metadata.source_target = "dir:empty";
  doc.root.name = "empty";
  doc.root.type = model::ComponentType::application;
  doc.normalize();
  return doc;
}

/// A package whose name, version and licence carry characters that must be escaped.
inline model::Package odd_package() {
  model::Package p;
  p.name = std::string("we\"ird\\name\x1b[31m na\xc3\xafve \xff/tab\there");
  p.version = "1.0.0\n";
  p.ecosystem = "generic";
  p.license = "Line\nBreak \"quoted\"";
  p.locations = {{"dir with space/ma\"nifest.txt", 2}};
  p.add_property("purser:generic:note", "</script>&<>\x01");
  return p;
}

/// Documents scanned from each top-level folder of the shared real-world lockfiles (read in place, never copied);
/// empty when PURSER_SHARED_DIR is absent.
inline std::vector<std::pair<std::string, model::Document>> real_world_documents() {
  std::vector<std::pair<std::string, model::Document>> out;
  std::filesystem::path base = std::filesystem::path(PURSER_SHARED_DIR) / "bench" / "lockfiles";
  if (!std::filesystem::is_directory(base)) return out;
  std::vector<std::filesystem::path> dirs;
  for (const auto& e : std::filesystem::directory_iterator(base))
    if (e.is_directory()) dirs.push_back(e.path());
  std::sort(dirs.begin(), dirs.end());
  for (const auto& dir : dirs) {
    auto src = source::open_source("dir:" + dir.string(), {});
    if (!src.ok()) continue;
    catalog::ScanOptions options;
    options.threads = 2;
    auto doc = catalog::scan(**src, options);
    if (!doc.ok()) continue;
    doc->metadata.tool_version = "0.1.0";
    doc->metadata.timestamp = 1704164645;
    out.emplace_back(dir.filename().string(), std::move(*doc));
  }
  return out;
}

}  // namespace purser::formats::testing
