#pragma once
// OCI distribution client (OCI distribution-spec v1.1; docs/specs/registry-client.md): manifests, blobs, tags
// and referrers over HTTPS through libcurl, with anonymous, basic and bearer-token authentication, retries with
// backoff, and digest verification while streaming. The only network code in purser (STYLE 3).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lib/registry/auth.hpp"
#include "lib/registry/reference.hpp"
#include "lib/util/result.hpp"

namespace purser::registry {

/// How a Client talks to registries. The library reads no environment: cmd/ fills these.
struct ClientOptions {
  /// "host[:port]" entries spoken to over plain HTTP (--insecure-registry); HTTPS with verification otherwise.
  std::vector<std::string> insecure_hosts;
  /// Path of a Docker config.json read for auths, credsStore and credHelpers; "" = none. A missing file is no error.
  std::string docker_config;
  /// Explicit credentials for every registry; win over the config.
  std::optional<Credentials> credentials;
  /// Attempts per request on 429 (Retry-After honoured, capped at 60 s), 5xx and connection failures.
  unsigned max_attempts = 5;
  /// First backoff; doubles per attempt (capped at 30 s), with jitter in [d/2, d].
  std::chrono::milliseconds initial_backoff{200};
  /// Connect timeout, and the longest a transfer may stall; not a whole-transfer limit.
  std::chrono::seconds timeout{30};
  /// Extra CA bundle in PEM; "" = the system store.
  std::string ca_file;
  std::string user_agent = "purser";
};

/// An OCI content descriptor.
struct Descriptor {
  std::string media_type, digest;
  std::uint64_t size = 0;
  std::string artifact_type;
  std::map<std::string, std::string> annotations;
};

/// A manifest or index as the registry served it. `digest` is the digest of `bytes` (verified against the
/// reference's digest when it has one).
struct Manifest {
  std::string media_type, digest, bytes;
};

/// Pull-style stream of one blob (for libarchive read callbacks). Verifies size and digest as bytes pass.
class BlobStream {
 public:
  virtual ~BlobStream() = default;
  /// Copies up to `max` bytes into `buffer`; 0 = end, returned only after size and digest verified. A connection
  /// that breaks midway is resumed with a Range request (within ClientOptions::max_attempts). Errors:
  /// ErrorCode::verify "blob DIGEST: ... does not match" (or more bytes than declared); ErrorCode::io
  /// "blob DIGEST: ..." for a transfer that fails for good. After an error the stream is unusable.
  virtual util::Result<std::size_t> read(char* buffer, std::size_t max) = 0;
};

/// A registry client. Thread-safe: one Client may serve several threads at once (each call uses its own
/// transfer; token and credential caches are locked).
class Client {
 public:
  /// Validates options and reads the Docker config. Errors: ErrorCode::parse for a malformed config file,
  /// ErrorCode::usage for bad options.
  static util::Result<std::unique_ptr<Client>> create(ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// Fetches the manifest `ref` names (its digest if set, else its tag). Default `accept`: OCI manifest and index,
  /// Docker v2 manifest and manifest list. Errors: ErrorCode::io (HTTP or transport failure, "authentication
  /// failed for HOST: ..."), ErrorCode::verify (bytes do not match the reference's digest).
  util::Result<Manifest> get_manifest(const Reference& ref, const std::vector<std::string>& accept = {});
  /// HEAD of a manifest: media type, digest (Docker-Content-Digest, or a GET when absent) and size; nullopt on 404.
  util::Result<std::optional<Descriptor>> head_manifest(const Reference& ref);
  /// Opens a blob of repository `repo` for streaming; `size` 0 = unknown (then only the digest is checked).
  util::Result<std::unique_ptr<BlobStream>> open_blob(const Reference& repo, const std::string& digest,
                                                      std::uint64_t size);
  /// Reads a small blob (a config) whole, verified. Errors as open_blob; ErrorCode::io when larger than max_bytes.
  util::Result<std::string> get_blob(const Reference& repo, const std::string& digest, std::uint64_t max_bytes);
  /// True when the repository has the blob (HEAD 200), false on 404.
  util::Result<bool> has_blob(const Reference& repo, const std::string& digest);
  /// Uploads a blob (POST then monolithic PUT) unless present. `read` supplies exactly `size` bytes (0 = end);
  /// its error aborts the upload and is returned. The PUT is retried only before `read` was first called.
  util::Status push_blob(const Reference& repo, const std::string& digest, std::uint64_t size,
                         const std::function<util::Result<std::size_t>(char*, std::size_t)>& read);
  /// Uploads a manifest to ref.digest if set, else ref.tag; returns its digest. Errors: ErrorCode::verify when
  /// ref.digest does not match the bytes or the registry reports another digest.
  util::Result<std::string> put_manifest(const Reference& ref, const std::string& media_type, const std::string& bytes);
  /// The referrers index of `digest` (OCI distribution-spec v1.1 referrers API), filtered to `artifact_type` when
  /// given (client-side if the registry did not filter), all pages merged; nullopt when the registry has no
  /// referrers API (404 on the endpoint).
  util::Result<std::optional<std::string>> referrers(const Reference& repo, const std::string& digest,
                                                     const std::string& artifact_type = "");
  /// All tags of the repository, all pages.
  util::Result<std::vector<std::string>> list_tags(const Reference& repo);

  struct Impl;

 private:
  explicit Client(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> m_impl;  // shared with open blob streams, which may outlive the client
};

}  // namespace purser::registry
