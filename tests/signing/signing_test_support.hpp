#pragma once
// Shared by the signing tests: fixture reads, the committed test-only keys, and golden-file comparison
// (STYLE 15; UPDATE_GOLDEN=1 rewrites instead of comparing).

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "signing/keys.hpp"

namespace purser::signing::testing {

inline std::filesystem::path fixture_path(const std::string& name) {
  return std::filesystem::path(PURSER_SOURCE_DIR) / "fixtures" / "signing" / name;
}

inline std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string fixture(const std::string& name) { return read_bytes(fixture_path(name)); }

/// A committed test-only private key (fixtures/signing/README.md); fails the test when it does not load.
inline PrivateKey test_private_key(const std::string& name, std::string_view passphrase = {}) {
  auto key = PrivateKey::from_pem(fixture(name), passphrase, name);
  if (!key.ok()) {
    ADD_FAILURE() << key.error().to_string();
    return PrivateKey::generate(KeyType::ed25519).value();
  }
  return std::move(key).value();
}

inline PublicKey test_public_key(const std::string& name) {
  auto key = PublicKey::from_pem(fixture(name), name);
  if (!key.ok()) {
    ADD_FAILURE() << key.error().to_string();
    return PublicKey();
  }
  return std::move(key).value();
}

/// Compares `actual` with fixtures/signing/<name> byte for byte; with UPDATE_GOLDEN=1 rewrites the file.
inline void expect_golden(const std::string& name, const std::string& actual) {
  std::filesystem::path path = fixture_path(name);
  const char* update = std::getenv("UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  ASSERT_TRUE(std::filesystem::exists(path)) << path << " is missing; run with UPDATE_GOLDEN=1 to create it";
  EXPECT_EQ(read_bytes(path), actual) << "output differs from " << path << "; review and run with UPDATE_GOLDEN=1";
}

}  // namespace purser::signing::testing
