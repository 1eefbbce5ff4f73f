#pragma once
// Registry authentication pieces that need no network: WWW-Authenticate challenge parsing (RFC 7235 §2.1, §4.1),
// Docker's config.json credential sources and the docker-credential-* helper protocol
// (docs/specs/registry-client.md §Authentication).

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/util/result.hpp"

namespace purser::registry {

/// Explicit or configured credentials. `identity_token` (an OAuth2 refresh token) replaces the password when set.
struct Credentials {
  std::string username, password, identity_token;
};

/// One authentication challenge: scheme lower-cased ("basic", "bearer"), parameter names lower-cased, values
/// unquoted; `token68` for a challenge carrying a bare token instead of parameters.
struct Challenge {
  std::string scheme;
  std::map<std::string, std::string> params;
  std::string token68;
  bool operator==(const Challenge&) const = default;
};

/// Parses one WWW-Authenticate field value holding one or more comma-separated challenges. Errors:
/// ErrorCode::parse, "www-authenticate: why at offset N".
util::Result<std::vector<Challenge>> parse_challenges(std::string_view header);

/// What a Docker config.json says about credentials. Keys are registry hosts normalised by config_host().
struct DockerConfig {
  std::map<std::string, Credentials> auths;
  std::string creds_store;                          ///< "credsStore": helper for every registry; "" = none
  std::map<std::string, std::string> cred_helpers;  ///< "credHelpers": host → helper name
};

/// Parses config.json bytes (`path` names it in errors). An "auth" entry is base64 "user:password". Errors:
/// ErrorCode::parse, "PATH: why" (never quoting a credential).
util::Result<DockerConfig> parse_docker_config(std::string_view bytes, const std::string& path);

/// The registry host a config key or server URL names: scheme and path dropped, lower-cased, Docker Hub's aliases
/// ("https://index.docker.io/v1/", "docker.io", "index.docker.io") mapped to "registry-1.docker.io".
std::string config_host(std::string_view key);

/// Runs `docker-credential-HELPER get` (found on PATH, no shell) with the server URL on stdin and parses its JSON
/// {"Username", "Secret"}; a Username of "<token>" makes Secret an identity token. nullopt when the helper reports
/// that it has no credentials for the server. Errors: ErrorCode::io "credential helper docker-credential-HELPER: why"
/// (never quoting its output, which may hold a secret).
util::Result<std::optional<Credentials>> run_credential_helper(const std::string& helper,
                                                               const std::string& server_url);

/// Looks `registry` up in a config as Docker does: credHelpers entry, then credsStore, then auths. nullopt when none.
util::Result<std::optional<Credentials>> lookup_credentials(const DockerConfig& config, const std::string& registry);

}  // namespace purser::registry
