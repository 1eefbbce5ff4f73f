// npm-installed: which package.json files are package roots, package fields (scoped names, licence forms, authors,
// aliases, npm 6's _resolved/_integrity), needs as Node's lookup chain, edges across a nested node_modules tree,
// and diagnostics for malformed or incomplete files.

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "lib/catalog/npm/installed.hpp"
#include "lib/catalog/scan.hpp"
#include "lib/util/glob.hpp"
#include "tests/catalog/cataloger_tester.hpp"

using namespace purser;
using catalog::npm::installed_cataloger;
using catalog::npm::installed_package_dir;
using catalog::npm::parse_installed;
using catalog::testing::CatalogTester;

namespace {

CatalogTester manifest(std::string json, std::string path = "app/node_modules/demo/package.json") {
  CatalogTester t(&parse_installed);
  t.from_string(std::move(json), std::move(path));
  return t;
}

const catalog::Entry& only_entry(CatalogTester& t) {
  static const catalog::Entry none;
  const auto& r = t.result();
  EXPECT_EQ(r.entries.size(), 1u);
  return r.entries.empty() ? none : r.entries.front();
}

std::string license_of(const std::string& members) {
  auto t = manifest(R"({"name": "demo", "version": "1.0.0", )" + members + "}");
  return only_entry(t).package.license;
}

std::string supplier_of(const std::string& author) {
  auto t = manifest(R"({"name": "demo", "version": "1.0.0", "author": )" + author + "}");
  return only_entry(t).package.supplier;
}

bool glob_matches(const std::string& path) {
  for (auto g : installed_cataloger().globs)
    if (util::glob_match(g, path)) return true;
  return false;
}

// Parses every package.json of a tree the cataloger's globs select and assembles them as the scan driver does.
std::set<std::pair<std::string, std::string>> tree_edges(const std::map<std::string, std::string>& files,
                                                         model::Document* out_doc = nullptr) {
  catalog::NullResolver resolver;
  std::vector<catalog::ParseResult> results;
  for (const auto& [path, bytes] : files)
    if (glob_matches(path)) results.push_back(parse_installed(bytes, path, resolver));
  model::Document doc;
  doc.root.name = "root";
  doc.root.ecosystem = "directory";
  catalog::assemble(doc, std::move(results));
  std::map<std::string, std::string> labels;
  for (const auto& p : doc.packages) labels[p.ref()] = CatalogTester::label(p);
  labels[doc.root.ref()] = "ROOT";
  std::set<std::pair<std::string, std::string>> out;
  for (const auto& r : doc.relationships) out.insert({labels[r.from], labels[r.to]});
  if (out_doc != nullptr) *out_doc = std::move(doc);
  return out;
}

std::string pkg(const std::string& name, const std::string& version, const std::string& deps = "{}") {
  return R"({"name": ")" + name + R"(", "version": ")" + version + R"(", "dependencies": )" + deps + "}";
}

}  // namespace

TEST(NpmInstalled, PackageRootsOnly) {
  EXPECT_EQ(installed_package_dir("node_modules/a/package.json"), "node_modules/a");
  EXPECT_EQ(installed_package_dir("app/node_modules/@s/a/package.json"), "app/node_modules/@s/a");
  EXPECT_EQ(installed_package_dir("usr/lib/node_modules/npm/node_modules/semver/package.json"),
            "usr/lib/node_modules/npm/node_modules/semver");
  EXPECT_EQ(installed_package_dir("app/node_modules/a/node_modules/@s/b/node_modules/c/package.json"),
            "app/node_modules/a/node_modules/@s/b/node_modules/c");
  EXPECT_EQ(installed_package_dir("node_modules/.pnpm/a@1.0.0/node_modules/a/package.json"),
            "node_modules/.pnpm/a@1.0.0/node_modules/a");
  EXPECT_EQ(installed_package_dir("node_modules/.pnpm/node_modules/a/package.json"),
            "node_modules/.pnpm/node_modules/a");

  for (const char* rejected : {
           "app/package.json",                                          // the project, not an installed package
           "node_modules/package.json",                                 //
           "node_modules/a/lib/package.json",                           // a module-type marker inside a package
           "node_modules/@babel/runtime/helpers/esm/package.json",      //
           "node_modules/a/test/fixtures/node_modules/b/package.json",  // fixtures inside a package
           "node_modules/@s/package.json",                              // a scope is not a package
           "node_modules/@/a/package.json",                             //
           "node_modules/.bin/package.json",                            //
           "node_modules/.cache/x/package.json",                        //
           "node_modules/a/node_modules/package.json",                  //
           "node_modules/.pnpm/package.json",                           //
           "node_modules/.pnpm/a@1/package.json",                       //
           "node_modules/a/package.json.bak",                           //
           "package.json",                                              //
           "",
       })
    EXPECT_EQ(installed_package_dir(rejected), "") << rejected;
}

