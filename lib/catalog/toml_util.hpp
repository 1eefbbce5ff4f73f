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

/// 1-based line where a TOML node starts.
inline std::uint64_t toml_line(const toml::node& node) { return node.source().begin.line; }

/// Calls visit(table, name, line) for each table in an array of tables (`[[package]]`)
/// that has a non-empty string "name"; other elements get a located warning
/// ("invalid package: not a table" / "invalid package: missing name") and are skipped.
template <class Visit>
void for_each_named_table(const toml::array& list, const std::string& path, ParseResult& out, Visit&& visit) {
  for (const auto& node : list) {
    const auto* table = node.as_table();
    if (table == nullptr) {
      out.diagnostics.push_back({util::Severity::warning, "invalid package: not a table", {path, toml_line(node)}});
      continue;
    }
    auto name = (*table)["name"].value<std::string>();
    if (!name || name->empty()) {
      out.diagnostics.push_back({util::Severity::warning, "invalid package: missing name", {path, toml_line(node)}});
      continue;
    }
    visit(*table, *name, toml_line(node));
  }
}

}  // namespace purser::catalog
