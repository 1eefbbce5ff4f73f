// An rpm-based (Fedora-like) image checked against its own rpm database, end to end (STYLE 19): packages built at
// test time with Debian's rpmbuild from the spec texts below, installed with the real rpm into a root filesystem
// (layer 1), upgraded and erased with rpm in a copy of it (layer 2), both trees turned into an OCI layout; purser's
// SBOM of the image, of each layer history and of the unpacked tree must be what `rpm --root TREE -qa` says.

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/cli/cli_fixture.hpp"
#include "tests/source/image_builder.hpp"

namespace {

using nlohmann::json;
using purser::testing::digest_of;
using purser::testing::Filter;
using purser::testing::ImageBuilder;
using purser::testing::Layer;
using purser::testing::make_tar;
using purser::testing::TarEntry;
using purser_test::Cli;
namespace fs = std::filesystem;

// ---- the packages: hand-written specs (rpm's spec file format, rpmbuild(8))

// Every spec: no debuginfo subpackage (nothing here is ELF), our own Vendor, a Fedora-like release.
std::string spec(const std::string& head, const std::string& install, const std::string& files) {
  return "%global debug_package %{nil}\n" + head + "Vendor: Purser Test <test@example.org>\nSummary: test package\n" +
         "\n%description\nA package written for purser's rpm image test.\n\n%install\n" + install + "\n%files\n" +
         files;
}

// tinylib (x86_64): a library and its config file. Version 2 changes the library and adds a second one.
std::string tinylib_spec(bool v2) {
  return spec(std::string("Name: tinylib\nVersion: ") + (v2 ? "1.1" : "1.0") +
                  "\nRelease: 1.fc40\nLicense: MIT\nProvides: libtiny = 1\n",
              std::string("mkdir -p %{buildroot}/usr/lib %{buildroot}/etc\n") + "echo 'tinylib " +
                  (v2 ? "1.1" : "1.0") + "' > %{buildroot}/usr/lib/libtiny.so.1\n" +
                  (v2 ? "echo extra > %{buildroot}/usr/lib/libtiny-extra.so.1\n" : "") +
                  "echo 'level=1' > %{buildroot}/etc/tiny.conf\n",
              std::string("/usr/lib/libtiny.so.1\n") + (v2 ? "/usr/lib/libtiny-extra.so.1\n" : "") +
                  "%config(noreplace) /etc/tiny.conf\n");
}

// tinytool (x86_64, Epoch 2): a versioned require on tinylib and a require on the virtual tiny-shell.
std::string tinytool_spec() {
  return spec(
      "Name: tinytool\nEpoch: 2\nVersion: 3.4\nRelease: 2.fc40\nLicense: GPL-2.0-or-later\n"
      "Requires: tinylib >= 1.0\nRequires: tiny-shell\n",
      "mkdir -p %{buildroot}/usr/bin\nprintf '#!/usr/bin/tiny-sh\\necho tool\\n' > %{buildroot}/usr/bin/tinytool\n"
      "chmod 0755 %{buildroot}/usr/bin/tinytool\n",
      "/usr/bin/tinytool\n");
}

// tiny-sh (noarch): provides the virtual tiny-shell and the file /usr/bin/tiny-sh.
std::string tiny_sh_spec() {
  return spec(
      "Name: tiny-sh\nVersion: 0.9\nRelease: 1.fc40\nLicense: BSD-3-Clause\nBuildArch: noarch\n"
      "Provides: tiny-shell = 0.9\n",
      "mkdir -p %{buildroot}/usr/bin\nprintf 'tiny shell\\n' > %{buildroot}/usr/bin/tiny-sh\n"
      "chmod 0755 %{buildroot}/usr/bin/tiny-sh\n",
      "/usr/bin/tiny-sh\n");
}

// tiny-scripts (noarch): a file require on /usr/bin/tiny-sh.
std::string tiny_scripts_spec() {
  return spec(
      "Name: tiny-scripts\nVersion: 1.2\nRelease: 3.fc40\nLicense: Apache-2.0\nBuildArch: noarch\n"
      "Requires: /usr/bin/tiny-sh\n",
      "mkdir -p %{buildroot}/usr/lib/tiny-scripts %{buildroot}/etc/tiny-scripts.d\n"
      "printf 'run\\n' > %{buildroot}/usr/lib/tiny-scripts/run\nchmod 0755 %{buildroot}/usr/lib/tiny-scripts/run\n"
      "echo 'default=yes' > %{buildroot}/etc/tiny-scripts.d/default.conf\n",
      "/usr/lib/tiny-scripts/run\n%config /etc/tiny-scripts.d/default.conf\n");
}

// tiny-doc (noarch): requires tinytool; layer 2 erases it.
std::string tiny_doc_spec() {
  return spec(
      "Name: tiny-doc\nVersion: 5.0\nRelease: 1.fc40\nLicense: CC-BY-4.0\nBuildArch: noarch\nRequires: tinytool\n",
      "mkdir -p %{buildroot}/usr/share/doc/tiny-doc\necho 'read me' > %{buildroot}/usr/share/doc/tiny-doc/README\n",
      "/usr/share/doc/tiny-doc/README\n");
}

// Our own Fedora-like os-release. As on Fedora, etc/os-release is a symbolic link to ../usr/lib/os-release.
const std::string k_os_release =
    "NAME=\"Fedora Linux\"\nVERSION=\"40 (Container Image)\"\nID=fedora\nVERSION_ID=40\n"
    "PRETTY_NAME=\"Fedora Linux 40 (Container Image)\"\nVARIANT_ID=container\n";

// Fedora 36+ keeps the database in usr/lib/sysimage/rpm, with var/lib/rpm a symbolic link to it.
const std::string k_dbpath = "/usr/lib/sysimage/rpm";

struct RunResult {
  int code = -1;
  std::string out;
};

RunResult run(const std::string& command) {
  RunResult r;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int status = ::pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

bool have_rpm_tools() { return run("command -v rpm >/dev/null 2>&1 && command -v rpmbuild >/dev/null 2>&1").code == 0; }

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
}

// ---- trees to layers

// One file system object of a tree, as a tar member would hold it.
struct Node {
  char type = 'f';  // 'f', 'x', 'd', 'l' as in TarEntry
  std::string data;
};

// Every object under ROOT by relative path (symbolic links not followed).
std::map<std::string, Node> walk(const fs::path& root) {
  std::map<std::string, Node> out;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    std::string rel = it->path().lexically_relative(root).string();
    auto st = it->symlink_status();
    if (fs::is_symlink(st)) {
      out[rel] = {'l', fs::read_symlink(it->path()).string()};
    } else if (fs::is_directory(st)) {
      out[rel] = {'d', ""};
    } else if (fs::is_regular_file(st)) {
      bool exec = (st.permissions() & fs::perms::owner_exec) != fs::perms::none;
      out[rel] = {exec ? 'x' : 'f', slurp(it->path())};
    }
  }
  return out;
}

