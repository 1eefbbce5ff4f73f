#pragma once
// SLSA provenance v1 predicates (slsa.dev/spec/v1.0/provenance).

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace purser::signing {

/// A SLSA/in-toto ResourceDescriptor: at least one of uri, name or digests is set.
struct ResourceDescriptor {
  std::string uri;
  std::string name;
  std::vector<std::pair<std::string, std::string>> digests;  ///< algorithm → hex, e.g. {"sha256", "…"}
};

/// Everything a provenance predicate records.
struct ProvenanceInput {
  std::string build_type;                                  ///< buildDefinition.buildType (a URI)
  std::map<std::string, std::string> external_parameters;  ///< buildDefinition.externalParameters
  std::map<std::string, std::string> internal_parameters;  ///< omitted when empty
  std::vector<ResourceDescriptor> resolved_dependencies;   ///< omitted when empty
  std::string builder_id;                                  ///< runDetails.builder.id (a URI)
  std::string invocation_id;                               ///< runDetails.metadata.invocationId, omitted when empty
  std::int64_t started_on = 0;                             ///< seconds since the epoch; 0 = omitted
  std::int64_t finished_on = 0;
};

/// The predicate JSON (pretty-printed, final newline). Timestamps are RFC 3339 UTC.
std::string make_provenance(const ProvenanceInput& input);

/// Fills build type, builder id, invocation id and external/internal parameters from CI variables
/// when present: GitHub Actions (GITHUB_ACTIONS, GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID,
/// GITHUB_RUN_ATTEMPT, GITHUB_WORKFLOW_REF, GITHUB_SHA, GITHUB_REF, GITHUB_EVENT_NAME, RUNNER_*) or
/// GitLab CI (GITLAB_CI, CI_SERVER_URL, CI_PROJECT_PATH, CI_PIPELINE_ID, CI_JOB_ID, CI_JOB_URL,
/// CI_COMMIT_SHA, CI_COMMIT_REF_NAME, CI_CONFIG_PATH). The caller passes the environment (only cmd/
/// reads it). Without CI variables: buildType "https://purser.dev/provenance/local/v1", builder id
/// "https://purser.dev/builder/local" and the source repository left out.
ProvenanceInput provenance_from_environment(const std::map<std::string, std::string>& env);

}  // namespace purser::signing
