#include "lib/registry/auth.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "lib/util/strings.hpp"

extern char** environ;

namespace purser::registry {
namespace {

// RFC 7230 §3.2.6 tchar.
bool is_tchar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || (c != '\0' && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr);
}
// RFC 7235 §2.1 token68 characters (before the trailing '=' padding).
bool is_token68_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || (c != '\0' && std::strchr("-._~+/", c) != nullptr);
}

class ChallengeParser {
 public:
  explicit ChallengeParser(std::string_view s) : m_s(s) {}

  util::Result<std::vector<Challenge>> parse() {
    std::vector<Challenge> out;
    skip_list_separators();
    while (m_pos < m_s.size()) {
      Challenge challenge;
      std::string_view scheme = token();
      if (scheme.empty()) return fail("expected an authentication scheme");
      challenge.scheme = util::to_lower(scheme);
      bool had_space = skip_ws();
      if (had_space && m_pos < m_s.size() && m_s[m_pos] != ',') {
        if (!try_token68(challenge)) {
          auto status = params(challenge);
          if (!status.ok()) return status.error();
        }
      }
      out.push_back(std::move(challenge));
      skip_list_separators();
    }
    return out;
  }

 private:
  util::Error fail(std::string_view why) const {
    return util::make_error(util::ErrorCode::parse,
                            "www-authenticate: " + std::string(why) + " at offset " + std::to_string(m_pos));
  }
  bool skip_ws() {
    std::size_t start = m_pos;
    while (m_pos < m_s.size() && (m_s[m_pos] == ' ' || m_s[m_pos] == '\t')) ++m_pos;
    return m_pos > start;
  }
  void skip_list_separators() {
    while (m_pos < m_s.size() && (m_s[m_pos] == ' ' || m_s[m_pos] == '\t' || m_s[m_pos] == ',')) ++m_pos;
  }
  std::string_view token() {
    std::size_t start = m_pos;
    while (m_pos < m_s.size() && is_tchar(m_s[m_pos])) ++m_pos;
    return m_s.substr(start, m_pos - start);
  }
  // token68 only when it is the whole rest of this challenge (followed by end or ',').
  bool try_token68(Challenge& challenge) {
    std::size_t start = m_pos;
    std::size_t p = m_pos;
    while (p < m_s.size() && is_token68_char(m_s[p])) ++p;
    if (p == start) return false;
    while (p < m_s.size() && m_s[p] == '=') ++p;
    std::size_t end = p;
    while (p < m_s.size() && (m_s[p] == ' ' || m_s[p] == '\t')) ++p;
    if (p < m_s.size() && m_s[p] != ',') return false;
    challenge.token68 = std::string(m_s.substr(start, end - start));
    m_pos = p;
    return true;
  }
  util::Result<std::string> quoted_string() {
    ++m_pos;  // opening quote
    std::string value;
    while (m_pos < m_s.size()) {
      char c = m_s[m_pos++];
      if (c == '"') return value;
      if (c == '\\') {
        if (m_pos >= m_s.size()) break;
        c = m_s[m_pos++];
      }
      value.push_back(c);
    }
    return fail("unterminated quoted string");
  }
  // auth-param *( OWS "," OWS auth-param ); stops before a token that starts the next challenge.
  util::Status params(Challenge& challenge) {
    while (m_pos < m_s.size()) {
      std::size_t start = m_pos;
      std::string_view name = token();
      if (name.empty()) return fail("expected a parameter name");
      skip_ws();
      if (m_pos >= m_s.size() || m_s[m_pos] != '=') {
        if (challenge.params.empty()) return fail("expected '=' after parameter name");
        m_pos = start;  // the next challenge's scheme
        return util::Ok{};
      }
      ++m_pos;
      skip_ws();
      std::string value;
      if (m_pos < m_s.size() && m_s[m_pos] == '"') {
        auto quoted = quoted_string();
        if (!quoted.ok()) return quoted.error();
        value = std::move(quoted).value();
      } else {
        value = std::string(token());
        if (value.empty()) return fail("expected a parameter value");
      }
      challenge.params[util::to_lower(name)] = std::move(value);
      skip_ws();
      if (m_pos >= m_s.size()) return util::Ok{};
      if (m_s[m_pos] != ',') return fail("expected ',' between parameters");
      skip_list_separators();
    }
    return util::Ok{};
  }

  std::string_view m_s;
  std::size_t m_pos = 0;
};

constexpr std::string_view kDockerHub = "registry-1.docker.io";

util::Error config_error(const std::string& path, std::string_view why) {
  return util::make_error(util::ErrorCode::parse, path + ": " + std::string(why));
}

util::Error helper_error(const std::string& helper, std::string_view why) {
  return util::make_error(util::ErrorCode::io,
                          "credential helper docker-credential-" + helper + ": " + std::string(why));
}