// The whole tree as a layer; paths sort so that every directory precedes its contents.
std::vector<TarEntry> full_layer(const std::map<std::string, Node>& tree) {
  std::vector<TarEntry> out;
  for (const auto& [path, n] : tree) out.push_back({n.type == 'd' ? path + "/" : path, n.type, n.data});
  return out;
}

std::string parent_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

std::string base_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The layer turning BEFORE into AFTER (OCI image spec, layer.md "Change Types" and "Whiteouts"): added and changed
// objects with their parent directories, and a `.wh.` whiteout for each removed object whose parent remains.
std::vector<TarEntry> diff_layer(const std::map<std::string, Node>& before, const std::map<std::string, Node>& after) {
  std::map<std::string, TarEntry> out;
  for (const auto& [path, n] : after) {
    auto old = before.find(path);
    if (old != before.end() && old->second.type == n.type && old->second.data == n.data) continue;
    out[path] = {n.type == 'd' ? path + "/" : path, n.type, n.data};
    for (std::string dir = parent_of(path); !dir.empty(); dir = parent_of(dir)) out[dir] = {dir + "/", 'd', ""};
  }
  for (const auto& [path, n] : before) {
    if (after.count(path) || (!parent_of(path).empty() && !after.count(parent_of(path)))) continue;
    std::string dir = parent_of(path);
    std::string wh = (dir.empty() ? "" : dir + "/") + ".wh." + base_of(path);
    out[wh] = {wh, 'f', ""};
    for (; !dir.empty(); dir = parent_of(dir)) out[dir] = {dir + "/", 'd', ""};
  }
  std::vector<TarEntry> entries;
  for (auto& [path, e] : out) entries.push_back(std::move(e));
  return entries;
}

