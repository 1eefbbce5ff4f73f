#include "lib/catalog/npm/npm_common.hpp"

#include "lib/model/purl.hpp"
#include "lib/util/strings.hpp"

namespace purser::catalog::npm {

model::Package make_npm_package(std::string_view name, std::string_view version) {
  model::Package p;
  p.name = std::string(name);
  p.version = std::string(version);
  p.ecosystem = "npm";
  model::Purl purl;
  purl.type = "npm";
  // Per the purl spec the npm scope (with its '@') is the namespace.
  if (!name.empty() && name.front() == '@') {
    auto slash = name.find('/');
    if (slash != std::string_view::npos) {
      purl.namespace_ = std::string(name.substr(0, slash));
      purl.name = std::string(name.substr(slash + 1));
    } else {
      purl.name = std::string(name);
    }
  } else {
    purl.name = std::string(name);
  }
  purl.version = std::string(version);
  p.purl = purl.to_string();
  return p;
}

std::vector<model::Hash> parse_integrity(std::string_view sri) {
  std::vector<model::Hash> out;
  for (auto token : util::split(util::trim(sri), ' ')) {
    token = util::trim(token);
    auto dash = token.find('-');
    if (dash == std::string_view::npos) continue;
    std::string_view alg = token.substr(0, dash);
    std::string_view b64 = token.substr(dash + 1);
    if (auto q = b64.find('?'); q != std::string_view::npos) b64 = b64.substr(0, q);  // SRI options
    const char* name = alg == "sha512"   ? "SHA-512"
                       : alg == "sha384" ? "SHA-384"
                       : alg == "sha256" ? "SHA-256"
                       : alg == "sha1"   ? "SHA-1"
                                         : nullptr;
    if (name == nullptr) continue;
    std::string raw;
    if (!util::base64_decode(b64, raw) || raw.empty()) continue;
    out.push_back({name, util::hex_encode(raw)});
  }
  return out;
}

std::pair<std::string_view, std::string_view> split_name_spec(std::string_view spec) {
  auto at = spec.find('@', 1);
  if (at == std::string_view::npos) return {spec, {}};
  return {spec.substr(0, at), spec.substr(at + 1)};
}

}  // namespace purser::catalog::npm
