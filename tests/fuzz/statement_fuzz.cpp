// Fuzz target for in-toto statements and predicate shape checks: parse, rebuild with make_statement and
// parse again; the predicate bytes must survive verbatim.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "signing/intoto.hpp"
#include "signing/predicate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const auto& kind : purser::signing::predicate_kinds())
    (void)purser::signing::check_predicate(kind.uri, text, "fuzz.json");
  auto statement = purser::signing::parse_statement(text, "fuzz.json");
  if (!statement.ok()) return 0;
  std::string_view predicate = statement->predicate_json.empty() ? std::string_view("{}") : statement->predicate_json;
  auto rebuilt = purser::signing::make_statement(statement->subjects, statement->predicate_type, predicate);
  if (!rebuilt.ok()) std::abort();
  auto again = purser::signing::parse_statement(*rebuilt, "again.json");
  if (!again.ok() || again->predicate_json != predicate || again->subjects.size() != statement->subjects.size())
    std::abort();
  return 0;
}
