#include "lib/model/license.hpp"

#include <string>

#include <gtest/gtest.h>

using purser::model::canonical_license_id;
using purser::model::check_license_expression;
using purser::model::is_spdx_exception_id;
using purser::model::is_spdx_license_id;
using purser::model::LicenseCheck;

namespace {

std::string norm(const char* expr) {
  LicenseCheck c = check_license_expression(expr);
  EXPECT_TRUE(c.valid) << expr << ": " << c.error;
  EXPECT_TRUE(c.error.empty());
  return c.normalized;
}

std::string err(const std::string& expr) {
  LicenseCheck c = check_license_expression(expr);
  EXPECT_FALSE(c.valid) << expr;
  EXPECT_TRUE(c.normalized.empty());
  EXPECT_TRUE(c.unknown.empty());
  return c.error;
}

}  // namespace

TEST(LicenseIds, KnownLicensesExactCase) {
  EXPECT_TRUE(is_spdx_license_id("MIT"));
  EXPECT_TRUE(is_spdx_license_id("Apache-2.0"));
  EXPECT_TRUE(is_spdx_license_id("0BSD"));
  EXPECT_TRUE(is_spdx_license_id("Zlib"));
  EXPECT_FALSE(is_spdx_license_id("mit"));
  EXPECT_FALSE(is_spdx_license_id("Not-A-License"));
  EXPECT_FALSE(is_spdx_license_id(""));
}

TEST(LicenseIds, CanonicalCase) {
  EXPECT_EQ(canonical_license_id("mit"), "MIT");
  EXPECT_EQ(canonical_license_id("APACHE-2.0"), "Apache-2.0");
  EXPECT_EQ(canonical_license_id("bsd-3-clause"), "BSD-3-Clause");
  EXPECT_EQ(canonical_license_id("unknown-thing"), "");
  // Exceptions are not licenses.
  EXPECT_EQ(canonical_license_id("LLVM-exception"), "");
}

TEST(LicenseIds, ExceptionsAreSeparatedFromLicenses) {
  for (const char* e : {"Classpath-exception-2.0", "LLVM-exception", "GCC-exception-3.1", "389-exception",
                        "Linux-syscall-note", "LLGPL", "SHL-2.0", "x11vnc-openssl-exception"}) {
    EXPECT_TRUE(is_spdx_exception_id(e)) << e;
    EXPECT_FALSE(is_spdx_license_id(e)) << e;
  }
  // Deprecated licenses whose ids contain the word "exception" stay licenses.
  for (const char* l : {"GPL-2.0-with-classpath-exception", "MPL-2.0-no-copyleft-exception",
                        "CAL-1.0-Combined-Work-Exception", "GPL-3.0-with-GCC-exception"}) {
    EXPECT_TRUE(is_spdx_license_id(l)) << l;
    EXPECT_FALSE(is_spdx_exception_id(l)) << l;
  }
  EXPECT_FALSE(is_spdx_exception_id("MIT"));
}

TEST(LicenseExpression, SimpleIds) {
  EXPECT_EQ(norm("MIT"), "MIT");
  EXPECT_EQ(norm("  mit  "), "MIT");
  EXPECT_EQ(norm("gpl-2.0+"), "GPL-2.0+");
  EXPECT_EQ(norm("GPL-2.0-or-later"), "GPL-2.0-or-later");
  EXPECT_TRUE(check_license_expression("MIT").single_id());
  EXPECT_TRUE(check_license_expression("GPL-2.0+").single_id());
  EXPECT_FALSE(check_license_expression("MIT OR ISC").single_id());
  EXPECT_FALSE(check_license_expression("(MIT)").single_id());
  EXPECT_FALSE(check_license_expression("").single_id());
}

TEST(LicenseExpression, OperatorsNormalized) {
  EXPECT_EQ(norm("mit or apache-2.0"), "MIT OR Apache-2.0");
  EXPECT_EQ(norm("MIT\tAnd\n ISC"), "MIT AND ISC");
  EXPECT_EQ(norm("(MIT OR Apache-2.0) AND BSD-3-Clause"), "(MIT OR Apache-2.0) AND BSD-3-Clause");
  EXPECT_EQ(norm("( mit or isc )and(bsd-2-clause)"), "(MIT OR ISC) AND (BSD-2-Clause)");
  EXPECT_EQ(norm("((MIT))"), "((MIT))");
  EXPECT_EQ(norm("MIT OR ISC AND Zlib OR 0BSD"), "MIT OR ISC AND Zlib OR 0BSD");
}

TEST(LicenseExpression, WithException) {
  EXPECT_EQ(norm("apache-2.0 with llvm-exception"), "Apache-2.0 WITH LLVM-exception");
  EXPECT_EQ(norm("GPL-2.0-only WITH Classpath-exception-2.0 OR MIT"),
            "GPL-2.0-only WITH Classpath-exception-2.0 OR MIT");
  EXPECT_EQ(norm("GPL-2.0+ WITH GCC-exception-3.1"), "GPL-2.0+ WITH GCC-exception-3.1");
  EXPECT_EQ(norm("LicenseRef-acme WITH Linux-syscall-note"), "LicenseRef-acme WITH Linux-syscall-note");
  LicenseCheck c = check_license_expression("MIT WITH Made-Up-exception");
  ASSERT_TRUE(c.valid);
  EXPECT_EQ(c.unknown, std::vector<std::string>{"Made-Up-exception"});
  // A license is not an exception.
  c = check_license_expression("Apache-2.0 WITH MIT");
  ASSERT_TRUE(c.valid);
  EXPECT_EQ(c.unknown, std::vector<std::string>{"MIT"});
}

