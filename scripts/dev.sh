#!/usr/bin/env bash
# ReplScope's one build/test entry point. README.md names two commands, both land here:
#   scripts/dev.sh serve   build the app and serve it on http://127.0.0.1:8080
#   scripts/dev.sh test    run every test: native, wasm (headless Chromium), end-to-end
# Other verbs: setup [app|test], build, single, bench, wasm-size, build-bare, fuzz [SECONDS per target].
#   scripts/dev.sh single  one self-contained HTML file (opens from file://, no server)
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
  apt_install rustc-web cargo-web rust-web-src rust-web-clippy lld-22
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

# wasm-split-cli splits the page's wasm into its first load and the chunks fetched on demand
# (scripts/split.mjs, a trunk hook). Pinned: its loader and the wasm_split_helpers crate in
# Cargo.lock speak one protocol.
WASM_SPLIT_VERSION=0.2.4
wasm_split_tool() {
  have wasm-split-cli && return
  log "installing wasm-split-cli $WASM_SPLIT_VERSION (about 3 minutes, once)"
  cargo install -q --locked wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary
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
  log "installing npm packages for the build and the end-to-end tests (binaryen, esbuild, playwright-core, axe-core)"
  (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  touch "$stamp"
}

# Every build runs with --offline, so everything a build needs is fetched here first: the
# crates of the host and of wasm32 and, for each build-std route, std's own dependencies
# (dlmalloc, libc, compiler_builtins, ...), which cargo resolves only under that route's
# environment. Without them a machine with an empty registry cannot build the page offline.
# Seconds when everything is cached; honours CARGO_HOME (the fresh-registry check sets it).
fetch_deps() {
  log "fetching crates for the offline builds (host, wasm32, std's own dependencies)"
  cargo fetch --locked -q
  env "${WASM_ENV[@]}" cargo fetch --locked -q --target wasm32-unknown-unknown
  if [ ${#APP_ENV[@]} -gt 0 ]; then env "${APP_ENV[@]}" cargo fetch --locked -q --target wasm32-unknown-unknown; fi
}

setup_app() {
  if [ -f Cargo.lock ]; then :; else cargo generate-lockfile -q; fi
  app_toolchain
  fetch_deps
  wasm_bindgen_cli
  wasm_split_tool
  trunk_tool
  node_modules   # wasm-opt (npm binaryen) and esbuild are used by the release build (scripts/split.mjs)
}

# twiggy names where the wasm's bytes go (the size benchmark's breakdown). Bounded: a machine
# that cannot reach crates.io still runs every test, and the benchmark says the breakdown is missing.
twiggy_tool() {
  have twiggy && return
  [ -f "$STATE/twiggy-unavailable" ] && return
  log "installing twiggy (the wasm size breakdown; about 6 minutes on 2 cores, once)"
  timeout 1200 cargo install -q twiggy --locked || { touch "$STATE/twiggy-unavailable"; log "twiggy could not be installed: the size benchmark prints the total only"; }
}

setup_test() {
  setup_app
  apt_install chromium chromium-driver redis-server
  twiggy_tool
  fuzz_tools
}

# cargo-fuzz (libFuzzer, on the nightly toolchain these machines have) and the fuzz crate's own
# dependencies (fuzz/Cargo.lock: libfuzzer-sys), fetched so its build runs offline too.
fuzz_tools() {
  if ! have cargo-fuzz; then
    log "installing cargo-fuzz (about 3 minutes on 2 idle cores)"
    cargo install -q --locked cargo-fuzz
  fi
  (cd fuzz && cargo +nightly fetch --locked -q)
}

# --- build, serve ------------------------------------------------------------------------
# `serve` builds into dist/ (Trunk.toml); the test command into its own folder, so both can run
# side by side in one checkout. Trunk's watcher looks only at sources (Trunk.toml [watch]).
TEST_DIST="$ROOT/target/e2e-dist"

# build_app [DIST]: the page's release build, offline; its log goes to $STATE.
build_app() {
  local dist="${1:-$ROOT/dist}"
  log "trunk build --release into ${dist#"$ROOT"/}"
  env "${APP_ENV[@]}" trunk build --release --offline --dist "$dist" >"$STATE/trunk-build.log" 2>&1 \
    || { tail -n 40 "$STATE/trunk-build.log" >&2; return 1; }
}

# The first-load size, and (with twiggy) where the wasm's bytes go. The shipped wasm carries no
# names, so the breakdown reads a copy of the same build optimised the same way (wasm-opt with
# index.html's flags) with its names kept (-g): the same code, byte for byte, plus a name section.
wasm_size() {
  local dist="${1:-dist}" named=""
  if have twiggy; then named="$(named_wasm || true)"; fi
  node tests/e2e/bundle-size.mjs "$dist" ${named:+"$named"}
}

named_wasm() {
  local src="" c
  # scripts/split.mjs keeps the main module as it was before wasm-opt (trunk's own wasm-bindgen
  # output is the unsplit module, which still carries the linker's relocations).
  for c in target/app target/debian-web target; do
    c="$c/split/main.wasm"
    if [ -f "$c" ] && { [ -z "$src" ] || [ "$c" -nt "$src" ]; }; then src="$c"; fi
  done
  [ -n "$src" ] || return 1
  local out="$ROOT/target/size/replscope-web.named.wasm"
  mkdir -p "$ROOT/target/size"
  if [ ! -f "$out" ] || [ "$src" -nt "$out" ]; then
    local flags; flags="$(node scripts/split.mjs --flags)"
    # shellcheck disable=SC2086 # the flags are words
    wasm-opt -Oz -g $flags "$src" -o "$out" >&2 || return 1
  fi
  printf '%s' "$out"
}

serve() {
  setup_app
  # Build before serving: a server that answers 404 because the build failed would pretend.
  local first=""; [ -f dist/index.html ] || first=" (the first build takes about 3 minutes on 2 cores; later ones seconds)"
  log "building the page$first"
  if ! build_app "$ROOT/dist"; then
    cat >&2 <<EOF

The page's release build failed, so nothing is being served. The last lines of trunk's log are
above; the whole log is $STATE/trunk-build.log. An "offline" or "no matching package" error
means a crate is missing from the cargo registry: run 'scripts/dev.sh setup app' (it fetches
every crate the offline build needs) and try again. A compile error means the code in this
checkout does not build: 'cargo check' shows it natively.
EOF
    exit 1
  fi
  log "serving on http://127.0.0.1:8080 (Ctrl-C to stop); edits under src/ and www/ rebuild the page"
  exec env "${APP_ENV[@]}" trunk serve --release --offline --address 127.0.0.1 --port 8080
}

# Would a fresh machine's offline build find every crate it needs? The setup's fetch step and the
# page's release build (the one the end-to-end tests then use) run with CARGO_HOME in an empty
# folder (the tools' bin/ linked in) and an empty cache folder: a build that relies on a crate an
# earlier run left in ~/.cargo/registry fails here, in CI, instead of for a new user.
build_app_fresh_registry() {
  local home; home="$(mktemp -d "${TMPDIR:-/tmp}/replscope-fresh-home.XXXXXX")"
  ln -s "$HOME/.cargo/bin" "$home/bin"
  mkdir -p "$home/cache"
  log "fresh-registry check: fetch, then the release build, with CARGO_HOME=$home (empty)"
  local rc=0
  ( export CARGO_HOME="$home" XDG_CACHE_HOME="$home/cache"
    fetch_deps && build_app "$TEST_DIST" ) || rc=$?
  rm -rf "$home"
  [ "$rc" -eq 0 ] || log "fresh-registry check FAILED: the offline build needs something the setup does not fetch"
  return "$rc"
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
  : >"$STATE/wasm-test.log"
  wasm_test_run "$digests" "opt-level z, as the page ships" --release || return 1
  # The throughput bench again at the native bench's opt-level 3: engine against engine.
  wasm_test_run "$digests" "opt-level 3, as the native bench" --profile bench bench_
}

# One wasm-bindgen-test run, appended to wasm-test.log. Headless Chromium driven by chromedriver
# sometimes fails to start a session on a loaded machine (a known flake of the runner, not of our
# code): such a run printed no "test result" line, and only then is it tried once more, saying so.
# A run whose tests ran and failed is never retried.
wasm_test_run() {
  local digests="$1" profile="$2"; shift 2
  local profile_arg=("$1"); shift
  [ "${profile_arg[0]}" = --profile ] && { profile_arg+=("$1"); shift; }
  local runner=(CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
                CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=300)
  local attempt rc one="$STATE/wasm-test-run.log"
  for attempt in 1 2; do
    env "${WASM_ENV[@]}" "${runner[@]}" REPLSCOPE_NATIVE_TRACE_DIGESTS="$digests" \
      REPLSCOPE_WASM_PROFILE="$profile" \
      cargo test "${profile_arg[@]}" --target wasm32-unknown-unknown --test wasm "$@" -- --nocapture 2>&1 | tee "$one"
    rc="${PIPESTATUS[0]}"
    cat "$one" >>"$STATE/wasm-test.log"
    [ "$rc" -eq 0 ] && return 0
    grep -q '^test result:' "$one" && break
    [ "$attempt" -eq 1 ] && log "wasm tests: the runner ended before any test result (exit $rc); trying once more"
  done
  return "$rc"
}

# The start-up benchmark's yardstick: a bare Yew page (src/bin/bare-yew.rs) built exactly as the
# app is (same toolchain, profile, std, wasm-opt flags). Seconds once the app is built: the crate's
# dependencies are already compiled in the same target folder.
BARE_DIST="$ROOT/target/bare-dist"
build_bare() {
  log "trunk build --release of the bare Yew page into ${BARE_DIST#"$ROOT"/}"
  env "${APP_ENV[@]}" trunk build --release --offline --dist "$BARE_DIST" tests/e2e/bare-yew/index.html >"$STATE/trunk-bare.log" 2>&1 \
    || { tail -n 20 "$STATE/trunk-bare.log" >&2; return 1; }
}

# The end-to-end tests run against the build that build_app_fresh_registry made.
test_e2e() {
  wasm_size "$TEST_DIST"
  local bare=""; if build_bare; then bare="$BARE_DIST"; fi
  log "end-to-end tests: Playwright (playwright-core) driving /usr/bin/chromium"
  (cd tests/e2e && REPLSCOPE_DIST="$TEST_DIST" REPLSCOPE_BARE_DIST="$bare" node --test --test-concurrency=1 ./*.test.mjs)
}

# The fuzz targets (fuzz/fuzz_targets: RESP requests and replies, RDB, scenarios, traces, a node
# fed any bytes): a short run each from the corpus kept in fuzz/corpus, new finds written to a
# temporary folder so the repository does not change. A crash, a timeout or an out-of-memory
# fails the suite, and libFuzzer's artifact path says what to replay.
# REPLSCOPE_FUZZ_SECONDS (default 10) per target; `scripts/dev.sh fuzz [SECONDS]` runs longer.
# The test command's short run starts from a fixed seed (REPLSCOPE_FUZZ_SEED, default 1), so
# it explores the same inputs in the same order each time (a slower machine stops sooner): a
# red run is the change's doing and replays. The long run draws a new seed each time: that is
# where new finds come from (a project CI run once failed on a find of a random 10 s run).
test_fuzz() {
  local secs="${1:-${REPLSCOPE_FUZZ_SECONDS:-10}}" seed="${2:-${REPLSCOPE_FUZZ_SEED:-1}}" t corpus out unit rc=0
  log "fuzz: building the targets (cargo-fuzz, nightly, AddressSanitizer)"
  CARGO_NET_OFFLINE=true cargo +nightly fuzz build -O >"$STATE/fuzz-build.log" 2>&1 \
    || { tail -20 "$STATE/fuzz-build.log"; return 1; }
  for t in fuzz/fuzz_targets/*.rs; do
    t="$(basename "$t" .rs)"
    corpus="$(mktemp -d "${TMPDIR:-/tmp}/replscope-fuzz-$t.XXXXXX")"
    out="$STATE/fuzz-$t.log"
    if CARGO_NET_OFFLINE=true cargo +nightly fuzz run -O "$t" "$corpus" "fuzz/corpus/$t" -- \
         -max_total_time="$secs" -seed="$seed" -rss_limit_mb=2048 -timeout=10 >"$out" 2>&1; then
      printf 'fuzz: %s: %s (seed %s), corpus %s files kept + %s found, no crash\n' "$t" \
        "$(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$out" | tail -1 | sed 's/Done //; s/second/s/')" \
        "$(grep -Eo 'Seed: [0-9]+' "$out" | head -1 | sed 's/Seed: //')" \
        "$(ls "fuzz/corpus/$t" | wc -l)" "$(ls "$corpus" | wc -l)"
    else
      # The panic's message and the input itself, so a CI log alone is enough to replay it.
      grep -E -A1 'panicked at' "$out" | head -4
      grep -E 'SUMMARY|Test unit written' "$out" | head -3
      unit="$(grep -Eo 'Test unit written to [^ ]+' "$out" | tail -1 | sed 's/Test unit written to //')"
      [ -f "$unit" ] && printf 'fuzz: %s: the input, base64: %s\n' "$t" "$(head -c 4096 "$unit" | base64 -w0)"
      log "fuzz: $t FAILED (log: $out)"; rc=1
    fi
    rm -rf "$corpus"
  done
  return "$rc"
}

bench() {
  # Each benchmark prints its figure as a line starting "bench:"; none is a pass/fail gate.
  log "benchmarks (native)"
  local b
  for b in benches/*.rs; do
    [ -e "$b" ] || continue
    cargo bench -q --bench "$(basename "$b" .rs)" 2>&1 | grep -E '^bench:' || return 1
  done
  # REPLSCOPE_BENCH_EVENTS=1000000 is issue 17's long run (~10 s, ~500 MB): by hand only.
  log "rewind: jump to any step of a ${REPLSCOPE_BENCH_EVENTS:-100000}-event trace (checkpoints + replay)"
  cargo run -q --release --bin replscope -- bench-rewind 2>&1 | sed 's/^/bench: rewind: /'
  [ "${PIPESTATUS[0]}" -eq 0 ] || return 1
  # REPLSCOPE_IMPORT_STEPS=2000000 gives a 430 MB export (issue 16's 438 MB case): about a
  # minute and 2.5 GB, so by hand only.
  log "trace import: export a ${REPLSCOPE_IMPORT_STEPS:-100000}-step session and import it again"
  cargo run -q --release --bin replscope -- bench-import --steps "${REPLSCOPE_IMPORT_STEPS:-100000}" 2>&1 | sed 's/^/bench: /'
  [ "${PIPESTATUS[0]}" -eq 0 ]
}

# The quality bar: rustfmt-formatted (rustfmt.toml) and clippy-clean, natively (every target)
# and for wasm32, where the page's UI code lives.
test_lint() {
  log "lint: cargo fmt --check, cargo clippy (native --all-targets, wasm32)"
  cargo fmt --all --check || { log "cargo fmt --check: run 'cargo fmt --all'"; return 1; }
  cargo clippy -q --all-targets -- -D warnings || return 1
  env "${WASM_ENV[@]}" cargo clippy -q --target wasm32-unknown-unknown --lib --bins -- -D warnings
}

# A CI keeps only the tail of what a run printed: repeat, last, the lines that say why each failed
# step failed, so the cause is in that tail and not thousands of lines above it.
why_failed() {
  local step logf
  for step in "$@"; do
    case "$step" in
      native) logf="$STATE/cargo-test.log" ;;
      wasm) logf="$STATE/wasm-test.log" ;;
      *) continue ;;
    esac
    [ -f "$logf" ] || continue
    log "why $step failed (from $logf):"
    grep -E "panicked|^test .* FAILED|^error|FAILED|failures:|driver status|Error:" "$logf" | head -n 30 >&2 || true
    tail -n 15 "$logf" >&2
  done
}

run_tests() {
  setup_test
  local failed=()
  test_lint || failed+=(lint)
  test_native || failed+=(native)
  test_wasm || failed+=(wasm)
  if build_app_fresh_registry; then test_e2e || failed+=(e2e); else failed+=(fresh-registry e2e); fi
  test_fuzz || failed+=(fuzz)
  bench || failed+=(bench)
  if [ ${#failed[@]} -gt 0 ]; then
    log "FAILED: ${failed[*]}"
    why_failed "${failed[@]}"; return 1
  fi
  log "all test suites passed"
}

case "${1:-}" in
  setup) shift; case "${1:-test}" in app) setup_app ;; *) setup_test ;; esac ;;
  build) setup_app; build_app; wasm_size ;;
  single) setup_app; build_app; node scripts/single.mjs dist "$ROOT/target/single/replscope.html" ;;
  serve) serve ;;
  test) run_tests ;;
  test-native) test_native ;;
  fuzz) shift; fuzz_tools; test_fuzz "${1:-300}" 0 ;;  # seed 0: libFuzzer draws one
  lint) wasm_toolchain; test_lint ;;
  test-wasm) wasm_toolchain; test_wasm ;;
  test-e2e) setup_test; build_app_fresh_registry && test_e2e ;;
  bench) bench ;;
  wasm-size) wasm_size ;;
  build-bare) app_toolchain; build_bare ;;
  *) echo "usage: scripts/dev.sh serve | test | build | single | build-bare | setup [app|test] | bench | fuzz [SECONDS]" >&2; exit 2 ;;
esac
