#pragma once
// One HTTP exchange over libcurl's multi interface, pulled by the caller: headers first, then the body in
// caller-sized pieces without holding it in memory. Internal to purser_registry (client.cpp drives it).

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lib/util/result.hpp"

namespace purser::registry::detail {

/// libcurl's share object (DNS and TLS-session caches) with its locks. Held by every Transfer, so a blob stream
/// may outlive the client that opened it.
class Share {
 public:
  Share();
  ~Share();
  Share(const Share&) = delete;
  Share& operator=(const Share&) = delete;
  /// The CURLSH* handle.
  void* handle() const { return m_handle; }

 private:
  void* m_handle = nullptr;
  std::array<std::mutex, 16> m_locks;
};

/// Per-client transport settings.
struct HttpSettings {
  std::chrono::seconds timeout{30};
  std::string ca_file;
  std::string user_agent;
  std::shared_ptr<Share> share;
};

/// What to send. `method` "GET", "HEAD", "POST" or "PUT". A PUT body comes from `upload` (exactly `upload_size`
/// bytes) or from `body`; a POST body from `body`.
struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  ///< "Name: value"
  std::string body;
  std::function<util::Result<std::size_t>(char*, std::size_t)> upload;
  std::uint64_t upload_size = 0;
};

/// One request and its response. Not thread-safe; one per thread at a time.
class Transfer {
 public:
  Transfer(const HttpSettings& settings, HttpRequest request);
  ~Transfer();
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;

  /// Runs the exchange until a final status line and its headers arrived. False when the transport failed first
  /// (see error_text()).
  bool wait_headers();
  /// The final HTTP status (0 before the headers arrived).
  long status() const { return m_status; }
  /// First value of a header (name lower-case), if present.
  std::optional<std::string> header(std::string_view name) const;
  /// Every value of a header (name lower-case), in order.
  std::vector<std::string> headers(std::string_view name) const;
  /// Absolute URL a 3xx response points at ("" when none).
  std::string redirect_url() const;
  /// Body bytes, up to `max`; 0 at the end. Error (ErrorCode::io, message = the transport's reason) when the
  /// transfer failed.
  util::Result<std::size_t> read(char* buffer, std::size_t max);
  /// The rest of the body, at most `cap` bytes, ignoring transport errors (for error messages).
  std::string read_rest(std::size_t cap);
  /// Transport failure reason ("" when none).
  std::string error_text() const;
  /// True once the upload callback was called (the request can no longer be replayed).
  bool upload_started() const { return m_upload_started; }
  /// The upload callback's own error, when it failed.
  const std::optional<util::Error>& upload_error() const { return m_upload_error; }
  /// The transport failed in a way worth retrying (connection refused or reset, timeout, empty reply).
  bool retryable_failure() const;

 private:
  static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* self);
  static std::size_t on_write(char* data, std::size_t size, std::size_t count, void* self);
  static std::size_t on_read(char* data, std::size_t size, std::size_t count, void* self);
  void pump();

  HttpRequest m_request;
  std::shared_ptr<Share> m_share;
  void* m_multi = nullptr;
  void* m_easy = nullptr;
  void* m_header_list = nullptr;
  long m_status = 0;
  bool m_headers_done = false;
  std::vector<std::pair<std::string, std::string>> m_headers;
  std::string m_buffer;
  std::size_t m_buffer_pos = 0;
  bool m_paused = false;
  bool m_done = false;
  int m_result = 0;
  char m_error[256] = {};
  std::uint64_t m_uploaded = 0;
  bool m_upload_started = false;
  std::optional<util::Error> m_upload_error;
};

}  // namespace purser::registry::detail
