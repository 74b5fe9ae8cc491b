#!/usr/bin/env bash
# ReplScope's one build/test entry point. README.md names two commands, both land here:
#   scripts/dev.sh serve   build the app and serve it on http://127.0.0.1:8080
#   scripts/dev.sh test    run every test: native, wasm (headless Chromium), end-to-end
# Other verbs: setup [app|test], build, bench, wasm-size.
#
# Every install step checks first and skips what is already there, so a re-run on a ready
# machine costs seconds. The wasm toolchain: rustup's wasm32 target where it can be had,
# otherwise Debian's rustc-web with std built from source (DEVELOPERS.md, "The toolchain").
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
STATE="${XDG_CACHE_HOME:-$HOME/.cache}/replscope"
mkdir -p "$STATE"
export PATH="$HOME/.cargo/bin:$ROOT/tests/e2e/node_modules/.bin:$PATH"

# Each line carries the seconds since this command started, so install steps can be timed.
DEV_T0=$SECONDS
log() { printf '\033[1m[dev +%ss]\033[0m %s\n' "$((SECONDS - DEV_T0))" "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }

# --- system packages -------------------------------------------------------------------
APT_UPDATED=""
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ -z "$APT_UPDATED" ]; then $sudo apt-get update -q >/dev/null; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}" >/dev/null
}

# --- the wasm32 toolchain ----------------------------------------------------------------
# Sets WASM_ENV (extra environment for cargo/trunk when targeting wasm32).
WASM_ENV=()
wasm_toolchain() {
  # REPLSCOPE_WASM_ROUTE=debian forces the fallback (to test it on a machine that has both).
  if [ "${REPLSCOPE_WASM_ROUTE:-}" != debian ] && rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
    WASM_ENV=(); return
  fi
  if [ "${REPLSCOPE_WASM_ROUTE:-}" != debian ] && [ ! -f "$STATE/rustup-wasm-unavailable" ]; then
    log "trying rustup target add wasm32-unknown-unknown (bounded: it hangs where it cannot download)"
    if timeout 90 rustup target add wasm32-unknown-unknown >/dev/null 2>&1; then
      WASM_ENV=(); return
    fi
    touch "$STATE/rustup-wasm-unavailable"
  fi
  # The Debian route: rustc 1.96 + std sources + lld, std built from source per build.
  debian_toolchain
  # Its own target dir: artifacts of two compilers must never meet in one LTO link.
  WASM_ENV=(RUSTUP_TOOLCHAIN=debian-web RUSTC_BOOTSTRAP=1 CARGO_UNSTABLE_BUILD_STD=std,panic_abort
            CARGO_TARGET_DIR="$ROOT/target/debian-web")
}

debian_toolchain() {
  apt_install rustc-web cargo-web rust-web-src lld-22
  rustup toolchain list 2>/dev/null | grep -q '^debian-web' || rustup toolchain link debian-web /usr
}

# The page's release build (APP_ENV): std rebuilt from source for size (`optimize_for_size`)
# and panics compiled as traps (`-Cpanic=immediate-abort`: no panic formatting in the wasm;
# index.html shows the internal-error banner on a trap). About 36 KB gzip less than the stock
# std. Needs the Debian toolchain (its std sources); REPLSCOPE_SIZE_STD=0 builds with the
# toolchain of WASM_ENV instead.
APP_ENV=()
app_toolchain() {
  wasm_toolchain
  if [ "${REPLSCOPE_SIZE_STD:-1}" = 0 ]; then APP_ENV=("${WASM_ENV[@]}"); return; fi
  debian_toolchain
  APP_ENV=(RUSTUP_TOOLCHAIN=debian-web RUSTC_BOOTSTRAP=1 CARGO_UNSTABLE_BUILD_STD=std,panic_abort
           CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size
           "RUSTFLAGS=-Zunstable-options -Cpanic=immediate-abort"
           CARGO_TARGET_DIR="$ROOT/target/app")
}

# The wasm-bindgen version Cargo.lock pins: the CLI must match it exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

wasm_bindgen_cli() {
  local want; want="$(wasm_bindgen_version)"
  if have wasm-bindgen && wasm-bindgen --version | grep -q " $want\$" \
     && have wasm-bindgen-test-runner; then return; fi
  log "installing wasm-bindgen-cli $want (a few minutes, once)"
  cargo install -q wasm-bindgen-cli --version "$want" --force
}

trunk_tool() {
  have trunk && return
  log "installing trunk (about 12 minutes, once; it needs a newer rustc than stable here)"
  if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    cargo +nightly install -q trunk --locked || cargo +nightly install -q trunk
  else
    cargo install -q trunk --locked || cargo install -q trunk
  fi
}

