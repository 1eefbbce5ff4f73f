// OCI distribution-spec v1.1 client. Endpoints (spec §"Endpoints"): GET/HEAD /v2/<name>/manifests/<reference>,
// GET/HEAD /v2/<name>/blobs/<digest>, POST /v2/<name>/blobs/uploads/ then PUT <location>?digest= (monolithic
// upload, §"Pushing a blob monolithically"), PUT /v2/<name>/manifests/<reference>, GET /v2/<name>/tags/list and
// GET /v2/<name>/referrers/<digest> (§"Listing Referrers"). Authentication: RFC 7235 challenges and Docker's token
// protocol (distribution docs/spec/auth/token.md, oauth.md). Layout of this file: docs/specs/registry-client.md.

#include "lib/registry/client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <ctime>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "lib/registry/http.hpp"
#include "lib/util/file.hpp"
#include "lib/util/hash.hpp"
#include "lib/util/strings.hpp"

namespace purser::registry {

using detail::HttpRequest;
using detail::Transfer;

namespace {

constexpr std::uint64_t kMaxManifestBytes = 4u << 20;  // distribution's manifest size limit
constexpr std::size_t kMaxErrorBody = 64u << 10;
constexpr std::chrono::seconds kMaxRetryAfter{60};
constexpr std::chrono::seconds kMaxBackoff{30};
constexpr int kMaxRedirects = 10;

const std::vector<std::string> kManifestTypes = {
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
};

util::Error io_error(std::string message) { return util::make_error(util::ErrorCode::io, std::move(message)); }

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += sep;
    out += item;
  }
  return out;
}

// RFC 3986 §2.3 unreserved characters stay; everything else is percent-encoded.
std::string url_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

// "scheme://authority" of an absolute URL, lower-cased ("" when not absolute).
std::string origin_of(std::string_view url) {
  std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  std::size_t end = url.find_first_of("/?#", scheme + 3);
  return util::to_lower(url.substr(0, end));
}

std::string authority_of(std::string_view url) {
  std::string origin = origin_of(url);
  std::size_t scheme = origin.find("://");
  return scheme == std::string::npos ? std::string() : origin.substr(scheme + 3);
}

// Resolves a Location or Link target against the URL it came from.
std::string resolve_url(std::string_view base, std::string_view target) {
  if (target.starts_with("http://") || target.starts_with("https://")) return std::string(target);
  if (target.starts_with("/")) return origin_of(base) + std::string(target);
  std::string b(base.substr(0, base.find('?')));
  return b.substr(0, b.rfind('/') + 1) + std::string(target);
}

// RFC 8288 Link: <url>; rel="next".
std::string next_link(const std::vector<std::string>& links) {
  for (const std::string& value : links) {
    for (std::string_view part : util::split(value, ',')) {
      part = util::trim(part);
      if (!part.starts_with("<")) continue;
      std::size_t close = part.find('>');
      if (close == std::string_view::npos) continue;
      std::string params = util::to_lower(part.substr(close + 1));
      params.erase(std::remove(params.begin(), params.end(), ' '), params.end());
      if (params.find("rel=\"next\"") != std::string::npos || params.find("rel=next") != std::string::npos)
        return std::string(part.substr(1, close - 1));
    }
  }
  return {};
}

// Message from an OCI error body: {"errors":[{"code","message"}]} (distribution-spec §"Error Codes").
std::string server_message(const std::string& body) {
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
  std::vector<std::string> parts;
  if (!doc.is_discarded() && doc.is_object() && doc.contains("errors") && doc["errors"].is_array()) {
    for (const auto& e : doc["errors"]) {
      if (!e.is_object()) continue;
      std::string code = e.contains("code") && e["code"].is_string() ? e["code"].get<std::string>() : "";
      std::string message = e.contains("message") && e["message"].is_string() ? e["message"].get<std::string>() : "";
      if (!code.empty() || !message.empty()) parts.push_back(code.empty() ? message : code + ": " + message);
    }
  }
  if (parts.empty()) {
    std::string_view text = util::trim(body);
    if (text.empty() || !util::looks_like_text(text)) return {};
    return util::printable(text, 200);
  }
  return util::printable(join(parts, "; "), 200);
}

std::string media_type_of(const std::optional<std::string>& content_type) {
  if (!content_type) return {};
  std::string_view v = *content_type;
  return std::string(util::trim(v.substr(0, v.find(';'))));
}

util::DigestAlgorithm algorithm_of(std::string_view digest) {
  return digest.starts_with("sha512:") ? util::DigestAlgorithm::sha512 : util::DigestAlgorithm::sha256;
}

