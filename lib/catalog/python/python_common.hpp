#pragma once
// Small helpers shared by the Python catalogers (header-only so the folder's CMake list
// stays untouched). The PEP 508 parser lives in requirements.cpp, see requirements.hpp.

#include <optional>
#include <string>
#include <string_view>

#include "lib/model/package.hpp"
#include "lib/model/purl.hpp"

namespace purser::catalog::python {

/// A package named as the file spells it, with ecosystem "pypi" and its PURL
/// (pkg:pypi/<PEP 503 name>@version); `version` may be empty.
inline model::Package make_pypi_package(std::string_view name, std::string_view version) {
  model::Package p;
  p.name = std::string(name);
  p.version = std::string(version);
  p.ecosystem = "pypi";
  model::Purl purl;
  purl.type = "pypi";
  purl.name = std::string(name);
  purl.version = std::string(version);
  p.purl = purl.to_string();
  return p;
}

/// Re-derives the PURL after the version changed.
inline void set_pypi_version(model::Package& p, std::string_view version) {
  model::Package fresh = make_pypi_package(p.name, version);
  p.version = std::move(fresh.version);
  p.purl = std::move(fresh.purl);
}

/// The key a Python package provides and dependents need: its PEP 503 name.
inline std::string pypi_key(std::string_view name) { return model::pep503_normalize(name); }

/// Parses pip's "<algorithm>:<hex>" hash notation (also used by poetry, Pipfile.lock and
/// uv.lock) into a CycloneDX hash. Nothing for unknown algorithms or malformed hex.
inline std::optional<model::Hash> parse_pip_hash(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view alg = text.substr(0, colon);
  std::string_view hex = text.substr(colon + 1);
  const char* name = nullptr;
  std::size_t len = 0;
  if (alg == "sha256") {
    name = "SHA-256";
    len = 64;
  } else if (alg == "sha384") {
    name = "SHA-384";
    len = 96;
  } else if (alg == "sha512") {
    name = "SHA-512";
    len = 128;
  } else if (alg == "sha1") {
    name = "SHA-1";
    len = 40;
  } else if (alg == "md5") {
    name = "MD5";
    len = 32;
  }
  if (name == nullptr || hex.size() != len) return std::nullopt;
  std::string value;
  value.reserve(len);
  for (char c : hex) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
    value += c;
  }
  return model::Hash{name, std::move(value)};
}

}  // namespace purser::catalog::python
