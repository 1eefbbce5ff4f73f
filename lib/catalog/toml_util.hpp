#pragma once
// TOML reading shared by the catalogers that use toml++ (Cargo.lock, poetry.lock, uv.lock).
// Internal to lib/catalog: include only from .cpp files (toml++ is a heavy header).

#include <toml++/toml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "lib/catalog/cataloger.hpp"

namespace purser::catalog {

/// "invalid toml: <reason>" in house style (printable, lower-case start); sets `line`.
std::string toml_error_message(const toml::parse_error& error, std::uint64_t& line);

/// Parses `bytes` as TOML. On binary content adds an error "<binary_message>" at `path`;
/// on a syntax error adds "invalid toml: <reason>" at path:line. Returns nothing then.
std::optional<toml::table> parse_toml(std::string_view bytes, const std::string& path, ParseResult& out,
                                      std::string_view binary_message = "invalid toml: binary content");

}  // namespace purser::catalog
