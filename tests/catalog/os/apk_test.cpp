#include <gtest/gtest.h>

#include "lib/catalog/os/apk.hpp"
#include "tests/catalog/cataloger_tester.hpp"

namespace purser::catalog::os {
namespace {

using testing::CatalogTester;

const char* k_path = "lib/apk/db/installed";

// Hand-written, in the shape apk writes lib/apk/db/installed.
const char* k_db =
    "C:Q1aGVsbG8gd29ybGQgdGhpcyBpcyBub3Q=\n"  // 1
    "P:musl\n"
    "V:1.2.4_git20230717-r4\n"
    "A:x86_64\n"
    "S:383152\n"
    "I:622592\n"
    "T:the musl c library (libc) implementation\n"
    "U:https://musl.libc.org/\n"
    "L:MIT\n"
    "o:musl\n"
    "m:Timo Teras <timo.teras@example.org>\n"
    "t:1700000000\n"
    "c:0123456789abcdef0123456789abcdef01234567\n"
    "p:so:libc.musl-x86_64.so.1=1\n"
    "F:lib\n"
    "R:ld-musl-x86_64.so.1\n"
    "a:0:0:755\n"
    "Z:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
    "R:libc.musl-x86_64.so.1\n"
    "\n"           // 20
    "P:busybox\n"  // 21
    "V:1.36.1-r15\n"
    "A:x86_64\n"
    "L:GPL-2.0-only\n"
    "o:busybox\n"
    "D:so:libc.musl-x86_64.so.1 !busybox-extras\n"
    "p:cmd:sh=1.36.1-r15 /bin/sh\n"
    "F:bin\n"
    "R:busybox\n"
    "\n"              // 30
    "P:libcrypto3\n"  // 31
    "V:3.1.4-r5\n"
    "A:x86_64\n"
    "L:Apache-2.0\n"
    "o:openssl\n"
    "D:so:libc.musl-x86_64.so.1\n"
    "p:so:libcrypto.so.3=3\n"
    "F:usr/lib\n"
    "R:libcrypto.so.3\n"
    "\n"              // 40
    "P:ssl_client\n"  // 41
    "V:1.36.1-r15\n"
    "A:x86_64\n"
    "o:busybox\n"
    "D:so:libc.musl-x86_64.so.1 so:libcrypto.so.3 busybox>=1.36 cmd:sh missing-thing\n";

CatalogTester alpine() {
  CatalogTester t(&parse_apk_installed);
  t.from_string(k_db, k_path).with_file("etc/os-release", "ID=alpine\nVERSION_ID=3.19.1\n");
  return t;
}

TEST(Apk, Packages) {
  alpine()
      .expect_packages(
          {"musl@1.2.4_git20230717-r4", "busybox@1.36.1-r15", "libcrypto3@3.1.4-r5", "ssl_client@1.36.1-r15"})
      .expect_no_diagnostics();
}

TEST(Apk, PurlsAndFields) {
  auto t = alpine();
  EXPECT_EQ(t.package("musl@1.2.4_git20230717-r4").purl,
            "pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64&distro=alpine-3.19.1&upstream=musl");
  EXPECT_EQ(t.package("libcrypto3@3.1.4-r5").purl,
            "pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64&distro=alpine-3.19.1&upstream=openssl");
  auto musl = t.package("musl@1.2.4_git20230717-r4");
  EXPECT_EQ(musl.license, "MIT");
  EXPECT_EQ(musl.supplier, "Timo Teras");
  EXPECT_EQ(musl.ecosystem, "apk");
  EXPECT_EQ(musl.property("purser:apk:checksum"), "Q1aGVsbG8gd29ybGQgdGhpcyBpcyBub3Q=");
  EXPECT_EQ(musl.property("purser:apk:installed-size"), "622592");
  EXPECT_TRUE(musl.hashes.empty());
  EXPECT_EQ(musl.locations, (std::vector<util::Location>{{k_path, 1}}));
  EXPECT_EQ(t.package("libcrypto3@3.1.4-r5").property("purser:apk:origin"), "openssl");
  EXPECT_EQ(t.package("busybox@1.36.1-r15").locations, (std::vector<util::Location>{{k_path, 21}}));
}

TEST(Apk, OwnedFiles) {
  auto t = alpine();
  const auto& r = t.result();
  ASSERT_EQ(r.entries.size(), 4u);
  EXPECT_EQ(r.entries[0].owned_files,
            (std::vector<std::string>{"lib/ld-musl-x86_64.so.1", "lib/libc.musl-x86_64.so.1"}));
  EXPECT_EQ(r.entries[2].owned_files, (std::vector<std::string>{"usr/lib/libcrypto.so.3"}));
  EXPECT_TRUE(r.entries[3].owned_files.empty());
}

TEST(Apk, EdgesThroughProvides) {
  alpine().expect_edges({
      {"busybox@1.36.1-r15", "musl@1.2.4_git20230717-r4"},
      {"libcrypto3@3.1.4-r5", "musl@1.2.4_git20230717-r4"},
      {"ssl_client@1.36.1-r15", "musl@1.2.4_git20230717-r4"},
      {"ssl_client@1.36.1-r15", "libcrypto3@3.1.4-r5"},
      {"ssl_client@1.36.1-r15", "busybox@1.36.1-r15"},
  });
}

TEST(Apk, WithoutDistro) {
  CatalogTester t(&parse_apk_installed);
  t.from_string("P:a\nV:1-r0\nA:aarch64\n", k_path).expect_purls({"pkg:apk/alpine/a@1-r0?arch=aarch64&upstream=a"});
}

TEST(Apk, TokenNames) {
  EXPECT_EQ(apk_token_name("so:libc.musl-x86_64.so.1=1"), "so:libc.musl-x86_64.so.1");
  EXPECT_EQ(apk_token_name("busybox>=1.36"), "busybox");
  EXPECT_EQ(apk_token_name("name~1.2"), "name");
  EXPECT_EQ(apk_token_name("name<2"), "name");
  EXPECT_EQ(apk_token_name("name@edge"), "name");
  EXPECT_EQ(apk_token_name("!conflict"), "");
  EXPECT_EQ(apk_token_name(""), "");
}

TEST(Apk, MalformedInputGivesLocatedDiagnostics) {
  CatalogTester t(&parse_apk_installed);
  t.from_string(
       "P:good\nV:1\n"      // 1-2
       "not a field\n"      // 3
       "\n"                 // 4
       "V:2\nA:x86_64\n"    // 5-6
       "\n"                 // 7
       "P:noversion\n"      // 8
       "\n"                 // 9
       "\xff\xfe\x01\n"     // 10
       "P:truncated\nV:3",  // 11-12, no final newline
       k_path)
      .expect_packages({"good@1", "truncated@3"})
      .expect_diagnostics({
          "lib/apk/db/installed:3: invalid apk database: line is not 'K:value': 'not a field'",
          "lib/apk/db/installed:5: invalid apk database: package without a P: (name) line",
          "lib/apk/db/installed:8: invalid apk database: package 'noversion' has no V: (version) line",
          "lib/apk/db/installed:10: invalid apk database: line is not 'K:value': '\\xff\\xfe\\x01'",
      });
}

TEST(Apk, BinaryInputIsOneError) {
  CatalogTester t(&parse_apk_installed);
  t.from_string(std::string("\0\0\0", 3), k_path)
      .expect_diagnostics({"lib/apk/db/installed: invalid apk database: not a text file"});
}

}  // namespace
}  // namespace purser::catalog::os
