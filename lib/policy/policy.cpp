#include "lib/policy/policy.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <initializer_list>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <unordered_set>
#include <utility>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include "formats/reader.hpp"
#include "formats/validate.hpp"
#include "lib/model/purl.hpp"
#include "lib/util/strings.hpp"

namespace purser::policy {

using util::ErrorCode;

namespace {

// '*' matches any run of characters (including none and including '/'); everything else matches
// itself. Iterative with one backtrack point, so linear-ish and without recursion.
bool wildcard_match(std::string_view pattern, std::string_view text) {
  std::size_t p = 0, t = 0;
  std::size_t star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// RFC 3339 UTC ("2024-01-02T03:04:05Z") of seconds since the epoch (days → civil date per
// Howard Hinnant's public-domain algorithm), clamped to years 0000..9999.
std::string rfc3339(std::int64_t seconds) {
  seconds = std::clamp<std::int64_t>(seconds, -62167219200, 253402300799);
  std::int64_t days = seconds / 86400, rem = seconds % 86400;
  if (rem < 0) rem += 86400, days -= 1;
  std::int64_t z = days + 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  std::int64_t doe = z - era * 146097;
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::int64_t mp = (5 * doy + 2) / 153;
  std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", static_cast<int>(y), static_cast<int>(m),
                static_cast<int>(d), static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60),
                static_cast<int>(rem % 60));
  return buf;
}

constexpr std::int64_t k_minute = 60, k_hour = 3600, k_day = 86400, k_week = 7 * 86400;
constexpr std::int64_t k_max_duration = 100LL * 366 * k_day;  // a century is plenty for an SBOM age
constexpr std::int64_t k_clock_skew = 5 * k_minute;

// "30d", "12h", "1d12h", "90m", "2w", "45s" → seconds.
std::optional<std::int64_t> parse_duration(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::int64_t total = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t start = i;
    std::int64_t n = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      n = n * 10 + (s[i] - '0');
      if (n > k_max_duration) return std::nullopt;
      ++i;
    }
    if (i == start || i >= s.size()) return std::nullopt;
    std::int64_t unit = 0;
    switch (s[i]) {
      case 's':
        unit = 1;
        break;
      case 'm':
        unit = k_minute;
        break;
      case 'h':
        unit = k_hour;
        break;
      case 'd':
        unit = k_day;
        break;
      case 'w':
        unit = k_week;
        break;
      default:
        return std::nullopt;
    }
    ++i;
    if (n > k_max_duration / unit) return std::nullopt;
    total += n * unit;
    if (total > k_max_duration) return std::nullopt;
  }
  return total;
}

// The two largest non-zero units: "31d 2h", "5h 3m", "30d 1s", "42s".
std::string format_duration(std::int64_t s) {
  if (s < 0) s = -s;
  struct Unit {
    std::int64_t seconds;
    char name;
  };
  static constexpr Unit k_units[] = {{k_day, 'd'}, {k_hour, 'h'}, {k_minute, 'm'}, {1, 's'}};
  std::string out;
  int shown = 0;
  for (const auto& u : k_units) {
    std::int64_t n = s / u.seconds;
    s %= u.seconds;
    if (n == 0) continue;
    if (!out.empty()) out += ' ';
    out += std::to_string(n) + u.name;
    if (++shown == 2) break;
  }
  return out.empty() ? "0s" : out;
}

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// ---- loading (yaml-cpp stays inside this file) ----

// Thrown inside the loader only; load_policy converts it (STYLE 10: a parser may throw behind
// its entry point).
struct LoadError {
  std::string message;
  std::uint64_t line = 0;
};

struct Field {
  YAML::Node key;
  YAML::Node value;
};

std::uint64_t line_of(const YAML::Node& n) {
  YAML::Mark m = n.Mark();
  return m.line >= 0 ? static_cast<std::uint64_t>(m.line) + 1 : 0;
}

std::string quote(std::string_view s) { return "'" + util::printable(s, 80) + "'"; }

