#include "lib/catalog/npm/yarn_lock.hpp"

// yarn.lock comes in two unrelated syntaxes:
//  - classic (yarn 1, "# yarn lockfile v1"): yarn's own indentation-based format, not YAML
//    (`"a@^1", a@^1.1:` headers, `  version "1.2.3"` fields, `  dependencies:` blocks);
//  - Berry (yarn 2+, recognised by its `__metadata:` block): a small block-style YAML subset.
// Both are read by hand-written line readers. For Berry we measured yaml-cpp 0.7 at about
// 5 MB/s and ~28x the file size in memory (7.6 MB lockfile: 1.4 s, 218 MB RSS), far too
// much for the multi-MB (up to hundreds of MB) lockfiles of large monorepos; Berry writes
// only `key: value` / `key:` lines with double-quoted or plain scalars, which a line reader
// handles in one pass with no node tree.

#include <algorithm>
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "lib/catalog/npm/npm_common.hpp"
#include "lib/util/strings.hpp"

namespace purser::catalog::npm {
namespace {

constexpr std::size_t k_max_diagnostics = 10;

// One lockfile entry as read, before it becomes a package.
struct Record {
  std::vector<std::string> descriptors;  // header keys, "name@range"
  std::uint64_t line = 0;
  std::string version;
  std::string resolved;                                            // v1
  std::string integrity;                                           // v1
  std::string resolution;                                          // Berry locator, "name@npm:1.2.3"
  std::string checksum;                                            // Berry cache checksum
  std::vector<std::pair<std::string, std::string>> deps;           // name, range
  std::vector<std::pair<std::string, std::string>> optional_deps;  // v1 optionalDependencies
  std::vector<std::string> optional_names;                         // Berry dependenciesMeta.<name>.optional
};

class Diagnostics {
 public:
  Diagnostics(const std::string& path, std::vector<util::Diagnostic>& out) : m_path(path), m_out(out) {}
  void add(std::uint64_t line, std::string message) {
    if (m_out.size() < k_max_diagnostics) {
      m_out.push_back({util::Severity::warning, std::move(message), {m_path, line}});
    } else {
      ++m_suppressed;
    }
  }
  void finish() {
    if (m_suppressed > 0)
      m_out.push_back({util::Severity::warning,
                       "invalid yarn.lock: " + std::to_string(m_suppressed) + " further problems not shown",
                       {m_path}});
  }

