#include "lib/registry/http.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "lib/util/strings.hpp"

namespace purser::registry::detail {
namespace {

// The write callback pauses the transfer once this much body is waiting for the reader.
constexpr std::size_t kHighWater = 1u << 20;

CURLM* multi(void* p) { return static_cast<CURLM*>(p); }
CURL* easy(void* p) { return static_cast<CURL*>(p); }

}  // namespace

Share::Share() : m_handle(curl_share_init()) {
  curl_share_setopt(
      m_handle, CURLSHOPT_LOCKFUNC, +[](CURL*, curl_lock_data data, curl_lock_access, void* self) {
        static_cast<Share*>(self)->m_locks[static_cast<std::size_t>(data) % 16].lock();
      });
  curl_share_setopt(
      m_handle, CURLSHOPT_UNLOCKFUNC, +[](CURL*, curl_lock_data data, void* self) {
        static_cast<Share*>(self)->m_locks[static_cast<std::size_t>(data) % 16].unlock();
      });
  curl_share_setopt(m_handle, CURLSHOPT_USERDATA, this);
  curl_share_setopt(m_handle, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt(m_handle, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
}

Share::~Share() { curl_share_cleanup(m_handle); }

Transfer::Transfer(const HttpSettings& settings, HttpRequest request)
    : m_request(std::move(request)), m_share(settings.share) {
  m_multi = curl_multi_init();
  m_easy = curl_easy_init();
  CURL* e = easy(m_easy);
  curl_easy_setopt(e, CURLOPT_URL, m_request.url.c_str());
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);  // redirects are followed by the client (auth stripping)
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, static_cast<long>(settings.timeout.count()));
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, static_cast<long>(settings.timeout.count()));
  curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(e, CURLOPT_USERAGENT, settings.user_agent.c_str());
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, m_error);
  if (!settings.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, settings.ca_file.c_str());
  if (m_share) curl_easy_setopt(e, CURLOPT_SHARE, m_share->handle());
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &Transfer::on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, this);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Transfer::on_write);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, this);
  curl_slist* list = nullptr;
  for (const std::string& h : m_request.headers) list = curl_slist_append(list, h.c_str());
  list = curl_slist_append(list, "Expect:");
  m_header_list = list;
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, list);
  if (m_request.method == "HEAD") {
    curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  } else if (m_request.method == "POST") {
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(m_request.body.size()));
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, m_request.body.data());
  } else if (m_request.method == "PUT") {
    if (!m_request.upload) {
      m_request.upload_size = m_request.body.size();
      m_request.upload = [this](char* out, std::size_t max) -> util::Result<std::size_t> {
        std::size_t n = std::min<std::size_t>(max, m_request.body.size() - m_uploaded);
        std::memcpy(out, m_request.body.data() + m_uploaded, n);
        return n;
      };
    }
    curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(m_request.upload_size));
    curl_easy_setopt(e, CURLOPT_READFUNCTION, &Transfer::on_read);
    curl_easy_setopt(e, CURLOPT_READDATA, this);
  }
  curl_multi_add_handle(multi(m_multi), e);
}

Transfer::~Transfer() {
  curl_multi_remove_handle(multi(m_multi), easy(m_easy));
  curl_easy_cleanup(easy(m_easy));  // before m_share goes

  curl_multi_cleanup(multi(m_multi));
  curl_slist_free_all(static_cast<curl_slist*>(m_header_list));
}

std::size_t Transfer::on_header(char* data, std::size_t size, std::size_t count, void* self_ptr) {
  auto* self = static_cast<Transfer*>(self_ptr);
  std::size_t n = size * count;
  std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {
    // A new response (after 1xx): "HTTP/1.1 200 OK".
    self->m_headers.clear();
    self->m_headers_done = false;
    self->m_status = 0;
    std::size_t space = line.find(' ');
    if (space != std::string_view::npos) {
      long code = 0;
      for (std::size_t i = space + 1; i < line.size() && std::isdigit(static_cast<unsigned char>(line[i])); ++i)
        code = code * 10 + (line[i] - '0');
      self->m_status = code;
    }
    return n;
  }
  std::string_view trimmed = util::trim(line);
  if (trimmed.empty()) {
    if (self->m_status >= 200) self->m_headers_done = true;
    return n;
  }
  std::size_t colon = trimmed.find(':');
  if (colon != std::string_view::npos)
    self->m_headers.emplace_back(util::to_lower(util::trim(trimmed.substr(0, colon))),
                                 std::string(util::trim(trimmed.substr(colon + 1))));
  return n;
}

