// Fuzz target for the JSON scanner (lib/util/json_scan.hpp). Arbitrary bytes must never crash it, and:
// - skip_value() and scan() agree on every input, with the same error, whichever values scan() is told to skip;
// - what the validating scanner accepts, the lenient one accepts too;
// - it accepts exactly what nlohmann's validating parser accepts (no byte order mark, no NUL byte, which nlohmann
//   takes for the end of input, nesting within the limit; nlohmann stops at a number out of a double's range, which
//   RFC 8259 §9 allows, so such inputs are not compared);
// - an accepted document written back from its events (append_string for strings) scans to the same events.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "lib/util/json_scan.hpp"

namespace {

using purser::util::json::Events;
using purser::util::json::Options;
using purser::util::json::Scanner;

// Records the events (without offsets) and writes them back as compact JSON; may skip every other value.
class Writer final : public Events {
 public:
  explicit Writer(bool skip_some) : m_skip_some(skip_some) {}
  std::string events;
  std::string json;

  bool skip_next() override { return m_skip_some && (m_asked++ % 2 == 1); }
  void start_object(std::size_t) override { open('{'); }
  void end_object() override { close('}'); }
  void start_array(std::size_t) override { open('['); }
  void end_array() override { close(']'); }
  void key(std::string_view name, std::size_t) override {
    events += "k" + std::to_string(name.size()) + ":" + std::string(name);
    separate();
    purser::util::json::append_string(json, name);
    json += ':';
    m_after_key = true;
  }
  void string(std::string_view value, std::size_t) override {
    events += "s" + std::to_string(value.size()) + ":" + std::string(value);
    separate();
    purser::util::json::append_string(json, value);
  }
  void number(std::string_view text, std::size_t) override { scalar("n", text); }
  void boolean(bool value, std::size_t) override { scalar("b", value ? "true" : "false"); }
  void null(std::size_t) override { scalar("z", "null"); }

 private:
  void separate() {
    if (m_after_key) {
      m_after_key = false;
      return;
    }
    if (!json.empty() && json.back() != '{' && json.back() != '[') json += ',';
  }
  void open(char c) {
    events += c;
    separate();
    json += c;
  }
  void close(char c) {
    events += c;
    json += c;
  }
  void scalar(const char* tag, std::string_view text) {
    events += tag + std::string(text) + ";";
    separate();
    json += text;
  }

  bool m_skip_some;
  std::size_t m_asked = 0;
  bool m_after_key = false;
};

struct Outcome {
  bool ok = false;
  std::string error;
};

Outcome outcome(const Scanner& s, bool ok) {
  return {ok, ok ? std::string() : std::to_string(s.error_offset()) + ": " + s.error_reason()};
}

Outcome skip_all(std::string_view text, Options options) {
  Scanner s(text, options);
  bool ok = s.skip_value() && (s.at_end() || s.fail_unexpected("end of input"));
  return outcome(s, ok);
}

Outcome scan_all(std::string_view text, Options options, Writer& writer) {
  Scanner s(text, options);
  bool ok = purser::util::json::scan(s, writer);
  return outcome(s, ok);
}

// nlohmann's verdict; nullopt when it stopped at a number out of a double's range (it never looked further).
std::optional<bool> other_parser_accepts(std::string_view text) {
  try {
    const nlohmann::json document = nlohmann::json::parse(text);
    return !document.is_discarded();
  } catch (const nlohmann::json::parse_error&) {
    return false;
  } catch (const nlohmann::json::out_of_range& e) {
    if (e.id == 406) return std::nullopt;  // "number overflow parsing"
    throw;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const Options strict;
  const Options lenient{.validate_utf8 = false};

  const Outcome skipped = skip_all(text, strict);
  Writer all(false), some(true);
  const Outcome scanned = scan_all(text, strict, all);
  const Outcome partly = scan_all(text, strict, some);
  if (skipped.ok != scanned.ok || skipped.error != scanned.error) std::abort();
  if (partly.ok != scanned.ok || partly.error != scanned.error) std::abort();

  Writer lenient_writer(false);
  const Outcome loose = scan_all(text, lenient, lenient_writer);
  if (scanned.ok && (!loose.ok || lenient_writer.events != all.events)) std::abort();

  const bool bom = text.starts_with("\xEF\xBB\xBF");
  const bool too_deep = scanned.error.find("nesting deeper") != std::string::npos;
  // nlohmann also reads a NUL byte as the end of its input.
  const bool nul = text.find('\0') != std::string_view::npos;
  if (!bom && !too_deep && !nul) {
    const std::optional<bool> theirs = other_parser_accepts(text);
    if (theirs && scanned.ok != *theirs) std::abort();
  }

  if (scanned.ok) {
    Writer again(false);
    const Outcome rescanned = scan_all(all.json, strict, again);
    if (!rescanned.ok || again.events != all.events) std::abort();
  }
  return 0;
}