std::string join_names(std::initializer_list<std::string_view> names) {
  std::string out;
  for (auto n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

// Where documents start, from the event parser. Used instead of YAML::LoadAll: yaml-cpp 0.7 never
// gets past a ',' that starts a document (each call reports another empty document there), and
// LoadAll collects those until memory runs out.
class DocumentStart : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (!m_seen) m_mark = mark;
    m_seen = true;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
  const YAML::Mark& mark() const { return m_mark; }

 private:
  bool m_seen = false;
  YAML::Mark m_mark;
};

// Refuses a second document, and input the parser cannot get past. Throws YAML::Exception on bad
// syntax in the first document.
void check_single_document(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStart first, second;
  if (!parser.HandleNextDocument(first) || !parser.HandleNextDocument(second)) return;
  std::uint64_t line = second.mark().line >= 0 ? static_cast<std::uint64_t>(second.mark().line) + 1 : 0;
  auto pos = static_cast<std::size_t>(std::max(second.mark().pos, 0));
  if (second.mark().pos == first.mark().pos && pos < text.size())
    throw LoadError{"unexpected " + quote(text.substr(pos, 1)), line};
  throw LoadError{"more than one YAML document", line};
}

class Loader {
 public:
  Policy load(const YAML::Node& top) {
    if (top.IsNull()) throw LoadError{"the policy is empty", line_of(top)};
    if (!top.IsMap()) throw LoadError{"expected a mapping with apiVersion and rules at the top level", line_of(top)};
    auto fields = read_map(top, "", {"apiVersion", "name", "description", "rules"});
    auto api = fields.find("apiVersion");
    if (api == fields.end())
      throw LoadError{"missing apiVersion (expected " + quote(k_policy_api_version) + ")", line_of(top)};
    std::string version = scalar(api->second, "", "apiVersion");
    if (version != k_policy_api_version)
      throw LoadError{"unsupported apiVersion " + quote(version) + " (expected " + quote(k_policy_api_version) + ")",
                      line_of(api->second.value)};
    Policy policy;
    if (auto it = fields.find("name"); it != fields.end()) policy.name = scalar(it->second, "", "name");
    if (auto it = fields.find("description"); it != fields.end()) (void)scalar(it->second, "", "description");
    auto rules = fields.find("rules");
    if (rules == fields.end()) throw LoadError{"missing rules", line_of(top)};
    const YAML::Node& list = rules->second.value;
    if (!list.IsSequence() || list.size() == 0)
      throw LoadError{"rules must be a non-empty list", value_line(rules->second)};
    std::map<std::string, std::uint64_t> ids;
    for (std::size_t i = 0; i < list.size(); ++i) {
      Rule rule = load_rule(list[i], i);
      auto [it, fresh] = ids.emplace(rule.id, rule.location.line);
      if (!fresh)
        throw LoadError{"duplicate rule id " + quote(rule.id) + " (first at line " + std::to_string(it->second) + ")",
                        rule.location.line};
      policy.rules.push_back(std::move(rule));
    }
    return policy;
  }

  explicit Loader(const std::string& path) : m_path(path) {}

 private:
  static std::string context(const std::string& where, const std::string& what) {
    return where.empty() ? what : where + ": " + what;
  }

  // A mapping's fields by name; keys must be unique strings, and from `allowed` unless `any_key`.
  std::map<std::string, Field> read_map(const YAML::Node& node, const std::string& where,
                                        std::initializer_list<std::string_view> allowed, bool any_key = false) {
    std::map<std::string, Field> out;
    // Iterate by value: yaml-cpp's iterator-> returns a proxy, so a reference to it->first dangles.
    for (const auto& kv : node) {
      const YAML::Node& key = kv.first;
      if (!key.IsScalar()) throw LoadError{context(where, "keys must be strings"), line_of(key)};
      std::string name = key.Scalar();
      if (!any_key && std::find(allowed.begin(), allowed.end(), name) == allowed.end())
        throw LoadError{context(where, "unknown key " + quote(name) + " (expected " + join_names(allowed) + ")"),
                        line_of(key)};
      if (!out.emplace(name, Field{key, kv.second}).second)
        throw LoadError{context(where, "duplicate key " + quote(name)), line_of(key)};
    }
    return out;
  }

  // The value's line; the key's when the value is absent ("key:" alone).
  static std::uint64_t value_line(const Field& f) {
    std::uint64_t l = f.value.IsNull() ? 0 : line_of(f.value);
    return l ? l : line_of(f.key);
  }

  std::string scalar(const Field& f, const std::string& where, const std::string& key) {
    if (f.value.IsNull()) throw LoadError{context(where, key + " needs a value"), line_of(f.key)};
    if (!f.value.IsScalar()) throw LoadError{context(where, key + " must be a string"), value_line(f)};
    std::string s = f.value.Scalar();
    if (util::trim(s).empty()) throw LoadError{context(where, key + " must not be empty"), value_line(f)};
    return s;
  }

  // A non-empty list of non-empty strings, each with its line.
  std::vector<std::pair<std::string, std::uint64_t>> scalar_list(const Field& f, const std::string& where,
                                                                 const std::string& key) {
    if (!f.value.IsSequence() || f.value.size() == 0)
      throw LoadError{context(where, key + " must be a non-empty list"), value_line(f)};
    std::vector<std::pair<std::string, std::uint64_t>> out;
    for (std::size_t i = 0; i < f.value.size(); ++i) {
      YAML::Node item = f.value[i];
      std::string at = key + "[" + std::to_string(i) + "]";
      std::uint64_t line = line_of(item) ? line_of(item) : value_line(f);
      if (!item.IsScalar()) throw LoadError{context(where, at + " must be a string"), line};
      if (util::trim(item.Scalar()).empty()) throw LoadError{context(where, at + " must not be empty"), line};
      out.emplace_back(item.Scalar(), line);
    }
    return out;
  }

  Rule load_rule(const YAML::Node& node, std::size_t index) {
    std::string where = "rules[" + std::to_string(index) + "]";
    if (!node.IsMap()) throw LoadError{where + " must be a mapping with a type", line_of(node)};
    // Keys are checked once the type is known, so the message can list that type's own keys.
    auto fields = read_map(node, where, {}, true);
    Rule rule;
    rule.location = util::Location{m_path, line_of(node)};
    auto type_field = fields.find("type");
    if (type_field == fields.end()) throw LoadError{where + ": missing type", line_of(node)};
    std::string type = scalar(type_field->second, where, "type");
    if (auto it = fields.find("id"); it != fields.end()) {
      rule.id = scalar(it->second, where, "id");
      for (char c : rule.id)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
          throw LoadError{where + ": id " + quote(rule.id) + " may only contain letters, digits, '-', '_' and '.'",
                          value_line(it->second)};
    } else {
      rule.id = type;
    }
    if (auto it = fields.find("description"); it != fields.end())
      rule.description = scalar(it->second, where, "description");
    std::string ctx = "rule " + quote(rule.id);
    // Refuses keys that are not common or the type's own: a key of another rule type is named as
    // such, anything else is unknown.
    auto only = [&](std::initializer_list<std::string_view> own) {
      static constexpr std::string_view k_common[] = {"id", "type", "description"};
      static constexpr std::string_view k_any_rule[] = {"predicateTypes", "components", "allow", "deny",
                                                        "unknown",        "elements",   "maxAge"};
      for (const auto& [name, f] : fields) {
        if (std::find(std::begin(k_common), std::end(k_common), name) != std::end(k_common)) continue;
        if (std::find(own.begin(), own.end(), name) != own.end()) continue;
        std::string expected = "id, type, description" + (own.size() ? ", " + join_names(own) : std::string());
        if (std::find(std::begin(k_any_rule), std::end(k_any_rule), name) != std::end(k_any_rule))
          throw LoadError{
              ctx + ": key " + quote(name) + " does not apply to " + type + " rules (expected " + expected + ")",
              line_of(f.key)};
        throw LoadError{ctx + ": unknown key " + quote(name) + " (expected " + expected + ")", line_of(f.key)};
      }
    };
    auto need = [&](const char* key) -> const Field& {
      auto it = fields.find(key);
      if (it == fields.end()) throw LoadError{ctx + ": missing " + key, line_of(node)};
      return it->second;
    };

    if (type == "requirePredicates") {
      only({"predicateTypes"});
      RequirePredicatesRule r;
      for (const auto& item : scalar_list(need("predicateTypes"), ctx, "predicateTypes"))
        r.predicate_types.push_back(std::string(util::trim(item.first)));
      rule.spec = std::move(r);
    } else if (type == "sbomSchema") {
      only({});
      rule.spec = SbomSchemaRule{};
    } else if (type == "denyComponents") {
      only({"components"});
      rule.spec = load_components(need("components"), ctx);
    } else if (type == "licenses") {
      only({"allow", "deny", "unknown"});
      rule.spec = load_licenses(fields, ctx, line_of(node));
    } else if (type == "ntiaMinimumElements") {
      only({"elements"});
      NtiaRule r;
      if (auto it = fields.find("elements"); it != fields.end()) {
        static constexpr NtiaElement k_all[] = {NtiaElement::supplier,  NtiaElement::name,         NtiaElement::version,
                                                NtiaElement::unique_id, NtiaElement::dependencies, NtiaElement::author,
                                                NtiaElement::timestamp};
        for (const auto& item : scalar_list(it->second, ctx, "elements")) {
          const std::string& e = item.first;
          auto found =
              std::find_if(std::begin(k_all), std::end(k_all), [&](NtiaElement x) { return e == to_string(x); });
          if (found == std::end(k_all))
            throw LoadError{ctx + ": unknown element " + quote(e) +
                                " (expected supplier, name, version, uniqueId, dependencies, author, timestamp)",
                            item.second};
          if (std::find(r.elements.begin(), r.elements.end(), *found) == r.elements.end()) r.elements.push_back(*found);
        }
      } else {
        r.elements = {NtiaElement::supplier,     NtiaElement::name,   NtiaElement::version,  NtiaElement::unique_id,
                      NtiaElement::dependencies, NtiaElement::author, NtiaElement::timestamp};
      }
      rule.spec = std::move(r);
    } else if (type == "maxAge") {
      only({"maxAge"});
      const Field& f = need("maxAge");
      MaxAgeRule r;
      r.text = std::string(util::trim(scalar(f, ctx, "maxAge")));
      auto seconds = parse_duration(r.text);
      if (!seconds)
        throw LoadError{ctx + ": maxAge: bad duration " + quote(r.text) +
                            ": expected numbers with units s, m, h, d or w (\"30d\", \"1d12h\"), at most 100 years",
                        value_line(f)};
      r.seconds = *seconds;
      rule.spec = std::move(r);
    } else {
      throw LoadError{where + ": unknown rule type " + quote(type) +
                          " (expected requirePredicates, sbomSchema, denyComponents, licenses, ntiaMinimumElements, "
                          "maxAge)",
                      value_line(type_field->second)};
    }
    return rule;
  }

  DenyComponentsRule load_components(const Field& f, const std::string& ctx) {
    if (!f.value.IsSequence() || f.value.size() == 0)
      throw LoadError{ctx + ": components must be a non-empty list", value_line(f)};
    DenyComponentsRule r;
    for (std::size_t i = 0; i < f.value.size(); ++i) {
      YAML::Node item = f.value[i];
      std::string where = ctx + ": components[" + std::to_string(i) + "]";
      if (!item.IsMap())
        throw LoadError{where + " must be a mapping with a purl", line_of(item) ? line_of(item) : value_line(f)};
      auto fields = read_map(item, where, {"purl", "versions", "reason"});
      auto purl = fields.find("purl");
      if (purl == fields.end()) throw LoadError{where + ": missing purl", line_of(item)};
      ComponentPattern c;
      c.purl = std::string(util::trim(scalar(purl->second, where, "purl")));
      std::string type;
      if (auto why = normalize_pattern(c.purl, c.pattern, type))
        throw LoadError{where + ": purl " + quote(c.purl) + ": " + *why, value_line(purl->second)};
      if (auto it = fields.find("versions"); it != fields.end()) {
        std::string text = scalar(it->second, where, "versions");
        bool wildcard_type = type.find('*') != std::string::npos;
        auto range = model::VersionRange::parse(text, wildcard_type ? std::string_view() : std::string_view(type));
        if (!range.ok()) throw LoadError{where + ": versions: " + range.error().message, value_line(it->second)};
        if (!range->is_vers() && wildcard_type)
          throw LoadError{where +
                              ": versions: a purl pattern with a wildcard type needs a vers: range, which names "
                              "its versioning scheme",
                          value_line(it->second)};
        if (range->is_vers() && !wildcard_type && range->ecosystem() != "all" && range->ecosystem() != "none" &&
            model::version_scheme(range->ecosystem()) != model::version_scheme(type))
          throw LoadError{where + ": versions: vers scheme " + quote(range->ecosystem()) +
                              " does not compare versions like purl type " + quote(type),
                          value_line(it->second)};
        c.versions = std::move(*range);
      }
      if (auto it = fields.find("reason"); it != fields.end()) c.reason = scalar(it->second, where, "reason");
      r.components.push_back(std::move(c));
    }
    return r;
  }

  // "pkg:<type>/<namespace>/<name>" with '*' wildcards; no version, qualifiers or subpath.
  static std::optional<std::string> normalize_pattern(const std::string& purl, std::string& out, std::string& type) {
    if (util::to_lower(std::string_view(purl).substr(0, 4)) != "pkg:") return "must start with 'pkg:'";
    std::string_view rest = std::string_view(purl).substr(4);
    auto slash = rest.find('/');
    if (slash == std::string_view::npos || slash == 0) return "expected pkg:<type>/<name>";
    type = util::to_lower(rest.substr(0, slash));
    for (char c : type)
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '+' || c == '-' || c == '*'))
        return "bad character in the type";
    std::string_view path = rest.substr(slash + 1);
    if (path.empty()) return "expected pkg:<type>/<name>";
    if (path.find_first_of("?#") != std::string_view::npos)
      return "qualifiers and subpaths are not matched; remove them";
    if (auto last = path.rfind('/');
        path.substr(last == std::string_view::npos ? 0 : last + 1).find('@') != std::string_view::npos)
      return "must not include a version; use versions";
    std::string decoded;
    for (std::size_t i = 0; i < path.size(); ++i) {
      if (path[i] == '%' && i + 2 < path.size() && std::isxdigit(static_cast<unsigned char>(path[i + 1])) &&
          std::isxdigit(static_cast<unsigned char>(path[i + 2]))) {
        decoded += static_cast<char>(std::stoi(std::string(path.substr(i + 1, 2)), nullptr, 16));
        i += 2;
      } else if (path[i] == '%') {
        return "bad percent-escape";
      } else {
        decoded += path[i];
      }
    }
    if (type == "pypi") {
      auto last = decoded.rfind('/');
      std::size_t start = last == std::string::npos ? 0 : last + 1;
      decoded = decoded.substr(0, start) + model::pep503_normalize(decoded.substr(start));
    }
    out = util::to_lower("pkg:" + type + "/" + decoded);
    return std::nullopt;
  }

  LicensesRule load_licenses(const std::map<std::string, Field>& fields, const std::string& ctx, std::uint64_t line) {
    LicensesRule r;
    auto allow = fields.find("allow"), deny = fields.find("deny");
    if (allow == fields.end() && deny == fields.end()) throw LoadError{ctx + ": needs allow, deny or both", line};
    if (allow != fields.end())
      for (auto& [l, at] : scalar_list(allow->second, ctx, "allow"))
        if (auto st = r.rules.allow(l); !st.ok()) throw LoadError{ctx + ": allow: " + st.error().message, at};
    if (deny != fields.end())
      for (auto& [l, at] : scalar_list(deny->second, ctx, "deny"))
        if (auto st = r.rules.deny(l); !st.ok()) throw LoadError{ctx + ": deny: " + st.error().message, at};
    if (auto it = fields.find("unknown"); it != fields.end()) {
      std::string v = scalar(it->second, ctx, "unknown");
      if (v != "fail" && v != "pass")
        throw LoadError{ctx + ": unknown must be 'fail' or 'pass', not " + quote(v), value_line(it->second)};
      r.allow_unknown = v == "pass";
    }
    return r;
  }

  std::string m_path;
};