 private:
  const std::string& m_path;
  std::vector<util::Diagnostic>& m_out;
  std::size_t m_suppressed = 0;
};

// Iterates lines with 1-based numbers, without the line terminator.
class Lines {
 public:
  explicit Lines(std::string_view text) : m_text(text) {}
  bool next(std::string_view& line, std::uint64_t& number) {
    if (m_pos >= m_text.size()) return false;
    auto nl = m_text.find('\n', m_pos);
    if (nl == std::string_view::npos) nl = m_text.size();
    line = m_text.substr(m_pos, nl - m_pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    m_pos = nl + 1;
    number = ++m_number;
    return true;
  }

 private:
  std::string_view m_text;
  std::size_t m_pos = 0;
  std::uint64_t m_number = 0;
};

// Reads a double-quoted string starting at s[i] == '"' (JSON-style escapes, which both
// yarn 1's writer and YAML double-quoted scalars use). Leaves i after the closing quote.
bool read_double_quoted(std::string_view s, std::size_t& i, std::string& out) {
  out.clear();
  ++i;
  while (i < s.size()) {
    char c = s[i++];
    if (c == '"') return true;
    if (c != '\\') {
      out += c;
      continue;
    }
    if (i >= s.size()) return false;
    char e = s[i++];
    switch (e) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case '0':
        out += '\0';
        break;
      case 'u': {
        if (i + 4 > s.size()) return false;
        std::uint32_t cp = 0;
        for (int k = 0; k < 4; ++k) {
          char h = s[i++];
          cp <<= 4;
          if (h >= '0' && h <= '9')
            cp |= static_cast<std::uint32_t>(h - '0');
          else if (h >= 'a' && h <= 'f')
            cp |= static_cast<std::uint32_t>(h - 'a' + 10);
          else if (h >= 'A' && h <= 'F')
            cp |= static_cast<std::uint32_t>(h - 'A' + 10);
          else
            return false;
        }
        util::append_utf8(out, cp);
        break;
      }
      default:
        out += e;
        break;  // \" \\ \/ and anything else taken literally
    }
  }
  return false;
}

// YAML single-quoted scalar: '' is an escaped quote.
bool read_single_quoted(std::string_view s, std::size_t& i, std::string& out) {
  out.clear();
  ++i;
  while (i < s.size()) {
    char c = s[i++];
    if (c == '\'') {
      if (i < s.size() && s[i] == '\'') {
        out += '\'';
        ++i;
        continue;
      }
      return true;
    }
    out += c;
  }
  return false;
}

std::size_t indent_of(std::string_view line) {
  std::size_t n = 0;
  while (n < line.size() && line[n] == ' ') ++n;
  return n;
}

bool is_blank_or_comment(std::string_view line) {
  auto t = util::trim(line);
  return t.empty() || t.front() == '#';
}

// "a@^1, b@^2" -> {"a@^1", "b@^2"}
std::vector<std::string> split_descriptors(std::string_view key) {
  std::vector<std::string> out;
  for (auto part : util::split(key, ',')) {
    part = util::trim(part);
    if (part.size() >= 2 && part.front() == '"' && part.back() == '"') part = part.substr(1, part.size() - 2);
    if (!part.empty()) out.emplace_back(part);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Classic v1: each line is a list of tokens (quoted strings, bare words, ':' and ',').

struct Token {
  enum Kind { word, colon, comma } kind = word;
  std::string text;
};

bool tokenize_v1(std::string_view s, std::vector<Token>& tokens, std::string& why) {
  tokens.clear();
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == ' ' || c == '\t') {
      ++i;
    } else if (c == '"') {
      Token t;
      if (!read_double_quoted(s, i, t.text)) {
        why = "unterminated quoted string";
        return false;
      }
      tokens.push_back(std::move(t));
    } else if (c == ',') {
      tokens.push_back({Token::comma, {}});
      ++i;
    } else if (c == ':' && (i + 1 == s.size() || s[i + 1] == ' ' || s[i + 1] == ',')) {
      tokens.push_back({Token::colon, {}});
      ++i;
    } else {
      // Bare word: yarn quotes anything with spaces, commas or colons, so a word ends
      // at a space, a comma, or a colon that ends the key.
      std::size_t start = i;
      while (i < s.size() && s[i] != ' ' && s[i] != '\t' && s[i] != ',' &&
             !(s[i] == ':' && (i + 1 == s.size() || s[i + 1] == ' ' || s[i + 1] == ',')))
        ++i;
      tokens.push_back({Token::word, std::string(s.substr(start, i - start))});
    }
  }
  return true;
}

void read_v1(std::string_view bytes, std::vector<Record>& records, Diagnostics& diags) {
  Lines lines(bytes);
  std::string_view line;
  std::uint64_t number = 0;
  std::vector<Token> tokens;
  std::string why;
  Record* current = nullptr;
  bool skipping = false;         // inside a header we could not read
  std::size_t field_indent = 0;  // indentation of the current entry's fields
  std::size_t block_indent = 0;  // indentation of the open `dependencies:` line
  std::string block;             // name of the open block, empty = none

  while (lines.next(line, number)) {
    if (is_blank_or_comment(line)) continue;
    std::size_t indent = indent_of(line);
    if (indent < line.size() && line[indent] == '\t') {
      diags.add(number, "invalid yarn.lock: tab in indentation");
      continue;
    }
    if (!tokenize_v1(line.substr(indent), tokens, why)) {
      diags.add(number, "invalid yarn.lock: " + why);
      if (indent == 0) {
        current = nullptr;
        skipping = true;
      }
      continue;
    }
    bool ends_with_colon = !tokens.empty() && tokens.back().kind == Token::colon;

    if (indent == 0) {
      // Header: descriptor (',' descriptor)* ':'
      block.clear();
      field_indent = 0;
      bool ok = ends_with_colon && tokens.size() >= 2;
      std::vector<std::string> descriptors;
      for (std::size_t k = 0; ok && k + 1 < tokens.size(); ++k) {
        bool want_word = k % 2 == 0;
        if (want_word != (tokens[k].kind == Token::word)) ok = false;
        if (want_word && ok) {
          // yarn writes one quoted string per descriptor, but accept "a@1, b@2" too.
          for (auto& d : split_descriptors(tokens[k].text)) descriptors.push_back(std::move(d));
        }
      }
      if (!ok || descriptors.empty()) {
        diags.add(number, "invalid yarn.lock: expected an entry header 'name@range:'");
        current = nullptr;
        skipping = true;
        continue;
      }
      records.emplace_back();
      current = &records.back();
      current->descriptors = std::move(descriptors);
      current->line = number;
      skipping = false;
      continue;
    }

    if (current == nullptr) {
      if (!skipping) diags.add(number, "invalid yarn.lock: unexpected indentation");
      skipping = true;
      continue;
    }
    if (field_indent == 0) field_indent = indent;

    bool pair = tokens.size() == 2 && tokens[0].kind == Token::word && tokens[1].kind == Token::word;
    bool single = tokens.size() == 1 && tokens[0].kind == Token::word;
    bool opener = tokens.size() == 2 && tokens[0].kind == Token::word && ends_with_colon;

    if (!block.empty() && indent > block_indent) {
      if (pair) {
        if (block == "dependencies")
          current->deps.emplace_back(tokens[0].text, tokens[1].text);
        else if (block == "optionalDependencies")
          current->optional_deps.emplace_back(tokens[0].text, tokens[1].text);
      } else if (!opener && !single) {
        diags.add(number, "invalid yarn.lock: expected 'name range'");
      }
      continue;
    }
    if (indent > field_indent) {
      diags.add(number, "invalid yarn.lock: unexpected indentation");
      continue;
    }
    block.clear();
    if (opener) {
      block = tokens[0].text;
      block_indent = indent;
    } else if (std::all_of(tokens.begin(), tokens.end(), [](const Token& t) { return t.kind == Token::word; })) {
      // `key value`, `key` alone, or `integrity sha512-... sha1-...` (several SRI values).
      const std::string& key = tokens[0].text;
      std::string value;
      for (std::size_t k = 1; k < tokens.size(); ++k) value += (k > 1 ? " " : "") + tokens[k].text;
      if (key == "version")
        current->version = std::move(value);
      else if (key == "resolved")
        current->resolved = std::move(value);
      else if (key == "integrity")
        current->integrity = std::move(value);
    } else {
      diags.add(number, "invalid yarn.lock: expected 'key value' or 'key:'");
    }
  }
}

// ---------------------------------------------------------------------------
// Berry: block-style YAML restricted to `key: value` and `key:` lines.

// Splits "key: value" / "key:" with YAML quoting rules for the key and the value.
bool split_yaml_line(std::string_view s, std::string& key, bool& has_value, std::string& value, std::string& why) {
  std::size_t i = 0;
  if (s.front() == '"' || s.front() == '\'') {
    bool ok = s.front() == '"' ? read_double_quoted(s, i, key) : read_single_quoted(s, i, key);
    if (!ok) {
      why = "unterminated quoted string";
      return false;
    }
    while (i < s.size() && s[i] == ' ') ++i;
    if (i >= s.size() || s[i] != ':') {
      why = "expected ':' after key";
      return false;
    }
  } else {
    while (i < s.size() && !(s[i] == ':' && (i + 1 == s.size() || s[i + 1] == ' '))) ++i;
    if (i >= s.size()) {
      why = "expected 'key: value' or 'key:'";
      return false;
    }
    key = std::string(util::trim(s.substr(0, i)));
  }
  ++i;  // ':'
  auto rest = util::trim(s.substr(i));
  value.clear();
  has_value = !rest.empty() && rest.front() != '#';
  if (!has_value) return true;
  if (rest.front() == '"' || rest.front() == '\'') {
    std::size_t j = 0;
    bool ok = rest.front() == '"' ? read_double_quoted(rest, j, value) : read_single_quoted(rest, j, value);
    if (!ok) {
      why = "unterminated quoted string";
      return false;
    }
    return true;
  }
  if (auto hash = rest.find(" #"); hash != std::string_view::npos) rest = util::trim(rest.substr(0, hash));
  value = std::string(rest);
  return true;
}

void read_berry(std::string_view bytes, std::vector<Record>& records, Diagnostics& diags) {
  Lines lines(bytes);
  std::string_view line;
  std::uint64_t number = 0;
  std::string key, value, why;
  bool has_value = false;
  // Open mapping keys by indentation; the first is the entry (or __metadata).
  std::vector<std::pair<std::size_t, std::string>> stack;
  Record* current = nullptr;
  bool skipping = false;  // below a top-level line we could not read

  while (lines.next(line, number)) {
    if (is_blank_or_comment(line)) continue;
    std::size_t indent = indent_of(line);
    if (indent < line.size() && line[indent] == '\t') {
      diags.add(number, "invalid yarn.lock: tab in indentation");
      continue;
    }
    while (!stack.empty() && stack.back().first >= indent) stack.pop_back();
    if (indent == 0) skipping = false;
    if (indent > 0 && stack.empty()) {
      if (!skipping) diags.add(number, "invalid yarn.lock: unexpected indentation");
      skipping = true;
      continue;
    }
    std::string_view content = line.substr(indent);
    if (content.front() == '-' && (content.size() == 1 || content[1] == ' ')) {
      // Sequences appear only in fields we do not read (e.g. some `bin`/`conditions` forms).
      if (stack.size() < 2) diags.add(number, "invalid yarn.lock: unexpected sequence item");
      continue;
    }
    if (!split_yaml_line(content, key, has_value, value, why)) {
      diags.add(number, "invalid yarn.lock: " + why);
      if (stack.empty()) {
        current = nullptr;
        skipping = true;
      }
      continue;
    }
    const std::size_t depth = stack.size();
    if (depth == 0) {
      current = nullptr;
      if (key != "__metadata") {
        auto descriptors = split_descriptors(key);
        if (descriptors.empty() || has_value) {
          diags.add(number, "invalid yarn.lock: expected an entry header 'name@range:'");
          skipping = true;
        } else {
          records.emplace_back();
          current = &records.back();
          current->descriptors = std::move(descriptors);
          current->line = number;
        }
      }
    } else if (current != nullptr && depth == 1 && has_value) {
      if (key == "version")
        current->version = value;
      else if (key == "resolution")
        current->resolution = value;
      else if (key == "checksum")
        current->checksum = value;
    } else if (current != nullptr && depth == 2 && has_value) {
      const auto& block = stack[1].second;
      if (block == "dependencies")
        current->deps.emplace_back(key, value);
      else if (block == "optionalDependencies")
        current->optional_deps.emplace_back(key, value);
    } else if (current != nullptr && depth == 3 && has_value && stack[1].second == "dependenciesMeta" &&
               key == "optional" && value == "true") {
      // dependenciesMeta keys are "name" or "name@version".
      current->optional_names.emplace_back(split_name_spec(stack[2].second).first);
    }
    if (!has_value) stack.emplace_back(indent, key);
  }
}

// Berry descriptors carry a protocol ("npm:^1.0.0"); older Berry lockfiles leave the
// default npm: protocol out of dependency ranges, so add it to match the headers.
std::string berry_descriptor(std::string_view name, std::string_view range) {
  std::string out(name);
  out += '@';
  if (range.find(':') == std::string_view::npos) out += "npm:";
  out += range;
  return out;
}

std::string normalize_berry_descriptor(std::string_view descriptor) {
  auto [name, range] = split_name_spec(descriptor);
  return berry_descriptor(name, range);
}

bool is_hex40(std::string_view s) {
  return s.size() == 40 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
         });
}

