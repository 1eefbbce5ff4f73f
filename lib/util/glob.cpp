#include "lib/util/glob.hpp"

namespace purser::util {

// Matches one segment (no '/') against a segment pattern with * ? [..].
static bool match_segment(std::string_view p, std::string_view s) {
  std::size_t pi = 0, si = 0, star_p = std::string_view::npos, star_s = 0;
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '*') {
      star_p = pi++;
      star_s = si;
      continue;
    }
    if (pi < p.size()) {
      bool matched = false;
      std::size_t next = pi + 1;
      if (p[pi] == '?') {
        matched = true;
      } else if (p[pi] == '[') {
        std::size_t close = p.find(']', pi + 1);
        if (close != std::string_view::npos) {
          bool negate = pi + 1 < close && (p[pi + 1] == '!' || p[pi + 1] == '^');
          bool in = false;
          for (std::size_t k = pi + 1 + (negate ? 1 : 0); k < close; ++k) {
            if (k + 2 < close && p[k + 1] == '-') {
              if (s[si] >= p[k] && s[si] <= p[k + 2]) in = true;
              k += 2;
            } else if (p[k] == s[si]) {
              in = true;
            }
          }
          matched = in != negate;
          next = close + 1;
        } else {
          matched = s[si] == '[';
        }
      } else {
        matched = p[pi] == s[si];
      }
      if (matched) {
        pi = next;
        ++si;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    pi = star_p + 1;
    si = ++star_s;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

static std::string_view head(std::string_view s, std::string_view& rest) {
  std::size_t pos = s.find('/');
  if (pos == std::string_view::npos) {
    rest = {};
    return s;
  }
  rest = s.substr(pos + 1);
  return s.substr(0, pos);
}

static bool match_path(std::string_view pattern, std::string_view path) {
  if (pattern.empty()) return path.empty();
  std::string_view prest;
  std::string_view pseg = head(pattern, prest);
  bool pattern_last = pattern.find('/') == std::string_view::npos;
  if (pseg == "**") {
    if (pattern_last) return true;
    // Consecutive "**" segments mean the same as one; collapsing them keeps
    // "**/**/**/x" from backtracking exponentially.
    while (prest == "**" || prest.substr(0, 3) == "**/") {
      if (prest == "**") return true;
      prest.remove_prefix(3);
    }
    // ** matches zero or more segments.
    std::string_view p = path;
    for (;;) {
      if (match_path(prest, p)) return true;
      std::size_t pos = p.find('/');
      if (pos == std::string_view::npos) return false;
      p = p.substr(pos + 1);
    }
  }
  if (path.empty()) return false;
  std::string_view srest;
  std::string_view sseg = head(path, srest);
  bool path_last = path.find('/') == std::string_view::npos;
  if (!match_segment(pseg, sseg)) return false;
  if (pattern_last || path_last) return pattern_last && path_last;
  return match_path(prest, srest);
}

bool glob_match(std::string_view pattern, std::string_view path) {
  for (;;) {
    if (!path.empty() && path.front() == '/') {
      path.remove_prefix(1);
    } else if (path.substr(0, 2) == "./") {
      path.remove_prefix(2);
    } else {
      break;
    }
  }
  while (pattern.size() >= 2 && pattern.substr(0, 2) == "./") pattern.remove_prefix(2);
  if (pattern.find('/') == std::string_view::npos) {
    std::size_t pos = path.rfind('/');
    return match_segment(pattern, pos == std::string_view::npos ? path : path.substr(pos + 1));
  }
  return match_path(pattern, path);
}

}  // namespace purser::util