// ---- evaluation ----

struct Sbom {
  const Attestation* attestation = nullptr;
  std::optional<formats::ReadSbom> read;
  std::string error;  // why it could not be read
};

std::string attestation_label(const Attestation& a) { return a.name.empty() ? "predicate" : a.name; }

class Evaluator {
 public:
  explicit Evaluator(const Evidence& evidence) : m_evidence(evidence) {}

  RuleResult run(const Rule& rule) {
    RuleResult r;
    r.id = rule.id;
    r.type = rule.type();
    r.description = rule.description;
    std::visit([&](const auto& spec) { check(spec, r); }, rule.spec);
    return r;
  }

 private:
  // The SBOM attestations, each read once (lazily: a policy without SBOM rules never parses one).
  std::vector<Sbom>& sboms() {
    if (m_read) return m_sboms;
    m_read = true;
    for (const auto& a : m_evidence.attestations) {
      if (!is_sbom_predicate_type(a.predicate_type)) continue;
      Sbom s;
      s.attestation = &a;
      auto doc = formats::read_sbom(a.predicate, attestation_label(a));
      if (doc.ok()) {
        s.read = std::move(*doc);
      } else {
        s.error = doc.error().to_string();
      }
      m_sboms.push_back(std::move(s));
    }
    return m_sboms;
  }