// ---- reading the SBOM

std::vector<json> all_components(const json& doc) {
  std::vector<json> out;
  std::function<void(const json&)> go = [&](const json& components) {
    for (const auto& c : components) {
      out.push_back(c);
      if (c.contains("components")) go(c["components"]);
    }
  };
  go(doc.value("components", json::array()));
  return out;
}

std::string property(const json& c, const std::string& name) {
  for (const auto& p : c.value("properties", json::array()))
    if (p["name"] == name) return p["value"];
  return "";
}

// The value of qualifier KEY of PURL, or "".
std::string qualifier(const std::string& purl, const std::string& key) {
  auto q = purl.find('?');
  if (q == std::string::npos) return "";
  std::string rest = purl.substr(q + 1) + "&";
  for (std::size_t at = 0, amp; (amp = rest.find('&', at)) != std::string::npos; at = amp + 1) {
    std::string kv = rest.substr(at, amp - at);
    if (kv.rfind(key + "=", 0) == 0) return kv.substr(key.size() + 1);
  }
  return "";
}

bool is_rpm(const json& c) { return c.value("purl", "").rfind("pkg:rpm/", 0) == 0; }

// "name version arch" of every rpm component; version as purser renders it (EPOCH:VERSION-RELEASE, epoch only
// when the header has one).
std::multiset<std::string> rpm_set(const json& doc) {
  std::multiset<std::string> out;
  for (const auto& c : all_components(doc))
    if (is_rpm(c))
      out.insert(c["name"].get<std::string>() + " " + c.value("version", "") + " " + qualifier(c["purl"], "arch"));
  return out;
}

json by_name(const json& doc, const std::string& name, const std::string& version = "") {
  for (const auto& c : all_components(doc))
    if (is_rpm(c) && c["name"] == name && (version.empty() || c["version"] == version)) return c;
  return nullptr;
}

std::map<std::string, std::set<std::string>> edges(const json& doc) {
  std::map<std::string, std::set<std::string>> out;
  for (const auto& d : doc.value("dependencies", json::array()))
    for (const auto& to : d.value("dependsOn", json::array())) out[d["ref"]].insert(to);
  return out;
}

// Components the root cannot reach through the dependency graph.
std::vector<std::string> cdx_orphans(const json& doc) {
  auto graph = edges(doc);
  std::set<std::string> seen{doc["metadata"]["component"]["bom-ref"].get<std::string>()};
  std::deque<std::string> queue(seen.begin(), seen.end());
  while (!queue.empty()) {
    auto cur = queue.front();
    queue.pop_front();
    for (const auto& to : graph[cur])
      if (seen.insert(to).second) queue.push_back(to);
  }
  std::vector<std::string> out;
  for (const auto& c : all_components(doc))
    if (!seen.count(c["bom-ref"].get<std::string>())) out.push_back(c["bom-ref"]);
  return out;
}

// ---- the fixture: packages, trees and rpm's own answers, made once

// One package as `rpm -qa` describes it: the PURL purser should give it, its License, its Vendor without the email.
struct QaPackage {
  std::string purl, license, supplier;
};

