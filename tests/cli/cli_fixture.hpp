#pragma once
// The fixture every CLI test shares: a temp dir and a way to run the real purser binary.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace purser_test {

namespace fs = std::filesystem;

struct CmdResult {
  int code = -1;
  std::string out;
  std::string err;
};

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/purser-cli-XXXXXX";
    tmp = ::mkdtemp(tmpl);
  }
  void TearDown() override { fs::remove_all(tmp); }

  // Runs `purser ARGS` with NO_COLOR and a fixed SOURCE_DATE_EPOCH unless `env` overrides.
  CmdResult purser(const std::string& args, const std::string& env = "SOURCE_DATE_EPOCH=1700000000") {
    std::string err_file = tmp + "/stderr";
    std::string cmd = "cd " + std::string(PURSER_SOURCE_DIR) + " && env NO_COLOR=1 " + env + " " + PURSER_BINARY + " " +
                      args + " 2>" + err_file + (args.find('<') == std::string::npos ? " </dev/null" : "");
    CmdResult r;
    FILE* p = ::popen(cmd.c_str(), "r");
    char buf[65536];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
    int status = ::pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.err = slurp(err_file);
    return r;
  }
  static std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  void write(const std::string& rel, const std::string& bytes) {
    fs::path p = fs::path(tmp) / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << bytes;
  }
  std::string tmp;
};

}  // namespace purser_test
