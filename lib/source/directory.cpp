// Directory source: a parallel walk that keeps only the files a cataloger wants,
// so memory grows with the number of matches, not with the tree.

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

#include "lib/source/source.hpp"
#include "lib/util/file.hpp"
#include "lib/util/glob.hpp"

namespace purser::source {

using util::ErrorCode;
using util::make_error;

std::string join_relative(std::string_view from, std::string_view relative) {
  if (!relative.empty() && relative.front() == '/') return {};
  std::vector<std::string> parts;
  auto slash = from.rfind('/');
  std::string_view dir = slash == std::string_view::npos ? std::string_view{} : from.substr(0, slash);
  auto push_all = [&](std::string_view s) -> bool {
    std::size_t start = 0;
    while (start <= s.size()) {
      std::size_t pos = s.find('/', start);
      if (pos == std::string_view::npos) pos = s.size();
      std::string_view seg = s.substr(start, pos - start);
      start = pos + 1;
      if (seg.empty() || seg == ".") continue;
      if (seg == "..") {
        if (parts.empty()) return false;
        parts.pop_back();
        continue;
      }
      parts.emplace_back(seg);
    }
    return true;
  };
  if (!push_all(dir) || !push_all(relative)) return {};
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += '/';
    out += p;
  }
  return out;
}

util::Result<std::size_t> MemoryStream::read(char* buffer, std::size_t max) {
  std::size_t n = std::min(max, m_rest.size());
  std::memcpy(buffer, m_rest.data(), n);
  m_rest.remove_prefix(n);
  return n;
}

namespace {

// A file on disk, read with plain read(2) so a 2 GB binary streams through a small buffer.
class FdStream final : public ByteStream {
 public:
  FdStream(int fd, std::string path) : m_fd(fd), m_path(std::move(path)) {}
  ~FdStream() override { ::close(m_fd); }
  FdStream(const FdStream&) = delete;
  FdStream& operator=(const FdStream&) = delete;
  util::Result<std::size_t> read(char* buffer, std::size_t max) override {
    for (;;) {
      ssize_t n = ::read(m_fd, buffer, max);
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno != EINTR)
        return make_error(ErrorCode::io, std::string("cannot read: ") + std::strerror(errno), {m_path});
    }
  }

 private:
  int m_fd;
  std::string m_path;
};

class DirectorySource final : public Source {
 public:
  DirectorySource(std::string target, std::string root, std::string name, DirectoryOptions options)
      : m_target(std::move(target)), m_root(std::move(root)), m_name(std::move(name)), m_options(std::move(options)) {}

  std::string target() const override { return m_target; }
  std::string name() const override { return m_name; }

  std::vector<FileEntry> files(const PathFilter& want, std::vector<util::Diagnostic>& diagnostics) override {
    Walk walk{*this, want};
    walk.run(std::max(1u, m_options.threads));
    diagnostics.insert(diagnostics.end(), walk.diagnostics.begin(), walk.diagnostics.end());
    std::sort(walk.found.begin(), walk.found.end());
    return std::move(walk.found);
  }

  util::Result<std::string> read(std::string_view relative_path, std::uint64_t max_bytes) const override {
    if (relative_path.empty() || relative_path.front() == '/' || join_relative("", relative_path) != relative_path)
      return make_error(ErrorCode::io, "cannot read: path leaves the source root", {std::string(relative_path)});
    auto r = util::read_file(m_root + "/" + std::string(relative_path), max_bytes);
    if (!r.ok()) {
      util::Error e = r.error();
      e.location.path = std::string(relative_path);
      return e;
    }
    return r;
  }

  util::Result<std::string> condensed(std::string_view relative_path, CondenseFn condense) const override {
    std::string rel(relative_path);
    if (rel.empty() || rel.front() == '/' || join_relative("", rel) != rel)
      return make_error(ErrorCode::io, "cannot read: path leaves the source root", {rel});
    int fd = ::open((m_root + "/" + rel).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return make_error(ErrorCode::io, std::string("cannot open: ") + std::strerror(errno), {rel});
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      return make_error(ErrorCode::io, "cannot open: not a regular file", {rel});
    }
    FdStream stream(fd, rel);
    FileEntry entry{rel, static_cast<std::uint64_t>(st.st_size), static_cast<std::uint32_t>(st.st_mode & 07777)};
    return condense(stream, entry);
  }

 private:
  bool excluded(std::string_view rel) const {
    for (const auto& g : m_options.excludes) {
      if (util::glob_match(g, rel)) return true;
      // "--exclude dir/" and "./dir" style spellings: compare without the decoration.
      std::string_view gv = g;
      while (gv.size() >= 2 && gv.substr(0, 2) == "./") gv.remove_prefix(2);
      while (!gv.empty() && gv.back() == '/') gv.remove_suffix(1);
      if (gv != g && util::glob_match(gv, rel)) return true;
    }
    return false;
  }