class RpmImageCli : public Cli {
 protected:
  static void SetUpTestSuite() {
    if (!have_rpm_tools()) return;
    char tmpl[] = "/tmp/purser-rpmimg-XXXXXX";
    s_root = ::mkdtemp(tmpl);
    fs::path top = fs::path(s_root) / "top";
    fs::create_directories(fs::path(s_root) / "tmp");
    std::string defs = " --define '_topdir " + top.string() + "' --define '_tmppath " + s_root + "/tmp'";
    // Specs without BuildArch are built for x86_64 whatever the host is: nothing is compiled.
    auto build = [&](const std::string& name, const std::string& text) {
      write_file(top / "SPECS" / (name + ".spec"), text);
      log(run("rpmbuild -bb --quiet --target x86_64" + defs + " " + (top / "SPECS" / (name + ".spec")).string() +
              " 2>&1"));
    };
    build("tinylib", tinylib_spec(false));
    build("tinytool", tinytool_spec());
    build("tiny-sh", tiny_sh_spec());
    build("tiny-scripts", tiny_scripts_spec());
    build("tiny-doc", tiny_doc_spec());
    std::string rpms = top.string() + "/RPMS/";
    std::string v1 = rpms + "x86_64/tinylib-1.0-1.fc40.x86_64.rpm " + rpms + "x86_64/tinytool-3.4-2.fc40.x86_64.rpm " +
                     rpms + "noarch/tiny-sh-0.9-1.fc40.noarch.rpm " + rpms +
                     "noarch/tiny-scripts-1.2-3.fc40.noarch.rpm " + rpms + "noarch/tiny-doc-5.0-1.fc40.noarch.rpm";
    build("tinylib", tinylib_spec(true));  // tinylib-1.1-1.fc40.x86_64.rpm next to 1.0

    // Layer 1: a fresh SQLite database and the five packages, installed for real under the root.
    std::string l1 = s_root + "/l1";
    write_file(l1 + "/usr/lib/os-release", k_os_release);
    fs::create_directories(l1 + "/etc");
    fs::create_symlink("../usr/lib/os-release", l1 + "/etc/os-release");
    fs::create_directories(l1 + "/var/lib");
    fs::create_symlink("../../usr/lib/sysimage/rpm", l1 + "/var/lib/rpm");
    log(run("rpm --root " + l1 + rpm_defs() + " --initdb 2>&1"));
    log(run("rpm --root " + l1 + rpm_defs() + " -i --nodeps --noscripts --ignoreos --ignorearch " + v1 + " 2>&1"));
    // Layer 2: in a copy, tinylib upgraded to 1.1 and tiny-doc erased.
    std::string l2 = s_root + "/final";
    fs::copy(l1, l2, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
    log(run("rpm --root " + l2 + rpm_defs() + " -U --nodeps --noscripts --ignoreos --ignorearch " + rpms +
            "x86_64/tinylib-1.1-1.fc40.x86_64.rpm 2>&1"));
    log(run("rpm --root " + l2 + rpm_defs() + " -e --nodeps --noscripts tiny-doc 2>&1"));

    s_qa_l1 = rpm_qa(l1);
    s_qa_final = rpm_qa(l2);
    s_tree_l1 = walk(l1);
    s_tree_final = walk(l2);
    s_layers = {{full_layer(s_tree_l1), Filter::gzip, "rpm -i tinylib tinytool tiny-sh tiny-scripts tiny-doc"},
                {diff_layer(s_tree_l1, s_tree_final), Filter::gzip, "rpm -U tinylib-1.1 && rpm -e tiny-doc"}};
  }
  static void TearDownTestSuite() {
    if (!s_root.empty()) fs::remove_all(s_root);
  }
  void SetUp() override {
    Cli::SetUp();
    images.tmp = tmp;
    if (!have_rpm_tools()) GTEST_SKIP() << "rpm and rpmbuild are not installed (Debian package rpm)";
    ASSERT_EQ(s_qa_l1.size(), 5u) << s_log;
    ASSERT_EQ(s_qa_final.size(), 4u) << s_log;
  }

  // The database location and backend of a Fedora 36+ root, whatever this rpm's own defaults are.
  static std::string rpm_defs() { return " --define '_dbpath " + k_dbpath + "' --define '_db_backend sqlite'"; }
  static void log(const RunResult& r) {
    if (r.code != 0) s_log += "exit " + std::to_string(r.code) + ": " + r.out;
  }
  // What rpm itself lists in ROOT, by "name version arch" with the version as purser renders it.
  static std::map<std::string, QaPackage> rpm_qa(const std::string& root) {
    auto r = run("rpm --root " + root + rpm_defs() +
                 " -qa --qf '%{NAME}|%{EPOCH}|%{VERSION}-%{RELEASE}|%{ARCH}|%{SOURCERPM}|%{LICENSE}|%{VENDOR}\\n'"
                 " 2>/dev/null");
    log(r);
    std::map<std::string, QaPackage> out;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) {
      std::vector<std::string> f;
      std::istringstream fields(line);
      for (std::string field; std::getline(fields, field, '|');) f.push_back(field);
      if (f.size() != 7) continue;
      bool has_epoch = f[1] != "(none)";
      // purl-spec rpm type; purser's qualifiers, sorted: arch, distro, epoch, upstream (the source rpm).
      out[f[0] + " " + (has_epoch ? f[1] + ":" : "") + f[2] + " " + f[3]] = {
          "pkg:rpm/fedora/" + f[0] + "@" + f[2] + "?arch=" + f[3] + "&distro=fedora-40" +
              (has_epoch ? "&epoch=" + f[1] : "") + "&upstream=" + f[4],
          f[5], f[6].substr(0, f[6].find(" <"))};
    }
    return out;
  }
  static std::multiset<std::string> keys(const std::map<std::string, QaPackage>& m) {
    std::multiset<std::string> out;
    for (const auto& [k, v] : m) out.insert(k);
    return out;
  }
  // The image in tmp/oci.
  std::string oci() { return images.oci_dir("oci", s_layers, "fedora-tiny:40"); }
  json scan(const std::string& target, const std::string& extra = "") {
    auto r = purser("scan " + target + " " + extra + " -o cyclonedx-json=" + tmp + "/out.cdx.json");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    if (r.code != 0) return json::object();
    return json::parse(slurp(tmp + "/out.cdx.json"));
  }
  static std::string diff_id(std::size_t i) { return digest_of(make_tar(s_layers[i].entries)); }

