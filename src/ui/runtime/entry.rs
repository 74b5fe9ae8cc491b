//! The engine's doors: the only calls from the first load into the runtime, each a split point
//! of the chunk `engine` (`#[wasm_split]`, crate `wasm_split_helpers`; the chunks are listed in
//! `ui::components::lazy`). Everything only the runtime reaches (the Redis engine, the sim's
//! world and session, the scenario language, the RDB codec, the MessagePort walks) is then
//! code of that chunk, not of the first load (issue 17). The page's side is `ui::shell`.
//!
//! A call here completes at once when the chunk is in (`ui::split::now`); the shell loads it
//! first ([`load`]) and holds messages until then.

use super::{Msg, Runtime};
use crate::ui::api::{Goal, WalkState};
use crate::ui::i18n::Lang;
use crate::ui::model::{Model, Theme};
use crate::ui::share::PageOptions;
use std::rc::Rc;
use wasm_split_helpers::{wasm_split, SplitLoaderError};

/// What the page opens with: the URL's options, and what the page decided before the engine.
pub struct Opened<'a> {
    pub options: &'a PageOptions,
    /// The lesson to open (None: the default) and the URL's problems, after the loads the first
    /// render waited for (`ui::ondemand::opening`).
    pub lesson: Option<String>,
    pub problem: Option<String>,
    pub theme: Theme,
    pub lang: Lang,
    /// Quiz mode as the reader left it (storage).
    pub quiz: bool,
    /// Told when a walk over the ports ends (`Msg::Walked`).
    pub walked: Rc<dyn Fn(WalkState, Goal)>,
}

/// The runtime the URL asks for: a shared moment (`m`), else its lesson at its step; a moment
/// that cannot be restored says why and opens the link's readable lesson, seed and step. It
/// lives as long as the page, so it is never dropped: leaked here, the first load holds no drop
/// code for the engine's state (the world, its nodes and keyspaces: about 9 KB).
#[wasm_split(engine, preload(preload_engine), fallible)]
fn open(o: &Opened<'_>) -> Result<&'static mut Runtime, SplitLoaderError> {
    let options = o.options;
    let mut rt = Runtime::new(o.lesson.clone(), options.seed, o.problem.clone(), o.theme, o.lang);
    rt.driver().borrow_mut().set_notify(o.walked.clone());
    let mut restored = false;
    if let Some(code) = &options.moment {
        let lesson = rt.model().lesson.clone();
        match rt.restore(code, &lesson, options.step.unwrap_or(0)) {
            Ok(_) => restored = true,
            Err(why) => {
                rt.handle(Msg::Banner(Some(why)));
            }
        }
    }
    if let (false, Some(step)) = (restored, options.step) {
        rt.handle(Msg::JumpTo(step));
    }
    crate::ui::msg::opening_settings(options, o.quiz, |setting| {
        rt.handle(setting);
    });
    Ok(Box::leak(Box::new(rt)))
}

#[wasm_split(engine, preload(preload_handle), fallible)]
fn handle(rt: &mut Runtime, msg: Box<Msg>) -> Result<Rc<Model>, SplitLoaderError> {
    Ok(rt.handle(*msg))
}

#[wasm_split(engine, preload(preload_moment), fallible)]
fn moment_code(rt: &Runtime, lang: &str) -> Result<String, SplitLoaderError> {
    Ok(rt.moment_code(lang))
}

#[wasm_split(engine, preload(preload_publish), fallible)]
fn publish(rt: &Runtime, model: &Rc<Model>) -> Result<(), SplitLoaderError> {
    crate::ui::page::publish(model.clone(), rt.driver());
    Ok(())
}

/// Fetch the chunk. Each door keeps its own "loaded" flag (`wasm_split_helpers` has a loader
/// per split function), so each is awaited once; the chunk itself is fetched once.
pub async fn load() -> Result<(), SplitLoaderError> {
    preload_engine().await?;
    preload_handle().await?;
    preload_moment().await?;
    preload_publish().await
}

/// [`open`], None when the chunk is not in.
pub fn open_now(o: &Opened<'_>) -> Option<&'static mut Runtime> {
    crate::ui::split::now(open(o)).and_then(Result::ok)
}

/// `Runtime::handle`: the model it hands back; None when the chunk is not in (never once `open` ran).
pub fn handle_now(rt: &mut Runtime, msg: Msg) -> Option<Rc<Model>> {
    crate::ui::split::now(handle(rt, Box::new(msg))).and_then(Result::ok)
}

/// The moment on screen as a link's code (empty when the chunk is not in).
pub fn moment_code_now(rt: &Runtime, lang: &str) -> String {
    crate::ui::split::now(moment_code(rt, lang)).and_then(Result::ok).unwrap_or_default()
}

/// `window.__replscope` for end-to-end tests: the model and the driver's wire tallies.
pub fn publish_now(rt: &Runtime, model: &Rc<Model>) {
    let _ = crate::ui::split::now(publish(rt, model));
}
