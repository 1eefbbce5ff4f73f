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

// ---- evaluation against allow and deny lists ----

namespace {

using purser::model::LicenseDecision;
using purser::model::LicenseRules;
using purser::model::LicenseVerdict;

LicenseRules rules(std::vector<std::string> allow, std::vector<std::string> deny = {}) {
  LicenseRules r;
  for (const auto& a : allow) EXPECT_TRUE(r.allow(a).ok()) << a;
  for (const auto& d : deny) EXPECT_TRUE(r.deny(d).ok()) << d;
  return r;
}

LicenseVerdict verdict(const LicenseRules& r, const char* expression) { return r.evaluate(expression).verdict; }

}  // namespace

TEST(LicenseRules, OrNeedsOneAllowedBranch) {
  auto r = rules({"MIT", "Apache-2.0"});
  EXPECT_EQ(verdict(r, "MIT OR GPL-3.0-only"), LicenseVerdict::allowed);
  EXPECT_EQ(verdict(r, "GPL-3.0-only OR MIT"), LicenseVerdict::allowed);
  EXPECT_EQ(verdict(r, "GPL-3.0-only OR LGPL-2.1-only"), LicenseVerdict::not_allowed);
  auto d = r.evaluate("GPL-3.0-only OR LGPL-2.1-only");
  EXPECT_EQ(d.not_allowed, (std::vector<std::string>{"GPL-3.0-only", "LGPL-2.1-only"}));
  EXPECT_TRUE(d.denied.empty());
  EXPECT_EQ(d.reason, "not allowed: GPL-3.0-only, LGPL-2.1-only");
  EXPECT_EQ(d.expression, "GPL-3.0-only OR LGPL-2.1-only");
}

TEST(LicenseRules, AndNeedsEveryPart) {
  auto r = rules({"MIT", "Apache-2.0"});
  EXPECT_EQ(verdict(r, "MIT AND Apache-2.0"), LicenseVerdict::allowed);
  auto d = r.evaluate("MIT AND GPL-3.0-only");
  EXPECT_EQ(d.verdict, LicenseVerdict::not_allowed);
  EXPECT_EQ(d.not_allowed, std::vector<std::string>{"GPL-3.0-only"});
  EXPECT_EQ(d.reason, "not allowed: GPL-3.0-only");
  // Precedence: AND binds tighter than OR.
  EXPECT_EQ(verdict(r, "GPL-3.0-only AND ISC OR MIT"), LicenseVerdict::allowed);
  EXPECT_EQ(verdict(r, "GPL-3.0-only AND (ISC OR MIT)"), LicenseVerdict::not_allowed);
  EXPECT_EQ(verdict(r, "(MIT OR ISC) AND (Apache-2.0 OR GPL-3.0-only)"), LicenseVerdict::allowed);
}

TEST(LicenseRules, DeniedWhenEveryWayUsesADeniedLicense) {
  auto r = rules({}, {"GPL-3.0-only", "AGPL-3.0-only"});
  EXPECT_FALSE(r.has_allow_list());
  EXPECT_EQ(verdict(r, "MIT"), LicenseVerdict::allowed);  // no allow list: anything not denied
  EXPECT_EQ(verdict(r, "MIT OR GPL-3.0-only"), LicenseVerdict::allowed);
  auto d = r.evaluate("MIT AND GPL-3.0-only");
  EXPECT_EQ(d.verdict, LicenseVerdict::denied);
  EXPECT_EQ(d.denied, std::vector<std::string>{"GPL-3.0-only"});
  EXPECT_EQ(d.reason, "denied: GPL-3.0-only");
  d = r.evaluate("GPL-3.0-only OR AGPL-3.0-only");
  EXPECT_EQ(d.verdict, LicenseVerdict::denied);
  EXPECT_EQ(d.reason, "denied: GPL-3.0-only, AGPL-3.0-only");
}

TEST(LicenseRules, DeniedAndNotAllowedTogether) {
  auto r = rules({"MIT"}, {"GPL-3.0-only"});
  auto d = r.evaluate("GPL-3.0-only OR Foo-1.0");
  EXPECT_EQ(d.verdict, LicenseVerdict::not_allowed);  // Foo-1.0 avoids the deny list
  EXPECT_EQ(d.reason, "denied: GPL-3.0-only; not allowed: Foo-1.0");
  d = r.evaluate("GPL-3.0-only AND Foo-1.0");
  EXPECT_EQ(d.verdict, LicenseVerdict::denied);
  // Deny beats allow for the same license.
  auto both = rules({"MIT"}, {"MIT"});
  EXPECT_EQ(verdict(both, "MIT"), LicenseVerdict::denied);
}