std::string string_field(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

util::Result<std::vector<Challenge>> parse_challenges(std::string_view header) {
  return ChallengeParser(header).parse();
}

std::string config_host(std::string_view key) {
  std::string_view rest = util::trim(key);
  if (std::size_t scheme = rest.find("://"); scheme != std::string_view::npos) rest = rest.substr(scheme + 3);
  if (std::size_t slash = rest.find('/'); slash != std::string_view::npos) rest = rest.substr(0, slash);
  std::string host = util::to_lower(rest);
  if (host == "docker.io" || host == "index.docker.io" || host == "registry.hub.docker.com")
    host = std::string(kDockerHub);
  return host;
}

util::Result<DockerConfig> parse_docker_config(std::string_view bytes, const std::string& path) {
  // Docker's config file (docker/cli cliconfig): {"auths": {SERVER: {"auth", "username", "password",
  // "identitytoken"}}, "credsStore": NAME, "credHelpers": {SERVER: NAME}}.
  nlohmann::json doc = nlohmann::json::parse(bytes, nullptr, false);
  if (doc.is_discarded()) return config_error(path, "not valid JSON");
  if (!doc.is_object()) return config_error(path, "not a JSON object");
  DockerConfig config;
  if (auto it = doc.find("auths"); it != doc.end() && !it->is_null()) {
    if (!it->is_object()) return config_error(path, "\"auths\" is not an object");
    for (const auto& [key, entry] : it->items()) {
      if (!entry.is_object())
        return config_error(path, "auths entry \"" + util::printable(key) + "\" is not an object");
      Credentials credentials;
      std::string auth = string_field(entry, "auth");
      if (!auth.empty()) {
        std::string decoded;
        if (!util::base64_decode(auth, decoded))
          return config_error(path, "auths entry \"" + util::printable(key) + "\": \"auth\" is not base64");
        std::size_t colon = decoded.find(':');
        if (colon == std::string::npos)
          return config_error(path, "auths entry \"" + util::printable(key) + "\": \"auth\" is not user:password");
        credentials.username = decoded.substr(0, colon);
        credentials.password = decoded.substr(colon + 1);
      } else {
        credentials.username = string_field(entry, "username");
        credentials.password = string_field(entry, "password");
      }
      credentials.identity_token = string_field(entry, "identitytoken");
      if (credentials.username.empty() && credentials.password.empty() && credentials.identity_token.empty())
        continue;  // an empty entry: Docker writes these when a credsStore holds the secret
      config.auths[config_host(key)] = std::move(credentials);
    }
  }
  if (auto it = doc.find("credsStore"); it != doc.end() && !it->is_null()) {
    if (!it->is_string()) return config_error(path, "\"credsStore\" is not a string");
    config.creds_store = it->get<std::string>();
  }
  if (auto it = doc.find("credHelpers"); it != doc.end() && !it->is_null()) {
    if (!it->is_object()) return config_error(path, "\"credHelpers\" is not an object");
    for (const auto& [key, name] : it->items()) {
      if (!name.is_string())
        return config_error(path, "credHelpers entry \"" + util::printable(key) + "\" is not a string");
      config.cred_helpers[config_host(key)] = name.get<std::string>();
    }
  }
  return config;
}

util::Result<std::optional<Credentials>> run_credential_helper(const std::string& helper,
                                                               const std::string& server_url) {
  // Protocol (docker/docker-credential-helpers): "get" reads the server URL on stdin and prints
  // {"ServerURL","Username","Secret"}; a miss exits non-zero printing "credentials not found in native keychain".
  for (char c : helper)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
      return helper_error(helper, "name has characters other than letters, digits, '-', '_' and '.'");
  // stdin is a socket so a helper that exits without reading it cannot kill us with SIGPIPE (send MSG_NOSIGNAL).
  int in[2];
  int out[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) != 0) return helper_error(helper, std::strerror(errno));
  if (::pipe2(out, O_CLOEXEC) != 0) {
    ::close(in[0]);
    ::close(in[1]);
    return helper_error(helper, std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[1], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  std::string program = "docker-credential-" + helper;
  std::string verb = "get";
  char* argv[] = {program.data(), verb.data(), nullptr};
  pid_t pid = 0;
  int spawn_error = ::posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(in[1]);
  ::close(out[1]);
  if (spawn_error != 0) {
    ::close(in[0]);
    ::close(out[0]);
    if (spawn_error == ENOENT) return helper_error(helper, "not found on PATH");
    return helper_error(helper, std::strerror(spawn_error));
  }
  std::string input = server_url + "\n";
  (void)::send(in[0], input.data(), input.size(), MSG_NOSIGNAL);
  ::close(in[0]);
  std::string output;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(out[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (output.size() < (1u << 20)) output.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(out[0]);
  int wait_status = 0;
  while (::waitpid(pid, &wait_status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != 0) {
    if (output.find("credentials not found") != std::string::npos) return std::optional<Credentials>();
    return helper_error(helper, WIFEXITED(wait_status)
                                    ? "exited with status " + std::to_string(WEXITSTATUS(wait_status))
                                    : std::string("killed by a signal"));
  }
  nlohmann::json doc = nlohmann::json::parse(output, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return helper_error(helper, "output is not a JSON object");
  Credentials credentials;
  std::string username = string_field(doc, "Username");
  std::string secret = string_field(doc, "Secret");
  if (username == "<token>") {
    credentials.identity_token = secret;
  } else {
    credentials.username = username;
    credentials.password = secret;
  }
  if (secret.empty()) return std::optional<Credentials>();
  return std::optional<Credentials>(std::move(credentials));
}

util::Result<std::optional<Credentials>> lookup_credentials(const DockerConfig& config, const std::string& registry) {
  std::string host = config_host(registry);
  // Docker Hub's helpers and auths are keyed by the legacy index URL.
  std::string server_url = host == kDockerHub ? "https://index.docker.io/v1/" : host;
  if (auto it = config.cred_helpers.find(host); it != config.cred_helpers.end())
    return run_credential_helper(it->second, server_url);
  if (!config.creds_store.empty()) {
    auto found = run_credential_helper(config.creds_store, server_url);
    if (!found.ok() || found->has_value()) return found;
  }
  if (auto it = config.auths.find(host); it != config.auths.end()) return std::optional<Credentials>(it->second);
  return std::optional<Credentials>();
}

}  // namespace purser::registry