// Scope from reachability: required when reachable from a start entry through required
// requirements, optional when only through optional ones.
void assign_scopes(std::vector<Entry>& entries) {
  std::unordered_map<std::string_view, std::size_t> provider;
  for (std::size_t i = 0; i < entries.size(); ++i)
    for (const auto& key : entries[i].provides) provider.emplace(key, i);
  std::vector<char> incoming(entries.size(), 0);
  bool any_root = false;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    any_root = any_root || entries[i].root;
    for (const auto& need : entries[i].needs)
      if (auto it = provider.find(need.key); it != provider.end() && it->second != i) incoming[it->second] = 1;
  }
  std::vector<char> start(entries.size(), 0);
  for (std::size_t i = 0; i < entries.size(); ++i) start[i] = any_root ? entries[i].root : !incoming[i];

  auto reach = [&](bool through_optional) {
    std::vector<char> seen(start);
    std::deque<std::size_t> queue;
    for (std::size_t i = 0; i < entries.size(); ++i)
      if (start[i]) queue.push_back(i);
    while (!queue.empty()) {
      auto i = queue.front();
      queue.pop_front();
      for (const auto& need : entries[i].needs) {
        if (need.optional && !through_optional) continue;
        auto it = provider.find(need.key);
        if (it == provider.end() || seen[it->second]) continue;
        seen[it->second] = 1;
        queue.push_back(it->second);
      }
    }
    return seen;
  };
  auto required = reach(false);
  auto any = reach(true);
  for (std::size_t i = 0; i < entries.size(); ++i)
    if (!required[i] && any[i]) entries[i].package.scope = model::Scope::optional;
}