TEST(NpmInstalled, GlobsAndRegistration) {
  EXPECT_TRUE(glob_matches("node_modules/a/package.json"));
  EXPECT_TRUE(glob_matches("app/node_modules/@s/a/package.json"));
  EXPECT_TRUE(glob_matches("app/node_modules/a/node_modules/b/package.json"));
  EXPECT_FALSE(glob_matches("app/package.json"));
  EXPECT_FALSE(glob_matches("app/node_modules/a/lib/esm/package.json"));
  EXPECT_EQ(installed_cataloger().id, "npm-installed");
  EXPECT_EQ(installed_cataloger().ecosystem, "npm");
  EXPECT_EQ(installed_cataloger().tags, (std::vector<std::string_view>{"installed"}));
}

TEST(NpmInstalled, NonRootPackageJsonGivesNothing) {
  auto t = manifest(R"({"type": "module"})", "app/node_modules/a/esm/package.json");
  t.expect_packages({}).expect_no_diagnostics();
  EXPECT_EQ(t.result().link_scope, "");
  manifest("not json at all", "app/node_modules/a/test/package.json").expect_no_diagnostics();
}

TEST(NpmInstalled, ScopedPackage) {
  auto t = manifest(pkg("@babel/core", "7.24.0"), "app/node_modules/@babel/core/package.json");
  t.expect_packages({"@babel/core@7.24.0"}).expect_no_diagnostics();
  const auto& e = only_entry(t);
  EXPECT_EQ(e.package.purl, "pkg:npm/%40babel/core@7.24.0");
  EXPECT_EQ(e.package.ecosystem, "npm");
  EXPECT_EQ(e.package.property("purser:npm:alias"), "");
  EXPECT_EQ(e.package.locations, (std::vector<util::Location>{{"app/node_modules/@babel/core/package.json"}}));
  EXPECT_EQ(e.provides, (std::vector<std::string>{"app/node_modules/@babel/core"}));
  EXPECT_EQ(t.result().link_scope, "npm-installed");
}

TEST(NpmInstalled, NeedsFollowNodesLookupChain) {
  auto t = manifest(
      R"({"name": "b", "version": "1.0.0", "dependencies": {"c": "^1", "@s/d": "2"}, "devDependencies": {"jest": "*"}})",
      "app/node_modules/a/node_modules/@x/b/package.json");
  const auto& e = only_entry(t);
  ASSERT_EQ(e.needs.size(), 2u);
  EXPECT_EQ(e.needs[0].key, "app/node_modules/a/node_modules/@x/b/node_modules/c");
  EXPECT_EQ(e.needs[0].fallbacks,
            (std::vector<std::string>{"app/node_modules/a/node_modules/@x/node_modules/c",
                                      "app/node_modules/a/node_modules/c", "app/node_modules/c", "node_modules/c"}));
  EXPECT_FALSE(e.needs[0].optional);
  EXPECT_EQ(e.needs[1].key, "app/node_modules/a/node_modules/@x/b/node_modules/@s/d");
  EXPECT_EQ(e.needs[1].fallbacks.back(), "node_modules/@s/d");
}

TEST(NpmInstalled, OptionalAndPeerDependenciesAreOptional) {
  auto t = manifest(R"({"name": "demo", "version": "1.0.0",
    "dependencies": {"req": "1", "both": "1", "peer-too": "1"},
    "optionalDependencies": {"both": "1", "opt": "1"},
    "peerDependencies": {"peer": "1", "peer-too": "1"},
    "peerDependenciesMeta": {"peer": {"optional": true}}})",
                    "node_modules/demo/package.json");
  std::vector<std::pair<std::string, bool>> needs;
  for (const auto& n : only_entry(t).needs) needs.emplace_back(n.key, n.optional);
  EXPECT_EQ(needs, (std::vector<std::pair<std::string, bool>>{{"node_modules/demo/node_modules/req", false},
                                                              {"node_modules/demo/node_modules/both", true},
                                                              {"node_modules/demo/node_modules/peer-too", false},
                                                              {"node_modules/demo/node_modules/opt", true},
                                                              {"node_modules/demo/node_modules/peer", true}}));
}

