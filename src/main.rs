//! The wasm entry point: mounts the Yew app. Natively this binary only explains itself.

#[cfg(target_arch = "wasm32")]
fn main() {
    replscope::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("replscope-web is the browser app: build it with trunk (see README.md).");
}