  ImageBuilder images;
  static inline std::string s_root, s_log;
  static inline std::map<std::string, QaPackage> s_qa_l1, s_qa_final;
  static inline std::map<std::string, Node> s_tree_l1, s_tree_final;
  static inline std::vector<Layer> s_layers;
};

// The test's own premises: rpm really installed the files and the layer-2 diff is what the upgrade and erase did.
TEST_F(RpmImageCli, TreesAndLayersAreWhatRpmWrote) {
  EXPECT_EQ(keys(s_qa_final),
            (std::multiset<std::string>{"tiny-scripts 1.2-3.fc40 noarch", "tiny-sh 0.9-1.fc40 noarch",
                                        "tinylib 1.1-1.fc40 x86_64", "tinytool 2:3.4-2.fc40 x86_64"}));
  EXPECT_EQ(s_tree_final.at("usr/bin/tinytool").type, 'x');
  EXPECT_EQ(s_tree_final.at("usr/lib/libtiny.so.1").data, "tinylib 1.1\n");
  EXPECT_EQ(s_tree_final.at("var/lib/rpm").data, "../../usr/lib/sysimage/rpm");
  EXPECT_TRUE(s_tree_final.count("usr/lib/sysimage/rpm/rpmdb.sqlite"));
  // rpm checkpoints its write-ahead log on close: everything is in rpmdb.sqlite, the only file purser reads.
  EXPECT_EQ(s_tree_final.at("usr/lib/sysimage/rpm/rpmdb.sqlite-wal").data, "");
  std::set<std::string> names;
  for (const auto& e : s_layers[1].entries)
    if (e.type != 'd') names.insert(e.name);
  EXPECT_TRUE(names.count("usr/lib/libtiny.so.1"));
  EXPECT_TRUE(names.count("usr/lib/libtiny-extra.so.1"));
  EXPECT_TRUE(names.count("usr/lib/sysimage/rpm/rpmdb.sqlite"));
  EXPECT_TRUE(names.count("usr/share/doc/tiny-doc/.wh.README"));  // rpm leaves the unowned directory
  EXPECT_FALSE(names.count("usr/bin/tinytool"));
}

