//! Link flag for the page's wasm only: `--emit-relocs` keeps the linker's relocations in
//! `replscope-web.wasm`, which `wasm-split-cli` needs to move the code behind each
//! `#[wasm_split]` point into a chunk loaded on demand (scripts/split.mjs, docs/wasm-split.md).
//! A link argument, not RUSTFLAGS: std's build (build-std) is not invalidated by it, and the
//! native binaries, tests and the bare Yew page link as before.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-bin=replscope-web=--emit-relocs");
    }
}