TEST(LicenseRules, MatchingIsCaseInsensitiveAndNormalized) {
  auto r = rules({"mit", "apache-2.0", "LicenseRef-Acme"});
  EXPECT_EQ(r.allowed(), (std::vector<std::string>{"MIT", "Apache-2.0", "LicenseRef-Acme"}));
  EXPECT_EQ(verdict(r, "MIT"), LicenseVerdict::allowed);
  EXPECT_EQ(verdict(r, "Apache-2.0"), LicenseVerdict::allowed);
  EXPECT_EQ(verdict(r, "licenseref-acme"), LicenseVerdict::allowed);
  EXPECT_EQ(verdict(r, "LicenseRef-Other"), LicenseVerdict::not_allowed);
  EXPECT_EQ(r.evaluate("mit or isc").expression, "MIT OR ISC");
}

TEST(LicenseRules, OnlyAndBareGnuIdsAreTheSame) {
  auto r = rules({"GPL-2.0-only"});
  EXPECT_EQ(verdict(r, "GPL-2.0"), LicenseVerdict::allowed);
  EXPECT_EQ(verdict(r, "GPL-2.0-only"), LicenseVerdict::allowed);
  auto bare = rules({"GPL-2.0"});
  EXPECT_EQ(verdict(bare, "GPL-2.0-only"), LicenseVerdict::allowed);
  EXPECT_EQ(verdict(bare, "LGPL-2.0-only"), LicenseVerdict::not_allowed);
}

TEST(LicenseRules, OrLaterMeansAnyLaterVersion) {
  // The expression: one acceptable version suffices.
  auto v3 = rules({"GPL-3.0-only"});
  EXPECT_EQ(verdict(v3, "GPL-2.0-or-later"), LicenseVerdict::allowed);
  EXPECT_EQ(verdict(v3, "GPL-2.0+"), LicenseVerdict::allowed);
  EXPECT_EQ(verdict(v3, "GPL-2.0-only"), LicenseVerdict::not_allowed);
  EXPECT_EQ(verdict(v3, "LGPL-2.1-or-later"), LicenseVerdict::not_allowed);  // another family
  auto lgpl = rules({"LGPL-3.0-only"});
  EXPECT_EQ(verdict(lgpl, "LGPL-2.0+"), LicenseVerdict::allowed);
  auto mpl = rules({"MPL-2.0"});
  EXPECT_EQ(verdict(mpl, "MPL-1.1+"), LicenseVerdict::allowed);
  EXPECT_EQ(verdict(mpl, "MPL-1.1"), LicenseVerdict::not_allowed);
  // A deny of one version leaves the others.
  auto deny3 = rules({}, {"GPL-3.0-only"});
  EXPECT_EQ(verdict(deny3, "GPL-2.0-or-later"), LicenseVerdict::allowed);
  EXPECT_EQ(verdict(deny3, "GPL-3.0-or-later"), LicenseVerdict::denied);
  // The entry: "X-or-later" covers X and every later version, in any spelling.
  auto later = rules({"GPL-2.0-or-later"});
  for (const char* e : {"GPL-2.0-only", "GPL-2.0", "GPL-2.0+", "GPL-3.0-only", "GPL-3.0-or-later"})
    EXPECT_EQ(verdict(later, e), LicenseVerdict::allowed) << e;
  EXPECT_EQ(verdict(later, "GPL-1.0-only"), LicenseVerdict::not_allowed);
  EXPECT_EQ(verdict(later, "GPL-1.0+"), LicenseVerdict::allowed);  // may be taken as GPL-2.0
  auto deny_all_gpl = rules({}, {"GPL-1.0+"});
  EXPECT_EQ(verdict(deny_all_gpl, "GPL-3.0-only"), LicenseVerdict::denied);
  EXPECT_EQ(verdict(deny_all_gpl, "LGPL-3.0-only"), LicenseVerdict::allowed);
  // Licenses without a trailing version have nothing later.
  auto bsd = rules({"BSD-3-Clause"});
  EXPECT_EQ(verdict(bsd, "BSD-2-Clause+"), LicenseVerdict::not_allowed);
  EXPECT_EQ(verdict(bsd, "BSD-3-Clause+"), LicenseVerdict::allowed);
}

