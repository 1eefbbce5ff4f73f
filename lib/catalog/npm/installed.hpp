#pragma once
// Cataloger npm-installed: packages installed in node_modules trees (one package.json per package root).

#include <string>
#include <string_view>

#include "lib/catalog/cataloger.hpp"

namespace purser::catalog::npm {

/// Registry entry for npm-installed.
const Cataloger& installed_cataloger();

/// Parses the package.json of one installed package; see ParseFn. A package.json that is not a package root
/// (<...>/node_modules/<name>/package.json or <...>/node_modules/@scope/<name>/package.json) gives an empty result.
/// The entry provides its install directory and needs, for each dependency, the directories Node's module lookup
/// tries, nearest first, within the link scope "npm-installed".
ParseResult parse_installed(std::string_view bytes, const std::string& path, const FileResolver& resolver);

/// The install directory of the package whose package.json is at `path` ("a/node_modules/@s/x" for
/// "a/node_modules/@s/x/package.json"), or empty when `path` is not a package root in a node_modules tree.
std::string installed_package_dir(std::string_view path);

}  // namespace purser::catalog::npm
