#pragma once
// The servers the registry tests start on 127.0.0.1: Debian's docker-registry (distribution 2.8, anonymous, htpasswd
// basic auth or TLS) and the Python test servers (fault_server.py, mini_registry.py), plus small blob helpers.

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "lib/registry/reference.hpp"
#include "lib/util/hash.hpp"
#include "lib/util/result.hpp"
#include "tests/registry/test_process.hpp"

namespace purser::registry::testing {

inline constexpr const char* kRegistryUser = "purser-user";
inline constexpr const char* kRegistryPassword = "correct-horse-battery";

/// "sha256:<hex>" of `bytes`.
inline std::string digest_of(const std::string& bytes) { return "sha256:" + util::sha256_hex(bytes); }

/// A push_blob source reading `bytes` (which must outlive it).
inline std::function<util::Result<std::size_t>(char*, std::size_t)> reader(const std::string& bytes) {
  auto offset = std::make_shared<std::size_t>(0);
  return [&bytes, offset](char* out, std::size_t max) -> util::Result<std::size_t> {
    std::size_t n = std::min(max, bytes.size() - *offset);
    std::memcpy(out, bytes.data() + *offset, n);
    *offset += n;
    return n;
  };
}

// One registry process for a test suite.
struct RegistryServer {
  std::string dir;
  std::string host;  // "127.0.0.1:PORT"
  std::unique_ptr<Process> process;
  std::string skip_reason;

  void start(bool with_auth, bool with_tls = false) {
    if (!on_path("docker-registry")) {
      skip_reason = std::string("docker-registry") + " is not installed (Debian package docker-registry)";
      return;
    }
    dir = make_temp_dir();
    std::string auth;
    if (with_auth) {
      if (!on_path("htpasswd")) {
        skip_reason = "htpasswd is not installed (Debian package apache2-utils)";
        return;
      }
      std::string command =
          std::string("htpasswd -Bbn ") + kRegistryUser + " " + kRegistryPassword + " > " + dir + "/htpasswd";
      if (std::system(command.c_str()) != 0) {
        skip_reason = "htpasswd failed";
        return;
      }
      auth = "auth:\n  htpasswd:\n    realm: purser-test\n    path: " + dir + "/htpasswd\n";
    }
    std::string tls;
    if (with_tls) {
      // A self-signed certificate for 127.0.0.1; clients trust it only through ClientOptions::ca_file.
      std::string command =
          "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
          "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " +
          dir + "/key.pem -out " + dir + "/cert.pem 2>/dev/null";
      if (std::system(command.c_str()) != 0) {
        skip_reason = "openssl could not make a test certificate";
        return;
      }
      tls = "  tls:\n    certificate: " + dir + "/cert.pem\n    key: " + dir + "/key.pem\n";
    }
    int port = free_port();
    host = "127.0.0.1:" + std::to_string(port);
    write_text(dir + "/config.yml",
               "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n"
               "storage:\n  filesystem:\n    rootdirectory: " +
                   dir +
                   "/storage\n  delete:\n    enabled: true\n"
                   "http:\n  addr: " +
                   host + "\n" + tls + auth);
    process = std::make_unique<Process>(std::vector<std::string>{"docker-registry", "serve", dir + "/config.yml"},
                                        dir + "/registry.log");
    if (!process->running() || !wait_for_port(port, std::chrono::seconds(20)))
      skip_reason = "";  // a failure, not a skip: the registry is installed but did not start
  }
  void stop() {
    process.reset();
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }
  registry::Reference repo(const std::string& name, const std::string& tag = "latest") const {
    auto ref = registry::parse_reference(host + "/" + name + ":" + tag);
    EXPECT_TRUE(ref.ok()) << ref.error().message;
    return *ref;
  }
};

/// A Python test server from tests/registry/ (copied to a temp dir and started with it; it writes its port there).
struct PythonServer {
  std::string dir, host, skip_reason;
  std::unique_ptr<Process> process;

  void start(const std::string& script) {
    if (!on_path("python3")) {
      skip_reason = "python3 is not installed";
      return;
    }
    dir = make_temp_dir();
    std::filesystem::copy_file(std::string(PURSER_SOURCE_DIR) + "/tests/registry/" + script, dir + "/" + script);
    process =
        std::make_unique<Process>(std::vector<std::string>{"python3", dir + "/" + script, dir}, dir + "/server.log");
    for (int i = 0; i < 500 && !std::filesystem::exists(dir + "/port"); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    host = "127.0.0.1:" + read_text(dir + "/port");
  }
  void stop() {
    process.reset();
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }
};

}  // namespace purser::registry::testing