node_modules() {
  have node && have npm || apt_install nodejs npm
  local stamp="tests/e2e/node_modules/.stamp"
  if [ -f "$stamp" ] && [ "$stamp" -nt tests/e2e/package-lock.json ]; then return; fi
  log "installing npm packages for the end-to-end tests (playwright-core, binaryen)"
  (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  touch "$stamp"
}

setup_app() {
  if [ -f Cargo.lock ]; then :; else cargo generate-lockfile -q; fi
  app_toolchain
  wasm_bindgen_cli
  trunk_tool
  node_modules   # wasm-opt (npm binaryen) is used by trunk's release build
}

setup_test() {
  setup_app
  apt_install chromium chromium-driver redis-server
}

# --- build, serve ------------------------------------------------------------------------
build_app() {
  log "trunk build --release"
  env "${APP_ENV[@]}" trunk build --release --offline >"$STATE/trunk-build.log" 2>&1 \
    || { cat "$STATE/trunk-build.log" >&2; return 1; }
}

wasm_size() {
  node tests/e2e/bundle-size.mjs dist
}

serve() {
  setup_app
  log "serving on http://127.0.0.1:8080 (Ctrl-C to stop)"
  exec env "${APP_ENV[@]}" trunk serve --release --offline --address 127.0.0.1 --port 8080
}

# --- tests -------------------------------------------------------------------------------
test_native() {
  log "native tests: cargo test"
  cargo test 2>&1 | tee "$STATE/cargo-test.log"
  return "${PIPESTATUS[0]}"
}

# The native traces of the shipped scenarios, as "name=fnv64;…", for tests/wasm.rs to compare.
native_trace_digests() {
  cargo build -q --release --bin replscope
  local f name digests=""
  for f in scenarios/*.scn; do
    name="$(basename "$f" .scn)"
    target/release/replscope run "$f" --trace "$STATE/trace-$name.json" >/dev/null 2>&1 || true
    digests+="$name=$(node tests/e2e/fnv.mjs "$STATE/trace-$name.json");"
  done
  printf '%s' "$digests"
}

test_wasm() {
  log "wasm tests: wasm-bindgen-test in headless Chromium"
  local digests; digests="$(native_trace_digests)"
  local runner=(CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
                CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=300)
  env "${WASM_ENV[@]}" "${runner[@]}" REPLSCOPE_NATIVE_TRACE_DIGESTS="$digests" \
    REPLSCOPE_WASM_PROFILE="opt-level z, as the page ships" \
    cargo test --release --target wasm32-unknown-unknown --test wasm -- --nocapture 2>&1 | tee "$STATE/wasm-test.log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || return 1
  # The throughput bench again at the native bench's opt-level 3: engine against engine.
  env "${WASM_ENV[@]}" "${runner[@]}" REPLSCOPE_NATIVE_TRACE_DIGESTS="$digests" \
    REPLSCOPE_WASM_PROFILE="opt-level 3, as the native bench" \
    cargo test --profile bench --target wasm32-unknown-unknown --test wasm bench_ -- --nocapture 2>&1 | tee -a "$STATE/wasm-test.log"
  return "${PIPESTATUS[0]}"
}

test_e2e() {
  build_app
  wasm_size
  log "end-to-end tests: Playwright (playwright-core) driving /usr/bin/chromium"
  (cd tests/e2e && node --test --test-concurrency=1 ./*.test.mjs)
}

bench() {
  # Each benchmark prints its figure as a line starting "bench:"; none is a pass/fail gate.
  log "benchmarks (native)"
  local b
  for b in benches/*.rs; do
    [ -e "$b" ] || continue
    cargo bench -q --bench "$(basename "$b" .rs)" 2>&1 | grep -E '^bench:' || return 1
  done
  log "rewind: jump to any step of a 100,000-step trace (checkpoints + replay)"
  cargo run -q --release --bin replscope -- bench-rewind 2>&1 | sed 's/^/bench: rewind: /'
  [ "${PIPESTATUS[0]}" -eq 0 ]
}

run_tests() {
  setup_test
  local failed=()
  test_native || failed+=(native)
  test_wasm || failed+=(wasm)
  test_e2e || failed+=(e2e)
  bench || failed+=(bench)
  if [ ${#failed[@]} -gt 0 ]; then
    log "FAILED: ${failed[*]}"; return 1
  fi
  log "all test suites passed"
}

case "${1:-}" in
  setup) shift; case "${1:-test}" in app) setup_app ;; *) setup_test ;; esac ;;
  build) setup_app; build_app; wasm_size ;;
  serve) serve ;;
  test) run_tests ;;
  test-native) test_native ;;
  test-wasm) wasm_toolchain; test_wasm ;;
  test-e2e) setup_test; test_e2e ;;
  bench) bench ;;
  wasm-size) wasm_size ;;
  *) echo "usage: scripts/dev.sh serve | test | build | setup [app|test] | bench" >&2; exit 2 ;;
esac