// 1. The squashed image: exactly rpm -qa's packages, PURLs, fields, edges, the OS component, layers, no orphans.
TEST_F(RpmImageCli, SquashedImageMatchesRpmQa) {
  auto doc = scan("oci-dir:" + oci());
  EXPECT_EQ(rpm_set(doc), keys(s_qa_final));
  std::set<std::string> others;
  for (const auto& c : all_components(doc))
    if (!is_rpm(c)) others.insert(c["type"].get<std::string>() + " " + c["name"].get<std::string>());
  EXPECT_EQ(others, std::set<std::string>{"operating-system fedora"});
  for (const auto& c : all_components(doc)) {
    if (!is_rpm(c)) continue;
    std::string key =
        c["name"].get<std::string>() + " " + c["version"].get<std::string>() + " " + qualifier(c["purl"], "arch");
    EXPECT_EQ(c["purl"], s_qa_final[key].purl) << key;
    EXPECT_EQ(c["licenses"][0]["license"]["id"], s_qa_final[key].license) << key;
    EXPECT_EQ(c["supplier"]["name"], s_qa_final[key].supplier) << key;
  }
  auto tool = by_name(doc, "tinytool");
  ASSERT_FALSE(tool.is_null());
  EXPECT_EQ(
      tool["purl"],
      "pkg:rpm/fedora/tinytool@3.4-2.fc40?arch=x86_64&distro=fedora-40&epoch=2&upstream=tinytool-3.4-2.fc40.src.rpm");
  EXPECT_EQ(tool["licenses"][0]["license"]["id"], "GPL-2.0-or-later") << tool.dump();
  EXPECT_EQ(tool["supplier"]["name"], "Purser Test") << tool.dump();

  // The OS component: fedora 40, root → OS → every rpm package.
  json os;
  for (const auto& c : all_components(doc))
    if (c["type"] == "operating-system") os = c;
  ASSERT_FALSE(os.is_null());
  EXPECT_EQ(os["version"], "40");
  auto graph = edges(doc);
  std::string root = doc["metadata"]["component"]["bom-ref"];
  EXPECT_TRUE(graph[root].count(os["bom-ref"]));
  std::set<std::string> rpm_refs;
  for (const auto& c : all_components(doc))
    if (is_rpm(c)) rpm_refs.insert(c["bom-ref"]);
  EXPECT_EQ(graph[os["bom-ref"]], rpm_refs);

  // Requires: versioned (tinylib >= 1.0), virtual (tiny-shell), file (/usr/bin/tiny-sh).
  auto ref = [&](const std::string& name) { return by_name(doc, name).value("bom-ref", std::string()); };
  EXPECT_EQ(graph[ref("tinytool")], (std::set<std::string>{ref("tinylib"), ref("tiny-sh")}));
  EXPECT_EQ(graph[ref("tiny-scripts")], std::set<std::string>{ref("tiny-sh")});
  EXPECT_EQ(graph[ref("tinylib")], std::set<std::string>{});
  EXPECT_EQ(graph[ref("tiny-sh")], std::set<std::string>{});
  EXPECT_EQ(cdx_orphans(doc), std::vector<std::string>{});

  // Layers: everything came with layer 1; layer 2 changed tinylib.
  for (const auto& c : all_components(doc)) {
    if (!is_rpm(c)) continue;
    EXPECT_EQ(property(c, "purser:layer:diff_id"), diff_id(0)) << c["name"];
    EXPECT_EQ(property(c, "purser:layer:changed_diff_id"), c["name"] == "tinylib" ? diff_id(1) : "") << c["name"];
    EXPECT_EQ(property(c, "purser:layer:removed_diff_id"), "") << c["name"];
  }
  EXPECT_EQ(property(doc["metadata"]["component"], "purser:image:layer:0"), diff_id(0));
  EXPECT_EQ(property(doc["metadata"]["component"], "purser:image:layer:1"), diff_id(1));
}