TEST(LicenseRules, WithExceptions) {
  // A bare entry covers the license with any exception (an exception only adds permissions).
  auto bare = rules({"GPL-2.0-only"});
  EXPECT_EQ(verdict(bare, "GPL-2.0-only WITH Classpath-exception-2.0"), LicenseVerdict::allowed);
  // An entry with WITH covers only that pair.
  auto pair = rules({"GPL-2.0-only WITH Classpath-exception-2.0"});
  EXPECT_EQ(pair.allowed(), std::vector<std::string>{"GPL-2.0-only WITH Classpath-exception-2.0"});
  EXPECT_EQ(verdict(pair, "GPL-2.0-only WITH classpath-exception-2.0"), LicenseVerdict::allowed);
  EXPECT_EQ(verdict(pair, "GPL-2.0 WITH Classpath-exception-2.0"), LicenseVerdict::allowed);
  EXPECT_EQ(verdict(pair, "GPL-2.0-only"), LicenseVerdict::not_allowed);
  EXPECT_EQ(verdict(pair, "GPL-2.0-only WITH GCC-exception-2.0"), LicenseVerdict::not_allowed);
  EXPECT_EQ(verdict(pair, "GPL-2.0-or-later WITH Classpath-exception-2.0"), LicenseVerdict::allowed);
  // The more specific entry wins: deny the license, allow it with one exception.
  auto mixed = rules({"MIT", "GPL-2.0-only WITH Classpath-exception-2.0"}, {"GPL-2.0-only"});
  EXPECT_EQ(verdict(mixed, "GPL-2.0-only WITH Classpath-exception-2.0"), LicenseVerdict::allowed);
  EXPECT_EQ(verdict(mixed, "GPL-2.0-only"), LicenseVerdict::denied);
  EXPECT_EQ(verdict(mixed, "GPL-2.0-only WITH GCC-exception-2.0"), LicenseVerdict::denied);
  auto d = mixed.evaluate("GPL-2.0-only WITH GCC-exception-2.0 AND MIT");
  EXPECT_EQ(d.denied, std::vector<std::string>{"GPL-2.0-only WITH GCC-exception-2.0"});
  // Deny with WITH: only that pair is denied.
  auto deny_pair = rules({}, {"GPL-2.0-only WITH Classpath-exception-2.0"});
  EXPECT_EQ(verdict(deny_pair, "GPL-2.0-only"), LicenseVerdict::allowed);
  EXPECT_EQ(verdict(deny_pair, "GPL-2.0-only WITH Classpath-exception-2.0"), LicenseVerdict::denied);
}

TEST(LicenseRules, UnknownLicenses) {
  auto r = rules({"MIT"});
  for (const char* none : {"", "   ", "NOASSERTION", "noassertion", "NONE"}) {
    LicenseDecision d = r.evaluate(none);
    EXPECT_EQ(d.verdict, LicenseVerdict::unknown) << none;
    EXPECT_EQ(d.reason, "no license declared") << none;
  }
  LicenseDecision d = r.evaluate("Apache License 2.0");
  EXPECT_EQ(d.verdict, LicenseVerdict::unknown);
  EXPECT_EQ(d.expression, "Apache License 2.0");
  EXPECT_EQ(d.reason, "not an SPDX expression: expected AND, OR or WITH at offset 7, found 'License'");
  // A well-formed id that is not on the SPDX list is just a license the lists do not name.
  EXPECT_EQ(verdict(r, "Foo-1.0"), LicenseVerdict::not_allowed);
  EXPECT_EQ(verdict(rules({}, {"GPL-3.0-only"}), "Foo-1.0"), LicenseVerdict::allowed);
  EXPECT_STREQ(to_string(LicenseVerdict::not_allowed), "not-allowed");
}

TEST(LicenseRules, EntryErrors) {
  LicenseRules r;
  auto st = r.allow("MIT OR ISC");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, purser::util::ErrorCode::parse);
  EXPECT_EQ(st.error().message,
            "invalid license 'MIT OR ISC': a list entry must be one license, optionally with '+' or WITH an exception");
  st = r.deny("(MIT)");
  ASSERT_TRUE(st.ok());  // parentheses around one license are still one license
  st = r.deny("GPL-2.0-only WITH");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message,
            "invalid license 'GPL-2.0-only WITH': expected a license exception id at end of expression");
  st = r.allow("");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "invalid license '': empty expression");
  EXPECT_FALSE(r.has_allow_list());
}

TEST(LicenseRules, LongExpressionsEvaluate) {
  std::string expr = "X-0";
  for (int i = 1; i < 5000; ++i) expr += " OR X-" + std::to_string(i);
  expr += " OR MIT";
  EXPECT_EQ(verdict(rules({"MIT"}), expr.c_str()), LicenseVerdict::allowed);
  std::string nested = std::string(64, '(') + "MIT AND ISC" + std::string(64, ')');
  EXPECT_EQ(verdict(rules({"MIT"}), nested.c_str()), LicenseVerdict::not_allowed);
}
