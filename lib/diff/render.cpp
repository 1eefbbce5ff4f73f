#include "lib/diff/render.hpp"

// The three diff renderers. Names, versions and values come from untrusted documents: the table escapes control
// characters before they reach a terminal, Markdown escapes every ASCII punctuation character (CommonMark §2.4
// backslash escapes), JSON is produced by nlohmann with invalid UTF-8 replaced.

#include <algorithm>
#include <array>
#include <cctype>
#include <nlohmann/json.hpp>

#include "lib/util/strings.hpp"

namespace purser::diff {

namespace {

// ---- shared

/// The qualifiers that are part of an identity, as " (arch=i386, distro=debian-12)"; empty when there are none.
/// Without them the amd64 and i386 builds of one package would look like the same row.
std::string identity_qualifiers(const std::string& identity) {
  std::size_t q = identity.find('?');
  if (q == std::string::npos) return {};
  std::string out;
  for (auto part : util::split(std::string_view(identity).substr(q + 1, identity.find('#', q) - q - 1), '&')) {
    out += out.empty() ? " (" : ", ";
    out.append(part);
  }
  return out + ")";
}

/// The name a component is shown under: the new document's spelling, else the old one's, else its ref; plus its
/// identity qualifiers.
std::string display_name(const Component& c) {
  std::string name = !c.after.name.empty()    ? c.after.name
                     : !c.before.name.empty() ? c.before.name
                     : !c.after.ref.empty()   ? c.after.ref
                                              : c.before.ref;
  return name + identity_qualifiers(c.identity);
}

/// An edge end as the document that has the edge spells it: "name@version" plus identity qualifiers, or the bare
/// ref for an end no component has.
std::string edge_end(const Component& c, bool after) {
  const Side& s = after ? c.after : c.before;
  const Side& other = after ? c.before : c.after;
  const Side& use = s.ref.empty() ? other : s;
  std::string name = use.name.empty() ? use.ref : use.name;
  if (!use.version.empty()) name += "@" + use.version;
  return name + identity_qualifiers(c.identity);
}

const char* title(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::added:
      return "Added";
    case ChangeKind::removed:
      return "Removed";
    case ChangeKind::upgraded:
      return "Upgraded";
    case ChangeKind::downgraded:
      return "Downgraded";
    case ChangeKind::hash:
      return "Integrity alerts: same version, different hash";
    case ChangeKind::license:
      return "License changes";
    case ChangeKind::supplier:
      return "Supplier changes";
    case ChangeKind::layer:
      return "Introducing layer changes";
    case ChangeKind::edge_added:
      return "Dependency edges added";
    case ChangeKind::edge_removed:
      return "Dependency edges removed";
  }
  return "";
}

bool is_edge(ChangeKind kind) { return kind == ChangeKind::edge_added || kind == ChangeKind::edge_removed; }

std::string root_text(const DocumentSummary& s) {
  std::string out = s.name.empty() ? s.ref : s.name;
  if (!s.version.empty()) out += " " + s.version;
  return out;
}

// ---- table

constexpr std::size_t k_max_cell = 60;

// Terminal-safe, cut to `max` code points (util::terminal_cell).
std::string cell(std::string_view s, std::size_t max = k_max_cell) { return util::terminal_cell(s, max); }

// "SHA-256:0123456789abcdef0123…" per digest: enough to tell them apart on a terminal.
std::string short_hashes(std::string_view list) {
  std::string out;
  for (auto item : util::split(list, ' ')) {
    if (item.empty()) continue;
    if (!out.empty()) out += ' ';
    std::size_t colon = item.rfind(':');
    std::size_t keep = colon == std::string_view::npos ? 16 : colon + 1 + 16;
    if (item.size() > keep + 1) {
      out.append(item.substr(0, keep));
      out += "\xe2\x80\xa6";
    } else {
      out.append(item);
    }
  }
  return out;
}

const char* color_of(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::added:
    case ChangeKind::edge_added:
      return "\033[32m";
    case ChangeKind::removed:
    case ChangeKind::edge_removed:
      return "\033[31m";
    case ChangeKind::upgraded:
      return "\033[36m";
    case ChangeKind::downgraded:
      return "\033[33m";
    case ChangeKind::hash:
      return "\033[1;31m";
    case ChangeKind::license:
    case ChangeKind::supplier:
      return "\033[35m";
    case ChangeKind::layer:
      return "\033[34m";
  }
  return "";
}

