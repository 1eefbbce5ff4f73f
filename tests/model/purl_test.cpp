#include "lib/model/purl.hpp"

#include <string>

#include <gtest/gtest.h>

using purser::model::pep503_normalize;
using purser::model::Purl;
using purser::model::purl_encode;

namespace {

Purl make(std::string type, std::string ns, std::string name, std::string version = {}) {
  Purl p;
  p.type = std::move(type);
  p.namespace_ = std::move(ns);
  p.name = std::move(name);
  p.version = std::move(version);
  return p;
}

std::string parse_error(const char* text) {
  auto r = Purl::parse(text);
  EXPECT_FALSE(r.ok()) << text;
  if (r.ok()) return {};
  EXPECT_EQ(r.error().code, purser::util::ErrorCode::parse);
  return r.error().message;
}

}  // namespace

TEST(Pep503, Normalizes) {
  EXPECT_EQ(pep503_normalize("Django_REST.framework"), "django-rest-framework");
  EXPECT_EQ(pep503_normalize("zope.interface"), "zope-interface");
  EXPECT_EQ(pep503_normalize("a__-._b"), "a-b");
  EXPECT_EQ(pep503_normalize("requests"), "requests");
  EXPECT_EQ(pep503_normalize(""), "");
}

TEST(PurlEncode, EncodesReservedCharacters) {
  EXPECT_EQ(purl_encode("a-b_c.d~e"), "a-b_c.d~e");
  EXPECT_EQ(purl_encode("@scope"), "%40scope");
  EXPECT_EQ(purl_encode("a b+c"), "a%20b%2Bc");
  EXPECT_EQ(purl_encode("1:2/3", ":"), "1:2%2F3");
  EXPECT_EQ(purl_encode("\xc3\xa9"), "%C3%A9");
}

TEST(PurlToString, NpmScoped) {
  EXPECT_EQ(make("npm", "@angular", "core", "16.2.0").to_string(), "pkg:npm/%40angular/core@16.2.0");
  EXPECT_EQ(make("npm", "", "lodash", "4.17.21").to_string(), "pkg:npm/lodash@4.17.21");
  // npm names keep their case (legacy packages such as JSONStream exist).
  EXPECT_EQ(make("npm", "", "JSONStream", "1.3.5").to_string(), "pkg:npm/JSONStream@1.3.5");
}

TEST(PurlToString, PypiPep503) {
  EXPECT_EQ(make("pypi", "", "Django_REST.framework", "3.14.0").to_string(), "pkg:pypi/django-rest-framework@3.14.0");
  EXPECT_EQ(make("PyPI", "", "Flask", "").to_string(), "pkg:pypi/flask");
}

TEST(PurlToString, GolangKeepsCase) {
  EXPECT_EQ(make("golang", "github.com/BurntSushi", "toml", "v1.3.2").to_string(),
            "pkg:golang/github.com/BurntSushi/toml@v1.3.2");
  EXPECT_EQ(make("golang", "github.com/Azure/azure-sdk-for-go/sdk", "azcore", "v1.9.0").to_string(),
            "pkg:golang/github.com/Azure/azure-sdk-for-go/sdk/azcore@v1.9.0");
  EXPECT_EQ(make("golang", "github.com/foo", "bar", "v0.0.0-20230101000000-abcdef123456+incompatible").to_string(),
            "pkg:golang/github.com/foo/bar@v0.0.0-20230101000000-abcdef123456%2Bincompatible");
}

TEST(PurlToString, CaseInsensitiveTypesLowerCase) {
  EXPECT_EQ(make("github", "Package-URL", "Purl-Spec", "244fd47").to_string(),
            "pkg:github/package-url/purl-spec@244fd47");
  EXPECT_EQ(make("deb", "Debian", "Curl", "7.50.3-1").to_string(), "pkg:deb/debian/curl@7.50.3-1");
}

TEST(PurlToString, VersionEncoding) {
  EXPECT_EQ(make("cargo", "", "serde", "1.0.0+build.5").to_string(), "pkg:cargo/serde@1.0.0%2Bbuild.5");
  EXPECT_EQ(make("deb", "debian", "bash", "1:5.2.15-2").to_string(), "pkg:deb/debian/bash@1:5.2.15-2");
  EXPECT_EQ(make("generic", "", "x", "1 2").to_string(), "pkg:generic/x@1%202");
}

TEST(PurlToString, QualifiersSortedAndEncoded) {
  Purl p = make("deb", "debian", "curl", "7.50.3-1");
  p.qualifiers["distro"] = "debian-12";
  p.qualifiers["arch"] = "amd64";
  p.qualifiers["empty"] = "";
  p.qualifiers["repository_url"] = "https://example.com/a b";
  EXPECT_EQ(p.to_string(),
            "pkg:deb/debian/curl@7.50.3-1?arch=amd64&distro=debian-12&repository_url=https://example.com/a%20b");
  // Keys are lower-cased and sorted as lower-cased.
  Purl q = make("generic", "", "x");
  q.qualifiers["b"] = "2";
  q.qualifiers["Arch"] = "1";
  EXPECT_EQ(q.to_string(), "pkg:generic/x?arch=1&b=2");
}

