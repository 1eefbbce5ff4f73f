#pragma once
// What the Go catalogers (go.mod, binaries' build information) share: the package a module is, and its h1: hash.

#include <string>
#include <string_view>

#include "lib/model/package.hpp"

namespace purser::catalog::go {

/// The package of module `module_path` at `version` (empty: unknown): name = the module path, ecosystem "golang",
/// PURL pkg:golang/<path up to the last '/'>/<last segment>@<version> (purl-spec golang; case kept, module paths are
/// case-sensitive).
model::Package make_go_package(const std::string& module_path, const std::string& version);

/// Records a go.sum-style "h1:<base64>" module hash: the raw value as property purser:golang:h1 and, when it decodes
/// to 32 bytes, a SHA-256 hash. (h1 is Go's dirhash Hash1: SHA-256 over the sorted "<sha256>  <file>" lines of the
/// module zip's files — not the hash of any one file, but a SHA-256 digest that identifies the module's content.)
void add_h1_hash(model::Package& p, std::string_view h1);

}  // namespace purser::catalog::go
