// parse_reference: Docker Hub defaults, hosts with ports, digests, and refused references.

#include "lib/registry/reference.hpp"

#include <gtest/gtest.h>

using purser::registry::is_valid_digest;
using purser::registry::parse_reference;
using purser::registry::Reference;
using purser::util::ErrorCode;

namespace {

const std::string kHex(64, 'a');

struct Good {
  std::string text;
  Reference want;
  std::string canonical;
};

TEST(Reference, ParsesValidReferences) {
  const std::vector<Good> cases = {
      {"alpine",
       {"registry-1.docker.io", "library/alpine", "latest", ""},
       "registry-1.docker.io/library/alpine:latest"},
      {"alpine:3.19",
       {"registry-1.docker.io", "library/alpine", "3.19", ""},
       "registry-1.docker.io/library/alpine:3.19"},
      {"docker.io/x/y", {"registry-1.docker.io", "x/y", "latest", ""}, "registry-1.docker.io/x/y:latest"},
      {"docker.io/alpine",
       {"registry-1.docker.io", "library/alpine", "latest", ""},
       "registry-1.docker.io/library/alpine:latest"},
      {"index.docker.io/library/busybox:1",
       {"registry-1.docker.io", "library/busybox", "1", ""},
       "registry-1.docker.io/library/busybox:1"},
      {"user/app", {"registry-1.docker.io", "user/app", "latest", ""}, "registry-1.docker.io/user/app:latest"},
      {"localhost/app", {"localhost", "app", "latest", ""}, "localhost/app:latest"},
      {"localhost:5000/a/b/c:v1", {"localhost:5000", "a/b/c", "v1", ""}, "localhost:5000/a/b/c:v1"},
      {"127.0.0.1:5000/app", {"127.0.0.1:5000", "app", "latest", ""}, "127.0.0.1:5000/app:latest"},
      {"ghcr.io/o/r@sha256:" + kHex, {"ghcr.io", "o/r", "", "sha256:" + kHex}, "ghcr.io/o/r@sha256:" + kHex},
      {"ghcr.io/o/r:t@sha256:" + kHex, {"ghcr.io", "o/r", "t", "sha256:" + kHex}, "ghcr.io/o/r:t@sha256:" + kHex},
      {"Registry.Example.COM/a_b/c-d/e__f/g.h---i:Tag_1.0-x",
       {"Registry.Example.COM", "a_b/c-d/e__f/g.h---i", "Tag_1.0-x", ""},
       "Registry.Example.COM/a_b/c-d/e__f/g.h---i:Tag_1.0-x"},
      {"[::1]:5000/app:1", {"[::1]:5000", "app", "1", ""}, "[::1]:5000/app:1"},
  };
  for (const Good& c : cases) {
    auto got = parse_reference(c.text);
    ASSERT_TRUE(got.ok()) << c.text << ": " << got.error().message;
    EXPECT_EQ(*got, c.want) << c.text;
    EXPECT_EQ(got->to_string(), c.canonical) << c.text;
  }
}

TEST(Reference, RefusesBadReferences) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "image reference \"\": empty"},
      {"Alpine", "image reference \"Alpine\": repository name must be lowercase"},
      {"host.io/App", "image reference \"host.io/App\": repository name must be lowercase"},
      {"a:", "image reference \"a:\": tag \"\" is not valid"},
      {"a:-x", "image reference \"a:-x\": tag \"-x\" is not valid"},
      {"a:" + std::string(129, 't'),
       "image reference \"a:" + std::string(78, 't') + "...\": tag \"" + std::string(80, 't') + "...\" is not valid"},
      {"a@sha256:abc",
       "image reference \"a@sha256:abc\": digest \"sha256:abc\" is not sha256:<64 hex> or "
       "sha512:<128 hex>"},
      {"a@md5:" + std::string(32, '0'), "image reference \"a@md5:" + std::string(32, '0') + "\": digest \"md5:" +
                                            std::string(32, '0') + "\" is not sha256:<64 hex> or sha512:<128 hex>"},
      {"a//b", "image reference \"a//b\": repository path component \"\" is not valid"},
      {"a/-b", "image reference \"a/-b\": repository path component \"-b\" is not valid"},
      {"a/b.", "image reference \"a/b.\": repository path component \"b.\" is not valid"},
      {"a/b..c", "image reference \"a/b..c\": repository path component \"b..c\" is not valid"},
      {"host:port/a", "image reference \"host:port/a\": registry host \"host:port\" is not valid"},
      {"-bad.io/a", "image reference \"-bad.io/a\": registry host \"-bad.io\" is not valid"},
      {"host.io/", "image reference \"host.io/\": no repository name"},
      {"host.io:5000/", "image reference \"host.io:5000/\": no repository name"},
      {":tag", "image reference \":tag\": no repository name"},
      {"a b", "image reference \"a b\": repository path component \"a b\" is not valid"},
      {std::string(250, 'x'), "image reference \"" + std::string(80, 'x') +
                                  "...\": repository name longer than 255 characters"},  // with "library/"
      {"a/" + std::string(260, 'x'),
       "image reference \"a/" + std::string(78, 'x') + "...\": repository name longer than 255 characters"},
  };
  for (const auto& [text, message] : cases) {
    auto got = parse_reference(text);
    ASSERT_FALSE(got.ok()) << text;
    EXPECT_EQ(got.error().code, ErrorCode::usage) << text;
    EXPECT_EQ(got.error().message, message) << text;
  }
}

TEST(Reference, ValidDigests) {
  EXPECT_TRUE(is_valid_digest("sha256:" + kHex));
  EXPECT_TRUE(is_valid_digest("sha512:" + std::string(128, '0')));
  EXPECT_FALSE(is_valid_digest("sha256:" + std::string(64, 'A')));
  EXPECT_FALSE(is_valid_digest("sha256:" + std::string(63, 'a')));
  EXPECT_FALSE(is_valid_digest("sha512:" + kHex));
  EXPECT_FALSE(is_valid_digest(kHex));
}

}  // namespace
