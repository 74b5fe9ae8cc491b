//! The UI: a model that is a plain value, and (wasm32 only) the Yew page that renders it.
//!
//! Natively only the browser-free parts compile: the sim API the UI codes against (`api`),
//! text helpers (`format`, `labels`), the lessons, and the [`model::Model`] with its tests.
//! In the page, `App` owns a [`runtime::Runtime`] (the sim's session and the MessagePort
//! driver) and renders the model it hands back; every panel takes the part of the model it
//! shows as props, and a `Callback<Msg>` to change it. Page-wide concerns live here: URL
//! parameters, the play timer, keyboard shortcuts, the theme, and `window.__replscope` for
//! end-to-end tests.

pub mod api;
pub mod buffers;
pub mod eras;
pub mod figures;
pub mod format;
pub mod geometry;
pub mod i18n;
pub mod labels;
pub mod lesson_state;
pub mod lessons;
pub mod model;
pub mod opening;
pub mod quiz;
pub mod share;
pub mod sizing;
pub mod speed;
pub mod split;
pub mod theme;
pub mod trace_window;

#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
pub mod channel;
#[cfg(target_arch = "wasm32")]
pub mod components;
#[cfg(target_arch = "wasm32")]
mod host;
#[cfg(target_arch = "wasm32")]
pub mod msg;
#[cfg(target_arch = "wasm32")]
mod ondemand;
#[cfg(target_arch = "wasm32")]
pub(crate) mod page;
#[cfg(target_arch = "wasm32")]
pub mod runtime;
#[cfg(target_arch = "wasm32")]
pub(crate) mod settle;
#[cfg(target_arch = "wasm32")]
mod shell;
#[cfg(target_arch = "wasm32")]
pub use app::{start, App, DEFAULT_SEED};