  // Runs `each` over every readable SBOM; unreadable ones fail the rule. False when there is none.
  template <class Each>
  bool for_each_sbom(RuleResult& r, Each each) {
    auto& list = sboms();
    if (list.empty()) {
      r.verdict = Verdict::skip;
      r.reason = "no SBOM attestation to check";
      return false;
    }
    for (auto& s : list) {
      if (!s.read) {
        r.offenders.push_back({"document", "", "cannot read the SBOM: " + s.error, s.attestation->name});
        continue;
      }
      each(s.read->document, *s.attestation);
    }
    return true;
  }

  static std::string unreadable(const RuleResult& r) {
    return plural(r.offenders.size(), "SBOM could not be read", "SBOMs could not be read");
  }

  static void finish(RuleResult& r, std::string pass_reason, std::string fail_reason) {
    r.verdict = r.offenders.empty() ? Verdict::pass : Verdict::fail;
    r.reason = r.offenders.empty() ? std::move(pass_reason) : std::move(fail_reason);
  }

  void check(const RequirePredicatesRule& rule, RuleResult& r) {
    std::size_t missing = 0;
    for (const auto& want : rule.predicate_types) {
      bool found = std::any_of(m_evidence.attestations.begin(), m_evidence.attestations.end(),
                               [&](const Attestation& a) { return wildcard_match(want, a.predicate_type); });
      if (!found) {
        ++missing;
        r.offenders.push_back({want, "", "no attestation has this predicate type", ""});
      }
    }
    std::size_t n = rule.predicate_types.size();
    finish(r,
           n == 1 ? "the required predicate type is present"
                  : "all " + std::to_string(n) + " required predicate types are present",
           std::to_string(missing) + " of " + plural(n, "required predicate type", "required predicate types") +
               (missing == 1 ? " is missing" : " are missing"));
  }