TEST(NpmInstalled, EdgesResolveTheWayNodeDoes) {
  model::Document doc;
  auto edges = tree_edges(
      {
          {"app/package.json", pkg("bench-app", "1.0.0", R"({"express": "4"})")},
          {"app/node_modules/express/package.json", pkg("express", "4.19.2", R"({"debug": "2.6.9", "qs": "6"})")},
          {"app/node_modules/express/node_modules/debug/package.json", pkg("debug", "2.6.9", R"({"ms": "2.0.0"})")},
          {"app/node_modules/express/node_modules/ms/package.json", pkg("ms", "2.0.0")},
          {"app/node_modules/debug/package.json", pkg("debug", "4.3.4", R"({"ms": "2.1.2"})")},
          {"app/node_modules/ms/package.json", pkg("ms", "2.1.2")},
          {"app/node_modules/qs/package.json", pkg("qs", "6.11.0", R"({"@s/side": "1", "missing": "1"})")},
          {"app/node_modules/@s/side/package.json", pkg("@s/side", "1.0.0")},
          {"app/node_modules/express/lib/package.json", R"({"private": true})"},
          {"usr/lib/node_modules/npm/package.json", pkg("npm", "9.2.0", R"({"ms": "2"})")},
          {"usr/lib/node_modules/npm/node_modules/ms/package.json", pkg("ms", "2.1.3")},
      },
      &doc);
  EXPECT_EQ(edges, (std::set<std::pair<std::string, std::string>>{
                       {"ROOT", "express@4.19.2"},
                       {"ROOT", "debug@4.3.4"},
                       {"ROOT", "npm@9.2.0"},
                       {"express@4.19.2", "debug@2.6.9"},
                       {"express@4.19.2", "qs@6.11.0"},
                       {"debug@2.6.9", "ms@2.0.0"},
                       {"debug@4.3.4", "ms@2.1.2"},
                       {"qs@6.11.0", "@s/side@1.0.0"},
                       {"npm@9.2.0", "ms@2.1.3"},
                   }));
  EXPECT_TRUE(doc.orphans().empty());
  EXPECT_EQ(doc.packages.size(), 9u);
}

TEST(NpmInstalled, AliasKeepsThePackageJsonName) {
  auto t = manifest(pkg("string-width", "4.2.3"), "node_modules/string-width-cjs/package.json");
  const auto& e = only_entry(t);
  EXPECT_EQ(e.package.name, "string-width");
  EXPECT_EQ(e.package.purl, "pkg:npm/string-width@4.2.3");
  EXPECT_EQ(e.package.property("purser:npm:alias"), "string-width-cjs");
  EXPECT_EQ(e.provides, (std::vector<std::string>{"node_modules/string-width-cjs"}));

  auto scoped = manifest(pkg("wrap-ansi", "7.0.0"), "node_modules/@x/wrap-ansi/package.json");
  EXPECT_EQ(only_entry(scoped).package.property("purser:npm:alias"), "@x/wrap-ansi");
}

