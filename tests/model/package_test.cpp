#include "lib/model/package.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

using purser::model::ComponentType;
using purser::model::Document;
using purser::model::Package;
using purser::model::Property;
using purser::model::Relationship;
using purser::model::RelationshipKind;
using purser::model::Scope;
using purser::util::Diagnostic;
using purser::util::Location;
using purser::util::Severity;

namespace {

Package pkg(std::string name, std::string version, std::string purl = {}) {
  Package p;
  p.name = std::move(name);
  p.version = std::move(version);
  p.purl = std::move(purl);
  p.ecosystem = "npm";
  return p;
}

}  // namespace

TEST(Enums, Spellings) {
  EXPECT_STREQ(to_string(Scope::required), "required");
  EXPECT_STREQ(to_string(Scope::optional), "optional");
  EXPECT_STREQ(to_string(Scope::dev), "dev");
  EXPECT_STREQ(to_string(ComponentType::library), "library");
  EXPECT_STREQ(to_string(ComponentType::application), "application");
  EXPECT_STREQ(to_string(ComponentType::framework), "framework");
  EXPECT_STREQ(to_string(ComponentType::container), "container");
  EXPECT_STREQ(to_string(ComponentType::operating_system), "operating-system");
  EXPECT_STREQ(to_string(ComponentType::file), "file");
}

TEST(PackageRef, PurlOrSynthetic) {
  EXPECT_EQ(pkg("a", "1", "pkg:npm/a@1").ref(), "pkg:npm/a@1");
  EXPECT_EQ(pkg("a", "1").ref(), "npm:a@1");
  EXPECT_EQ(pkg("a", "").ref(), "npm:a");
  Package g;
  g.name = "thing";
  EXPECT_EQ(g.ref(), "generic:thing");
}

TEST(PackageProperties, SortedUniqueAndLookup) {
  Package p = pkg("a", "1");
  p.add_property("purser:npm:resolved", "https://r/a");
  p.add_property("purser:npm:alias-of", "b");
  p.add_property("purser:npm:resolved", "https://r/a");  // duplicate dropped
  p.add_property("purser:npm:alias-of", "a");            // same name, different value kept
  EXPECT_EQ(p.properties,
            (std::vector<Property>{
                {"purser:npm:alias-of", "a"}, {"purser:npm:alias-of", "b"}, {"purser:npm:resolved", "https://r/a"}}));
  EXPECT_EQ(p.property("purser:npm:alias-of"), "a");
  EXPECT_EQ(p.property("purser:npm:resolved"), "https://r/a");
  EXPECT_EQ(p.property("missing"), "");
}

TEST(DocumentNormalize, SortsAndDeduplicates) {
  Document d;
  d.root = pkg("app", "1.0.0", "pkg:npm/app@1.0.0");
  d.root.locations = {{"b/package.json", 1}, {"a/package.json", 1}, {"a/package.json", 1}};
  Package b = pkg("b", "2", "pkg:npm/b@2");
  b.locations = {{"z.lock", 9}, {"a.lock", 3}, {"z.lock", 9}};
  b.properties = {{"y", "1"}, {"x", "2"}, {"y", "1"}};
  b.hashes = {{"SHA-512", "ff"}, {"SHA-1", "aa"}, {"SHA-512", "ff"}};
  d.packages = {b, pkg("a", "1", "pkg:npm/a@1")};
  d.relationships = {{"pkg:npm/app@1.0.0", "pkg:npm/b@2", RelationshipKind::depends_on},
                     {"pkg:npm/app@1.0.0", "pkg:npm/a@1", RelationshipKind::depends_on},
                     {"pkg:npm/app@1.0.0", "pkg:npm/b@2", RelationshipKind::depends_on}};
  d.diagnostics = {{Severity::warning, "z", {"b.lock", 2}},
                   {Severity::error, "y", {"a.lock", 5}},
                   {Severity::warning, "x", {"b.lock", 2}}};
  d.normalize();

  ASSERT_EQ(d.packages.size(), 2u);
  EXPECT_EQ(d.packages[0].ref(), "pkg:npm/a@1");
  EXPECT_EQ(d.packages[1].ref(), "pkg:npm/b@2");
  EXPECT_EQ(d.packages[1].locations, (std::vector<Location>{{"a.lock", 3}, {"z.lock", 9}}));
  EXPECT_EQ(d.packages[1].properties, (std::vector<Property>{{"x", "2"}, {"y", "1"}}));
  ASSERT_EQ(d.packages[1].hashes.size(), 2u);
  EXPECT_EQ(d.packages[1].hashes[0].algorithm, "SHA-1");
  EXPECT_EQ(d.root.locations, (std::vector<Location>{{"a/package.json", 1}, {"b/package.json", 1}}));
  EXPECT_EQ(d.relationships,
            (std::vector<Relationship>{{"pkg:npm/app@1.0.0", "pkg:npm/a@1"}, {"pkg:npm/app@1.0.0", "pkg:npm/b@2"}}));
  EXPECT_EQ(d.diagnostics, (std::vector<Diagnostic>{{Severity::error, "y", {"a.lock", 5}},
                                                    {Severity::warning, "x", {"b.lock", 2}},
                                                    {Severity::warning, "z", {"b.lock", 2}}}));
}

TEST(DocumentNormalize, Idempotent) {
  Document d;
  d.root = pkg("app", "1");
  d.packages = {pkg("c", "1"), pkg("a", "1"), pkg("b", "1")};
  d.relationships = {{"npm:app@1", "npm:c@1"}, {"npm:app@1", "npm:a@1"}};
  d.normalize();
  Document copy = d;
  copy.normalize();
  ASSERT_EQ(copy.packages.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(copy.packages[i].ref(), d.packages[i].ref());
  EXPECT_EQ(copy.relationships, d.relationships);
}

TEST(DocumentOrphans, ReachabilityFromRoot) {
  Document d;
  d.root = pkg("app", "1");
  d.packages = {pkg("a", "1"), pkg("b", "1"), pkg("c", "1"), pkg("d", "1")};
  d.relationships = {{"npm:app@1", "npm:a@1"},
                     {"npm:a@1", "npm:b@1"},
                     {"npm:b@1", "npm:a@1"},   // cycle is fine
                     {"npm:c@1", "npm:d@1"}};  // c and d hang off nothing reachable
  d.normalize();
  EXPECT_EQ(d.orphans(), (std::vector<std::string>{"npm:c@1", "npm:d@1"}));
  d.relationships.push_back({"npm:b@1", "npm:c@1", RelationshipKind::contains});
  EXPECT_TRUE(d.orphans().empty());
}

TEST(DocumentOrphans, EmptyDocument) {
  Document d;
  EXPECT_TRUE(d.orphans().empty());
}
