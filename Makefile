# logferry — ship S3 logs from account A to a locked-down archive in account B.
# `make help` lists the targets. Everything installs what it needs itself.

SHELL := /usr/bin/env bash
CACHE ?= $(HOME)/.cache/logferry
export LOGFERRY_CACHE := $(CACHE)

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-10s %s\n", $$1, $$2}'

.PHONY: emulator
emulator: ## Install the pinned fakecloud emulator into the cache (once)
	@scripts/install-fakecloud.sh

.PHONY: build
build: ## Build every crate (debug)
	cargo build --workspace --all-targets

.PHONY: static
static: ## The static (musl, debug) logferry of this machine's architecture, and podman, for the container test
	@scripts/install-podman.sh
	@scripts/static-binary.sh $$(uname -m)-unknown-linux-musl | tail -1

# The suites that also run on LocalStack (README, "Two emulators"); inside
# them, a test that needs what LocalStack lacks names its gap and runs on
# fakecloud only (tests/src/gaps.rs).
LOCALSTACK_SUITES := shipping large_objects kms faults front_ends compaction compaction_text \
	backfill batch_operations inventory lambda_watch container deployed_lambda

.PHONY: test
test: emulator static ## Unit tests, the emulator suites on fakecloud (deployed world, container image and Python wheel included) and the portable ones on LocalStack, and the infra checks
	@built=$$(scripts/python-package.sh | tail -2) && \
	  export LOGFERRY_WHEEL=$$(echo "$$built" | head -1) LOGFERRY_PYTHON_BIN=$$(echo "$$built" | tail -1) && \
	  export LOGFERRY_STATIC_BINARY=$$(scripts/static-binary.sh $$(uname -m)-unknown-linux-musl | tail -1) && \
	  cargo test --workspace && \
	  LOGFERRY_EMULATOR=localstack cargo test --workspace $(addprefix --test ,$(LOCALSTACK_SUITES))
	infra/checks/run.sh
	tests/athena/selftest.sh

.PHONY: infra-check
infra-check: ## Checks of infra/: HCL, conventions, checkov, parliament, Athena regex, terraform fmt/validate/test
	infra/checks/run.sh

.PHONY: fuzz
fuzz: ## Long property-test run of event parsing, key decoding and templating (make test runs a short one)
	PROPTEST_CASES=$${PROPTEST_CASES:-50000} cargo test --release -p logferry --test properties

.PHONY: lint
lint: ## rustfmt and clippy, warnings are errors
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

.PHONY: demo
demo: emulator ## Run the shipper end to end on the local emulator, both auth modes
	cargo run --quiet -p logferry-tools --bin demo

.PHONY: bench
bench: emulator ## logferry vs awscli, the usual Python way and the emulator's ceiling; cold start; cost (writes bench/results.json)
	cargo build --release --quiet -p logferry-cli -p shipper
	BENCH_BIN_DIR=$${CARGO_TARGET_DIR:-$(CURDIR)/target}/release cargo run --release --quiet -p logferry-tools --bin bench

.PHONY: package
package: ## The Lambda zips (shipper, compactor; arm64, provided.al2023) with cargo lambda, the container images (amd64, arm64) with podman, and the Python wheel (abi3, manylinux2014) with maturin
	@tools=$$(scripts/install-tools.sh | tail -1) && \
	  PATH="$$tools:$$PATH" cargo lambda build --release --arm64 --output-format zip -p shipper -p compactor && \
	  ls -l target/lambda/shipper/bootstrap.zip target/lambda/compactor/bootstrap.zip
	@scripts/install-podman.sh
	@version=$$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1) && \
	  for target in x86_64-unknown-linux-musl aarch64-unknown-linux-musl; do \
	    binary=$$(scripts/static-binary.sh $$target --release | tail -1) && \
	    arch=$$(case $$target in x86_64*) echo amd64;; *) echo arm64;; esac) && \
	    scripts/image.sh build "$$binary" "localhost/logferry:$$version-$$arch" >/dev/null && \
	    podman image inspect --format '{{index .RepoTags 0}} {{.Architecture}} {{.Size}} bytes' "localhost/logferry:$$version-$$arch" || exit 1; \
	  done
	@scripts/python-package.sh --release | tail -2 | head -1 | xargs ls -l
