#include "lib/util/glob.hpp"

#include <gtest/gtest.h>

using purser::util::glob_match;

TEST(Glob, BareNameMatchesLastSegment) {
  EXPECT_TRUE(glob_match("yarn.lock", "yarn.lock"));
  EXPECT_TRUE(glob_match("yarn.lock", "a/b/yarn.lock"));
  EXPECT_TRUE(glob_match("yarn.lock", "/abs/yarn.lock"));
  EXPECT_FALSE(glob_match("yarn.lock", "a/yarn.lock.bak"));
  EXPECT_FALSE(glob_match("yarn.lock", "yarn.lock/x"));
  EXPECT_TRUE(glob_match("*.txt", "req/dev.txt"));
  EXPECT_TRUE(glob_match("requirements*.txt", "requirements-dev.txt"));
}

TEST(Glob, DoubleStar) {
  EXPECT_TRUE(glob_match("**/yarn.lock", "yarn.lock"));
  EXPECT_TRUE(glob_match("**/yarn.lock", "a/b/c/yarn.lock"));
  EXPECT_TRUE(glob_match("**/node_modules/**", "node_modules/x/package.json"));
  EXPECT_TRUE(glob_match("**/node_modules/**", "a/node_modules/x"));
  EXPECT_FALSE(glob_match("**/node_modules/**", "a/node_modulesx/y"));
  EXPECT_TRUE(glob_match("src/**/*.go", "src/x.go"));
  EXPECT_TRUE(glob_match("src/**/*.go", "src/a/b/x.go"));
  EXPECT_FALSE(glob_match("src/**/*.go", "lib/a/x.go"));
  EXPECT_TRUE(glob_match("**", "anything/at/all"));
  EXPECT_TRUE(glob_match("a/**/**/b", "a/b"));
  EXPECT_TRUE(glob_match("a/**/**/b", "a/x/y/b"));
}

TEST(Glob, StarAndQuestionStayInSegment) {
  EXPECT_TRUE(glob_match("a/*/c", "a/b/c"));
  EXPECT_FALSE(glob_match("a/*/c", "a/b/x/c"));
  EXPECT_TRUE(glob_match("a/?.lock", "a/x.lock"));
  EXPECT_FALSE(glob_match("a/?.lock", "a/xy.lock"));
  EXPECT_FALSE(glob_match("a?b", "a/b"));
  EXPECT_TRUE(glob_match("*a*b*c", "xxaxxbxxc"));
  EXPECT_FALSE(glob_match("*a*b*c", "xxaxxbxxcx"));
  EXPECT_TRUE(glob_match("*", ""));
}

TEST(Glob, CharacterClasses) {
  EXPECT_TRUE(glob_match("[Pp]ipfile.lock", "Pipfile.lock"));
  EXPECT_TRUE(glob_match("[Pp]ipfile.lock", "pipfile.lock"));
  EXPECT_FALSE(glob_match("[Pp]ipfile.lock", "Xipfile.lock"));
  EXPECT_TRUE(glob_match("v[0-9]", "v7"));
  EXPECT_FALSE(glob_match("v[0-9]", "vx"));
  EXPECT_TRUE(glob_match("v[!0-9]", "vx"));
  EXPECT_FALSE(glob_match("v[^0-9]", "v1"));
  EXPECT_TRUE(glob_match("a[", "a["));  // unterminated class is a literal '['
}

TEST(Glob, RelativePrefixes) {
  EXPECT_TRUE(glob_match("./a/b.lock", "a/b.lock"));
  EXPECT_TRUE(glob_match("a/b.lock", "./a/b.lock"));
  EXPECT_TRUE(glob_match("a/b.lock", "/a/b.lock"));
  EXPECT_FALSE(glob_match("a/b.lock", "x/a/b.lock"));
}

TEST(Glob, PathologicalPatternsTerminate) {
  std::string pattern;
  for (int i = 0; i < 30; ++i) pattern += "**/";
  pattern += "x";
  std::string path;
  for (int i = 0; i < 40; ++i) path += "d/";
  path += "y";
  EXPECT_FALSE(glob_match(pattern, path));
  EXPECT_FALSE(glob_match(std::string(200, '*') + "b", std::string(2000, 'a')));
}
