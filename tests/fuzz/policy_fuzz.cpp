// Fuzz target for policy files: load, and when the policy loads, evaluate it over a small fixed
// SBOM and render both reports.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "lib/policy/policy.hpp"

namespace {

constexpr std::string_view k_sbom = R"({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
 "metadata": {"timestamp": "2024-05-01T12:00:00Z", "authors": [{"name": "Fuzz"}],
              "component": {"type": "application", "bom-ref": "root", "name": "app", "version": "1.0.0"}},
 "components": [
   {"type": "library", "bom-ref": "a", "name": "lodash", "version": "4.17.20", "purl": "pkg:npm/lodash@4.17.20",
    "licenses": [{"expression": "MIT OR GPL-3.0-only"}], "supplier": {"name": "OpenJS"}},
   {"type": "library", "bom-ref": "b", "name": "PyYAML", "version": "5.3.1", "purl": "pkg:pypi/pyyaml@5.3.1"}],
 "dependencies": [{"ref": "root", "dependsOn": ["a"]}]})";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto policy = purser::policy::load_policy(text, "fuzz.yaml");
  if (!policy.ok()) return 0;
  purser::policy::Evidence evidence;
  evidence.now = 1714564800;
  evidence.attestations.push_back({"sbom.json", "https://cyclonedx.org/bom", std::string(k_sbom)});
  evidence.attestations.push_back({"prov.json", "https://slsa.dev/provenance/v1", "{}"});
  auto report = purser::policy::evaluate(*policy, evidence);
  (void)report.to_text(true);
  (void)report.to_json();
  return 0;
}
