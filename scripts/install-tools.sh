#!/usr/bin/env bash
# Installs what building (and, with `--test`, testing) Roster needs, and only what is
# missing, so a second run takes seconds. Every tool comes from a package registry:
# this machine cannot download prebuilt binaries, which is also why cargo-leptos must
# never be left to fetch its own wasm-bindgen or wasm-opt.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
want_test=false
want_bench=false
case "${1:-}" in
  --test) want_test=true ;;
  # The benchmark drives a real browser too, and loads the server with wrk.
  --bench) want_test=true; want_bench=true ;;
esac

CARGO_LEPTOS_VERSION=0.3.11
BINARYEN_DIR="$root/tools"
export PATH="$HOME/.cargo/bin:$PATH"

log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# The wasm-bindgen CLI must match the library exactly, so read it from Cargo.lock.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

# Installs a crate from its published source after pinning one dependency of its
# lock file: both tools' published locks name versions this Rust or this registry
# cannot use (see ../shared/TOOLCHAIN.md).
install_crate_with_pin() {
  local crate=$1 version=$2 pin_pkg=$3 pin_version=$4 bin=$5
  local scratch
  scratch=$(mktemp -d)
  mkdir -p "$scratch/fetch/src"
  cat >"$scratch/fetch/Cargo.toml" <<TOML
[package]
name = "fetch-$crate"
version = "0.0.0"
edition = "2021"
[dependencies]
$crate = "=$version"
TOML
  : >"$scratch/fetch/src/lib.rs"
  (cd "$scratch/fetch" && cargo fetch --quiet)
  local archive
  archive=$(ls "$HOME"/.cargo/registry/cache/*/"$crate-$version.crate" | head -n 1)
  tar -xzf "$archive" -C "$scratch"
  (cd "$scratch/$crate-$version" &&
    cargo update --quiet -p "$pin_pkg" --precise "$pin_version" &&
    cargo install --quiet --path . --locked --bin "$bin" --root "$HOME/.cargo")
  rm -rf "$scratch"
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  log "building cargo-leptos $CARGO_LEPTOS_VERSION from source (about 12 minutes on 2 cores)"
  install_crate_with_pin cargo-leptos "$CARGO_LEPTOS_VERSION" cargo-util-schemas 0.14.1 cargo-leptos
fi

bindgen=$(wasm_bindgen_version)
if ! wasm-bindgen --version 2>/dev/null | grep -q " $bindgen\$"; then
  log "building wasm-bindgen-cli $bindgen from source (about 2 minutes)"
  install_crate_with_pin wasm-bindgen-cli "$bindgen" webpki-roots 1.0.10 wasm-bindgen
fi

# wasm-opt from binaryen's npm package. Debian's binaryen 108 produces a wasm that
# Chromium rejects, so it must never be the one on PATH first (the Makefile sees to it).
if [ ! -x "$BINARYEN_DIR/node_modules/.bin/wasm-opt" ]; then
  log "installing wasm-opt (npm binaryen)"
  (cd "$BINARYEN_DIR" && npm ci --no-audit --no-fund --silent)
fi

if $want_test; then
  missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v redis-server >/dev/null || missing+=(redis-server)
  if $want_bench; then command -v wrk >/dev/null || missing+=(wrk); fi
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]} from Debian"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  if [ ! -d end2end/node_modules/@playwright/test ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    log "installing the end-to-end test packages (no browser download)"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
  fi
fi
log "tools ready"
