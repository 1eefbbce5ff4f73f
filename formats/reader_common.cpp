#include "formats/reader_common.hpp"

#include <algorithm>
#include <charconv>

#include "lib/util/strings.hpp"

namespace purser::formats::detail {

namespace {
constexpr std::size_t k_block = 64 * 1024;
}  // namespace

std::uint64_t LineIndex::line_of(std::size_t offset) const {
  offset = std::min(offset, m_bytes.size());
  if (m_block_lines.empty()) {
    m_block_lines.reserve(m_bytes.size() / k_block + 1);
    std::uint64_t lines = 1;
    for (std::size_t b = 0; b < m_bytes.size(); b += k_block) {
      m_block_lines.push_back(lines);
      std::size_t n = std::min(k_block, m_bytes.size() - b);
      lines += static_cast<std::uint64_t>(std::count(m_bytes.data() + b, m_bytes.data() + b + n, '\n'));
    }
    m_block_lines.push_back(lines);
  }
  std::size_t block = offset / k_block;
  return m_block_lines[block] +
         static_cast<std::uint64_t>(std::count(m_bytes.data() + block * k_block, m_bytes.data() + offset, '\n'));
}

std::string pointer_escape(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

namespace {

bool digits(std::string_view s, std::size_t at, std::size_t n, int& out) {
  if (at + n > s.size()) return false;
  out = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

// RFC 3339 §5.6 date-time: full-date "T" full-time; time-offset "Z" or ("+" / "-") time-hour ":" time-minute.
// §5.6 NOTE: "T" and "Z" may be lower case; a space instead of "T" is also accepted (§5.6 NOTE too).
std::optional<std::int64_t> parse_rfc3339(std::string_view s) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(s, 0, 4, year) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, month) || s[7] != '-' ||
      !digits(s, 8, 2, day))
    return std::nullopt;
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return std::nullopt;
  if (!digits(s, 11, 2, hour) || s[13] != ':' || !digits(s, 14, 2, minute) || s[16] != ':' || !digits(s, 17, 2, second))
    return std::nullopt;
  static constexpr int k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return std::nullopt;
  if (day > k_days[month - 1] + (month == 2 && leap(year) ? 1 : 0)) return std::nullopt;
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
  if (second == 60) second = 59;  // a leap second: POSIX time has no name for it
  std::size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    std::size_t start = ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return std::nullopt;
  }
  std::int64_t offset = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int oh = 0, om = 0;
    if (!digits(s, i + 1, 2, oh) || i + 3 >= s.size() || s[i + 3] != ':' || !digits(s, i + 4, 2, om) || oh > 23 ||
        om > 59)
      return std::nullopt;
    offset = (oh * 3600 + om * 60) * (s[i] == '-' ? -1 : 1);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  std::int64_t days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return days * 86400 + hour * 3600 + minute * 60 + second - offset;
}

// SPDX 2.3 §6.8 / §7.5: "Person: name (email)", "Organization: name (email)", "Tool: name-version", with the
// e-mail part optional (and often "()").
std::string actor_name(std::string_view actor) {
  std::string_view s = util::trim(actor);
  for (std::string_view prefix : {"Person:", "Organization:", "Tool:"}) {
    if (s.substr(0, prefix.size()) == prefix) {
      s = util::trim(s.substr(prefix.size()));
      break;
    }
  }
  if (s == "NOASSERTION" || s == "NONE") return {};
  if (!s.empty() && s.back() == ')') {
    std::size_t open = s.rfind('(');
    if (open != std::string_view::npos) {
      std::string_view inside = s.substr(open + 1, s.size() - open - 2);
      if (inside.empty() || inside.find('@') != std::string_view::npos) s = util::trim(s.substr(0, open));
    }
  }
  return std::string(s);
}