std::string arrow(std::string_view a, std::string_view b) {
  return std::string(a.empty() ? "(none)" : a) + " \xe2\x86\x92 " + std::string(b.empty() ? "(none)" : b);
}

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

std::string render_table(const DiffReport& report, const RenderOptions& options) {
  constexpr std::size_t k_cols = 6;
  using Row = std::array<std::string, k_cols>;
  std::vector<Row> rows;
  std::vector<ChangeKind> kinds;
  rows.push_back({"CHANGE", "TYPE", "NAME", "OLD", "NEW", "DETAIL"});
  for (const Change& c : report.changes) {
    Row r;
    r[0] = to_string(c.kind);
    if (is_edge(c.kind)) {
      bool after = c.kind == ChangeKind::edge_added;
      r[1] = cell(c.component.ecosystem);
      r[2] = cell(edge_end(c.component, after)) + " \xe2\x86\x92 " + cell(edge_end(c.dependency, after));
      r[3] = "-";
      r[4] = "-";
      r[5] = "-";
    } else {
      r[1] = cell(c.component.ecosystem);
      r[2] = cell(display_name(c.component));
      r[3] = c.component.before.ref.empty() ? "-" : cell(c.component.before.version);
      r[4] = c.component.after.ref.empty() ? "-" : cell(c.component.after.version);
      switch (c.kind) {
        case ChangeKind::added:
          r[5] = cell(c.component.after.value);
          break;
        case ChangeKind::removed:
          r[5] = cell(c.component.before.value);
          break;
        case ChangeKind::hash:
          r[5] = cell(arrow(short_hashes(c.component.before.value), short_hashes(c.component.after.value)), 120);
          break;
        case ChangeKind::license:
        case ChangeKind::supplier:
        case ChangeKind::layer:
          r[5] = cell(arrow(c.component.before.value, c.component.after.value), 120);
          break;
        default:
          r[5] = "-";
      }
    }
    rows.push_back(std::move(r));
    kinds.push_back(c.kind);
  }
  std::array<std::size_t, k_cols> widths{};
  for (const auto& r : rows)
    for (std::size_t i = 0; i < k_cols; ++i) widths[i] = std::max(widths[i], util::display_width(r[i]));

  std::string out;
  auto header = [&](const char* which, const std::string& label, const DocumentSummary& s) {
    out += which;
    out += cell(label.empty() ? std::string("-") : label, 120);
    out += "  " + cell(root_text(s), 120) + " (" + plural(s.components, "component", "components") + ", " +
           plural(s.edges, "edge", "edges") + ")\n";
  };
  header("old: ", options.before_label, report.before);
  header("new: ", options.after_label, report.after);
  out += '\n';
  if (report.changes.empty()) {
    out += "no differences (" + plural(report.unchanged, "component", "components") + " unchanged)\n";
    return out;
  }
  for (std::size_t n = 0; n < rows.size(); ++n) {
    const Row& r = rows[n];
    std::string line;
    for (std::size_t i = 0; i < k_cols; ++i) {
      bool colored = options.color && n > 0 && i == 0;
      if (colored) line += color_of(kinds[n - 1]);
      line += r[i];
      if (colored) line += "\033[0m";
      if (i + 1 < k_cols) line.append(widths[i] - util::display_width(r[i]) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
  }
  out += '\n';
  std::string totals;
  for (std::size_t i = 0; i < k_change_kinds; ++i) {
    auto kind = static_cast<ChangeKind>(i);
    std::size_t n = report.count(kind);
    if (n == 0) continue;
    if (!totals.empty()) totals += ", ";
    totals += std::to_string(n) + " " + to_string(kind);
  }
  out += plural(report.changes.size(), "change", "changes") + ": " + totals + "; " + std::to_string(report.unchanged) +
         " unchanged\n";
  return out;
}

namespace {

// ---- json

nlohmann::ordered_json side_json(const Side& s, ChangeKind kind, bool with_value) {
  if (s.ref.empty()) return nullptr;
  nlohmann::ordered_json j;
  j["ref"] = s.ref;
  j["name"] = s.name;
  j["version"] = s.version;
  if (!with_value) return j;
  switch (kind) {
    case ChangeKind::added:
    case ChangeKind::removed:
    case ChangeKind::license:
      j["license"] = s.value;
      break;
    case ChangeKind::supplier:
      j["supplier"] = s.value;
      break;
    case ChangeKind::layer:
      j["layer"] = s.value;
      break;
    case ChangeKind::hash: {
      auto hashes = nlohmann::ordered_json::array();
      for (auto h : util::split(s.value, ' '))
        if (!h.empty()) hashes.push_back(std::string(h));
      j["hashes"] = std::move(hashes);
      break;
    }
    default:
      break;
  }
  return j;
}

nlohmann::ordered_json component_json(const Component& c, ChangeKind kind, bool with_value) {
  nlohmann::ordered_json j;
  j["identity"] = c.identity;
  j["ecosystem"] = c.ecosystem;
  j["old"] = side_json(c.before, kind, with_value);
  j["new"] = side_json(c.after, kind, with_value);
  return j;
}

nlohmann::ordered_json document_json(const std::string& label, const DocumentSummary& s) {
  nlohmann::ordered_json j;
  j["source"] = label;
  j["root"] = {{"ref", s.ref}, {"name", s.name}, {"version", s.version}};
  j["components"] = s.components;
  j["edges"] = s.edges;
  return j;
}

}  // namespace

std::string render_json(const DiffReport& report, const RenderOptions& options) {
  nlohmann::ordered_json j;
  j["schema"] = "purser-diff/1";
  j["old"] = document_json(options.before_label, report.before);
  j["new"] = document_json(options.after_label, report.after);
  nlohmann::ordered_json summary;
  for (std::size_t i = 0; i < k_change_kinds; ++i) {
    auto kind = static_cast<ChangeKind>(i);
    summary[to_string(kind)] = report.count(kind);
  }
  summary["unchanged"] = report.unchanged;
  j["summary"] = std::move(summary);
  auto changes = nlohmann::ordered_json::array();
  for (const Change& c : report.changes) {
    nlohmann::ordered_json e;
    e["kind"] = to_string(c.kind);
    if (is_edge(c.kind)) {
      e["from"] = component_json(c.component, c.kind, false);
      e["to"] = component_json(c.dependency, c.kind, false);
    } else {
      nlohmann::ordered_json comp = component_json(c.component, c.kind, true);
      for (auto& [k, v] : comp.items()) e[k] = v;
    }
    changes.push_back(std::move(e));
  }
  j["changes"] = std::move(changes);
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

namespace {

// ---- markdown

// CommonMark §2.4: any ASCII punctuation may be backslash-escaped; controls and line breaks would end the cell.
std::string md(std::string_view s) {
  static constexpr char k_hex[] = "0123456789abcdef";
  if (s.empty()) return "(none)";
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      out += "\\\\x";
      out += k_hex[u >> 4];
      out += k_hex[u & 15];
    } else if (u < 0x80 && std::ispunct(u)) {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  return out;
}

std::string md_hashes(std::string_view list) {
  std::string out;
  for (auto h : util::split(list, ' ')) {
    if (h.empty()) continue;
    if (!out.empty()) out += "<br>";
    out += md(h);
  }
  return out.empty() ? "(none)" : out;
}

std::string md_package(const Component& c) {
  return md(display_name(c)) + (c.ecosystem.empty() ? std::string() : " (" + md(c.ecosystem) + ")");
}

std::string md_version(const Side& s) { return md(s.version); }

}  // namespace

std::string render_markdown(const DiffReport& report, const RenderOptions& options) {
  std::string out = "## SBOM diff\n\n";
  auto doc_line = [&](const char* which, const std::string& label, const DocumentSummary& s) {
    out += std::string("**") + which + ":** " + md(label) + " \xe2\x80\x94 " + md(root_text(s)) + " (" +
           plural(s.components, "component", "components") + ", " + plural(s.edges, "edge", "edges") + ")  \n";
  };
  doc_line("Old", options.before_label, report.before);
  doc_line("New", options.after_label, report.after);
  out += '\n';
  if (report.changes.empty()) {
    out += "No differences: " + plural(report.unchanged, "component", "components") + " unchanged.\n";
    return out;
  }
  out += "| Change | Count |\n|---|---:|\n";
  for (std::size_t i = 0; i < k_change_kinds; ++i) {
    auto kind = static_cast<ChangeKind>(i);
    out += std::string("| ") + to_string(kind) + " | " + std::to_string(report.count(kind)) + " |\n";
  }
  out += "| unchanged | " + std::to_string(report.unchanged) + " |\n";

  // Integrity alerts lead: they are the ones a reviewer must not miss.
  const ChangeKind order[] = {
      ChangeKind::hash,    ChangeKind::added,    ChangeKind::removed, ChangeKind::upgraded,   ChangeKind::downgraded,
      ChangeKind::license, ChangeKind::supplier, ChangeKind::layer,   ChangeKind::edge_added, ChangeKind::edge_removed};
  for (ChangeKind kind : order) {
    std::size_t n = report.count(kind);
    if (n == 0) continue;
    out += std::string("\n### ") + title(kind) + " (" + std::to_string(n) + ")\n\n";
    switch (kind) {
      case ChangeKind::added:
      case ChangeKind::removed:
        out += "| Package | Version | License |\n|---|---|---|\n";
        break;
      case ChangeKind::upgraded:
      case ChangeKind::downgraded:
        out += "| Package | Old | New |\n|---|---|---|\n";
        break;
      case ChangeKind::hash:
        out += "| Package | Version | Old hash | New hash |\n|---|---|---|---|\n";
        break;
      case ChangeKind::license:
      case ChangeKind::supplier:
      case ChangeKind::layer:
        out += "| Package | Version | Old | New |\n|---|---|---|---|\n";
        break;
      case ChangeKind::edge_added:
      case ChangeKind::edge_removed:
        out += "| Dependent | Dependency |\n|---|---|\n";
        break;
    }
    for (const Change& c : report.changes) {
      if (c.kind != kind) continue;
      const Component& k = c.component;
      switch (kind) {
        case ChangeKind::added:
          out += "| " + md_package(k) + " | " + md_version(k.after) + " | " + md(k.after.value) + " |\n";
          break;
        case ChangeKind::removed:
          out += "| " + md_package(k) + " | " + md_version(k.before) + " | " + md(k.before.value) + " |\n";
          break;
        case ChangeKind::upgraded:
        case ChangeKind::downgraded:
          out += "| " + md_package(k) + " | " + md_version(k.before) + " | " + md_version(k.after) + " |\n";
          break;
        case ChangeKind::hash:
          out += "| " + md_package(k) + " | " + md_version(k.after) + " | " + md_hashes(k.before.value) + " | " +
                 md_hashes(k.after.value) + " |\n";
          break;
        case ChangeKind::license:
        case ChangeKind::supplier:
        case ChangeKind::layer:
          out += "| " + md_package(k) + " | " + md_version(k.after) + " | " + md(k.before.value) + " | " +
                 md(k.after.value) + " |\n";
          break;
        case ChangeKind::edge_added:
        case ChangeKind::edge_removed: {
          bool after = kind == ChangeKind::edge_added;
          out += "| " + md(edge_end(c.component, after)) + " | " + md(edge_end(c.dependency, after)) + " |\n";
          break;
        }
      }
    }
  }
  return out;
}

}  // namespace purser::diff
