#include "lib/catalog/python/pipfile_lock.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <utility>

#include "lib/catalog/python/python_common.hpp"
#include "lib/util/strings.hpp"

namespace purser::catalog::python {

namespace {

using nlohmann::json;

void warn(ParseResult& out, util::Location loc, std::string message) {
  out.diagnostics.push_back({util::Severity::warning, std::move(message), std::move(loc)});
}

// nlohmann's what() is "[json.exception.parse_error.101] parse error at line L, column C: why".
std::string json_reason(const json::parse_error& e) {
  std::string_view what = e.what();
  auto col = what.find("column ");
  auto colon = col == std::string_view::npos ? what.find("] ") : what.find(": ", col);
  if (colon == std::string_view::npos) return std::string(what);
  return std::string(what.substr(colon + 2));
}

// Line numbers of the keys of the top-level object (depth 1) and of the objects below it
// (depth 2: the package names of "default"/"develop"), found in one linear pass over text
// that already parsed as JSON. The DOM keeps no positions, and searching per key would be
// quadratic on large files.
struct KeyLines {
  std::unordered_map<std::string, std::uint64_t> sections;
  std::unordered_map<std::string, std::unordered_map<std::string, std::uint64_t>> packages;
};

KeyLines scan_key_lines(std::string_view text) {
  KeyLines out;
  int depth = 0;
  std::uint64_t line = 1;
  std::string section;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n') {
      ++line;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
    } else if (c == '"') {
      std::size_t start = i + 1;
      std::uint64_t key_line = line;
      for (++i; i < text.size() && text[i] != '"'; ++i)
        if (text[i] == '\\') ++i;  // JSON strings hold no raw newlines; escapes are kept raw
      std::string_view raw = text.substr(start, std::min(i, text.size()) - start);
      std::size_t j = i + 1;
      while (j < text.size() && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r' || text[j] == '\n')) {
        if (text[j] == '\n') ++line;
        ++j;
      }
      if (j >= text.size() || text[j] != ':') {
        i = j - 1;
        continue;
      }
      i = j;
      if (depth == 1) {
        section = std::string(raw);
        out.sections.emplace(section, key_line);
      } else if (depth == 2 && (section == "default" || section == "develop")) {
        out.packages[section].emplace(std::string(raw), key_line);
      }
    }
  }
  return out;
}

void read_section(const json& doc, const char* section, model::Scope scope, const KeyLines& lines,
                  const std::string& path, ParseResult& out) {
  auto it = doc.find(section);
  if (it == doc.end() || it->is_null()) return;
  auto line_of = [](const auto& map, const std::string& key) -> std::uint64_t {
    auto f = map.find(key);
    return f == map.end() ? 0 : f->second;
  };
  if (!it->is_object()) {
    warn(out, {path, line_of(lines.sections, section)},
         std::string("invalid pipfile.lock: '") + section + "' is not an object");
    return;
  }
  static const std::unordered_map<std::string, std::uint64_t> k_none;
  auto names = lines.packages.find(section);
  const auto& name_lines = names == lines.packages.end() ? k_none : names->second;
  for (const auto& item : it->items()) {
    const std::string& name = item.key();  // not a structured binding: lambdas below capture it
    const json& v = item.value();
    util::Location loc{path, line_of(name_lines, name)};
    if (name.empty() || !v.is_object()) {
      warn(out, loc,
           "invalid package: " +
               (name.empty() ? std::string("empty name") : "'" + util::printable(name) + "' is not an object"));
      continue;
    }
    auto str = [&](const char* key) {
      auto f = v.find(key);
      return f != v.end() && f->is_string() ? f->get<std::string>() : std::string();
    };
    // A local project ({"path": ".", "editable": true}) is the project itself, not a dependency.
    std::string spec = str("version");
    if (spec.empty() && !str("path").empty()) continue;
    std::string version;
    if (spec.rfind("===", 0) == 0)
      version = std::string(util::trim(std::string_view(spec).substr(3)));
    else if (spec.rfind("==", 0) == 0 && spec.find_first_of("*,") == std::string::npos)
      version = std::string(util::trim(std::string_view(spec).substr(2)));
    Entry e;
    e.package = make_pypi_package(name, version);
    e.package.scope = scope;
    e.package.locations.push_back(loc);
    if (version.empty() && !spec.empty() && spec != "*") e.package.add_property("purser:pypi:specifier", spec);
    if (auto markers = str("markers"); !markers.empty()) e.package.add_property("purser:pypi:markers", markers);
    if (auto index = str("index"); !index.empty()) e.package.add_property("purser:pypi:index", index);
    if (auto git = str("git"); !git.empty()) {
      auto ref = str("ref");
      e.package.add_property("purser:pypi:source", "git+" + git + (ref.empty() ? "" : "@" + ref));
    }
    e.package.download_url = str("file");
    if (auto extras = v.find("extras"); extras != v.end() && extras->is_array()) {
      std::string joined;
      for (const auto& x : *extras)
        if (x.is_string()) joined += (joined.empty() ? "" : ",") + x.get<std::string>();
      if (!joined.empty()) e.package.add_property("purser:pypi:extras", joined);
    }
    // "hashes" lists one digest per distribution file of the release (each wheel and the
    // sdist); only a single digest identifies the artifact, so several are not attached.
    if (auto hashes = v.find("hashes");
        hashes != v.end() && hashes->is_array() && hashes->size() == 1 && hashes->front().is_string()) {
      if (auto h = parse_pip_hash(hashes->front().get<std::string>())) e.package.hashes.push_back(std::move(*h));
    }
    e.provides.push_back(pypi_key(name));
    out.entries.push_back(std::move(e));
  }
}

void parse_impl(std::string_view bytes, const std::string& path, ParseResult& out) {
  if (!util::looks_like_text(bytes)) {
    out.diagnostics.push_back({util::Severity::error, "invalid json: binary content", {path}});
    return;
  }
  // No parser callback to drop "_meta": nlohmann's callback parser rescans the parent
  // object at every end_object, which is quadratic on a section with many packages, and
  // "_meta" is a few hundred bytes.
  json doc;
  try {
    doc = json::parse(bytes.begin(), bytes.end());
  } catch (const json::parse_error& e) {
    std::size_t at = e.byte > 0 ? e.byte - 1 : 0;
    out.diagnostics.push_back(
        {util::Severity::error, "invalid json: " + json_reason(e), {path, util::line_of_offset(bytes, at)}});
    return;
  }
  if (!doc.is_object()) {
    out.diagnostics.push_back({util::Severity::error, "invalid pipfile.lock: top level is not an object", {path, 1}});
    return;
  }
  // Pipfile.lock is flat: no dependency graph, every package hangs off the document root.
  KeyLines lines = scan_key_lines(bytes);
  read_section(doc, "default", model::Scope::required, lines, path, out);
  read_section(doc, "develop", model::Scope::dev, lines, path, out);
}

}  // namespace

ParseResult parse_pipfile_lock(std::string_view bytes, const std::string& path, const FileResolver& resolver) {
  (void)resolver;
  ParseResult out;
  try {
    parse_impl(bytes, path, out);
  } catch (const std::exception& e) {
    out.diagnostics.push_back({util::Severity::error, std::string("invalid pipfile.lock: ") + e.what(), {path}});
  }
  return out;
}

const Cataloger& pipfile_lock_cataloger() {
  static const Cataloger c{"python-pipfile-lock", "python",           {"source", "lockfile"}, {"Pipfile.lock"},
                           "pipenv Pipfile.lock", &parse_pipfile_lock};
  return c;
}

}  // namespace purser::catalog::python