  void check(const SbomSchemaRule&, RuleResult& r) {
    auto& list = sboms();
    if (list.empty()) {
      r.verdict = Verdict::skip;
      r.reason = "no SBOM attestation to check";
      return;
    }
    std::vector<std::string> formats;
    std::size_t violations = 0;
    std::size_t unvalidated = 0;
    for (const auto& s : list) {
      const Attestation& a = *s.attestation;
      auto report = formats::validate_sbom(a.predicate, attestation_label(a));
      if (!report.ok()) {
        r.offenders.push_back({"document", "", report.error().to_string(), a.name});
        ++unvalidated;
        continue;
      }
      formats.push_back(report->format);
      for (const auto& v : report->violations) {
        ++violations;
        r.offenders.push_back({v.pointer.empty() ? "/" : v.pointer, "", v.message, a.name});
      }
    }
    std::string valid;
    for (const auto& f : formats) valid += (valid.empty() ? "" : ", ") + f;
    finish(r,
           list.size() == 1 ? "the SBOM is valid " + valid
                            : "all " + std::to_string(list.size()) + " SBOMs are valid (" + valid + ")",
           violations > 0 ? plural(violations, "schema violation", "schema violations")
                          : plural(unvalidated, "SBOM could not be validated", "SBOMs could not be validated"));
  }

