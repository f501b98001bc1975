# Roster's commands. Each target installs what it needs first (quickly, when it is
# there already), so `make run` and `make test` work on a fresh machine.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

# cargo-leptos must find our wasm-opt (npm binaryen) before any other, and must never
# try to download its own tools.
export PATH := $(CURDIR)/tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export LEPTOS_SITE_ROOT ?= target/site

RELEASE_BIN := target/release/roster

.PHONY: run build dev test lint unit e2e bench tools test-tools clean

## run: set up what is missing, build in release mode, serve on http://127.0.0.1:3000
run: build
	$(RELEASE_BIN)

## build: the release server (target/release/roster) and site (target/site)
build: tools
	cargo leptos build --release

## dev: rebuild and reload on every change (cargo leptos watch)
dev: tools
	cargo leptos watch

## test: formatting, clippy (ssr and hydrate), Rust tests, Playwright in Chromium
test: test-tools lint build unit e2e

## lint: rustfmt and clippy with warnings as errors, for the server and the browser
lint: tools
	cargo fmt --check
	cargo clippy --features ssr --all-targets -- -D warnings
	cargo clippy --features hydrate --lib --target wasm32-unknown-unknown -- -D warnings

## unit: the Rust tests (unit, integration, contract and fault tests)
# One test at a time within each test binary: each test starts its own servers on its
# own tokio runtime, and Leptos's reactive state is global to the process; with tests
# in parallel, one test's runtime shutting down could strand another's render (a hang
# seen about once in three runs of tests/load.rs with four threads, never with one).
unit: tools
	cargo test --features ssr -- --test-threads=1

## e2e: Playwright against the release build, on a free port and a fresh data folder
e2e: test-tools
	@test -x $(RELEASE_BIN) || { echo "run 'make build' first"; exit 1; }
	data=$$(mktemp -d); trap 'rm -rf "$$data"' EXIT; \
	ports=$$(python3 end2end/scripts/free_port.py 2); \
	cd end2end && ROSTER_E2E_PORT=$${ports% *} ROSTER_E2E_PORT2=$${ports#* } \
	  ROSTER_E2E_DATA=$$data npx playwright test

## bench: speed at 10,000 users against the targets: wrk, creates, memory, wasm size, a Chromium search
bench: build
	@scripts/install-tools.sh --bench
	cargo build --release --example static_ceiling --no-default-features --features ssr
	python3 scripts/bench.py

tools:
	@scripts/install-tools.sh

test-tools:
	@scripts/install-tools.sh --test

clean:
	cargo clean
	rm -rf end2end/node_modules tools/node_modules