TEST(NpmInstalled, LicenseForms) {
  EXPECT_EQ(license_of(R"("license": "mit")"), "MIT");
  EXPECT_EQ(license_of(R"j("license": "(MIT OR Apache-2.0)")j"), "(MIT OR Apache-2.0)");
  EXPECT_EQ(license_of(R"("license": "SEE LICENSE IN LICENSE.txt")"), "SEE LICENSE IN LICENSE.txt");
  EXPECT_EQ(license_of(R"("license": {"type": "BSD-3-Clause", "url": "https://x"})"), "BSD-3-Clause");
  EXPECT_EQ(license_of(R"("licenses": [{"type": "MIT", "url": "https://x"}, {"type": "GPL-2.0-only"}])"),
            "MIT OR GPL-2.0-only");
  EXPECT_EQ(license_of(R"("licenses": [{"type": "MIT OR ISC"}, "Apache-2.0"])"), "(MIT OR ISC) OR Apache-2.0");
  EXPECT_EQ(license_of(R"("licenses": {"type": "ISC"})"), "ISC");
  EXPECT_EQ(license_of(R"("license": "MIT", "licenses": [{"type": "GPL-2.0-only"}])"), "MIT");
  EXPECT_EQ(license_of(R"("license": 42)"), "");
  EXPECT_EQ(license_of(R"("license": ["MIT"])"), "");
}

TEST(NpmInstalled, AuthorIsTheSupplier) {
  EXPECT_EQ(supplier_of(R"j("TJ Holowaychuk <tj@vision-media.ca> (http://tjholowaychuk.com)")j"), "TJ Holowaychuk");
  EXPECT_EQ(supplier_of(R"j("Sindre Sorhus (https://sindresorhus.com)")j"), "Sindre Sorhus");
  EXPECT_EQ(supplier_of(R"({"name": "Isaac Z. Schlueter", "email": "i@izs.me"})"), "Isaac Z. Schlueter");
  EXPECT_EQ(supplier_of(R"(["not", "valid"])"), "");
}

TEST(NpmInstalled, Npm6InstallFields) {
  auto t = manifest(R"({"name": "ms", "version": "2.1.2", "_resolved": "https://registry.npmjs.org/ms/-/ms-2.1.2.tgz",
    "_integrity": "sha1-0J0fNXtEP0kzgqjrPM0YOHKuYAk=", "_where": "/app"})");
  const auto& e = only_entry(t);
  EXPECT_EQ(e.package.property("purser:npm:resolved"), "https://registry.npmjs.org/ms/-/ms-2.1.2.tgz");
  EXPECT_EQ(e.package.hashes, (std::vector<model::Hash>{{"SHA-1", "d09d1f357b443f493382a8eb3ccd183872ae6009"}}));
}

TEST(NpmInstalled, RepeatedMembersKeepTheLast) {
  auto t = manifest(R"({"name": "x", "version": "1.0.0", "version": "2.0.0", "dependencies": {"a": "1"},
    "dependencies": {"b": "1"}})",
                    "node_modules/x/package.json");
  t.expect_packages({"x@2.0.0"}).expect_no_diagnostics();
  ASSERT_EQ(only_entry(t).needs.size(), 1u);
  EXPECT_EQ(only_entry(t).needs[0].key, "node_modules/x/node_modules/b");
}

TEST(NpmInstalled, MalformedJsonIsALocatedError) {
  manifest("{\n  \"name\": \"demo\",\n  \"version\": \"1.0.0\"\n  \"main\": \"index.js\"\n}\n")
      .expect_packages({})
      .expect_diagnostics({"app/node_modules/demo/package.json:4: invalid json: unexpected '\"', expected ',' or '}'"});
  manifest("{\"name\": \"demo\", \"version\": \"1.0.0\"} trailing")
      .expect_packages({})
      .expect_diagnostics({"app/node_modules/demo/package.json@37: invalid json: unexpected 't', expected end of "
                           "input"});
  manifest("").expect_packages({}).expect_diagnostics(
      {"app/node_modules/demo/package.json@0: invalid json: unexpected end of input, expected '{'"});
  manifest("[1, 2]").expect_packages({}).expect_diagnostics(
      {"app/node_modules/demo/package.json@0: invalid package.json: expected an object, found an array"});
}

TEST(NpmInstalled, MissingNameOrVersion) {
  auto t = manifest("{\n  \"version\": \"1.0.0\"\n}\n", "node_modules/@s/nameless/package.json");
  t.expect_packages({"@s/nameless@1.0.0"})
      .expect_diagnostics(
          {"node_modules/@s/nameless/package.json:1: invalid package.json: no \"name\", using the directory name"});
  EXPECT_EQ(only_entry(t).package.property("purser:npm:alias"), "");

  manifest("{\n  \"name\": \"demo\",\n  \"version\": 1\n}\n")
      .expect_packages({"demo"})
      .expect_diagnostics({"app/node_modules/demo/package.json:3: invalid package.json: \"version\" is a number"});
  manifest("{\"name\": \"demo\"}")
      .expect_packages({"demo"})
      .expect_diagnostics({"app/node_modules/demo/package.json@0: invalid package.json: no \"version\""});
}

TEST(NpmInstalled, ByteOrderMarkAndInvalidUtf8AreAccepted) {
  manifest("\xEF\xBB\xBF{\"name\": \"demo\", \"version\": \"1.0.0\", \"description\": \"caf\xE9\"}")
      .expect_packages({"demo@1.0.0"})
      .expect_no_diagnostics();
}