  // "pkg:<type>/<namespace>/<name>", decoded and lower case, as patterns are.
  static std::string match_key(const model::Package& p) {
    if (!p.purl.empty()) {
      auto purl = model::Purl::parse(p.purl);
      if (purl.ok()) {
        std::string name = purl->type == "pypi" ? model::pep503_normalize(purl->name) : purl->name;
        return util::to_lower("pkg:" + purl->type + "/" + (purl->namespace_.empty() ? "" : purl->namespace_ + "/") +
                              name);
      }
    }
    if (p.ecosystem.empty() || p.name.empty()) return {};
    return util::to_lower("pkg:" + p.ecosystem + "/" + p.name);
  }

  void check(const DenyComponentsRule& rule, RuleResult& r) {
    std::size_t total = 0, denied = 0;
    if (!for_each_sbom(r, [&](const model::Document& doc, const Attestation& a) {
          for (const auto& p : doc.packages) {
            ++total;
            std::string key = match_key(p);
            if (key.empty()) continue;
            for (const auto& c : rule.components) {
              if (!wildcard_match(c.pattern, key)) continue;
              std::string why = "matches " + c.purl;
              if (c.versions) {
                if (p.version.empty()) {
                  why += " and its version is unknown (denied: " + c.versions->to_string() + ")";
                } else if (c.versions->contains(p.version)) {
                  why += " " + c.versions->to_string();
                } else {
                  continue;
                }
              }
              if (!c.reason.empty()) why += ": " + c.reason;
              ++denied;
              r.offenders.push_back({p.ref(), p.purl, std::move(why), a.name});
              break;
            }
          }
        }))
      return;
    finish(r, "no denied component among " + std::to_string(total),
           denied > 0 ? plural(denied, "denied component", "denied components") + " among " + std::to_string(total)
                      : unreadable(r));
  }

  void check(const LicensesRule& rule, RuleResult& r) {
    std::size_t total = 0, bad = 0;
    if (!for_each_sbom(r, [&](const model::Document& doc, const Attestation& a) {
          for (const auto& p : doc.packages) {
            ++total;
            model::LicenseDecision d = rule.rules.evaluate(p.license);
            if (d.verdict == model::LicenseVerdict::allowed) continue;
            if (d.verdict == model::LicenseVerdict::unknown && rule.allow_unknown) continue;
            std::string why = d.verdict == model::LicenseVerdict::unknown && d.expression.empty()
                                  ? d.reason
                                  : "license '" + util::printable(d.expression, 200) + "': " + d.reason;
            ++bad;
            r.offenders.push_back({p.ref(), p.purl, std::move(why), a.name});
          }
        }))
      return;
    finish(r, "acceptable licenses on all " + plural(total, "component", "components"),
           bad > 0
               ? "unacceptable licenses on " + std::to_string(bad) + " of " + plural(total, "component", "components")
               : unreadable(r));
  }

