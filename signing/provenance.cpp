#include "signing/provenance.hpp"

#include <ctime>

#include <nlohmann/json.hpp>

namespace purser::signing {

namespace {

using ordered_json = nlohmann::ordered_json;

constexpr const char* k_local_build_type = "https://purser.dev/provenance/local/v1";
constexpr const char* k_local_builder = "https://purser.dev/builder/local";
constexpr const char* k_github_build_type = "https://purser.dev/provenance/github-actions/v1";
constexpr const char* k_gitlab_build_type = "https://purser.dev/provenance/gitlab-ci/v1";
// Builder ids name the runner software and its hosting, as GitHub's own artifact attestations do, so a
// policy can pin them independently of the project.
constexpr const char* k_github_builder = "https://github.com/actions/runner/";
constexpr const char* k_gitlab_builder = "https://gitlab.com/gitlab-org/gitlab-runner";

// RFC 3339 §5.6 date-time in UTC with a "Z" offset and whole seconds (the form SLSA's examples use).
std::string rfc3339_utc(std::int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) return "";
  char buf[32];
  std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(buf, n);
}

// in-toto ResourceDescriptor (spec/v1/resource_descriptor.md): only the fields that are set.
ordered_json descriptor_json(const ResourceDescriptor& d) {
  ordered_json out = ordered_json::object();
  if (!d.uri.empty()) out["uri"] = d.uri;
  if (!d.name.empty()) out["name"] = d.name;
  if (!d.digests.empty()) {
    ordered_json digest = ordered_json::object();
    for (const auto& [algorithm, value] : d.digests) digest[algorithm] = value;
    out["digest"] = std::move(digest);
  }
  return out;
}

ordered_json string_map(const std::map<std::string, std::string>& m) {
  ordered_json out = ordered_json::object();
  for (const auto& [k, v] : m) out[k] = v;
  return out;
}

std::string get(const std::map<std::string, std::string>& env, const char* name) {
  auto it = env.find(name);
  return it == env.end() ? std::string() : it->second;
}

void put(std::map<std::string, std::string>& m, const char* key, const std::string& value) {
  if (!value.empty()) m[key] = value;
}

// GitHub Actions default environment variables (docs.github.com "Variables reference").
ProvenanceInput from_github(const std::map<std::string, std::string>& env) {
  ProvenanceInput in;
  const std::string server =
      get(env, "GITHUB_SERVER_URL").empty() ? "https://github.com" : get(env, "GITHUB_SERVER_URL");
  const std::string repository = get(env, "GITHUB_REPOSITORY");
  const std::string repo_url = repository.empty() ? std::string() : server + "/" + repository;
  in.build_type = k_github_build_type;
  in.builder_id = std::string(k_github_builder) +
                  (get(env, "RUNNER_ENVIRONMENT") == "self-hosted" ? "self-hosted" : "github-hosted");
  if (!repo_url.empty() && !get(env, "GITHUB_RUN_ID").empty()) {
    in.invocation_id = repo_url + "/actions/runs/" + get(env, "GITHUB_RUN_ID");
    if (!get(env, "GITHUB_RUN_ATTEMPT").empty()) in.invocation_id += "/attempts/" + get(env, "GITHUB_RUN_ATTEMPT");
  }
  // GITHUB_WORKFLOW_REF is "owner/repo/.github/workflows/build.yml@refs/heads/main": keep the path.
  std::string workflow = get(env, "GITHUB_WORKFLOW_REF");
  if (!repository.empty() && workflow.starts_with(repository + "/")) workflow = workflow.substr(repository.size() + 1);
  if (auto at = workflow.rfind('@'); at != std::string::npos) workflow = workflow.substr(0, at);
  put(in.external_parameters, "repository", repo_url);
  put(in.external_parameters, "ref", get(env, "GITHUB_REF"));
  put(in.external_parameters, "workflow", workflow);
  put(in.internal_parameters, "event_name", get(env, "GITHUB_EVENT_NAME"));
  put(in.internal_parameters, "runner_environment", get(env, "RUNNER_ENVIRONMENT"));
  put(in.internal_parameters, "runner_os", get(env, "RUNNER_OS"));
  put(in.internal_parameters, "runner_arch", get(env, "RUNNER_ARCH"));
  if (!repo_url.empty() && !get(env, "GITHUB_SHA").empty()) {
    ResourceDescriptor source;
    source.uri = "git+" + repo_url + (get(env, "GITHUB_REF").empty() ? "" : "@" + get(env, "GITHUB_REF"));
    source.digests = {{"gitCommit", get(env, "GITHUB_SHA")}};
    in.resolved_dependencies.push_back(std::move(source));
  }
  return in;
}

// GitLab CI/CD predefined variables (docs.gitlab.com "Predefined CI/CD variables reference").
ProvenanceInput from_gitlab(const std::map<std::string, std::string>& env) {
  ProvenanceInput in;
  const std::string server = get(env, "CI_SERVER_URL").empty() ? "https://gitlab.com" : get(env, "CI_SERVER_URL");
  const std::string project = get(env, "CI_PROJECT_PATH");
  const std::string repo_url = project.empty() ? std::string() : server + "/" + project;
  in.build_type = k_gitlab_build_type;
  in.builder_id = k_gitlab_builder;
  in.invocation_id = get(env, "CI_JOB_URL");
  if (in.invocation_id.empty() && !repo_url.empty() && !get(env, "CI_JOB_ID").empty())
    in.invocation_id = repo_url + "/-/jobs/" + get(env, "CI_JOB_ID");
  put(in.external_parameters, "repository", repo_url);
  put(in.external_parameters, "ref", get(env, "CI_COMMIT_REF_NAME"));
  put(in.external_parameters, "config", get(env, "CI_CONFIG_PATH"));
  put(in.internal_parameters, "pipeline_id", get(env, "CI_PIPELINE_ID"));
  put(in.internal_parameters, "job_id", get(env, "CI_JOB_ID"));
  if (!repo_url.empty() && !get(env, "CI_COMMIT_SHA").empty()) {
    ResourceDescriptor source;
    source.uri =
        "git+" + repo_url + (get(env, "CI_COMMIT_REF_NAME").empty() ? "" : "@" + get(env, "CI_COMMIT_REF_NAME"));
    source.digests = {{"gitCommit", get(env, "CI_COMMIT_SHA")}};
    in.resolved_dependencies.push_back(std::move(source));
  }
  return in;
}

}  // namespace