// 2. All layers: what layer 2 erased (tiny-doc) and replaced (tinylib 1.0) is reported as removed by layer 2.
TEST_F(RpmImageCli, AllLayersReportsTheErasedAndTheReplacedPackage) {
  auto doc = scan("oci-dir:" + oci(), "--scope all-layers");
  std::multiset<std::string> expected = keys(s_qa_final);
  for (const auto& k : keys(s_qa_l1)) expected.insert(k);
  auto found = rpm_set(doc);
  EXPECT_EQ(std::set<std::string>(found.begin(), found.end()), std::set<std::string>(expected.begin(), expected.end()));
  EXPECT_EQ(found.size(), 6u);  // the final four, tiny-doc and tinylib 1.0
  auto doc_pkg = by_name(doc, "tiny-doc");
  ASSERT_FALSE(doc_pkg.is_null());
  EXPECT_EQ(doc_pkg["purl"], s_qa_l1["tiny-doc 5.0-1.fc40 noarch"].purl);
  EXPECT_EQ(property(doc_pkg, "purser:layer:diff_id"), diff_id(0));
  EXPECT_EQ(property(doc_pkg, "purser:layer:removed_diff_id"), diff_id(1));
  auto old_lib = by_name(doc, "tinylib", "1.0-1.fc40");
  ASSERT_FALSE(old_lib.is_null());
  EXPECT_EQ(property(old_lib, "purser:layer:diff_id"), diff_id(0));
  EXPECT_EQ(property(old_lib, "purser:layer:removed_diff_id"), diff_id(1));
  auto new_lib = by_name(doc, "tinylib", "1.1-1.fc40");
  ASSERT_FALSE(new_lib.is_null());
  EXPECT_EQ(property(new_lib, "purser:layer:diff_id"), diff_id(0));
  EXPECT_EQ(property(new_lib, "purser:layer:changed_diff_id"), diff_id(1));
  EXPECT_EQ(property(new_lib, "purser:layer:removed_diff_id"), "");
  for (const auto& name : {"tinytool", "tiny-sh", "tiny-scripts"})
    EXPECT_EQ(property(by_name(doc, name), "purser:layer:removed_diff_id"), "") << name;
  // tiny-doc's Requires: tinytool still draws its edge, although tinytool itself is the final image's.
  auto graph = edges(doc);
  EXPECT_TRUE(graph[doc_pkg["bom-ref"]].count(by_name(doc, "tinytool")["bom-ref"]))
      << "a removed package's edge to a package the final image still holds is lost";
  EXPECT_EQ(cdx_orphans(doc), std::vector<std::string>{});
}

