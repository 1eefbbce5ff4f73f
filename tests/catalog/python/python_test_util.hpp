#pragma once
// Helpers for the Python cataloger tests: reading the shared real-world lockfiles
// (skipped where PURSER_SHARED_DIR is absent) and a resolver over them.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <utility>

#include "lib/catalog/cataloger.hpp"
#include "lib/source/source.hpp"
#include "tests/catalog/cataloger_tester.hpp"

namespace purser::catalog::python::test_util {

using purser::catalog::testing::shared_lockfiles;
inline std::string slurp(const std::filesystem::path& p) { return purser::catalog::testing::read_bytes(p); }

/// Reads sibling files from a directory on disk (read-only, never written).
class DiskResolver final : public FileResolver {
 public:
  explicit DiskResolver(std::filesystem::path root) : m_root(std::move(root)) {}
  util::Result<std::string> read_relative(std::string_view from, std::string_view relative) const override {
    std::string joined = source::join_relative(from, relative);
    if (joined.empty() || !std::filesystem::is_regular_file(m_root / joined))
      return util::make_error(util::ErrorCode::io, "cannot read: No such file or directory", {joined});
    return slurp(m_root / joined);
  }

 private:
  std::filesystem::path m_root;
};

/// Calls `fn(relative_path, bytes)` for every shared lockfile whose name satisfies `want`;
/// returns the number of files visited.
inline std::size_t for_each_shared_file(const std::function<bool(const std::string&)>& want,
                                        const std::function<void(const std::string&, const std::string&)>& fn) {
  std::size_t n = 0;
  auto root = shared_lockfiles();
  std::set<std::filesystem::path> paths;  // sorted for stable output
  for (const auto& it : std::filesystem::recursive_directory_iterator(root))
    if (it.is_regular_file() && want(it.path().filename().string())) paths.insert(it.path());
  for (const auto& p : paths) {
    fn(std::filesystem::relative(p, root).generic_string(), slurp(p));
    ++n;
  }
  return n;
}

/// "name@version" of every [[package]] table in a TOML lockfile, read line by line (an
/// oracle independent of the parser under test; assumes name/version precede sub-tables).
inline std::multiset<std::string> toml_package_labels(const std::string& text) {
  std::multiset<std::string> out;
  std::istringstream lines(text);
  std::string line, name, version;
  bool in_package = false;
  auto flush = [&] {
    if (in_package && !name.empty()) out.insert(version.empty() ? name : name + "@" + version);
    name.clear();
    version.clear();
  };
  auto value = [](const std::string& l) {
    auto q1 = l.find('"'), q2 = l.rfind('"');
    return q1 == std::string::npos || q2 <= q1 ? std::string() : l.substr(q1 + 1, q2 - q1 - 1);
  };
  while (std::getline(lines, line)) {
    if (line.rfind("[[package]]", 0) == 0) {
      flush();
      in_package = true;
    } else if (!line.empty() && line[0] == '[' && line.rfind("[package.", 0) != 0) {
      flush();
      in_package = false;
    } else if (in_package && line.rfind("name = ", 0) == 0 && name.empty()) {
      name = value(line);
    } else if (in_package && line.rfind("version = ", 0) == 0 && version.empty()) {
      version = value(line);
    }
  }
  flush();
  return out;
}

}  // namespace purser::catalog::python::test_util
