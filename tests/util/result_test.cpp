#include "lib/util/result.hpp"

#include <memory>
#include <string>

#include <gtest/gtest.h>

using purser::util::Diagnostic;
using purser::util::Error;
using purser::util::ErrorCode;
using purser::util::Location;
using purser::util::make_error;
using purser::util::Ok;
using purser::util::Result;
using purser::util::Severity;
using purser::util::Status;

namespace {

Result<int> half(int v) {
  if (v % 2 != 0) return make_error(ErrorCode::usage, "odd value: " + std::to_string(v), {"args", 0});
  return v / 2;
}

Result<int> quarter(int v) {
  PURSER_TRY_ASSIGN(h, half(v));
  PURSER_TRY_ASSIGN(q, half(h));
  return q;
}

}  // namespace

TEST(Location, ToString) {
  EXPECT_EQ((Location{"a.lock", 12}).to_string(), "a.lock:12");
  Location at_offset{"blob.bin"};
  at_offset.offset = 4096;
  EXPECT_EQ(at_offset.to_string(), "blob.bin@4096");
  at_offset.offset = 0;
  EXPECT_EQ(at_offset.to_string(), "blob.bin@0");
  EXPECT_EQ((Location{"plain"}).to_string(), "plain");
  Location both{"x", 3, 10};
  EXPECT_EQ(both.to_string(), "x:3");  // line wins over offset
  EXPECT_EQ((Location{}).to_string(), "");
}

TEST(Location, Ordering) {
  EXPECT_LT((Location{"a", 9}), (Location{"b", 1}));
  EXPECT_LT((Location{"a", 1}), (Location{"a", 2}));
  EXPECT_EQ((Location{"a", 1}), (Location{"a", 1}));
}

TEST(Error, ToString) {
  EXPECT_EQ(make_error(ErrorCode::parse, "invalid json: x", {"p.json", 4}).to_string(), "p.json:4: invalid json: x");
  EXPECT_EQ(make_error(ErrorCode::io, "cannot open").to_string(), "cannot open");
  Error e = make_error(ErrorCode::verify, "m");
  EXPECT_EQ(e.code, ErrorCode::verify);
}

TEST(Diagnostic, ToStringAndEquality) {
  Diagnostic d{Severity::warning, "unknown key: foo", {"Cargo.lock", 7}};
  EXPECT_EQ(d.to_string(), "Cargo.lock:7: unknown key: foo");
  EXPECT_EQ(d, (Diagnostic{Severity::warning, "unknown key: foo", {"Cargo.lock", 7}}));
  EXPECT_NE(d, (Diagnostic{Severity::error, "unknown key: foo", {"Cargo.lock", 7}}));
}

TEST(Result, ValueAndError) {
  Result<int> ok = half(8);
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(static_cast<bool>(ok));
  EXPECT_EQ(*ok, 4);
  EXPECT_EQ(ok.value(), 4);

  Result<int> bad = half(3);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::usage);
  EXPECT_EQ(bad.error().to_string(), "args: odd value: 3");
}

TEST(Result, TryAssignPropagates) {
  EXPECT_EQ(*quarter(8), 2);
  EXPECT_EQ(quarter(6).error().message, "odd value: 3");
  EXPECT_EQ(quarter(5).error().message, "odd value: 5");
}

TEST(Result, MoveOnlyAndArrow) {
  Result<std::unique_ptr<int>> r(std::make_unique<int>(7));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(**r, 7);
  std::unique_ptr<int> taken = std::move(r).value();
  EXPECT_EQ(*taken, 7);

  Result<std::string> s(std::string("abc"));
  EXPECT_EQ(s->size(), 3u);
  Status st = Ok{};
  EXPECT_TRUE(st.ok());
}
