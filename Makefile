# The two commands of the README's quick start, plus the benchmark runs.
#   make demo   install deps, build (Release), index corpus/, run three example searches
#   make demo-cluster  the demo corpus in two shards served by two xapian-tcpsrv on loopback
#   make test   install deps, build, run the whole GoogleTest suite with CTest
BUILD_DIR ?= build
BUILD_TYPE ?= Release
WERROR ?= OFF
SANITIZE ?= OFF
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
DATA_DIR ?= $(abspath $(CURDIR)/../shared/data)
# More -D options for cmake (CI's sanitizer pass leaves out what the first pass checked).
CMAKE_EXTRA ?=
CMAKE_FLAGS = -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DKAVOSH_WERROR=$(WERROR) \
              -DKAVOSH_SANITIZE=$(SANITIZE) -DKAVOSH_DATA_DIR=$(DATA_DIR) $(CMAKE_EXTRA)
DEMO_DB = $(BUILD_DIR)/demo-db

.PHONY: all deps build demo demo-cluster test bench bench-quick clean

all: build

deps:
	@bash scripts/install-deps

build: deps
	cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS)
	cmake --build $(BUILD_DIR) -j $(JOBS)

demo: build
	$(BUILD_DIR)/indexer/kavosh-index --db $(DEMO_DB) --rebuild corpus/
	@echo; echo '$$ kavosh-search Rajavi'
	@$(BUILD_DIR)/searcher/kavosh-search --db $(DEMO_DB) --limit 3 Rajavi
	@echo; echo '$$ kavosh-search مجاهدين'
	@$(BUILD_DIR)/searcher/kavosh-search --db $(DEMO_DB) --limit 3 مجاهدين
	@echo; echo '$$ kavosh-search mojahedin khalq'
	@$(BUILD_DIR)/searcher/kavosh-search --db $(DEMO_DB) --limit 3 mojahedin khalq

demo-cluster: build
	bash scripts/demo-cluster $(BUILD_DIR)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

bench: deps
	bash bench/run --full --data $(DATA_DIR)

bench-quick: deps
	bash bench/run --quick --data $(DATA_DIR)

clean:
	rm -rf $(BUILD_DIR)