  // Work queue of directories, drained by `threads` workers.
  struct Walk {
    Walk(const DirectorySource& s, const PathFilter& w) : self(s), want(w) {}
    const DirectorySource& self;
    const PathFilter& want;
    std::mutex mu;
    std::condition_variable cv;
    std::deque<std::string> queue{std::string()};
    unsigned busy = 0;
    std::vector<FileEntry> found;
    std::vector<util::Diagnostic> diagnostics;

    void run(unsigned threads) {
      std::vector<std::thread> pool;
      for (unsigned i = 1; i < threads; ++i) pool.emplace_back([this] { work(); });
      work();
      for (auto& t : pool) t.join();
    }

    void work() {
      std::vector<FileEntry> local_found;
      std::vector<std::string> local_dirs;
      for (;;) {
        std::string rel;
        {
          std::unique_lock lock(mu);
          cv.wait(lock, [&] { return !queue.empty() || busy == 0; });
          if (queue.empty()) break;
          rel = std::move(queue.front());
          queue.pop_front();
          ++busy;
        }
        local_dirs.clear();
        list(rel, local_found, local_dirs);
        {
          std::lock_guard lock(mu);
          for (auto& d : local_dirs) queue.push_back(std::move(d));
          --busy;
          if (!local_found.empty()) {
            found.insert(found.end(), std::make_move_iterator(local_found.begin()),
                         std::make_move_iterator(local_found.end()));
            local_found.clear();
          }
        }
        cv.notify_all();
      }
      cv.notify_all();
    }

    void list(const std::string& rel, std::vector<FileEntry>& out_files, std::vector<std::string>& out_dirs) {
      std::string abs = rel.empty() ? self.m_root : self.m_root + "/" + rel;
      DIR* d = ::opendir(abs.c_str());
      if (d == nullptr) {
        std::lock_guard lock(mu);
        diagnostics.push_back({util::Severity::warning,
                               std::string("cannot read directory: ") + std::strerror(errno),
                               {rel.empty() ? "." : rel}});
        return;
      }
      int dfd = ::dirfd(d);
      while (dirent* e = ::readdir(d)) {
        std::string_view nm = e->d_name;
        if (nm == "." || nm == "..") continue;
        std::string child = rel.empty() ? std::string(nm) : rel + "/" + std::string(nm);
        unsigned char type = e->d_type;
        std::uint64_t size = 0;
        if (type == DT_UNKNOWN) {
          struct stat st {};
          if (::fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
          type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_LNK;
        }
        if (type == DT_DIR) {
          if (nm == ".git" || self.excluded(child)) continue;
          out_dirs.push_back(std::move(child));
        } else if (type == DT_REG) {
          // Symlinks are not followed: they may point outside the tree or form loops.
          if (!want(child) || self.excluded(child)) continue;
          struct stat st {};
          std::uint32_t mode = 0;
          if (::fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
            size = static_cast<std::uint64_t>(st.st_size);
            mode = static_cast<std::uint32_t>(st.st_mode & 07777);
          }
          out_files.push_back({std::move(child), size, mode});
        }
      }
      ::closedir(d);
    }
  };

  std::string m_target;
  std::string m_root;
  std::string m_name;
  DirectoryOptions m_options;
};

}  // namespace

util::Result<std::unique_ptr<Source>> open_source(std::string_view target, const DirectoryOptions& options) {
  std::string path;
  if (target.substr(0, 4) == "dir:") {
    path = std::string(target.substr(4));
  } else {
    auto colon = target.find(':');
    std::string candidate(target);
    struct stat st {};
    if (colon != std::string_view::npos && colon > 1 && ::stat(candidate.c_str(), &st) != 0)
      return make_error(ErrorCode::usage, "unsupported target scheme: " + std::string(target.substr(0, colon)) +
                                              " (supported: dir:PATH or an existing directory)");
    path = candidate;
  }
  if (path.empty()) return make_error(ErrorCode::usage, "empty target path");
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return make_error(ErrorCode::io, std::string("cannot open target: ") + std::strerror(errno), {path});
  if (!S_ISDIR(st.st_mode)) return make_error(ErrorCode::usage, "cannot open target: not a directory", {path});
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  char* real = ::realpath(path.c_str(), nullptr);
  std::string resolved = real ? real : path;
  std::free(real);
  std::string name = resolved;
  if (auto slash = name.rfind('/'); slash != std::string::npos && slash + 1 < name.size())
    name = name.substr(slash + 1);
  if (name.empty() || name == "/") name = "root";
  return std::unique_ptr<Source>(std::make_unique<DirectorySource>("dir:" + path, path, std::move(name), options));
}

}  // namespace purser::source
