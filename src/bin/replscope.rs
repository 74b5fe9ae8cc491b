//! The native CLI: `replscope run SCENARIO` (skeleton).
fn main() {
    eprintln!("replscope: not yet");
    std::process::exit(2);
}