// slsa.dev/spec/v1.0/provenance: {buildDefinition: {buildType, externalParameters, internalParameters,
// resolvedDependencies}, runDetails: {builder: {id}, metadata: {invocationId, startedOn, finishedOn}}}.
// externalParameters is required (an empty object when there are none); other empty parts are left out.
std::string make_provenance(const ProvenanceInput& input) {
  ordered_json build_definition = ordered_json::object();
  build_definition["buildType"] = input.build_type;
  build_definition["externalParameters"] = string_map(input.external_parameters);
  if (!input.internal_parameters.empty())
    build_definition["internalParameters"] = string_map(input.internal_parameters);
  if (!input.resolved_dependencies.empty()) {
    ordered_json deps = ordered_json::array();
    for (const ResourceDescriptor& d : input.resolved_dependencies) deps.push_back(descriptor_json(d));
    build_definition["resolvedDependencies"] = std::move(deps);
  }
  ordered_json run_details = ordered_json::object();
  run_details["builder"] = ordered_json{{"id", input.builder_id}};
  ordered_json metadata = ordered_json::object();
  if (!input.invocation_id.empty()) metadata["invocationId"] = input.invocation_id;
  if (input.started_on != 0) metadata["startedOn"] = rfc3339_utc(input.started_on);
  if (input.finished_on != 0) metadata["finishedOn"] = rfc3339_utc(input.finished_on);
  if (!metadata.empty()) run_details["metadata"] = std::move(metadata);
  ordered_json predicate = ordered_json::object();
  predicate["buildDefinition"] = std::move(build_definition);
  predicate["runDetails"] = std::move(run_details);
  // Values come from the environment and SBOMs: invalid UTF-8 becomes U+FFFD instead of throwing.
  return predicate.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

ProvenanceInput provenance_from_environment(const std::map<std::string, std::string>& env) {
  if (get(env, "GITHUB_ACTIONS") == "true") return from_github(env);
  if (get(env, "GITLAB_CI") == "true") return from_gitlab(env);
  ProvenanceInput in;
  in.build_type = k_local_build_type;
  in.builder_id = k_local_builder;
  return in;
}

}  // namespace purser::signing