util::Location parse_location(std::string_view text) {
  util::Location loc;
  auto all_digits = [](std::string_view d) {
    return !d.empty() && d.size() <= 18 && std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  std::size_t sep = text.find_last_of(":@");
  if (sep != std::string_view::npos && sep > 0 && all_digits(text.substr(sep + 1))) {
    std::uint64_t n = 0;
    std::string_view d = text.substr(sep + 1);
    std::from_chars(d.data(), d.data() + d.size(), n);
    if (text[sep] == ':' && n > 0) {
      loc.path = std::string(text.substr(0, sep));
      loc.line = n;
      return loc;
    }
    if (text[sep] == '@') {
      loc.path = std::string(text.substr(0, sep));
      loc.offset = n;
      return loc;
    }
  }
  loc.path = std::string(text);
  return loc;
}

namespace {

int scope_rank(model::Scope s) {
  switch (s) {
    case model::Scope::required:
      return 0;
    case model::Scope::optional:
      return 1;
    case model::Scope::dev:
      return 2;
  }
  return 0;
}

}  // namespace

void merge_package(model::Package& into, model::Package&& from) {
  auto fill = [](std::string& a, std::string& b) {
    if (a.empty()) a = std::move(b);
  };
  fill(into.name, from.name);
  fill(into.version, from.version);
  fill(into.purl, from.purl);
  fill(into.ecosystem, from.ecosystem);
  fill(into.license, from.license);
  fill(into.download_url, from.download_url);
  fill(into.supplier, from.supplier);
  fill(into.found_by, from.found_by);
  // The most shipped scope wins, as when a scan finds one package twice.
  if (scope_rank(from.scope) < scope_rank(into.scope)) into.scope = from.scope;
  if (into.type == model::ComponentType::library) into.type = from.type;
  for (auto& h : from.hashes)
    if (std::find(into.hashes.begin(), into.hashes.end(), h) == into.hashes.end()) into.hashes.push_back(std::move(h));
  for (auto& l : from.locations)
    if (std::find(into.locations.begin(), into.locations.end(), l) == into.locations.end())
      into.locations.push_back(std::move(l));
  for (auto& p : from.properties) into.add_property(std::move(p.name), std::move(p.value));
}

void decode_purser_properties(model::Package& p) {
  // An operating system has no PURL: a scan puts it in the "os" ecosystem, and a document read back must too, or the
  // same OS would differ by identity between a scan and its SBOM.
  if (p.ecosystem.empty() && p.purl.empty() && p.type == model::ComponentType::operating_system) p.ecosystem = "os";
  static const std::string_view k_ours[] = {"purser:scope", "purser:found-by", "purser:download-url", "purser:hash",
                                            "purser:location"};
  bool any = std::any_of(p.properties.begin(), p.properties.end(), [](const model::Property& prop) {
    return std::find(std::begin(k_ours), std::end(k_ours), prop.name) != std::end(k_ours);
  });
  if (!any) return;
  std::vector<model::Property> kept;
  kept.reserve(p.properties.size());
  for (auto& prop : p.properties) {
    const std::string& n = prop.name;
    if (n == "purser:scope" && (prop.value == "dev" || prop.value == "optional" || prop.value == "required")) {
      p.scope = prop.value == "dev" ? model::Scope::dev
                                    : (prop.value == "optional" ? model::Scope::optional : model::Scope::required);
    } else if (n == "purser:found-by") {
      p.found_by = prop.value;
    } else if (n == "purser:download-url" && p.download_url.empty()) {
      p.download_url = prop.value;
    } else if (n == "purser:hash" && prop.value.find(':') != std::string::npos) {
      std::size_t colon = prop.value.find(':');
      model::Hash h{prop.value.substr(0, colon), prop.value.substr(colon + 1)};
      if (std::find(p.hashes.begin(), p.hashes.end(), h) == p.hashes.end()) p.hashes.push_back(std::move(h));
    } else if (n == "purser:location" && !prop.value.empty()) {
      util::Location loc = parse_location(prop.value);
      if (std::find(p.locations.begin(), p.locations.end(), loc) == p.locations.end())
        p.locations.push_back(std::move(loc));
    } else {
      kept.push_back(std::move(prop));
    }
  }
  p.properties = std::move(kept);
}

void warn(std::vector<util::Diagnostic>& out, const std::string& path, std::uint64_t line, std::string_view pointer,
          std::string_view text) {
  std::string message;
  message.reserve(pointer.size() + 2 + text.size());
  if (!pointer.empty()) {
    message += pointer;
    message += ": ";
  }
  message += text;
  out.push_back({util::Severity::warning, std::move(message), {path, line}});
}

}  // namespace purser::formats::detail
