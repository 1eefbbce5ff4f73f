#include "cmd/verify_policy.hpp"

#include <chrono>

#include "lib/util/file.hpp"

namespace purser::cmd {

util::Result<policy::Policy> load_policy_file(const std::string& path) {
  PURSER_TRY_ASSIGN(yaml, util::read_file(path, 16u << 20));
  return policy::load_policy(yaml, path);
}

policy::PolicyReport evaluate_policy_now(const policy::Policy& policy, std::vector<policy::Attestation> attestations) {
  policy::Evidence evidence;
  evidence.attestations = std::move(attestations);
  evidence.now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  return policy::evaluate(policy, evidence);
}

}  // namespace purser::cmd
