# purser: thin wrapper over CMake (STYLE 24). Every install step lives here so a
# fresh Debian 12 clone needs only `make demo` or `make test`.

BUILD      ?= build
JOBS       ?= $(shell nproc)
CMAKE_ARGS ?=
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
WERROR     ?= ON

DEB_PACKAGES := build-essential cmake ninja-build pkg-config git \
  libssl-dev nlohmann-json3-dev libcli11-dev libgtest-dev libvalijson-dev \
  libtomlplusplus-dev libyaml-cpp-dev libpugixml-dev libsqlite3-dev libre2-dev \
  libzstd-dev libjemalloc-dev libarchive-dev libcurl4-openssl-dev clang libclang-rt-14-dev \
  libxml2-dev openssl python3-securesystemslib python3-cryptography python3-nacl rpm golang-go zlib1g-dev \
  db5.3-util docker-registry apache2-utils skopeo curl zip python3 fastjar

.PHONY: all deps build test demo asan fuzz bench format tidy update-golden install clean

all: build

# Idempotent: installs only what dpkg does not already report as installed.
deps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "deps: all installed"; fi
	@# Interop verifiers (tests/signing/interop_test.cpp): @sigstore/verify pinned by package-lock.json.
	@if [ ! -d tests/interop/node_modules ] || [ tests/interop/package-lock.json -nt tests/interop/node_modules ]; then \
	  npm ci --prefix tests/interop --no-audit --no-fund && touch tests/interop/node_modules; \
	else echo "deps: tests/interop/node_modules up to date"; fi

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPURSER_WERROR=$(WERROR) $(CMAKE_ARGS)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The main job on the bundled example: scan, write both SBOMs, validate them, summarise; then sign the SBOM and a
# SLSA provenance for a release tarball of the example, and verify both against the key and examples/release-policy.yaml.
# The demo key is unencrypted and lives in $(BUILD)/demo: never use it for anything real.
DEMO := $(BUILD)/demo
demo: build
	$(BUILD)/cmd/purser scan dir:examples/polyglot-app -o cyclonedx-json=demo.cdx.json -o spdx-json=demo.spdx.json -o table
	$(BUILD)/cmd/purser validate demo.cdx.json demo.spdx.json
	$(BUILD)/cmd/purser convert demo.cdx.json -o cyclonedx-xml=demo.cdx.xml -o spdx-tag-value=demo.spdx
	$(BUILD)/cmd/purser validate demo.cdx.xml demo.spdx
	$(BUILD)/cmd/purser diff demo.cdx.json demo.spdx --fail-on any
	@mkdir -p $(DEMO) && rm -f $(DEMO)/attestations.intoto.jsonl
	tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -czf $(DEMO)/polyglot-app.tar.gz examples/polyglot-app
	$(BUILD)/cmd/purser keygen --no-password --force --out $(DEMO)/demo-key
	$(BUILD)/cmd/purser attest --key $(DEMO)/demo-key.key --type cyclonedx --predicate demo.cdx.json \
	  --subject $(DEMO)/polyglot-app.tar.gz --jsonl --out $(DEMO)/attestations.intoto.jsonl
	$(BUILD)/cmd/purser provenance --materials demo.cdx.json --subject $(DEMO)/polyglot-app.tar.gz \
	  --key $(DEMO)/demo-key.key --jsonl --out $(DEMO)/attestations.intoto.jsonl
	$(BUILD)/cmd/purser verify --key $(DEMO)/demo-key.pub --artifact $(DEMO)/polyglot-app.tar.gz \
	  --policy examples/release-policy.yaml $(DEMO)/attestations.intoto.jsonl
	python3 examples/container/build-image.py $(DEMO)/image
	$(BUILD)/cmd/purser scan oci-dir:$(DEMO)/image -o cyclonedx-json=demo-image.cdx.json \
	  -o spdx-json=demo-image.spdx.json -o table
	$(BUILD)/cmd/purser validate demo-image.cdx.json demo-image.spdx.json
	$(BUILD)/cmd/purser scan oci-dir:$(DEMO)/image --attest --key $(DEMO)/demo-key.key \
	  -o cyclonedx-json=$(DEMO)/image.cdx.intoto.json
	$(BUILD)/cmd/purser verify --key $(DEMO)/demo-key.pub --type cyclonedx --artifact oci-dir:$(DEMO)/image \
	  $(DEMO)/image.cdx.intoto.json
	bash examples/container/registry-demo.sh $(BUILD)/cmd/purser $(DEMO)

asan: deps
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DPURSER_SANITIZE=ON -DPURSER_WERROR=ON $(CMAKE_ARGS)
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j $(JOBS)

# libFuzzer targets with Debian's clang; each runs FUZZ_SECONDS on its corpus (copied to a temp dir).
FUZZ_SECONDS ?= 30
fuzz: deps
	CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DPURSER_FUZZ=ON -DPURSER_SANITIZE=ON -DPURSER_TESTS=ON $(CMAKE_ARGS)
	cmake --build build-fuzz -j $(JOBS) --target $$(cd tests/fuzz && ls *_fuzz.cpp | sed 's/\.cpp$$//' | tr '\n' ' ')
	@for f in tests/fuzz/*_fuzz.cpp; do t=$$(basename $$f .cpp); c=$${t%_fuzz}; \
	  tmp=$$(mktemp -d); cp -r fixtures/fuzz/$$c/. $$tmp/ 2>/dev/null; \
	  echo "== $$t ($(FUZZ_SECONDS)s)"; \
	  build-fuzz/tests/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 $$tmp || exit 1; rm -rf $$tmp; done

bench: build
	bench/run.sh

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

tidy: build
	clang-tidy -p $(BUILD) $$(git ls-files 'lib/*.cpp' 'formats/*.cpp' 'cmd/*.cpp')

update-golden: build
	cd $(BUILD) && UPDATE_GOLDEN=1 ctest -L golden --output-on-failure; \
	  UPDATE_GOLDEN=1 ./tests/purser_formats_tests; UPDATE_GOLDEN=1 ./tests/purser_catalog_tests

install: build
	cmake --install $(BUILD)

clean:
	rm -rf $(BUILD) build-asan build-fuzz demo.cdx.json demo.spdx.json