TEST(LicenseExpression, LicenseRefs) {
  LicenseCheck c = check_license_expression("licenseref-Acme-1.0 OR DocumentRef-other:LicenseRef-x.y");
  ASSERT_TRUE(c.valid) << c.error;
  EXPECT_EQ(c.normalized, "LicenseRef-Acme-1.0 OR DocumentRef-other:LicenseRef-x.y");
  EXPECT_TRUE(c.unknown.empty());
  EXPECT_TRUE(check_license_expression("LicenseRef-a").single_id());
}

TEST(LicenseExpression, UnknownIds) {
  LicenseCheck c = check_license_expression("MIT OR Foo-1.0 AND foo-1.0 OR Bar");
  ASSERT_TRUE(c.valid);
  EXPECT_EQ(c.normalized, "MIT OR Foo-1.0 AND foo-1.0 OR Bar");
  EXPECT_EQ(c.unknown, (std::vector<std::string>{"Foo-1.0", "foo-1.0", "Bar"}));
  // An exception used as a license is unknown as a license.
  c = check_license_expression("LLVM-exception");
  ASSERT_TRUE(c.valid);
  EXPECT_EQ(c.unknown, std::vector<std::string>{"LLVM-exception"});
}

TEST(LicenseExpression, Errors) {
  EXPECT_EQ(err(""), "empty expression");
  EXPECT_EQ(err("   "), "empty expression");
  EXPECT_EQ(err("MIT AND"), "expected a license id at end of expression");
  EXPECT_EQ(err("OR MIT"), "expected a license id at offset 0, found 'OR'");
  EXPECT_EQ(err("MIT OR OR ISC"), "expected a license id at offset 7, found 'OR'");
  EXPECT_EQ(err("MIT ISC"), "expected AND, OR or WITH at offset 4, found 'ISC'");
  EXPECT_EQ(err("(MIT"), "unbalanced parentheses: '(' at offset 0 is not closed");
  EXPECT_EQ(err("MIT)"), "unexpected ')' at offset 3");
  EXPECT_EQ(err("()"), "expected a license id at offset 1, found ')'");
  EXPECT_EQ(err("(MIT ISC)"), "expected AND, OR, WITH or ')' at offset 5, found 'ISC'");
  EXPECT_EQ(err("MIT/ISC"), "unexpected character '/' at offset 3");
  EXPECT_EQ(err("MIT, ISC"), "unexpected character ',' at offset 3");
  EXPECT_EQ(err("Apache-2.0 WITH"), "expected a license exception id at end of expression");
  EXPECT_EQ(err("MIT WITH AND"), "expected a license exception id at offset 9, found 'AND'");
  EXPECT_EQ(err("(MIT OR ISC) WITH LLVM-exception"), "WITH at offset 13 must follow a single license id");
  EXPECT_EQ(err("MIT WITH LLVM-exception WITH LLVM-exception"), "expected AND, OR or WITH at offset 24, found 'WITH'");
  EXPECT_EQ(err("LicenseRef-"), "invalid license id 'LicenseRef-' at offset 0: empty or invalid LicenseRef idstring");
  EXPECT_EQ(err("LicenseRef-a+"), "invalid license id 'LicenseRef-a' at offset 0: '+' cannot follow a LicenseRef");
  EXPECT_EQ(err("DocumentRef-x"),
            "invalid license id 'DocumentRef-x' at offset 0: DocumentRef- must be followed by ':LicenseRef-'");
  EXPECT_EQ(err("DocumentRef-:LicenseRef-a"),
            "invalid license id 'DocumentRef-:LicenseRef-a' at offset 0: empty or invalid DocumentRef idstring");
  EXPECT_EQ(err("a:b"), "invalid license id 'a:b' at offset 0: ':' is only allowed after DocumentRef-");
  EXPECT_EQ(err("MIT WITH a:b"), "invalid license exception id 'a:b' at offset 9");
  EXPECT_EQ(err("MIT ++"), "unexpected character '+' at offset 4");
  EXPECT_EQ(err("MIT\xc3\xa9"), "unexpected character '\\xc3' at offset 3");
}

TEST(LicenseExpression, DepthLimit) {
  std::string ok = std::string(64, '(') + "MIT" + std::string(64, ')');
  EXPECT_TRUE(check_license_expression(ok).valid);
  std::string deep = std::string(65, '(') + "MIT" + std::string(65, ')');
  EXPECT_EQ(err(deep), "parentheses nested deeper than 64 levels");
  // A depth bomb must fail fast, without recursion proportional to its size.
  std::string bomb(1'000'000, '(');
  EXPECT_EQ(err(bomb), "parentheses nested deeper than 64 levels");
}

TEST(LicenseExpression, LongFlatExpression) {
  std::string expr = "MIT";
  for (int i = 0; i < 20000; ++i) expr += " OR X-" + std::to_string(i);
  LicenseCheck c = check_license_expression(expr);
  ASSERT_TRUE(c.valid);
  EXPECT_EQ(c.unknown.size(), 20000u);
}
