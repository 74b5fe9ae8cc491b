//! The engine and the world inside headless Chromium (wasm-bindgen-test): the same code, the
//! same results as natively. Run by `scripts/dev.sh test` (wasm32 only; natively it is empty).
#![cfg(target_arch = "wasm32")]

use replscope::engine::rng::Rng;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn replids_are_reproducible_in_the_browser() {
    // SplitMix64 must give the same stream on wasm32 as natively (64-bit arithmetic only).
    let mut a = Rng::new(42);
    let mut b = Rng::new(42);
    let id = a.replid();
    assert_eq!(id, b.replid());
    assert_eq!(id.len(), 40);
}
