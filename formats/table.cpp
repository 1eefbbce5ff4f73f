#include <algorithm>
#include <array>
#include <string_view>

#include "formats/writer_common.hpp"
#include "formats/writers.hpp"
#include "lib/util/strings.hpp"

// Human-readable table. Package names come from untrusted files, so control characters are escaped before
// they reach a terminal.

namespace purser::formats {

namespace {

constexpr std::size_t k_columns = 5;
using Row = std::array<std::string, k_columns>;

// Longest cell shown; longer values end in "…" so one freak name cannot push every row off the screen.
constexpr std::size_t k_max_cell = 80;

std::string cell(std::string_view s) { return util::terminal_cell(s, k_max_cell); }

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

std::string write_table(const model::Document& doc, bool color) {
  std::vector<const model::Package*> packages = detail::unique_packages(doc);
  // Rows ordered for reading: name case-insensitively, then exact name, version and ref as tie-breakers.
  std::stable_sort(packages.begin(), packages.end(), [](const model::Package* a, const model::Package* b) {
    std::string la = util::to_lower(a->name), lb = util::to_lower(b->name);
    if (la != lb) return la < lb;
    if (a->name != b->name) return a->name < b->name;
    if (a->version != b->version) return a->version < b->version;
    return a->ref() < b->ref();
  });

  std::vector<Row> rows;
  rows.push_back({"NAME", "VERSION", "TYPE", "SCOPE", "FOUND IN"});
  for (const auto* p : packages) {
    std::string type = detail::purl_type(*p);
    if (type.empty()) type = p->ecosystem;
    std::string found;
    if (!p->locations.empty()) {
      found = p->locations.front().to_string();
      if (p->locations.size() > 1) found += " (+" + std::to_string(p->locations.size() - 1) + ")";
    }
    rows.push_back({cell(p->name), cell(p->version), cell(type), model::to_string(p->scope), cell(found)});
  }

  std::array<std::size_t, k_columns> widths{};
  for (const auto& row : rows)
    for (std::size_t i = 0; i < k_columns; ++i) widths[i] = std::max(widths[i], util::display_width(row[i]));

  std::string out;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::string line;
    for (std::size_t i = 0; i < k_columns; ++i) {
      line += rows[r][i];
      if (i + 1 < k_columns) line.append(widths[i] - util::display_width(rows[r][i]) + 2, ' ');
    }
    if (r == 0 && color)
      out += "\x1b[1m" + line + "\x1b[0m\n";
    else
      out += line + "\n";
  }
  out += plural(packages.size(), "package", "packages") + ", " +
         plural(doc.relationships.size(), "relationship", "relationships") + ", " +
         plural(doc.diagnostics.size(), "problem", "problems") + "\n";
  return out;
}

}  // namespace purser::formats