Entry make_entry(Record& rec, bool berry, const std::string& path) {
  // The package name: Berry's resolution locator names it; in v1 the header does, except
  // for aliases ("foo@npm:bar@^1") where the range names the real package.
  auto [ident, range] = split_name_spec(rec.descriptors.front());
  std::string name;
  if (berry && !rec.resolution.empty()) {
    name = std::string(split_name_spec(rec.resolution).first);
  } else if (range.starts_with("npm:") && range.find('@', 5) != std::string_view::npos) {
    name = std::string(split_name_spec(range.substr(4)).first);
  } else {
    name = std::string(ident);
  }
  // Yarn writes this placeholder for workspaces and linked folders: not a real version.
  std::string version = rec.version == "0.0.0-use.local" ? std::string() : rec.version;

  Entry e;
  e.package = make_npm_package(name, version);
  e.package.locations.push_back({path, rec.line});
  for (const auto& d : rec.descriptors) {
    auto alias = split_name_spec(d).first;
    if (alias != name) e.package.add_property("purser:npm:alias", std::string(alias));
  }
  if (berry) {
    const auto& res = rec.resolution;
    if (auto ws = res.find("@workspace:"); ws != std::string::npos && ws > 0) {
      // Workspaces are the project's own roots (yarn's `linkType: soft` entries).
      e.root = true;
      e.package.type = model::ComponentType::application;
      std::string dir = res.substr(ws + 11);
      if (dir != ".") e.package.add_property("purser:npm:workspace", dir);
    }
    if (auto patch = res.find("@patch:"); patch != std::string::npos && patch > 0) {
      // "name@patch:name@npm%3A1.2.3#<patch source>::version=1.2.3&hash=..."
      auto hash = res.find('#', patch);
      if (hash != std::string::npos)
        e.package.add_property("purser:npm:patch", res.substr(hash + 1, res.find("::", hash) - hash - 1));
    }
    if (!rec.checksum.empty()) e.package.add_property("purser:npm:yarn-checksum", rec.checksum);
    for (const auto& d : rec.descriptors) e.provides.push_back(normalize_berry_descriptor(d));
    for (const auto& [dep, dep_range] : rec.deps) {
      bool optional = std::find(rec.optional_names.begin(), rec.optional_names.end(), dep) != rec.optional_names.end();
      e.needs.push_back({berry_descriptor(dep, dep_range), optional});
    }
    for (const auto& [dep, dep_range] : rec.optional_deps) e.needs.push_back({berry_descriptor(dep, dep_range), true});
    return e;
  }

  e.package.hashes = parse_integrity(rec.integrity);
  std::string_view resolved = rec.resolved;
  auto hash = resolved.find('#');
  bool http = resolved.starts_with("https://") || resolved.starts_with("http://");
  if (http) {
    e.package.download_url = std::string(resolved.substr(0, hash));
    // Before integrity fields existed yarn recorded the tarball's SHA-1 as the fragment.
    if (e.package.hashes.empty() && hash != std::string_view::npos && is_hex40(resolved.substr(hash + 1)))
      e.package.hashes.push_back({"SHA-1", util::to_lower(resolved.substr(hash + 1))});
  } else if (resolved.starts_with("git")) {
    e.package.download_url = rec.resolved;  // the fragment is the commit: keep it
  }
  e.provides = std::move(rec.descriptors);
  for (const auto& [dep, dep_range] : rec.deps) e.needs.push_back({dep + "@" + dep_range, false});
  for (const auto& [dep, dep_range] : rec.optional_deps) e.needs.push_back({dep + "@" + dep_range, true});
  return e;
}

