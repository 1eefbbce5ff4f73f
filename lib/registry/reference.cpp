// Reference grammar: distribution's reference package grammar (docs/specs/registry-client.md §References) —
// domain = host[:port]; path components [a-z0-9]+ joined by '.', '_', '__' or runs of '-'; tag
// [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}; the whole name at most 255 characters.

#include "lib/registry/reference.hpp"

#include <cctype>

#include "lib/util/strings.hpp"

namespace purser::registry {
namespace {

constexpr std::string_view kDockerHub = "registry-1.docker.io";

util::Error bad(std::string_view text, std::string_view why) {
  return util::make_error(util::ErrorCode::usage,
                          "image reference \"" + util::printable(text) + "\": " + std::string(why));
}

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool is_hex(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// One path component: alphanumerics separated by '.', '_', '__' or one or more '-'.
bool valid_component(std::string_view c) {
  if (c.empty() || !is_lower_alnum(c.front()) || !is_lower_alnum(c.back())) return false;
  std::size_t i = 0;
  while (i < c.size()) {
    if (is_lower_alnum(c[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < c.size() && !is_lower_alnum(c[j])) ++j;
    std::string_view sep = c.substr(i, j - i);
    bool dashes = sep.find_first_not_of('-') == std::string_view::npos;
    if (!(sep == "." || sep == "_" || sep == "__" || dashes)) return false;
    i = j;
  }
  return true;
}

// host = DNS labels of [A-Za-z0-9-] joined by '.', or a bracketed IPv6 literal; optional ":port".
bool valid_domain(std::string_view d) {
  std::string_view host = d;
  std::string_view port;
  if (!d.empty() && d.front() == '[') {
    std::size_t close = d.find(']');
    if (close == std::string_view::npos || close == 1) return false;
    for (char c : d.substr(1, close - 1))
      if (!(std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.')) return false;
    std::string_view rest = d.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return false;
      port = rest.substr(1);
      if (port.empty()) return false;
    }
    host = {};
  } else if (std::size_t colon = d.find(':'); colon != std::string_view::npos) {
    host = d.substr(0, colon);
    port = d.substr(colon + 1);
    if (port.empty()) return false;
  }
  for (char c : port)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  if (port.size() > 5) return false;
  if (d.front() == '[') return true;
  if (host.empty()) return false;
  for (std::string_view label : util::split(host, '.')) {
    if (label.empty() || label.front() == '-' || label.back() == '-') return false;
    for (char c : label)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-')) return false;
  }
  return true;
}

bool valid_tag(std::string_view t) {
  if (t.empty() || t.size() > 128) return false;
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  if (!word(t.front())) return false;
  for (char c : t)
    if (!(word(c) || c == '.' || c == '-')) return false;
  return true;
}

}  // namespace

bool is_valid_digest(std::string_view digest) {
  if (digest.starts_with("sha256:")) return digest.size() == 7 + 64 && is_hex(digest.substr(7));
  if (digest.starts_with("sha512:")) return digest.size() == 7 + 128 && is_hex(digest.substr(7));
  return false;
}

std::string Reference::to_string() const {
  std::string out = registry + "/" + repository;
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  return out;
}

util::Result<Reference> parse_reference(std::string_view text) {
  if (text.empty()) return bad(text, "empty");
  Reference ref;
  std::string_view rest = text;
  if (std::size_t at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view digest = rest.substr(at + 1);
    if (!is_valid_digest(digest))
      return bad(text, "digest \"" + util::printable(digest) + "\" is not sha256:<64 hex> or sha512:<128 hex>");
    ref.digest = std::string(digest);
    rest = rest.substr(0, at);
  }
  std::size_t last_slash = rest.rfind('/');
  std::size_t colon = rest.rfind(':');
  if (colon != std::string_view::npos && (last_slash == std::string_view::npos || colon > last_slash)) {
    std::string_view tag = rest.substr(colon + 1);
    if (!valid_tag(tag)) return bad(text, "tag \"" + util::printable(tag) + "\" is not valid");
    ref.tag = std::string(tag);
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) return bad(text, "no repository name");
  std::string_view domain;
  std::string_view path = rest;
  if (std::size_t slash = rest.find('/'); slash != std::string_view::npos) {
    std::string_view first = rest.substr(0, slash);
    if (first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos ||
        first == "localhost" || first.find('[') != std::string_view::npos) {
      domain = first;
      path = rest.substr(slash + 1);
    }
  }
  if (!domain.empty() && !valid_domain(domain))
    return bad(text, "registry host \"" + util::printable(domain) + "\" is not valid");
  if (path.empty()) return bad(text, "no repository name");
  for (std::string_view component : util::split(path, '/')) {
    if (component != util::to_lower(component)) return bad(text, "repository name must be lowercase");
    if (!valid_component(component))
      return bad(text, "repository path component \"" + util::printable(component) + "\" is not valid");
  }
  std::string lowered_domain = util::to_lower(domain);
  if (domain.empty() || lowered_domain == "docker.io" || lowered_domain == "index.docker.io" ||
      lowered_domain == kDockerHub) {
    ref.registry = std::string(kDockerHub);
    ref.repository = std::string(path);
    if (path.find('/') == std::string_view::npos) ref.repository = "library/" + ref.repository;
  } else {
    ref.registry = std::string(domain);
    ref.repository = std::string(path);
  }
  if (ref.repository.size() > 255) return bad(text, "repository name longer than 255 characters");
  if (ref.tag.empty() && ref.digest.empty()) ref.tag = "latest";
  return ref;
}

}  // namespace purser::registry