// 3. The outputs validate; SPDX carries the same packages and PURLs, nothing unreachable.
TEST_F(RpmImageCli, OutputsValidateAndSpdxAgrees) {
  std::string dir = oci();
  auto r = purser("scan oci-dir:" + dir + " -o cyclonedx-json=" + tmp + "/a.cdx.json -o spdx-json=" + tmp +
                  "/a.spdx.json -o cyclonedx-xml=" + tmp + "/a.cdx.xml -o spdx-tag-value=" + tmp + "/a.spdx");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  auto v = purser("validate " + tmp + "/a.cdx.json " + tmp + "/a.spdx.json " + tmp + "/a.cdx.xml " + tmp + "/a.spdx");
  EXPECT_EQ(v.code, 0) << v.out << v.err;
  auto all = purser("scan oci-dir:" + dir + " --scope all-layers -o spdx-json=" + tmp + "/all.spdx.json");
  ASSERT_EQ(all.code, 0) << all.err;
  auto va = purser("validate " + tmp + "/all.spdx.json");
  EXPECT_EQ(va.code, 0) << va.out << va.err;

  auto spdx = json::parse(slurp(tmp + "/a.spdx.json"));
  // Every rpm package: its PURL, License and Vendor as rpm has them; the OS CONTAINS it.
  std::set<std::string> spdx_purls, want, contained, os_ids;
  std::map<std::string, std::string> id_to_purl;
  for (const auto& p : spdx["packages"]) {
    if (p.value("primaryPackagePurpose", "") == "OPERATING_SYSTEM") os_ids.insert(p["SPDXID"]);
    for (const auto& ref : p.value("externalRefs", json::array())) {
      std::string purl = ref["referenceLocator"];
      if (ref["referenceType"] != "purl" || purl.rfind("pkg:rpm/", 0) != 0) continue;
      spdx_purls.insert(purl);
      id_to_purl[p["SPDXID"]] = purl;
      for (const auto& [k, q] : s_qa_final)
        if (q.purl == purl) {
          EXPECT_EQ(p["licenseDeclared"], q.license) << purl;
          EXPECT_EQ(p["supplier"], "Organization: " + q.supplier) << purl;
        }
    }
  }
  for (const auto& [k, q] : s_qa_final) want.insert(q.purl);
  EXPECT_EQ(spdx_purls, want);
  ASSERT_EQ(os_ids.size(), 1u);
  std::set<std::string> depends;
  for (const auto& rel : spdx["relationships"]) {
    if (rel["relationshipType"] == "CONTAINS" && rel["spdxElementId"] == *os_ids.begin())
      contained.insert(id_to_purl[rel["relatedSpdxElement"]]);
    if (rel["relationshipType"] == "DEPENDS_ON")
      depends.insert(id_to_purl[rel["spdxElementId"]].substr(0, id_to_purl[rel["spdxElementId"]].find('@')) + " -> " +
                     id_to_purl[rel["relatedSpdxElement"]].substr(0, id_to_purl[rel["relatedSpdxElement"]].find('@')));
  }
  EXPECT_EQ(contained, want);
  EXPECT_EQ(depends, (std::set<std::string>{"pkg:rpm/fedora/tiny-scripts -> pkg:rpm/fedora/tiny-sh",
                                            "pkg:rpm/fedora/tinytool -> pkg:rpm/fedora/tiny-sh",
                                            "pkg:rpm/fedora/tinytool -> pkg:rpm/fedora/tinylib"}));
  EXPECT_EQ(spdx["packages"].size(), s_qa_final.size() + 2);  // plus the image and the OS
  std::map<std::string, std::vector<std::string>> graph;
  for (const auto& rel : spdx["relationships"]) graph[rel["spdxElementId"]].push_back(rel["relatedSpdxElement"]);
  std::set<std::string> seen{"SPDXRef-DOCUMENT"};
  std::deque<std::string> queue(seen.begin(), seen.end());
  while (!queue.empty()) {
    auto cur = queue.front();
    queue.pop_front();
    for (const auto& to : graph[cur])
      if (seen.insert(to).second) queue.push_back(to);
  }
  for (const auto& p : spdx["packages"]) EXPECT_TRUE(seen.count(p["SPDXID"].get<std::string>())) << p["SPDXID"];
}

// 4. The final tree unpacked in a directory: the same packages and edges as the image.
TEST_F(RpmImageCli, UnpackedRootfsGivesTheSamePackagesAsTheImage) {
  auto from_dir = scan("dir:" + s_root + "/final");
  auto from_image = scan("oci-dir:" + oci());
  EXPECT_EQ(rpm_set(from_dir), keys(s_qa_final));
  EXPECT_EQ(rpm_set(scan("dir:" + s_root + "/l1")), keys(s_qa_l1));
  auto summary = [](const json& doc) {
    std::set<std::string> out;
    std::map<std::string, std::string> purl_of;
    for (const auto& c : all_components(doc)) purl_of[c["bom-ref"]] = c.value("purl", c["name"].get<std::string>());
    for (const auto& c : all_components(doc)) out.insert(purl_of[c["bom-ref"]]);
    for (const auto& [from, tos] : edges(doc))
      for (const auto& to : tos)
        if (purl_of.count(from)) out.insert(purl_of[from] + " -> " + purl_of[to]);
    return out;
  };
  EXPECT_EQ(summary(from_dir), summary(from_image));
  EXPECT_EQ(cdx_orphans(from_dir), std::vector<std::string>{});
}

}  // namespace