bool is_berry(std::string_view bytes) {
  return bytes.starts_with("__metadata:") || bytes.find("\n__metadata:") != std::string_view::npos;
}

}  // namespace

ParseResult parse_yarn_lock(std::string_view bytes, const std::string& path, const FileResolver& resolver) {
  (void)resolver;
  ParseResult out;
  if (!util::looks_like_text(bytes)) {
    out.diagnostics.push_back({util::Severity::error, "invalid yarn.lock: not a text file", {path}});
    return out;
  }
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  try {
    Diagnostics diags(path, out.diagnostics);
    std::vector<Record> records;
    bool berry = is_berry(bytes);
    if (berry)
      read_berry(bytes, records, diags);
    else
      read_v1(bytes, records, diags);
    out.entries.reserve(records.size());
    for (auto& rec : records) {
      if (rec.version.empty() && !berry)
        diags.add(rec.line, "invalid yarn.lock: entry has no version: " + util::printable(rec.descriptors.front()));
      out.entries.push_back(make_entry(rec, berry, path));
    }
    assign_scopes(out.entries);
    diags.finish();
  } catch (const std::exception& e) {  // std::bad_alloc and the like: keep what parsed
    out.diagnostics.push_back({util::Severity::error, std::string("invalid yarn.lock: ") + e.what(), {path}});
  }
  return out;
}

const Cataloger& yarn_lock_cataloger() {
  static const Cataloger c{
      "npm-yarn-lock", "npm", {"source", "lockfile"}, {"yarn.lock"}, "yarn.lock, classic v1 and Berry v2+",
      &parse_yarn_lock};
  return c;
}

}  // namespace purser::catalog::npm
