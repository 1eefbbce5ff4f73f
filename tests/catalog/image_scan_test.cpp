// Image scans over an in-memory ImageSource: the image as root, layer attribution (introduced / changed), the
// all-layers scope, containment edges and the capture filter. Real archives are covered by tests/source and tests/cli.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "lib/catalog/image_scan.hpp"

using namespace purser;

namespace {

// Layers as path → bytes maps, with std::nullopt meaning "whiteout".
using Layer = std::map<std::string, std::optional<std::string>>;

class FakeImage final : public source::ImageSource {
 public:
  explicit FakeImage(std::vector<Layer> layers) : m_layers(std::move(layers)) {
    m_info.ref.target = "oci-dir:fake";
    m_info.ref.name = "registry.example/team/app:1.2";
    m_info.ref.tags = {"registry.example/team/app:1.2"};
    m_info.ref.digest = "sha256:" + std::string(64, 'a');
    m_info.ref.config_digest = "sha256:" + std::string(64, 'c');
    m_info.os = "linux";
    m_info.architecture = "amd64";
    for (std::size_t i = 0; i < m_layers.size(); ++i) {
      source::ImageLayer l;
      l.diff_id = "sha256:" + std::string(63, '0') + std::to_string(i);
      m_info.layers.push_back(l);
    }
  }
  std::string target() const override { return m_info.ref.target; }
  std::string name() const override { return m_info.ref.name; }
  std::vector<source::FileEntry> files(const source::PathFilter& want, std::vector<util::Diagnostic>&) override {
    std::vector<source::FileEntry> out;
    for (const auto& path : captured_paths())
      if (layer_of(path) != SIZE_MAX && want(path)) out.push_back({path, final_bytes(path).size()});
    return out;
  }
  util::Result<std::string> read(std::string_view path, std::uint64_t) const override {
    if (layer_of(path) == SIZE_MAX) return util::make_error(util::ErrorCode::io, "missing", {std::string(path)});
    return final_bytes(path);
  }
  util::Result<std::string> condensed(std::string_view path, source::CondenseFn condense) const override {
    auto bytes = read(path, UINT64_MAX);
    if (!bytes.ok()) return bytes.error();
    source::MemoryStream in(*bytes);
    return condense(in, source::FileEntry{std::string(path), bytes->size(), 0755});
  }
  const source::ImageInfo& info() const override { return m_info; }
  std::size_t layer_of(std::string_view path) const override {
    std::size_t at = SIZE_MAX;
    for (std::size_t i = 0; i < m_layers.size(); ++i) {
      auto it = m_layers[i].find(std::string(path));
      if (it != m_layers[i].end()) at = it->second ? i : SIZE_MAX;
    }
    return at;
  }
  std::vector<source::FileVersion> history(std::string_view path) const override {
    std::vector<source::FileVersion> out;
    for (std::size_t i = 0; i < m_layers.size(); ++i) {
      auto it = m_layers[i].find(std::string(path));
      if (it == m_layers[i].end()) continue;
      source::FileVersion v;
      v.layer = i;
      v.deleted = !it->second;
      v.bytes = it->second.value_or("");
      out.push_back(std::move(v));
    }
    return out;
  }
  std::vector<std::string> captured_paths() const override {
    std::set<std::string> all;
    for (const auto& l : m_layers)
      for (const auto& [p, b] : l) all.insert(p);
    return {all.begin(), all.end()};
  }
  const std::vector<util::Diagnostic>& diagnostics() const override { return m_diagnostics; }

