#pragma once
// Cataloger go-binary: the build information the Go toolchain embeds in every executable it links (Go 1.18+): the
// toolchain version, the main module, every dependency module with its go.sum hash and replacements, and the build
// settings. What `go version -m FILE` prints, read without running anything.

#include <string>
#include <string_view>

#include "lib/catalog/cataloger.hpp"

namespace purser::catalog::go {

/// Registry entry for go-binary (executables anywhere in an image or a root filesystem).
const Cataloger& go_binary_cataloger();

/// Parses the Go record of binary::condense_executable (see ParseFn; other records give nothing). The main module (type
/// application; "(devel)" → no version) needs every dependency and the standard library "stdlib" at the toolchain's
/// version; a dependency replaced by another module ("=>") is reported as the replacement, one replaced by a local
/// directory keeps its path and version. Properties: purser:golang:toolchain, purser:golang:main-package,
/// purser:golang:build:<setting> (GOOS, GOARCH, vcs.*, CGO_ENABLED, -buildmode, -tags...; never -ldflags, which may
/// carry secrets), purser:golang:h1.
ParseResult parse_go_binary(std::string_view condensed, const std::string& path, const FileResolver& resolver);

}  // namespace purser::catalog::go