TEST(PurlToString, Subpath) {
  Purl p = make("golang", "github.com/foo", "bar", "v1.0.0");
  p.subpath = "/./cmd/../tool/";
  EXPECT_EQ(p.to_string(), "pkg:golang/github.com/foo/bar@v1.0.0#cmd/tool");
}

TEST(PurlParse, Components) {
  auto r = Purl::parse("pkg:npm/%40angular/core@16.2.0");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->type, "npm");
  EXPECT_EQ(r->namespace_, "@angular");
  EXPECT_EQ(r->name, "core");
  EXPECT_EQ(r->version, "16.2.0");

  r = Purl::parse("PKG:Deb/debian/curl@1:7.50%2B3?Arch=amd64&distro=&x=a%2Fb#sub/path");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->type, "deb");
  EXPECT_EQ(r->namespace_, "debian");
  EXPECT_EQ(r->name, "curl");
  EXPECT_EQ(r->version, "1:7.50+3");
  EXPECT_EQ(r->qualifiers.at("arch"), "amd64");
  EXPECT_EQ(r->qualifiers.at("x"), "a/b");
  EXPECT_EQ(r->subpath, "sub/path");
  EXPECT_EQ(r->to_string(), "pkg:deb/debian/curl@1:7.50%2B3?arch=amd64&x=a/b#sub/path");
}

TEST(PurlParse, UnencodedScopeAndSlashes) {
  auto r = Purl::parse("pkg://npm/@babel/core@7.0.0");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->namespace_, "@babel");
  EXPECT_EQ(r->name, "core");
  EXPECT_EQ(r->version, "7.0.0");
  r = Purl::parse("pkg:npm/@babel/core");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->namespace_, "@babel");
  EXPECT_EQ(r->version, "");
}

TEST(PurlParse, RoundTrips) {
  for (const char* s : {
           "pkg:npm/%40angular/core@16.2.0",
           "pkg:npm/lodash@4.17.21",
           "pkg:pypi/django-rest-framework@3.14.0",
           "pkg:golang/github.com/BurntSushi/toml@v1.3.2",
           "pkg:golang/golang.org/x/net@v0.0.0-20200202094626-16171245cfb2%2Bincompatible",
           "pkg:cargo/serde@1.0.0%2Bbuild.5",
           "pkg:deb/debian/bash@1:5.2.15-2?arch=amd64&distro=debian-12",
           "pkg:generic/x@1%202#a/b",
           "pkg:maven/org.apache.commons/commons-lang3@3.12.0?type=jar",
       }) {
    auto r = Purl::parse(s);
    ASSERT_TRUE(r.ok()) << s << ": " << r.error().message;
    EXPECT_EQ(r->to_string(), s);
  }
}

TEST(PurlParse, Malformed) {
  EXPECT_EQ(parse_error(""), "invalid purl: missing pkg: scheme");
  EXPECT_EQ(parse_error("npm/lodash@1"), "invalid purl: missing pkg: scheme");
  EXPECT_EQ(parse_error("pkg:"), "invalid purl: missing type");
  EXPECT_EQ(parse_error("pkg:lodash"), "invalid purl: missing type");
  EXPECT_EQ(parse_error("pkg:npm/"), "invalid purl: missing name");
  EXPECT_EQ(parse_error("pkg:npm/@1.0"), "invalid purl: missing name");
  EXPECT_EQ(parse_error("pkg:1npm/x"), "invalid purl: type starts with a digit");
  EXPECT_EQ(parse_error("pkg:n%70m/x"), "invalid purl: bad character in type");
  EXPECT_EQ(parse_error("pkg:npm/a%zz"), "invalid purl: bad escape in name");
  EXPECT_EQ(parse_error("pkg:npm/a%4"), "invalid purl: bad escape in name");
  EXPECT_EQ(parse_error("pkg:npm/%4/a"), "invalid purl: bad escape in namespace");
  EXPECT_EQ(parse_error("pkg:npm/a@1%"), "invalid purl: bad escape in version");
  EXPECT_EQ(parse_error("pkg:npm/a?x"), "invalid purl: qualifier without key or value");
  EXPECT_EQ(parse_error("pkg:npm/a?=1"), "invalid purl: qualifier without key or value");
  EXPECT_EQ(parse_error("pkg:npm/a?x=%g1"), "invalid purl: bad escape in qualifier");
  EXPECT_EQ(parse_error("pkg:npm/a#%"), "invalid purl: bad escape in subpath");
}