 private:
  std::string final_bytes(std::string_view path) const {
    return m_layers[layer_of(path)].at(std::string(path)).value();
  }
  std::vector<Layer> m_layers;
  source::ImageInfo m_info;
  std::vector<util::Diagnostic> m_diagnostics;
};

const model::Package* find(const model::Document& doc, const std::string& ref) {
  for (const auto& p : doc.packages)
    if (p.ref() == ref) return &p;
  return nullptr;
}

std::string diff_id(int i) { return "sha256:" + std::string(63, '0') + std::to_string(i); }

// Three layers: requests upgraded in layer 1, other/requirements.txt (six) removed in layer 2.
std::vector<Layer> three_layers() {
  return {
      {{"app/requirements.txt", "flask==2.0.0\nrequests==2.31.0\n"}, {"other/requirements.txt", "six==1.16.0\n"}},
      {{"app/requirements.txt", "flask==2.0.0\nrequests==2.32.0\n"}},
      {{"other/requirements.txt", std::nullopt}, {"app/requirements.txt", "flask==2.0.0\nrequests==2.32.0\n"}},
  };
}

catalog::ScanOptions python_only() {
  catalog::ScanOptions o;
  o.select = {"python-requirements"};
  return o;
}

TEST(ImageScan, ImageIsTheContainerRoot) {
  FakeImage image(three_layers());
  auto doc = catalog::scan_image(image, python_only(), catalog::ImageScope::squashed);
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  EXPECT_EQ(doc->root.type, model::ComponentType::container);
  EXPECT_EQ(doc->root.name, "registry.example/team/app");
  EXPECT_EQ(doc->root.version, "1.2");
  EXPECT_EQ(doc->root.purl,
            "pkg:oci/app@sha256:" + std::string(64, 'a') + "?repository_url=registry.example/team/app&tag=1.2");
  EXPECT_EQ(doc->root.property("purser:image:config_digest"), "sha256:" + std::string(64, 'c'));
  EXPECT_EQ(doc->root.property("purser:image:platform"), "linux/amd64");
  EXPECT_EQ(doc->root.property("purser:image:layer:2"), diff_id(2));
  ASSERT_EQ(doc->root.hashes.size(), 1u);
  EXPECT_EQ(doc->root.hashes[0].value, std::string(64, 'a'));
  EXPECT_TRUE(doc->orphans().empty());
  for (const auto& r : doc->relationships) {
    if (r.from == doc->root.ref()) {
      EXPECT_EQ(r.kind, model::RelationshipKind::contains) << r.to;
    }
  }
}

TEST(ImageScan, SquashedReportsIntroducingAndChangingLayers) {
  FakeImage image(three_layers());
  auto doc = catalog::scan_image(image, python_only(), catalog::ImageScope::squashed);
  ASSERT_TRUE(doc.ok());
  ASSERT_EQ(doc->packages.size(), 2u);  // six was removed, requests 2.31.0 replaced
  const auto* flask = find(*doc, "pkg:pypi/flask@2.0.0");
  const auto* requests = find(*doc, "pkg:pypi/requests@2.32.0");
  ASSERT_NE(flask, nullptr);
  ASSERT_NE(requests, nullptr);
  EXPECT_EQ(flask->property(catalog::k_layer_introduced), diff_id(0));
  EXPECT_EQ(flask->property(catalog::k_layer_changed), "");  // never changed since
  EXPECT_EQ(requests->property(catalog::k_layer_introduced), diff_id(0));
  EXPECT_EQ(requests->property(catalog::k_layer_changed), diff_id(1));
}

TEST(ImageScan, AllLayersAlsoReportsWhatWasRemovedOrReplaced) {
  FakeImage image(three_layers());
  auto doc = catalog::scan_image(image, python_only(), catalog::ImageScope::all_layers);
  ASSERT_TRUE(doc.ok());
  ASSERT_EQ(doc->packages.size(), 4u);
  const auto* six = find(*doc, "pkg:pypi/six@1.16.0");
  const auto* old = find(*doc, "pkg:pypi/requests@2.31.0");
  ASSERT_NE(six, nullptr);
  ASSERT_NE(old, nullptr);
  EXPECT_EQ(six->property(catalog::k_layer_introduced), diff_id(0));
  EXPECT_EQ(six->property(catalog::k_layer_removed), diff_id(2));
  EXPECT_EQ(old->property(catalog::k_layer_introduced), diff_id(0));
  EXPECT_EQ(old->property(catalog::k_layer_removed), diff_id(1));
  EXPECT_EQ(find(*doc, "pkg:pypi/flask@2.0.0")->property(catalog::k_layer_removed), "");
  EXPECT_TRUE(doc->orphans().empty());
}

TEST(ImageScan, AFileWrittenAgainUnchangedKeepsItsIntroducingLayer) {
  FakeImage image({{{"requirements.txt", "six==1.16.0\n"}}, {}, {{"requirements.txt", "six==1.16.0\n"}}});
  auto doc = catalog::scan_image(image, python_only(), catalog::ImageScope::squashed);
  ASSERT_TRUE(doc.ok());
  const auto* six = find(*doc, "pkg:pypi/six@1.16.0");
  ASSERT_NE(six, nullptr);
  EXPECT_EQ(six->property(catalog::k_layer_introduced), diff_id(0));
  EXPECT_EQ(six->property(catalog::k_layer_changed), "");
}

TEST(ImageScan, DeletedThenRecreatedStartsAgain) {
  FakeImage image({{{"requirements.txt", "six==1.16.0\n"}},
                   {{"requirements.txt", std::nullopt}},
                   {{"requirements.txt", "six==1.16.0\n"}}});
  auto doc = catalog::scan_image(image, python_only(), catalog::ImageScope::squashed);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(find(*doc, "pkg:pypi/six@1.16.0")->property(catalog::k_layer_introduced), diff_id(2));
}

TEST(ImageScan, CaptureFilterCoversGlobsAndAuxGlobs) {
  auto filter = catalog::capture_filter({});
  ASSERT_TRUE(filter.ok());
  EXPECT_TRUE((*filter)("srv/app/package-lock.json"));
  EXPECT_TRUE((*filter)("srv/requirements.txt"));
  EXPECT_FALSE((*filter)("usr/bin/bash"));
  auto python = catalog::capture_filter({"python-requirements"});
  ASSERT_TRUE(python.ok());
  EXPECT_FALSE((*python)("srv/app/package-lock.json"));
  auto bad = catalog::capture_filter({"nope"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "unknown cataloger: nope (see 'purser catalogers')");
}

}  // namespace