std::size_t Transfer::on_write(char* data, std::size_t size, std::size_t count, void* self_ptr) {
  auto* self = static_cast<Transfer*>(self_ptr);
  std::size_t n = size * count;
  if (self->m_buffer.size() - self->m_buffer_pos >= kHighWater) {
    self->m_paused = true;
    return CURL_WRITEFUNC_PAUSE;
  }
  if (self->m_buffer_pos > 0 && self->m_buffer_pos >= self->m_buffer.size() / 2) {
    self->m_buffer.erase(0, self->m_buffer_pos);
    self->m_buffer_pos = 0;
  }
  self->m_buffer.append(data, n);
  return n;
}

std::size_t Transfer::on_read(char* data, std::size_t size, std::size_t count, void* self_ptr) {
  auto* self = static_cast<Transfer*>(self_ptr);
  self->m_upload_started = true;
  std::size_t max = size * count;
  std::uint64_t left = self->m_request.upload_size - self->m_uploaded;
  if (left == 0) return 0;
  max = static_cast<std::size_t>(std::min<std::uint64_t>(max, left));
  auto got = self->m_request.upload(data, max);
  if (!got.ok()) {
    self->m_upload_error = got.error();
    return CURL_READFUNC_ABORT;
  }
  if (*got == 0 || *got > max) {
    self->m_upload_error =
        util::make_error(util::ErrorCode::io, "upload source ended after " + std::to_string(self->m_uploaded) + " of " +
                                                  std::to_string(self->m_request.upload_size) + " bytes");
    return CURL_READFUNC_ABORT;
  }
  self->m_uploaded += *got;
  return *got;
}

void Transfer::pump() {
  int running = 0;
  curl_multi_perform(multi(m_multi), &running);
  int queued = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi(m_multi), &queued)) {
    if (msg->msg == CURLMSG_DONE) {
      m_done = true;
      m_result = msg->data.result;
    }
  }
  if (m_done) return;
  if (m_paused) return;  // the reader drains the buffer first
  if (m_buffer.size() > m_buffer_pos && m_headers_done) return;
  curl_multi_poll(multi(m_multi), nullptr, 0, 1000, nullptr);
}

bool Transfer::wait_headers() {
  // Once the headers are in, a failure in the body is the reader's to see.
  while (!m_headers_done && !m_done) pump();
  return m_headers_done;
}

std::optional<std::string> Transfer::header(std::string_view name) const {
  for (const auto& [key, value] : m_headers)
    if (key == name) return value;
  return std::nullopt;
}

std::vector<std::string> Transfer::headers(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [key, value] : m_headers)
    if (key == name) out.push_back(value);
  return out;
}

std::string Transfer::redirect_url() const {
  char* url = nullptr;
  curl_easy_getinfo(easy(m_easy), CURLINFO_REDIRECT_URL, &url);
  return url != nullptr ? std::string(url) : std::string();
}

util::Result<std::size_t> Transfer::read(char* buffer, std::size_t max) {
  for (;;) {
    std::size_t available = m_buffer.size() - m_buffer_pos;
    if (available > 0) {
      std::size_t n = std::min(available, max);
      std::memcpy(buffer, m_buffer.data() + m_buffer_pos, n);
      m_buffer_pos += n;
      if (m_buffer_pos == m_buffer.size()) {
        m_buffer.clear();
        m_buffer_pos = 0;
      }
      return n;
    }
    if (m_paused) {
      m_paused = false;
      curl_easy_pause(easy(m_easy), CURLPAUSE_CONT);  // may deliver the held data into the buffer at once
      continue;
    }
    if (m_done) {
      if (m_result != CURLE_OK) return util::make_error(util::ErrorCode::io, error_text());
      return std::size_t{0};
    }
    pump();
  }
}

std::string Transfer::read_rest(std::size_t cap) {
  std::string out;
  char chunk[16384];
  while (out.size() < cap) {
    auto n = read(chunk, sizeof chunk);
    if (!n.ok() || *n == 0) break;
    out.append(chunk, std::min(*n, cap - out.size()));
  }
  return out;
}

std::string Transfer::error_text() const {
  if (m_result == CURLE_OK) return {};
  if (m_upload_error) return m_upload_error->message;
  std::string text = m_error[0] != '\0' ? std::string(m_error) : curl_easy_strerror(static_cast<CURLcode>(m_result));
  while (!text.empty() && (text.back() == '\n' || text.back() == '.')) text.pop_back();
  // libcurl capitalises its messages; ours start lower-case, but acronyms ("SSL") stay.
  if (text.size() > 1 && std::isupper(static_cast<unsigned char>(text[0])) &&
      std::islower(static_cast<unsigned char>(text[1])))
    text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

bool Transfer::retryable_failure() const {
  switch (static_cast<CURLcode>(m_result)) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

}  // namespace purser::registry::detail
