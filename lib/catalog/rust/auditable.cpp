#include "lib/catalog/rust/auditable.hpp"

// cargo-auditable's format (auditable-serde, "VersionInfo"): {"packages":[{"name":S,"version":S,"source":S,
// "kind":"runtime"|"build" (default runtime),"dependencies":[indexes into packages] (default []),"root":B (default
// false)}, ...]}. source is "crates.io", "git", "local", "registry" or another registry's name.

#include <nlohmann/json.hpp>

#include "lib/catalog/binary/executable.hpp"
#include "lib/model/purl.hpp"
#include "lib/util/strings.hpp"

namespace purser::catalog::rust {

namespace {

using util::Severity;
constexpr std::string_view k_record = "cargo-auditable\n";
constexpr std::string_view k_problem = "cargo-auditable!\t";
constexpr std::size_t k_max_packages = 100000;

const std::string* string_field(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get_ptr<const std::string*>() : nullptr;
}

}  // namespace

ParseResult parse_rust_binary(std::string_view condensed, const std::string& path, const FileResolver&) {
  ParseResult out;
  auto error = [&](const std::string& why) {
    out.diagnostics.push_back({Severity::error, "invalid cargo-auditable data: " + why, {path}});
    return out;
  };
  if (condensed.substr(0, k_problem.size()) == k_problem) {
    std::string_view why = condensed.substr(k_problem.size());
    while (!why.empty() && why.back() == '\n') why.remove_suffix(1);
    out.diagnostics.push_back({Severity::warning, std::string(why), {path}});
    return out;
  }
  if (condensed.substr(0, k_record.size()) != k_record) return out;
  nlohmann::json doc = nlohmann::json::parse(condensed.substr(k_record.size()), nullptr, false);
  if (doc.is_discarded()) return error("not JSON");
  auto packages = doc.is_object() ? doc.find("packages") : doc.end();
  if (!doc.is_object() || packages == doc.end() || !packages->is_array()) return error("no packages list");
  if (packages->size() > k_max_packages)
    return error(std::to_string(packages->size()) + " packages, more than the limit of " +
                 std::to_string(k_max_packages));
  const std::size_t count = packages->size();
  for (std::size_t i = 0; i < count; ++i) {
    const auto& p = (*packages)[i];
    const std::string* name = p.is_object() ? string_field(p, "name") : nullptr;
    const std::string* version = p.is_object() ? string_field(p, "version") : nullptr;
    if (!name || name->empty() || !version) {
      out.diagnostics.push_back(
          {Severity::warning,
           "invalid cargo-auditable data: package " + std::to_string(i) + " has no name or version",
           {path}});
      continue;
    }
    Entry e;
    auto& pkg = e.package;
    pkg.name = *name;
    pkg.version = *version;
    pkg.ecosystem = "cargo";
    model::Purl purl;
    purl.type = "cargo";
    purl.name = *name;
    purl.version = *version;
    pkg.purl = purl.to_string();
    pkg.locations.push_back({path});
    const std::string* source = string_field(p, "source");
    if (source && *source == "crates.io") {
      pkg.download_url = "https://crates.io/api/v1/crates/" + model::purl_encode(*name) + "/" +
                         model::purl_encode(*version, "+") + "/download";
    } else if (source) {
      pkg.add_property("purser:cargo:source", *source);
    }
    if (const std::string* kind = string_field(p, "kind"); kind && *kind != "runtime")
      pkg.add_property("purser:cargo:kind", *kind);
    auto root = p.find("root");
    if (root != p.end() && root->is_boolean() && root->get<bool>()) {
      e.root = true;
      pkg.type = model::ComponentType::application;
    }
    e.provides.push_back("index:" + std::to_string(i));
    auto deps = p.find("dependencies");
    if (deps != p.end() && deps->is_array()) {
      for (const auto& d : *deps) {
        if (!d.is_number_unsigned() || d.get<std::uint64_t>() >= count) {
          out.diagnostics.push_back({Severity::warning,
                                     "invalid cargo-auditable data: " + util::printable(*name) + " names dependency " +
                                         d.dump() + ", not a package index",
                                     {path}});
          continue;
        }
        e.needs.push_back({"index:" + std::to_string(d.get<std::uint64_t>())});
      }
    }
    out.entries.push_back(std::move(e));
  }
  return out;
}

const Cataloger& rust_binary_cataloger() {
  static const Cataloger c{"rust-binary",
                           "rust",
                           {"installed", "image", "binary"},
                           {"**"},
                           "Rust executables built with cargo-auditable (the crates compiled in, with their graph)",
                           parse_rust_binary,
                           {},
                           binary::condense_executable,
                           true};
  return c;
}

}  // namespace purser::catalog::rust