  void check(const NtiaRule& rule, RuleResult& r) {
    auto wants = [&](NtiaElement e) {
      return std::find(rule.elements.begin(), rule.elements.end(), e) != rule.elements.end();
    };
    std::size_t total = 0, lacking = 0, documents = 0;
    if (!for_each_sbom(r, [&](const model::Document& doc, const Attestation& a) {
          std::unordered_set<std::string> orphans;
          if (wants(NtiaElement::dependencies))
            for (auto& o : doc.orphans()) orphans.insert(std::move(o));
          for (const auto& p : doc.packages) {
            ++total;
            std::vector<std::string> missing;
            if (wants(NtiaElement::supplier) && util::trim(p.supplier).empty()) missing.push_back("supplier");
            if (wants(NtiaElement::name) && util::trim(p.name).empty()) missing.push_back("name");
            if (wants(NtiaElement::version) && util::trim(p.version).empty()) missing.push_back("version");
            if (wants(NtiaElement::unique_id) && p.purl.empty() && p.property("purser:cpe").empty())
              missing.push_back("unique identifier (purl or cpe)");
            if (wants(NtiaElement::dependencies) && orphans.count(p.ref()))
              missing.push_back("dependency relationship (not reachable from the root)");
            if (missing.empty()) continue;
            ++lacking;
            std::string why = "missing ";
            for (std::size_t k = 0; k < missing.size(); ++k) why += (k ? ", " : "") + missing[k];
            r.offenders.push_back({p.ref(), p.purl, std::move(why), a.name});
          }
          std::vector<std::string> missing;
          if (wants(NtiaElement::author) && doc.metadata.authors.empty()) missing.push_back("author");
          if (wants(NtiaElement::timestamp) && doc.metadata.timestamp == 0) missing.push_back("timestamp");
          if (!missing.empty()) {
            ++documents;
            std::string why = "missing ";
            for (std::size_t k = 0; k < missing.size(); ++k) why += (k ? ", " : "") + missing[k];
            r.offenders.push_back({"document", "", std::move(why), a.name});
          }
        }))
      return;
    std::string fail;
    if (lacking > 0) fail = std::to_string(lacking) + " of " + plural(total, "component", "components");
    if (documents > 0)
      fail += (fail.empty() ? "" : " and ") +
              (documents == 1 ? std::string("the document") : plural(documents, "document", "documents"));
    fail = fail.empty() ? unreadable(r) : "minimum elements missing for " + fail;
    finish(r, "minimum elements present for " + plural(total, "component", "components") + " and the document", fail);
  }

  void check(const MaxAgeRule& rule, RuleResult& r) {
    std::string ages;
    if (!for_each_sbom(r, [&](const model::Document& doc, const Attestation& a) {
          std::int64_t ts = doc.metadata.timestamp;
          if (ts == 0) {
            r.offenders.push_back({"document", "", "no timestamp", a.name});
            return;
          }
          std::int64_t age = m_evidence.now - ts;
          if (age < -k_clock_skew) {
            r.offenders.push_back({"document", "",
                                   "created " + rfc3339(ts) + ", " + format_duration(age) + " in the future (now " +
                                       rfc3339(m_evidence.now) + ")",
                                   a.name});
          } else if (age > rule.seconds) {
            r.offenders.push_back(
                {"document", "",
                 "created " + rfc3339(ts) + ", " + format_duration(age) + " ago, older than " + rule.text, a.name});
          } else {
            ages += (ages.empty() ? "" : ", ") + (age <= 0 ? std::string("just now") : format_duration(age) + " ago");
          }
        }))
      return;
    finish(r, "created " + ages + " (limit " + rule.text + ")",
           r.offenders.size() == 1
               ? r.offenders.front().why
               : plural(r.offenders.size(), "SBOM is", "SBOMs are") + " too old or undated (limit " + rule.text + ")");
  }

  const Evidence& m_evidence;
  bool m_read = false;
  std::vector<Sbom> m_sboms;
};

}  // namespace

bool is_sbom_predicate_type(std::string_view t) {
  auto is = [&](std::string_view base) {
    return t == base || (t.size() > base.size() && t.substr(0, base.size()) == base && t[base.size()] == '/');
  };
  return is("https://cyclonedx.org/bom") || is("https://spdx.dev/Document");
}

const char* to_string(NtiaElement element) {
  switch (element) {
    case NtiaElement::supplier:
      return "supplier";
    case NtiaElement::name:
      return "name";
    case NtiaElement::version:
      return "version";
    case NtiaElement::unique_id:
      return "uniqueId";
    case NtiaElement::dependencies:
      return "dependencies";
    case NtiaElement::author:
      return "author";
    case NtiaElement::timestamp:
      return "timestamp";
  }
  return "name";
}

