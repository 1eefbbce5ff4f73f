#include "lib/util/file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace purser::util {

Result<std::string> read_file(const std::string& path, std::uint64_t max_bytes) {
  int fd = path == "-" ? 0 : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_error(ErrorCode::io, std::string("cannot read: ") + std::strerror(errno), {path});
  std::string out;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
      if (fd != 0) ::close(fd);
      return make_error(
          ErrorCode::io,
          "file too large: " + std::to_string(st.st_size) + " bytes exceeds the limit of " + std::to_string(max_bytes),
          {path});
    }
    out.reserve(static_cast<std::size_t>(st.st_size));
  } else if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    if (fd != 0) ::close(fd);
    return make_error(ErrorCode::io, "cannot read: is a directory", {path});
  }
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int saved = errno;
      if (fd != 0) ::close(fd);
      return make_error(ErrorCode::io, std::string("cannot read: ") + std::strerror(saved), {path});
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > max_bytes) {
      if (fd != 0) ::close(fd);
      return make_error(ErrorCode::io, "file too large: exceeds the limit of " + std::to_string(max_bytes) + " bytes",
                        {path});
    }
  }
  if (fd != 0) ::close(fd);
  return out;
}

Status write_file_atomic(const std::string& path, std::string_view bytes) {
  if (path == "-") {
    if (std::fwrite(bytes.data(), 1, bytes.size(), stdout) != bytes.size() || std::fflush(stdout) != 0)
      return make_error(ErrorCode::io, std::string("cannot write: ") + std::strerror(errno), {"<stdout>"});
    return Ok{};
  }
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return make_error(ErrorCode::io, std::string("cannot write: ") + std::strerror(errno), {path});
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int saved = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return make_error(ErrorCode::io, std::string("cannot write: ") + std::strerror(saved), {path});
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    int saved = errno;
    ::unlink(tmp.c_str());
    return make_error(ErrorCode::io, std::string("cannot write: ") + std::strerror(saved), {path});
  }
  return Ok{};
}

}  // namespace purser::util