std::string digest_of(std::string_view bytes, util::DigestAlgorithm algorithm) {
  util::Digest d(algorithm);
  d.update(bytes);
  return (algorithm == util::DigestAlgorithm::sha512 ? "sha512:" : "sha256:") + d.finish_hex();
}

// Retry-After: delay-seconds or an HTTP-date (RFC 9110 §10.2.3), capped.
std::optional<std::chrono::milliseconds> retry_after(const std::optional<std::string>& value) {
  if (!value || value->empty()) return std::nullopt;
  std::chrono::seconds delay{0};
  if (std::all_of(value->begin(), value->end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    delay = std::chrono::seconds(value->size() > 6 ? 999999 : std::stol(*value));
  } else {
    time_t when = curl_getdate(value->c_str(), nullptr);
    if (when < 0) return std::nullopt;
    delay = std::chrono::seconds(std::max<long>(0, static_cast<long>(when - std::time(nullptr))));
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::min(delay, std::chrono::seconds(kMaxRetryAfter)));
}

}  // namespace

namespace detail {

/// What one logical request needs: where, how to authenticate, how to describe it in errors.
struct Call {
  std::string what;  // "manifest HOST/REPO:TAG": the subject of error messages
  std::string registry, repository;
  bool push = false;
  bool authenticate = true;  // false for token-server requests
  HttpRequest request;
};

}  // namespace detail

using detail::Call;

struct Client::Impl {
  ClientOptions options;
  std::optional<DockerConfig> config;
  detail::HttpSettings settings;

  struct Token {
    std::string header;
    std::chrono::steady_clock::time_point expires;
  };
  std::mutex auth_mutex;                          // guards the maps below
  std::map<std::string, Token> tokens;            // "registry scope" → bearer header
  std::map<std::string, std::string> basic;       // registry → basic header
  std::map<std::string, Challenge> bearer_realm;  // registry → its bearer challenge, to fetch tokens up front
  std::vector<std::string> secrets;               // never shown: scrubbed from server text
  std::mutex credentials_mutex;
  std::map<std::string, std::optional<Credentials>> credentials_cache;

  bool insecure(std::string_view host) const {
    std::string h = util::to_lower(host);
    return std::any_of(options.insecure_hosts.begin(), options.insecure_hosts.end(),
                       [&](const std::string& i) { return util::to_lower(i) == h; });
  }
  std::string base_url(const std::string& registry) const {
    return (insecure(registry) ? "http://" : "https://") + registry;
  }
  std::string repo_url(const Reference& ref) const { return base_url(ref.registry) + "/v2/" + ref.repository; }
  static std::string scope_of(const Call& call) {
    return "repository:" + call.repository + (call.push ? ":pull,push" : ":pull");
  }

