#include "signing/provenance.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/signing/signing_test_support.hpp"

namespace purser::signing {
namespace {

using testing::expect_golden;

ProvenanceInput full_input() {
  ProvenanceInput in;
  in.build_type = "https://purser.dev/provenance/github-actions/v1";
  in.external_parameters = {{"repository", "https://github.com/acme/app"}, {"ref", "refs/heads/main"}};
  in.internal_parameters = {{"runner_os", "Linux"}};
  in.resolved_dependencies = {
      {"git+https://github.com/acme/app@refs/heads/main",
       "",
       {{"gitCommit", "0123456789abcdef0123456789abcdef01234567"}}},
      {"pkg:npm/left-pad@1.3.0", "left-pad", {{"sha512", "abcd"}}},
      {"", "vendored.tar", {{"sha256", "ef01"}}},
  };
  in.builder_id = "https://github.com/actions/runner/github-hosted";
  in.invocation_id = "https://github.com/acme/app/actions/runs/42/attempts/1";
  in.started_on = 1704164645;   // 2024-01-02T03:04:05Z
  in.finished_on = 1704164706;  // one minute and a second later
  return in;
}

TEST(Provenance, GoldenFullPredicate) { expect_golden("provenance.golden.json", make_provenance(full_input())); }

// slsa.dev/spec/v1.0/provenance field names, RFC 3339 UTC timestamps.
TEST(Provenance, FieldNamesAndTimestamps) {
  auto doc = nlohmann::json::parse(make_provenance(full_input()));
  EXPECT_EQ(doc["buildDefinition"]["buildType"], "https://purser.dev/provenance/github-actions/v1");
  EXPECT_EQ(doc["buildDefinition"]["externalParameters"]["ref"], "refs/heads/main");
  EXPECT_EQ(doc["buildDefinition"]["internalParameters"]["runner_os"], "Linux");
  EXPECT_EQ(doc["buildDefinition"]["resolvedDependencies"][0]["digest"]["gitCommit"],
            "0123456789abcdef0123456789abcdef01234567");
  EXPECT_FALSE(doc["buildDefinition"]["resolvedDependencies"][0].contains("name"));
  EXPECT_EQ(doc["buildDefinition"]["resolvedDependencies"][2]["name"], "vendored.tar");
  EXPECT_FALSE(doc["buildDefinition"]["resolvedDependencies"][2].contains("uri"));
  EXPECT_EQ(doc["runDetails"]["builder"]["id"], "https://github.com/actions/runner/github-hosted");
  EXPECT_EQ(doc["runDetails"]["metadata"]["invocationId"], "https://github.com/acme/app/actions/runs/42/attempts/1");
  EXPECT_EQ(doc["runDetails"]["metadata"]["startedOn"], "2024-01-02T03:04:05Z");
  EXPECT_EQ(doc["runDetails"]["metadata"]["finishedOn"], "2024-01-02T03:05:06Z");
}

TEST(Provenance, MinimalLeavesOutEmptyParts) {
  ProvenanceInput in = provenance_from_environment({});
  EXPECT_EQ(make_provenance(in),
            "{\n"
            "  \"buildDefinition\": {\n"
            "    \"buildType\": \"https://purser.dev/provenance/local/v1\",\n"
            "    \"externalParameters\": {}\n"
            "  },\n"
            "  \"runDetails\": {\n"
            "    \"builder\": {\n"
            "      \"id\": \"https://purser.dev/builder/local\"\n"
            "    }\n"
            "  }\n"
            "}\n");
  in.finished_on = 951782400;  // 2000-02-29T00:00:00Z, a leap day
  EXPECT_NE(make_provenance(in).find("\"finishedOn\": \"2000-02-29T00:00:00Z\""), std::string::npos);
}

TEST(Provenance, InvalidUtf8IsReplacedNotThrown) {
  ProvenanceInput in = provenance_from_environment({});
  in.external_parameters["ref"] = "bad\xff";
  std::string json = make_provenance(in);
  EXPECT_NE(json.find("\"ref\": \"bad\xef\xbf\xbd\""), std::string::npos) << json;
}

TEST(Provenance, LocalWithoutCiVariables) {
  ProvenanceInput in = provenance_from_environment({{"HOME", "/root"}, {"GITHUB_ACTIONS", "false"}, {"GITLAB_CI", ""}});
  EXPECT_EQ(in.build_type, "https://purser.dev/provenance/local/v1");
  EXPECT_EQ(in.builder_id, "https://purser.dev/builder/local");
  EXPECT_EQ(in.invocation_id, "");
  EXPECT_TRUE(in.external_parameters.empty());
  EXPECT_TRUE(in.internal_parameters.empty());
  EXPECT_TRUE(in.resolved_dependencies.empty());
}

TEST(Provenance, GithubActions) {
  std::map<std::string, std::string> env = {
      {"GITHUB_ACTIONS", "true"},
      {"GITHUB_SERVER_URL", "https://github.com"},
      {"GITHUB_REPOSITORY", "acme/app"},
      {"GITHUB_RUN_ID", "123"},
      {"GITHUB_RUN_ATTEMPT", "2"},
      {"GITHUB_WORKFLOW_REF", "acme/app/.github/workflows/release.yml@refs/tags/v1.0.0"},
      {"GITHUB_SHA", "ffac537e6cbbf934b08745a378932722df287a53"},
      {"GITHUB_REF", "refs/tags/v1.0.0"},
      {"GITHUB_EVENT_NAME", "push"},
      {"RUNNER_ENVIRONMENT", "github-hosted"},
      {"RUNNER_OS", "Linux"},
      {"RUNNER_ARCH", "X64"},
  };
  ProvenanceInput in = provenance_from_environment(env);
  EXPECT_EQ(in.build_type, "https://purser.dev/provenance/github-actions/v1");
  EXPECT_EQ(in.builder_id, "https://github.com/actions/runner/github-hosted");
  EXPECT_EQ(in.invocation_id, "https://github.com/acme/app/actions/runs/123/attempts/2");
  std::map<std::string, std::string> external = {{"repository", "https://github.com/acme/app"},
                                                 {"ref", "refs/tags/v1.0.0"},
                                                 {"workflow", ".github/workflows/release.yml"}};
  EXPECT_EQ(in.external_parameters, external);
  std::map<std::string, std::string> internal = {
      {"event_name", "push"}, {"runner_environment", "github-hosted"}, {"runner_os", "Linux"}, {"runner_arch", "X64"}};
  EXPECT_EQ(in.internal_parameters, internal);
  ASSERT_EQ(in.resolved_dependencies.size(), 1u);
  EXPECT_EQ(in.resolved_dependencies[0].uri, "git+https://github.com/acme/app@refs/tags/v1.0.0");
  std::vector<std::pair<std::string, std::string>> digest = {{"gitCommit", "ffac537e6cbbf934b08745a378932722df287a53"}};
  EXPECT_EQ(in.resolved_dependencies[0].digests, digest);

  env["RUNNER_ENVIRONMENT"] = "self-hosted";
  env.erase("GITHUB_RUN_ATTEMPT");
  env.erase("GITHUB_SERVER_URL");
  ProvenanceInput self = provenance_from_environment(env);
  EXPECT_EQ(self.builder_id, "https://github.com/actions/runner/self-hosted");
  EXPECT_EQ(self.invocation_id, "https://github.com/acme/app/actions/runs/123");
}

TEST(Provenance, GitlabCi) {
  std::map<std::string, std::string> env = {
      {"GITLAB_CI", "true"},
      {"CI_SERVER_URL", "https://gitlab.example.com"},
      {"CI_PROJECT_PATH", "group/app"},
      {"CI_PIPELINE_ID", "77"},
      {"CI_JOB_ID", "991"},
      {"CI_JOB_URL", "https://gitlab.example.com/group/app/-/jobs/991"},
      {"CI_COMMIT_SHA", "1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c"},
      {"CI_COMMIT_REF_NAME", "main"},
      {"CI_CONFIG_PATH", ".gitlab-ci.yml"},
  };
  ProvenanceInput in = provenance_from_environment(env);
  EXPECT_EQ(in.build_type, "https://purser.dev/provenance/gitlab-ci/v1");
  EXPECT_EQ(in.builder_id, "https://gitlab.com/gitlab-org/gitlab-runner");
  EXPECT_EQ(in.invocation_id, "https://gitlab.example.com/group/app/-/jobs/991");
  std::map<std::string, std::string> external = {
      {"repository", "https://gitlab.example.com/group/app"}, {"ref", "main"}, {"config", ".gitlab-ci.yml"}};
  EXPECT_EQ(in.external_parameters, external);
  std::map<std::string, std::string> internal = {{"pipeline_id", "77"}, {"job_id", "991"}};
  EXPECT_EQ(in.internal_parameters, internal);
  ASSERT_EQ(in.resolved_dependencies.size(), 1u);
  EXPECT_EQ(in.resolved_dependencies[0].uri, "git+https://gitlab.example.com/group/app@main");

  env.erase("CI_JOB_URL");
  EXPECT_EQ(provenance_from_environment(env).invocation_id, "https://gitlab.example.com/group/app/-/jobs/991");
}

}  // namespace
}  // namespace purser::signing