const char* Rule::type() const {
  static constexpr const char* k_types[] = {"requirePredicates", "sbomSchema",          "denyComponents",
                                            "licenses",          "ntiaMinimumElements", "maxAge"};
  return k_types[spec.index()];
}

const char* to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::pass:
      return "pass";
    case Verdict::fail:
      return "fail";
    case Verdict::skip:
      return "skip";
  }
  return "skip";
}

util::Result<Policy> load_policy(std::string_view yaml, const std::string& path) {
  auto error = [&](const std::string& message, std::uint64_t line) {
    return util::make_error(ErrorCode::parse, "invalid policy: " + message, util::Location{path, line});
  };
  try {
    std::string text(yaml);
    check_single_document(text);
    return Loader(path).load(YAML::Load(text));
  } catch (const LoadError& e) {
    return error(e.message, e.line);
  } catch (const YAML::Exception& e) {
    return error(util::to_lower(e.msg), e.mark.line >= 0 ? static_cast<std::uint64_t>(e.mark.line) + 1 : 0);
  }
}

PolicyReport evaluate(const Policy& policy, const Evidence& evidence) {
  PolicyReport report;
  report.policy = policy.name;
  Evaluator ev(evidence);
  for (const auto& rule : policy.rules) report.rules.push_back(ev.run(rule));
  return report;
}

bool PolicyReport::passed() const {
  return std::none_of(rules.begin(), rules.end(), [](const RuleResult& r) { return r.verdict == Verdict::fail; });
}

std::string PolicyReport::to_text(bool color, std::size_t max_offenders) const {
  auto paint = [&](const char* code, const std::string& s) {
    return color ? std::string("\x1b[") + code + "m" + s + "\x1b[0m" : s;
  };
  std::size_t failed = 0, skipped = 0, width = 0;
  std::set<std::string> sources;
  for (const auto& r : rules) {
    failed += r.verdict == Verdict::fail;
    skipped += r.verdict == Verdict::skip;
    width = std::max(width, r.id.size());
    for (const auto& o : r.offenders)
      if (!o.attestation.empty()) sources.insert(o.attestation);
  }
  std::string out = "policy";
  if (!policy.empty()) out += " " + util::printable(policy, 120);
  out += ": ";
  if (failed == 0) {
    out += paint("32;1", "PASSED");
  } else {
    out += paint("31;1", "FAILED");
  }
  out += " (" + plural(rules.size(), "rule", "rules");
  if (failed) out += ", " + std::to_string(failed) + " failed";
  if (skipped) out += ", " + std::to_string(skipped) + " skipped";
  out += ")\n";
  for (const auto& r : rules) {
    const char* word = r.verdict == Verdict::pass ? "PASS" : r.verdict == Verdict::fail ? "FAIL" : "SKIP";
    const char* code = r.verdict == Verdict::pass ? "32" : r.verdict == Verdict::fail ? "31" : "33";
    std::string id = util::printable(r.id, 80);
    out += "  " + paint(code, word) + "  " + id + std::string(width > id.size() ? width - id.size() : 0, ' ') + "  " +
           util::printable(r.reason, 300) + "\n";
    if (r.verdict != Verdict::fail) continue;
    std::size_t shown = 0;
    for (const auto& o : r.offenders) {
      if (shown == max_offenders) break;
      ++shown;
      out += "        - " + util::printable(o.ref, 200) + ": " + util::printable(o.why, 300);
      if (sources.size() > 1 && !o.attestation.empty()) out += " (in " + util::printable(o.attestation, 120) + ")";
      out += "\n";
    }
    if (r.offenders.size() > shown) out += "        ... and " + std::to_string(r.offenders.size() - shown) + " more\n";
  }
  return out;
}

std::string PolicyReport::to_json() const {
  nlohmann::ordered_json doc;
  doc["policy"] = policy;
  doc["passed"] = passed();
  doc["rules"] = nlohmann::ordered_json::array();
  for (const auto& r : rules) {
    nlohmann::ordered_json j;
    j["id"] = r.id;
    j["type"] = r.type;
    if (!r.description.empty()) j["description"] = r.description;
    j["verdict"] = to_string(r.verdict);
    j["reason"] = r.reason;
    j["offenders"] = nlohmann::ordered_json::array();
    for (const auto& o : r.offenders) {
      nlohmann::ordered_json x;
      x["ref"] = o.ref;
      if (!o.purl.empty()) x["purl"] = o.purl;
      x["why"] = o.why;
      if (!o.attestation.empty()) x["attestation"] = o.attestation;
      j["offenders"].push_back(std::move(x));
    }
    doc["rules"].push_back(std::move(j));
  }
  // Replace invalid UTF-8 rather than throw: names and reasons come from untrusted documents.
  return doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace purser::policy