  void remember_secret(const std::string& secret) {
    if (secret.size() < 4) return;
    std::lock_guard lock(auth_mutex);
    if (std::find(secrets.begin(), secrets.end(), secret) == secrets.end()) secrets.push_back(secret);
  }
  std::string scrub(std::string text) {
    std::lock_guard lock(auth_mutex);
    for (const std::string& secret : secrets) {
      for (std::size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at))
        text.replace(at, secret.size(), "***");
    }
    return text;
  }

  util::Result<std::optional<Credentials>> credentials_for(const std::string& registry) {
    if (options.credentials) return options.credentials;
    if (!config) return std::optional<Credentials>();
    std::lock_guard lock(credentials_mutex);
    if (auto it = credentials_cache.find(registry); it != credentials_cache.end()) return it->second;
    auto found = lookup_credentials(*config, registry);
    if (!found.ok()) return found.error();
    if (*found) {
      remember_secret((*found)->password);
      remember_secret((*found)->identity_token);
    }
    credentials_cache[registry] = *found;
    return found;
  }

  std::chrono::milliseconds backoff(unsigned attempt) const {
    auto delay = options.initial_backoff * (1u << std::min(attempt - 1, 16u));
    delay = std::min<std::chrono::milliseconds>(delay, kMaxBackoff);
    thread_local std::mt19937 rng{std::random_device{}()};
    std::uniform_int_distribution<long long> jitter(delay.count() / 2, delay.count());
    return std::chrono::milliseconds(jitter(rng));
  }

  util::Error http_error(const Call& call, const std::string& url, Transfer& transfer, unsigned attempts) {
    std::string message =
        call.what + ": " + call.request.method + " " + url + ": http status " + std::to_string(transfer.status());
    std::string detail = server_message(transfer.read_rest(kMaxErrorBody));
    if (!detail.empty()) message += " (" + scrub(detail) + ")";
    if (attempts > 1) message += ", gave up after " + std::to_string(attempts) + " attempts";
    return io_error(std::move(message));
  }

  // The Authorization header for a call: a cached token or basic header, or a token fetched up front when the
  // registry is known to want one.
  util::Result<std::string> authorization_for(const Call& call) {
    std::string key = call.registry + " " + scope_of(call);
    Challenge challenge;
    {
      std::lock_guard lock(auth_mutex);
      if (auto it = tokens.find(key); it != tokens.end() && it->second.expires > std::chrono::steady_clock::now())
        return it->second.header;
      if (auto it = basic.find(call.registry); it != basic.end()) return it->second;
      auto it = bearer_realm.find(call.registry);
      if (it == bearer_realm.end()) return std::string();
      challenge = it->second;
    }
    auto refreshed = fetch_token(call, challenge);
    if (!refreshed.ok()) return refreshed.error();
    return *refreshed;
  }

  // Answers a 401 challenge: stores a fresh token or basic header for the call.
  util::Status answer_challenge(const Call& call, Transfer& transfer) {
    std::string failed = "authentication failed for " + call.registry + ": ";
    std::optional<Challenge> bearer, basic_challenge;
    for (const std::string& value : transfer.headers("www-authenticate")) {
      auto parsed = parse_challenges(value);
      if (!parsed.ok()) return io_error(failed + parsed.error().message);
      for (Challenge& c : *parsed) {
        if (c.scheme == "bearer" && c.params.count("realm") != 0 && !bearer) bearer = c;
        if (c.scheme == "basic" && !basic_challenge) basic_challenge = c;
      }
    }
    if (bearer) {
      {
        std::lock_guard lock(auth_mutex);
        bearer_realm[call.registry] = *bearer;
      }
      auto token = fetch_token(call, *bearer);
      if (!token.ok()) return token.error();
      return util::Ok{};
    }
    if (basic_challenge) {
      auto credentials = credentials_for(call.registry);
      if (!credentials.ok()) return credentials.error();
      if (!*credentials || (*credentials)->username.empty())
        return io_error(failed + "the registry asks for credentials (basic) and none are configured");
      std::string header = "Basic " + util::base64_encode((*credentials)->username + ":" + (*credentials)->password);
      remember_secret(header.substr(6));
      std::lock_guard lock(auth_mutex);
      basic[call.registry] = header;
      return util::Ok{};
    }
    return io_error(failed + "http status 401 without a basic or bearer challenge");
  }

  // Docker token protocol: GET REALM?service=&scope= (basic auth when credentials exist), or the OAuth2
  // refresh-token POST when an identity token is configured; the answer has "token" or "access_token".
  util::Result<std::string> fetch_token(const Call& call, const Challenge& challenge) {
    std::string failed = "authentication failed for " + call.registry + ": ";
    std::string realm = challenge.params.at("realm");
    std::string realm_origin = origin_of(realm);
    if (realm_origin.empty()) return io_error(failed + "token realm is not an absolute url");
    if (!realm.starts_with("https://") &&
        !(realm.starts_with("http://") && (insecure(call.registry) || insecure(authority_of(realm)))))
      return io_error(failed + "token realm " + realm_origin + " is not https");
    auto credentials = credentials_for(call.registry);
    if (!credentials.ok()) return credentials.error();
    std::string scope = scope_of(call);
    std::string service = challenge.params.count("service") ? challenge.params.at("service") : "";
    Call token_call;
    token_call.what = "token for " + call.registry;
    token_call.registry = call.registry;
    token_call.authenticate = false;
    if (*credentials && !(*credentials)->identity_token.empty()) {
      token_call.request.method = "POST";
      token_call.request.url = realm;
      token_call.request.headers.push_back("Content-Type: application/x-www-form-urlencoded");
      token_call.request.body = "grant_type=refresh_token&client_id=" + url_encode(options.user_agent) +
                                "&service=" + url_encode(service) + "&scope=" + url_encode(scope) +
                                "&refresh_token=" + url_encode((*credentials)->identity_token);
    } else {
      token_call.request.url = realm + (realm.find('?') == std::string::npos ? "?" : "&") +
                               "service=" + url_encode(service) + "&scope=" + url_encode(scope);
      if (*credentials && !(*credentials)->username.empty()) {
        std::string b64 = util::base64_encode((*credentials)->username + ":" + (*credentials)->password);
        remember_secret(b64);
        token_call.request.headers.push_back("Authorization: Basic " + b64);
      }
    }
    auto transfer = send(token_call);
    if (!transfer.ok()) return io_error(failed + transfer.error().message);
    if ((*transfer)->status() != 200)
      return io_error(failed + "token server " + realm_origin + " answered http status " +
                      std::to_string((*transfer)->status()));
    std::string body = (*transfer)->read_rest(kMaxErrorBody);
    nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
    std::string token;
    if (!doc.is_discarded() && doc.is_object()) {
      for (const char* field : {"token", "access_token"})
        if (doc.contains(field) && doc[field].is_string() && token.empty()) token = doc[field].get<std::string>();
    }
    if (token.empty()) return io_error(failed + "token server " + realm_origin + " sent no token");
    remember_secret(token);
    long expires_in = 60;  // token.md: the default when "expires_in" is absent
    if (!doc.is_discarded() && doc.contains("expires_in") && doc["expires_in"].is_number_integer())
      expires_in = std::max<long>(doc["expires_in"].get<long>(), 10);
    Token entry{"Bearer " + token, std::chrono::steady_clock::now() + std::chrono::seconds(expires_in - 5)};
    std::lock_guard lock(auth_mutex);
    tokens[call.registry + " " + scope] = entry;
    return entry.header;
  }

  // Sends a call: authenticates (anonymous first, one answer per challenge), follows redirects (dropping
  // Authorization across hosts), retries 429/5xx/connection failures with backoff. Returns the transfer with its
  // headers read and any other status for the caller to judge.
  util::Result<std::unique_ptr<Transfer>> send(const Call& call) {
    bool answered = false;
    // Credentials go only to the origin they are for: the registry, or the token server a token call names.
    std::string trusted_origin = origin_of(call.authenticate ? base_url(call.registry) : call.request.url);
    for (unsigned attempt = 1;; ++attempt) {
      std::string authorization;
      if (call.authenticate) {
        auto found = authorization_for(call);
        if (!found.ok()) return found.error();
        authorization = *found;
      }
      std::string url = call.request.url;
      bool same_origin = origin_of(url) == trusted_origin;
      bool transport_retry = false;
      std::unique_ptr<Transfer> transfer;
      for (int redirects = 0;; ++redirects) {
        HttpRequest request = call.request;
        request.url = url;
        if (!same_origin)
          std::erase_if(request.headers,
                        [](const std::string& h) { return util::to_lower(h).starts_with("authorization:"); });
        if (!authorization.empty() && same_origin) request.headers.push_back("Authorization: " + authorization);
        transfer = std::make_unique<Transfer>(settings, std::move(request));
        if (!transfer->wait_headers()) {
          if (transfer->upload_error()) return *transfer->upload_error();
          if (transfer->retryable_failure() && attempt < options.max_attempts && !transfer->upload_started()) {
            transport_retry = true;
            break;
          }
          std::string message = call.what + ": " + call.request.method + " " + url + ": " + transfer->error_text();
          if (attempt > 1) message += ", gave up after " + std::to_string(attempt) + " attempts";
          return io_error(std::move(message));
        }
        long status = transfer->status();
        bool redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
        if (!redirect || call.request.method == "PUT" || call.request.method == "POST") break;
        std::string target = transfer->redirect_url();
        if (target.empty()) break;
        if (redirects >= kMaxRedirects) return io_error(call.what + ": " + url + ": more than 10 redirects");
        target = resolve_url(url, target);
        if (target.starts_with("http://") && url.starts_with("https://"))
          return io_error(call.what + ": " + url + ": redirect from https to plain http refused");
        url = target;
        same_origin = origin_of(url) == trusted_origin;
      }
      if (transport_retry) {
        std::this_thread::sleep_for(backoff(attempt));
        continue;
      }
      long status = transfer->status();
      if (status == 401 && call.authenticate && same_origin) {
        if (answered)
          return io_error("authentication failed for " + call.registry + ": the registry refused the " +
                          (authorization.starts_with("Basic") ? "credentials" : "token") + " (http status 401)");
        answered = true;
        auto status_ok = answer_challenge(call, *transfer);
        if (!status_ok.ok()) return status_ok.error();
        --attempt;  // answering a challenge is not a retry
        continue;
      }
      bool transient = status == 429 || (status >= 500 && status != 501 && status != 505);
      if (transient && attempt < options.max_attempts && !transfer->upload_started()) {
        auto delay = backoff(attempt);
        if (status == 429 || status == 503) {
          if (auto after = retry_after(transfer->header("retry-after"))) delay = *after;
        }
        std::this_thread::sleep_for(delay);
        continue;
      }
      if (transient) return http_error(call, url, *transfer, attempt);
      return transfer;
    }
  }

  Call make_call(std::string what, const Reference& ref, std::string method, std::string url, bool push = false) {
    Call call;
    call.what = std::move(what);
    call.registry = ref.registry;
    call.repository = ref.repository;
    call.push = push;
    call.request.method = std::move(method);
    call.request.url = std::move(url);
    return call;
  }
};

