// purser catalogers: print the registry (id, ecosystem, globs).

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

#include "cmd/cli.hpp"
#include "lib/catalog/cataloger.hpp"

namespace purser::cmd {

namespace {

int run_catalogers(const std::string& format) {
  const auto& all = catalog::registry();
  if (format == "json") {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& c : all) {
      nlohmann::ordered_json tags = nlohmann::ordered_json::array(), globs = nlohmann::ordered_json::array();
      for (auto t : c.tags) tags.push_back(std::string(t));
      for (auto g : c.globs) globs.push_back(std::string(g));
      out.push_back({{"id", std::string(c.id)},
                     {"ecosystem", std::string(c.ecosystem)},
                     {"tags", tags},
                     {"globs", globs},
                     {"description", std::string(c.description)}});
    }
    std::printf("%s\n", out.dump(2).c_str());
    return k_exit_ok;
  }
  std::size_t w_id = 2, w_eco = 9;
  for (const auto& c : all) {
    w_id = std::max(w_id, c.id.size());
    w_eco = std::max(w_eco, c.ecosystem.size());
  }
  std::printf("%-*s  %-*s  %s\n", int(w_id), "ID", int(w_eco), "ECOSYSTEM", "GLOBS");
  for (const auto& c : all) {
    std::string globs;
    for (auto g : c.globs) globs += (globs.empty() ? "" : ", ") + std::string(g);
    std::printf("%-*s  %-*s  %s\n", int(w_id), std::string(c.id).c_str(), int(w_eco), std::string(c.ecosystem).c_str(),
                globs.c_str());
  }
  return k_exit_ok;
}

}  // namespace

Verb catalogers_verb() {
  return {"catalogers", "list the catalogers: id, ecosystem, path globs", [](CLI::App& sub) -> std::function<int()> {
            auto format = std::make_shared<std::string>("table");
            sub.add_option("-o,--output", *format, "table (default) or json")->check(CLI::IsMember({"table", "json"}));
            return [format] { return run_catalogers(*format); };
          }};
}

}  // namespace purser::cmd
