//! A bare Yew page (one button and a counter): the yardstick of the start-up benchmark
//! (tests/e2e/startup.test.mjs). It is built exactly as the app is (trunk --release, the same
//! profile, std and wasm-opt flags: tests/e2e/bare-yew/index.html, scripts/dev.sh build_bare),
//! so the ratio of the two start-up times is what ReplScope adds over Yew itself. Not shipped.

#[cfg(target_arch = "wasm32")]
mod page {
    use yew::prelude::*;

    #[function_component(Bare)]
    fn bare() -> Html {
        let clicks = use_state(|| 0u32);
        let onclick = {
            let clicks = clicks.clone();
            Callback::from(move |_: MouseEvent| clicks.set(*clicks + 1))
        };
        html! {
            <main data-testid="app">
                <button data-testid="bump" {onclick}>{"Clicked "}{*clicks}</button>
            </main>
        }
    }

    pub fn start() {
        yew::Renderer::<Bare>::new().render();
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {
    page::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("bare-yew is the start-up benchmark's yardstick page: scripts/dev.sh builds it with trunk.");
}
