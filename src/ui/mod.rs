//! The Yew UI (wasm32 only): renders snapshots of the world, sends actions.
use yew::prelude::*;

#[function_component(App)]
pub fn app() -> Html {
    html! { <main data-testid="app"><h1>{ "ReplScope" }</h1></main> }
}

/// Mount the app on the page's `<body>`.
pub fn start() {
    yew::Renderer::<App>::new().render();
}
