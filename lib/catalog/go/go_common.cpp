#include "lib/catalog/go/go_common.hpp"

#include "lib/model/purl.hpp"
#include "lib/util/strings.hpp"

namespace purser::catalog::go {

model::Package make_go_package(const std::string& module_path, const std::string& version) {
  model::Package p;
  p.name = module_path;
  p.version = version;
  p.ecosystem = "golang";
  model::Purl purl;
  purl.type = "golang";
  auto slash = module_path.rfind('/');
  if (slash == std::string::npos) {
    purl.name = module_path;
  } else {
    purl.namespace_ = module_path.substr(0, slash);
    purl.name = module_path.substr(slash + 1);
  }
  purl.version = version;
  p.purl = purl.to_string();
  return p;
}

void add_h1_hash(model::Package& p, std::string_view h1) {
  if (h1.substr(0, 3) != "h1:") return;
  std::string raw;
  if (util::base64_decode(h1.substr(3), raw) && raw.size() == 32)
    p.hashes.push_back({"SHA-256", util::hex_encode(raw)});
  p.add_property("purser:golang:h1", std::string(h1));
}

}  // namespace purser::catalog::go