namespace {

// Streams a blob body while hashing and counting it (OCI image-spec descriptor §"Digests": verify before use). A
// broken connection is resumed from the bytes already passed on: "Range: bytes=N-" (RFC 9110 §14.2) answered by 206,
// or by 200 from a server that ignores ranges, whose first N bytes are skipped.
class RegistryBlobStream final : public BlobStream {
 public:
  RegistryBlobStream(std::shared_ptr<Client::Impl> impl, Call call, std::unique_ptr<Transfer> transfer,
                     std::string digest, std::uint64_t size)
      : m_impl(std::move(impl)),
        m_call(std::move(call)),
        m_transfer(std::move(transfer)),
        m_digest(std::move(digest)),
        m_size(size),
        m_hash(algorithm_of(m_digest)) {}

  util::Result<std::size_t> read(char* buffer, std::size_t max) override {
    if (m_error) return *m_error;
    if (m_finished) return std::size_t{0};
    for (;;) {
      auto n = m_transfer->read(buffer, max);
      if (!n.ok()) {
        if (!m_transfer->retryable_failure() || m_attempts >= m_impl->options.max_attempts) {
          std::string why = "transfer from " + m_call.registry + " failed after " + std::to_string(m_received) +
                            " bytes: " + n.error().message;
          if (m_attempts > 1) why += ", gave up after " + std::to_string(m_attempts) + " attempts";
          return fail(util::ErrorCode::io, why);
        }
        ++m_attempts;
        std::this_thread::sleep_for(m_impl->backoff(m_attempts - 1));
        auto resumed = resume();
        if (!resumed.ok()) {
          m_error = resumed.error();
          return *m_error;
        }
        continue;
      }
      std::size_t got = *n;
      if (got > 0 && m_skip > 0) {
        std::size_t skipped = static_cast<std::size_t>(std::min<std::uint64_t>(got, m_skip));
        m_skip -= skipped;
        got -= skipped;
        if (got == 0) continue;
        std::memmove(buffer, buffer + skipped, got);
      } else if (got == 0 && m_skip > 0) {
        return fail(util::ErrorCode::io,
                    "resumed transfer from " + m_call.registry + " ended before byte " + std::to_string(m_received));
      }
      return accept(buffer, got);
    }
  }

