#pragma once
// The bridge from `verify` to lib/policy: load a policy file, evaluate it over verified attestations at the
// wall-clock time (only cmd/ reads the clock). Kept apart so `verify` of a registry image (issue 6) reuses it.

#include <string>
#include <vector>

#include "lib/policy/policy.hpp"
#include "lib/util/result.hpp"

namespace purser::cmd {

/// Reads and parses a policy YAML file. ErrorCode::io, or ErrorCode::parse with path:line.
util::Result<policy::Policy> load_policy_file(const std::string& path);

/// Evaluates `policy` now over the verified attestations.
policy::PolicyReport evaluate_policy_now(const policy::Policy& policy, std::vector<policy::Attestation> attestations);

}  // namespace purser::cmd
