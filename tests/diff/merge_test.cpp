// merge(): one component per ref, locations and properties united, edges kept, no orphans, conflicts reported.

#include <gtest/gtest.h>

#include "lib/diff/merge.hpp"
#include "tests/diff/diff_test_support.hpp"

namespace purser::diff {
namespace {

using testing::doc;
using testing::pkg;

model::Document web() {
  model::Package lodash = pkg("pkg:npm/lodash@4.17.21", "MIT");
  lodash.locations = {{"web/package-lock.json", 12}};
  lodash.found_by = "npm-package-lock";
  lodash.hashes = {{"SHA-512", "aa"}};
  lodash.scope = model::Scope::dev;
  lodash.add_property("purser:npm:resolved", "https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz");
  model::Package qs = pkg("pkg:npm/qs@6.11.0", "BSD-3-Clause");
  model::Document d = doc("1.0.0", {lodash, qs}, {{lodash.ref(), qs.ref()}});
  d.root.name = "web";
  d.root.purl = "pkg:npm/web@1.0.0";
  for (auto& r : d.relationships)
    if (r.from == "pkg:npm/app@1.0.0") r.from = "pkg:npm/web@1.0.0";
  d.metadata.authors = {"Web Team", "Security"};
  d.normalize();
  return d;
}

model::Document api() {
  model::Package lodash = pkg("pkg:npm/lodash@4.17.21", "ISC");  // disagrees with web's licence
  lodash.locations = {{"api/package-lock.json", 40}, {"web/package-lock.json", 12}};
  lodash.found_by = "npm-yarn-lock,npm-package-lock";
  lodash.hashes = {{"SHA-256", "bb"}};
  lodash.supplier = "OpenJS";
  lodash.add_property("purser:npm:integrity", "sha512-aa");
  model::Package requests = pkg("pkg:pypi/requests@2.31.0", "Apache-2.0");
  model::Package orphan = pkg("pkg:pypi/urllib3@2.0.7", "MIT");  // the document states no edge to it
  model::Document d = doc("2.0.0", {lodash, requests}, {});
  d.packages.push_back(orphan);
  d.root.name = "api";
  d.root.purl = "pkg:pypi/api@2.0.0";
  for (auto& r : d.relationships) r.from = "pkg:pypi/api@2.0.0";
  d.metadata.authors = {"Security", "API Team"};
  d.normalize();
  return d;
}

const model::Package* find(const model::Document& d, const std::string& ref) {
  for (const auto& p : d.packages)
    if (p.ref() == ref) return &p;
  return nullptr;
}

TEST(Merge, OneComponentPerPurlUnderANewRoot) {
  MergeOptions options;
  options.name = "platform";
  options.version = "2024.3";
  options.timestamp = 1700000000;
  options.labels = {"web.cdx.json", "api.spdx.json"};
  auto merged = merge({web(), api()}, options);
  ASSERT_TRUE(merged.ok()) << merged.error().message;
  const model::Document& m = *merged;
  EXPECT_EQ(m.root.ref(), "generic:platform@2024.3");
  EXPECT_EQ(m.root.type, model::ComponentType::application);
  EXPECT_EQ(m.metadata.timestamp, 1700000000);
  EXPECT_EQ(m.metadata.authors, (std::vector<std::string>{"Web Team", "Security", "API Team"}));
  ASSERT_EQ(m.packages.size(), 6u);  // web, api, lodash, qs, requests, urllib3
  EXPECT_TRUE(m.orphans().empty());

  const model::Package* lodash = find(m, "pkg:npm/lodash@4.17.21");
  ASSERT_NE(lodash, nullptr);
  EXPECT_EQ(lodash->license, "MIT");      // first input wins
  EXPECT_EQ(lodash->supplier, "OpenJS");  // filled from the second
  EXPECT_EQ(lodash->scope, model::Scope::required);
  EXPECT_EQ(lodash->found_by, "npm-package-lock,npm-yarn-lock");
  EXPECT_EQ(lodash->locations,
            (std::vector<util::Location>{{"api/package-lock.json", 40}, {"web/package-lock.json", 12}}));
  EXPECT_EQ(lodash->hashes, (std::vector<model::Hash>{{"SHA-256", "bb"}, {"SHA-512", "aa"}}));
  EXPECT_EQ(lodash->properties.size(), 2u);
  EXPECT_EQ(find(m, "pkg:npm/web@1.0.0")->type, model::ComponentType::application);

  auto has = [&](const std::string& from, const std::string& to) {
    return std::find(m.relationships.begin(), m.relationships.end(),
                     model::Relationship{from, to, model::RelationshipKind::depends_on}) != m.relationships.end();
  };
  EXPECT_TRUE(has("generic:platform@2024.3", "pkg:npm/web@1.0.0"));
  EXPECT_TRUE(has("generic:platform@2024.3", "pkg:pypi/api@2.0.0"));
  EXPECT_TRUE(has("pkg:npm/web@1.0.0", "pkg:npm/lodash@4.17.21"));
  EXPECT_TRUE(has("pkg:npm/lodash@4.17.21", "pkg:npm/qs@6.11.0"));
  EXPECT_TRUE(has("pkg:pypi/api@2.0.0", "pkg:npm/lodash@4.17.21"));
  EXPECT_TRUE(has("pkg:pypi/api@2.0.0", "pkg:pypi/urllib3@2.0.7"));  // the orphan hangs off its input's root
  EXPECT_EQ(m.relationships.size(), 8u);

  ASSERT_EQ(m.diagnostics.size(), 1u);
  EXPECT_EQ(m.diagnostics[0].to_string(),
            "api.spdx.json: merge: pkg:npm/lodash@4.17.21: license \"ISC\" differs from \"MIT\" in web.cdx.json: "
            "kept \"MIT\"");
}

TEST(Merge, ASharedRootBecomesOneComponent) {
  auto merged = merge({web(), web()}, {});
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ(merged->root.ref(), "generic:merged");
  EXPECT_EQ(merged->packages.size(), 3u);
  EXPECT_TRUE(merged->diagnostics.empty());
  EXPECT_TRUE(merged->orphans().empty());
}

TEST(Merge, Errors) {
  auto none = merge({}, {});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().message, "merge: no input documents");
  model::Document clash = doc("1", {testing::bare("", "merged", "")});
  auto collides = merge({clash}, {});
  ASSERT_FALSE(collides.ok());
  EXPECT_EQ(collides.error().code, util::ErrorCode::usage);
  EXPECT_EQ(collides.error().message,
            "merge: the new root \"generic:merged\" is also a component of input 1: choose another --name or "
            "--version");
}

}  // namespace
}  // namespace purser::diff