 private:
  util::Result<std::size_t> accept(const char* buffer, std::size_t n) {
    if (n > 0) {
      m_received += n;
      if (m_size != 0 && m_received > m_size)
        return fail(util::ErrorCode::verify,
                    "the registry sent more than the declared " + std::to_string(m_size) + " bytes");
      m_hash.update(std::string_view(buffer, n));
      return n;
    }
    if (m_size != 0 && m_received < m_size)
      return fail(util::ErrorCode::io, "transfer from " + m_call.registry + " ended after " +
                                           std::to_string(m_received) + " of " + std::to_string(m_size) + " bytes");
    std::string got = m_digest.substr(0, m_digest.find(':') + 1) + m_hash.finish_hex();
    if (got != m_digest) return fail(util::ErrorCode::verify, "content digest " + got + " does not match");
    m_finished = true;
    return std::size_t{0};
  }

  util::Status resume() {
    Call call = m_call;
    if (m_received > 0) call.request.headers.push_back("Range: bytes=" + std::to_string(m_received) + "-");
    auto transfer = m_impl->send(call);
    if (!transfer.ok()) return transfer.error();
    long status = (*transfer)->status();
    if (status == 206) {
      std::string range = (*transfer)->header("content-range").value_or("");
      if (!range.starts_with("bytes " + std::to_string(m_received) + "-"))
        return util::make_error(util::ErrorCode::io, "blob " + m_digest + ": resumed transfer from " + m_call.registry +
                                                         " sent range \"" + util::printable(range) + "\"");
      m_skip = 0;
    } else if (status == 200) {
      m_skip = m_received;
    } else {
      return m_impl->http_error(call, call.request.url, **transfer, 1);
    }
    m_transfer = std::move(transfer).value();
    return util::Ok{};
  }

  util::Error fail(util::ErrorCode code, const std::string& why) {
    m_error = util::make_error(code, "blob " + m_digest + ": " + why);
    return *m_error;
  }

  std::shared_ptr<Client::Impl> m_impl;
  Call m_call;
  std::unique_ptr<Transfer> m_transfer;
  std::string m_digest;
  std::uint64_t m_size;
  util::Digest m_hash;
  std::uint64_t m_received = 0;
  std::uint64_t m_skip = 0;  // bytes of a 200 answer to a resume that were passed on already
  unsigned m_attempts = 1;
  bool m_finished = false;
  std::optional<util::Error> m_error;
};

util::Status check_digest(std::string_view digest) {
  if (is_valid_digest(digest)) return util::Ok{};
  return util::make_error(util::ErrorCode::usage,
                          "digest \"" + util::printable(digest) + "\": not sha256:<64 hex> or sha512:<128 hex>");
}

std::once_flag g_curl_init;

}  // namespace

