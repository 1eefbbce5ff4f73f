#include "lib/util/hash.hpp"

#include <string>

#include <gtest/gtest.h>

using purser::util::Digest;
using purser::util::DigestAlgorithm;
using purser::util::sha256_hex;

namespace {

std::string digest_hex(DigestAlgorithm algorithm, std::string_view data) {
  Digest d(algorithm);
  d.update(data);
  return d.finish_hex();
}

}  // namespace

// FIPS 180-2 "abc" known answers.
TEST(Hash, KnownAnswers) {
  EXPECT_EQ(digest_hex(DigestAlgorithm::sha1, "abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(digest_hex(DigestAlgorithm::sha256, "abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(digest_hex(DigestAlgorithm::sha384, "abc"),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7");
  EXPECT_EQ(digest_hex(DigestAlgorithm::sha512, "abc"),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d442364"
            "3ce80e2a9ac94fa54ca49f");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Hash, IncrementalEqualsOneShot) {
  std::string data(100000, 'x');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 31);
  Digest d(DigestAlgorithm::sha256);
  for (std::size_t i = 0; i < data.size(); i += 777) d.update(std::string_view(data).substr(i, 777));
  EXPECT_EQ(d.finish_hex(), sha256_hex(data));
}

TEST(Hash, RawDigestLength) {
  Digest d(DigestAlgorithm::sha512);
  d.update("abc");
  EXPECT_EQ(d.finish().size(), 64u);
}