Client::Client(std::shared_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Client::~Client() = default;

util::Result<std::unique_ptr<Client>> Client::create(ClientOptions options) {
  std::call_once(g_curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (options.max_attempts == 0) return util::make_error(util::ErrorCode::usage, "registry client: max_attempts is 0");
  if (options.timeout.count() <= 0)
    return util::make_error(util::ErrorCode::usage, "registry client: timeout must be positive");
  auto impl = std::make_shared<Impl>();
  if (!options.docker_config.empty()) {
    std::error_code ec;
    if (std::filesystem::exists(options.docker_config, ec)) {
      auto bytes = util::read_file(options.docker_config);
      if (!bytes.ok()) return bytes.error();
      auto parsed = parse_docker_config(*bytes, options.docker_config);
      if (!parsed.ok()) return parsed.error();
      impl->config = std::move(parsed).value();
    }
  }
  if (options.credentials) {
    impl->secrets.push_back(options.credentials->password);
    impl->secrets.push_back(options.credentials->identity_token);
    impl->secrets.erase(
        std::remove_if(impl->secrets.begin(), impl->secrets.end(), [](const std::string& s) { return s.size() < 4; }),
        impl->secrets.end());
  }
  impl->settings.share = std::make_shared<detail::Share>();
  impl->settings.timeout = options.timeout;
  impl->settings.ca_file = options.ca_file;
  impl->settings.user_agent = options.user_agent;
  impl->options = std::move(options);
  return std::unique_ptr<Client>(new Client(std::move(impl)));
}

util::Result<Manifest> Client::get_manifest(const Reference& ref, const std::vector<std::string>& accept) {
  if (!ref.digest.empty()) {
    auto ok = check_digest(ref.digest);
    if (!ok.ok()) return ok.error();
  }
  std::string target = ref.digest.empty() ? ref.tag : ref.digest;
  Call call =
      m_impl->make_call("manifest " + ref.to_string(), ref, "GET", m_impl->repo_url(ref) + "/manifests/" + target);
  call.request.headers.push_back("Accept: " + join(accept.empty() ? kManifestTypes : accept, ", "));
  auto transfer = m_impl->send(call);
  if (!transfer.ok()) return transfer.error();
  if ((*transfer)->status() != 200) return m_impl->http_error(call, call.request.url, **transfer, 1);
  Manifest manifest;
  manifest.media_type = media_type_of((*transfer)->header("content-type"));
  char chunk[16384];
  for (;;) {
    auto n = (*transfer)->read(chunk, sizeof chunk);
    if (!n.ok()) return io_error(call.what + ": " + call.request.url + ": " + n.error().message);
    if (*n == 0) break;
    manifest.bytes.append(chunk, *n);
    if (manifest.bytes.size() > kMaxManifestBytes)
      return io_error(call.what + ": larger than " + std::to_string(kMaxManifestBytes) + " bytes");
  }
  manifest.digest = digest_of(manifest.bytes, algorithm_of(ref.digest));
  if (!ref.digest.empty() && manifest.digest != ref.digest)
    return util::make_error(util::ErrorCode::verify,
                            call.what + ": content digest " + manifest.digest + " does not match");
  // Registries may send a generic Content-Type; the manifest's own mediaType field is authoritative then.
  if (manifest.media_type.empty() || manifest.media_type == "application/json" ||
      manifest.media_type == "application/octet-stream") {
    nlohmann::json doc = nlohmann::json::parse(manifest.bytes, nullptr, false);
    if (!doc.is_discarded() && doc.is_object() && doc.contains("mediaType") && doc["mediaType"].is_string())
      manifest.media_type = doc["mediaType"].get<std::string>();
  }
  return manifest;
}

util::Result<std::optional<Descriptor>> Client::head_manifest(const Reference& ref) {
  std::string target = ref.digest.empty() ? ref.tag : ref.digest;
  Call call =
      m_impl->make_call("manifest " + ref.to_string(), ref, "HEAD", m_impl->repo_url(ref) + "/manifests/" + target);
  call.request.headers.push_back("Accept: " + join(kManifestTypes, ", "));
  auto transfer = m_impl->send(call);
  if (!transfer.ok()) return transfer.error();
  long status = (*transfer)->status();
  if (status == 404) return std::optional<Descriptor>();
  if (status != 200) return m_impl->http_error(call, call.request.url, **transfer, 1);
  Descriptor descriptor;
  descriptor.media_type = media_type_of((*transfer)->header("content-type"));
  descriptor.digest = (*transfer)->header("docker-content-digest").value_or("");
  std::string length = (*transfer)->header("content-length").value_or("");
  bool generic_type = descriptor.media_type.empty() || descriptor.media_type == "application/json";
  if (!is_valid_digest(descriptor.digest) || length.empty() || generic_type) {
    auto manifest = get_manifest(ref);
    if (!manifest.ok()) return manifest.error();
    descriptor.media_type = manifest->media_type;
    descriptor.digest = manifest->digest;
    descriptor.size = manifest->bytes.size();
    return std::optional<Descriptor>(std::move(descriptor));
  }
  if (!ref.digest.empty() && descriptor.digest != ref.digest)
    return util::make_error(util::ErrorCode::verify, call.what + ": the registry reports digest " + descriptor.digest +
                                                         ", which does not match");
  descriptor.size = std::strtoull(length.c_str(), nullptr, 10);
  return std::optional<Descriptor>(std::move(descriptor));
}

util::Result<std::unique_ptr<BlobStream>> Client::open_blob(const Reference& repo, const std::string& digest,
                                                            std::uint64_t size) {
  auto ok = check_digest(digest);
  if (!ok.ok()) return ok.error();
  Call call = m_impl->make_call("blob " + digest, repo, "GET", m_impl->repo_url(repo) + "/blobs/" + digest);
  auto transfer = m_impl->send(call);
  if (!transfer.ok()) return transfer.error();
  if ((*transfer)->status() != 200) return m_impl->http_error(call, call.request.url, **transfer, 1);
  return std::unique_ptr<BlobStream>(
      std::make_unique<RegistryBlobStream>(m_impl, std::move(call), std::move(transfer).value(), digest, size));
}

util::Result<std::string> Client::get_blob(const Reference& repo, const std::string& digest, std::uint64_t max_bytes) {
  auto stream = open_blob(repo, digest, 0);
  if (!stream.ok()) return stream.error();
  std::string bytes;
  char chunk[16384];
  for (;;) {
    auto n = (*stream)->read(chunk, sizeof chunk);
    if (!n.ok()) return n.error();
    if (*n == 0) return bytes;
    bytes.append(chunk, *n);
    if (bytes.size() > max_bytes)
      return io_error("blob " + digest + ": larger than " + std::to_string(max_bytes) + " bytes");
  }
}

util::Result<bool> Client::has_blob(const Reference& repo, const std::string& digest) {
  auto ok = check_digest(digest);
  if (!ok.ok()) return ok.error();
  Call call = m_impl->make_call("blob " + digest, repo, "HEAD", m_impl->repo_url(repo) + "/blobs/" + digest);
  auto transfer = m_impl->send(call);
  if (!transfer.ok()) return transfer.error();
  if ((*transfer)->status() == 200) return true;
  if ((*transfer)->status() == 404) return false;
  return m_impl->http_error(call, call.request.url, **transfer, 1);
}

util::Status Client::push_blob(const Reference& repo, const std::string& digest, std::uint64_t size,
                               const std::function<util::Result<std::size_t>(char*, std::size_t)>& read) {
  auto present = has_blob(repo, digest);
  if (!present.ok()) return present.error();
  if (*present) return util::Ok{};
  Call start =
      m_impl->make_call("upload of blob " + digest, repo, "POST", m_impl->repo_url(repo) + "/blobs/uploads/", true);
  auto started = m_impl->send(start);
  if (!started.ok()) return started.error();
  if ((*started)->status() != 202) return m_impl->http_error(start, start.request.url, **started, 1);
  std::string location = (*started)->header("location").value_or("");
  if (location.empty()) return io_error(start.what + ": the registry sent no upload location");
  location = resolve_url(start.request.url, location);
  location += (location.find('?') == std::string::npos ? "?" : "&") + std::string("digest=") + url_encode(digest);
  // The body is hashed as it goes: a source that does not hold the digest it claims is refused by the registry,
  // and named here.
  auto hash = std::make_shared<util::Digest>(algorithm_of(digest));
  Call put = m_impl->make_call("upload of blob " + digest, repo, "PUT", location, true);
  put.request.headers.push_back("Content-Type: application/octet-stream");
  put.request.upload_size = size;
  put.request.upload = [&read, hash](char* out, std::size_t max) -> util::Result<std::size_t> {
    auto n = read(out, max);
    if (n.ok()) hash->update(std::string_view(out, *n));
    return n;
  };
  auto done = m_impl->send(put);
  if (!done.ok()) return done.error();
  if ((*done)->status() != 201) return m_impl->http_error(put, put.request.url, **done, 1);
  return util::Ok{};
}

util::Result<std::string> Client::put_manifest(const Reference& ref, const std::string& media_type,
                                               const std::string& bytes) {
  std::string digest = digest_of(bytes, algorithm_of(ref.digest));
  if (!ref.digest.empty() && digest != ref.digest)
    return util::make_error(util::ErrorCode::verify,
                            "manifest " + ref.to_string() + ": content digest " + digest + " does not match");
  std::string target = ref.digest.empty() ? ref.tag : ref.digest;
  Call call = m_impl->make_call("manifest " + ref.to_string(), ref, "PUT",
                                m_impl->repo_url(ref) + "/manifests/" + target, true);
  call.request.headers.push_back("Content-Type: " + media_type);
  call.request.body = bytes;
  auto transfer = m_impl->send(call);
  if (!transfer.ok()) return transfer.error();
  if ((*transfer)->status() != 201) return m_impl->http_error(call, call.request.url, **transfer, 1);
  std::string reported = (*transfer)->header("docker-content-digest").value_or("");
  if (!reported.empty() && reported.substr(0, 7) == digest.substr(0, 7) && reported != digest)
    return util::make_error(util::ErrorCode::verify, call.what + ": the registry stored digest " +
                                                         util::printable(reported) + ", not " + digest);
  return digest;
}

util::Result<std::optional<std::string>> Client::referrers(const Reference& repo, const std::string& digest,
                                                           const std::string& artifact_type) {
  auto ok = check_digest(digest);
  if (!ok.ok()) return ok.error();
  std::string url = m_impl->repo_url(repo) + "/referrers/" + digest;
  if (!artifact_type.empty()) url += "?artifactType=" + url_encode(artifact_type);
  nlohmann::json merged;
  std::string first_body;
  bool filtered = true;
  int pages = 0;
  while (!url.empty()) {
    Call call =
        m_impl->make_call("referrers of " + repo.registry + "/" + repo.repository + "@" + digest, repo, "GET", url);
    call.request.headers.push_back("Accept: application/vnd.oci.image.index.v1+json");
    auto transfer = m_impl->send(call);
    if (!transfer.ok()) return transfer.error();
    long status = (*transfer)->status();
    if (status == 404 && pages == 0) return std::optional<std::string>();
    if (status != 200) return m_impl->http_error(call, url, **transfer, 1);
    std::string applied = (*transfer)->header("oci-filters-applied").value_or("");
    if (pages == 0) filtered = artifact_type.empty() || applied.find("artifactType") != std::string::npos;
    std::string body = (*transfer)->read_rest(kMaxManifestBytes + 1);
    if (body.size() > kMaxManifestBytes)
      return io_error(call.what + ": larger than " + std::to_string(kMaxManifestBytes) + " bytes");
    nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || (doc.contains("manifests") && !doc["manifests"].is_array()))
      return util::make_error(util::ErrorCode::parse, call.what + ": the registry's answer is not an image index");
    if (pages == 0) {
      first_body = body;
      merged = doc;
      if (!merged.contains("manifests")) merged["manifests"] = nlohmann::json::array();
    } else if (doc.contains("manifests")) {
      for (const auto& m : doc["manifests"]) merged["manifests"].push_back(m);
    }
    ++pages;
    std::string next = next_link((*transfer)->headers("link"));
    url = next.empty() ? std::string() : resolve_url(url, next);
    if (pages > 1000) return io_error(call.what + ": more than 1000 pages");
  }
  if (pages == 1 && filtered) return std::optional<std::string>(first_body);
  if (!filtered) {
    nlohmann::json kept = nlohmann::json::array();
    for (const auto& m : merged["manifests"])
      if (m.is_object() && m.contains("artifactType") && m["artifactType"] == artifact_type) kept.push_back(m);
    merged["manifests"] = kept;
  }
  return std::optional<std::string>(merged.dump());
}

util::Result<std::vector<std::string>> Client::list_tags(const Reference& repo) {
  std::vector<std::string> tags;
  std::string url = m_impl->repo_url(repo) + "/tags/list";
  for (int pages = 0; !url.empty(); ++pages) {
    Call call = m_impl->make_call("tags of " + repo.registry + "/" + repo.repository, repo, "GET", url);
    auto transfer = m_impl->send(call);
    if (!transfer.ok()) return transfer.error();
    if ((*transfer)->status() != 200) return m_impl->http_error(call, url, **transfer, 1);
    std::string body = (*transfer)->read_rest(kMaxManifestBytes + 1);
    nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
    if (doc.is_discarded() || !doc.is_object())
      return util::make_error(util::ErrorCode::parse, call.what + ": the registry's answer is not a JSON object");
    if (doc.contains("tags") && doc["tags"].is_array()) {
      for (const auto& t : doc["tags"])
        if (t.is_string()) tags.push_back(t.get<std::string>());
    }
    std::string next = next_link((*transfer)->headers("link"));
    url = next.empty() ? std::string() : resolve_url(url, next);
    if (pages > 1000) return io_error(call.what + ": more than 1000 pages");
  }
  return tags;
}

}  // namespace purser::registry
