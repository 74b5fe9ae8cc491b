//! The page's hold on the engine (wasm32): the runtime once its chunk is in, and until then the
//! model the page shows and the messages it was sent (issue 17: the engine is not in the first
//! load; `ui::runtime::entry` lists its doors).
//!
//! A plain visit (no `?lesson=`, `?step=`, `m=`, `?seed=` or `?autoplay`) renders the default
//! lesson's recorded opening (`ui::opening`) at once, and the engine is fetched after its frame (`ui::settle`).
//! Meanwhile play control, dialogs, theme and language respond on that model (`msg::apply_ui`),
//! and every message is kept: when the engine arrives it opens the page as the URL asks and
//! takes them all in order, so a step clicked early is taken, late, not lost. Any other visit
//! waits for the engine before its first render (`app::start`), as it waits for a lesson file.

use super::components::decision_card::card_ready;
use super::i18n::{t, K};
use super::model::{Model, Theme};
use super::msg::{apply_ui, opening_settings, Msg};
use super::opening::Opening;
use super::page::{page_lang, stored_quiz, stored_theme};
use super::runtime::entry::{self, Opened};
use super::runtime::Runtime;
use super::settle::settled;
use super::share::{PageOptions, DEFAULT_SEED};
use super::{api, ondemand};
use std::cell::RefCell;
use std::rc::Rc;
use yew::{Callback, UseStateSetter};

pub struct Shell {
    options: Rc<PageOptions>,
    engine: Option<&'static mut Runtime>,
    model: Rc<Model>,
    /// Messages sent before the engine was in, in order, each with whether it was the page's
    /// own (applied to the model at once) or waits for the world.
    pending: Vec<(Msg, bool)>,
    /// The engine's chunk is on its way.
    pub loading: bool,
    /// The page's dispatch, for the driver's "walk ended" (set once the App has one).
    dispatch: Rc<RefCell<Option<Callback<Msg>>>>,
}

/// Whether the URL opens exactly the recorded opening: the default lesson (named or not), seed
/// and step. www/early.js reads the URL the same way (it preloads the engine for the others).
pub fn plain_visit(o: &PageOptions) -> bool {
    let default_lesson = o.lesson.as_deref().is_none_or(|id| id == super::lessons::all()[0].id);
    default_lesson && o.step.is_none() && o.moment.is_none() && o.seed == DEFAULT_SEED && !o.autoplay && o.problem.is_none()
}

impl Shell {
    /// The shell for the page's first render: the opening of a plain visit (engine to come),
    /// else the engine's runtime (the first render waited for its chunk). A chunk that could
    /// not be fetched leaves an empty page that says so.
    pub fn open(options: Rc<PageOptions>) -> Shell {
        // Until a model comes (the opening's or the runtime's): an empty page in the page's
        // language, which says so if the engine cannot be fetched.
        let mut empty = Model::new(DEFAULT_SEED, None, Theme::System);
        empty.set_lang(page_lang());
        let mut shell =
            Shell { options, engine: None, model: Rc::new(empty), pending: Vec::new(), loading: false, dispatch: Rc::default() };
        let opening = plain_visit(&shell.options).then(Opening::shipped).flatten();
        match opening {
            Some(opening) => {
                // The same settings the runtime takes when it opens (it opens the page again).
                let mut model = opening.model(shell.theme(), page_lang());
                opening_settings(&shell.options, stored_quiz(), |setting| {
                    apply_ui(&mut model, &setting);
                });
                shell.model = Rc::new(model);
            }
            None => {
                if !shell.engine_in() {
                    shell.failed();
                }
            }
        }
        shell
    }

    pub fn model(&self) -> Rc<Model> {
        self.model.clone()
    }

    pub fn has_engine(&self) -> bool {
        self.engine.is_some()
    }

    /// The engine is neither in nor on its way (the App then fetches it).
    pub fn wants_engine(&self) -> bool {
        self.engine.is_none() && !self.loading
    }

    /// The App's dispatch: the driver tells it when a walk ends.
    pub fn set_dispatch(&self, dispatch: Callback<Msg>) {
        *self.dispatch.borrow_mut() = Some(dispatch);
    }

    fn theme(&self) -> Theme {
        self.options.theme.unwrap_or_else(stored_theme)
    }

    /// The engine's chunk is in: open the runtime as the URL asks and hand it every message
    /// kept meanwhile. False when the chunk is not in after all.
    pub fn engine_in(&mut self) -> bool {
        if self.engine.is_some() {
            return true;
        }
        // A lesson file that could not be loaded before the first render gives way to the default.
        let (lesson, problem) = ondemand::opening(self.options.lesson.clone(), self.options.problem.clone());
        let dispatch = self.dispatch.clone();
        let opened = Opened {
            options: &self.options,
            lesson,
            problem,
            theme: self.theme(),
            // A language switched meanwhile is among the kept messages.
            lang: page_lang(),
            quiz: stored_quiz(),
            walked: Rc::new(move |walked: api::WalkState, asked: api::Goal| {
                if let Some(d) = dispatch.borrow().as_ref() {
                    d.emit(Msg::Walked(walked, asked));
                }
            }),
        };
        let Some(rt) = entry::open_now(&opened) else { return false };
        for (msg, _) in std::mem::take(&mut self.pending) {
            entry::handle_now(rt, msg);
        }
        self.model = rt.model();
        self.engine = Some(rt);
        true
    }

    /// The engine could not be fetched: the page says so, and the steps asked meanwhile are
    /// dropped (the next one asks for the engine again); the page's own changes stay.
    pub fn failed(&mut self) {
        self.loading = false;
        self.pending.retain(|(_, own)| *own);
        let lang = self.model.lang;
        Rc::make_mut(&mut self.model).set_banner(Some(t(lang, K::EngineFailed).to_string()));
    }

    /// Apply one message; the model to render. Before the engine is in, the page's own state
    /// changes at once, a Step or a click on the world waits (the notice says why), and a play
    /// timer's tick is dropped (playing goes on once the engine is in).
    pub fn handle(&mut self, msg: Msg) -> Rc<Model> {
        if let Some(rt) = self.engine.as_mut() {
            if let Some(model) = entry::handle_now(rt, msg) {
                self.model = model;
            }
            return self.model.clone();
        }
        if matches!(msg, Msg::Tick) {
            return self.model.clone();
        }
        let m = Rc::make_mut(&mut self.model);
        let own = apply_ui(m, &msg);
        if !own {
            if let Msg::Select(node) = &msg {
                m.select(node.clone());
            }
            m.notice = Some(t(m.lang, K::EngineLoading).to_string());
        }
        self.pending.push((msg, own));
        self.model.clone()
    }

    /// The moment on screen as a link's code; empty before the engine is in (nothing has
    /// changed the opening yet that a link would need to carry).
    pub fn moment_code(&self, lang: &str) -> String {
        self.engine.as_ref().map(|rt| entry::moment_code_now(rt, lang)).unwrap_or_default()
    }

    /// `window.__replscope` (end-to-end tests), once the engine is in.
    pub fn publish(&self, model: &Rc<Model>) {
        if let Some(rt) = &self.engine {
            entry::publish_now(rt, model);
        }
    }
}

/// The engine's chunk is in, with the decision card's view, which is code of that chunk too
/// (`components::decision_card`: no decision shows before the engine has run one).
pub async fn engine_ready() -> bool {
    let loaded = entry::load().await.is_ok();
    if loaded {
        card_ready().await;
    }
    loaded
}

/// Fetch the engine's chunk, then open the runtime in the shell and render its model; a chunk
/// that cannot be fetched is said in the banner. The fetch waits for the first frame
/// (`ui::settle`): the page's first call is its first render's, and a step asks again only
/// after a fetch failed, by when the page has settled (the wait is then none).
pub fn fetch_engine(shell: Rc<RefCell<Shell>>, set_model: UseStateSetter<Rc<Model>>, set_engine_in: UseStateSetter<bool>) {
    shell.borrow_mut().loading = true;
    wasm_bindgen_futures::spawn_local(async move {
        settled().await;
        let loaded = engine_ready().await;
        let mut shell = shell.borrow_mut();
        if !(loaded && shell.engine_in()) {
            shell.failed();
        }
        shell.loading = false;
        let (model, engine_in) = (shell.model(), shell.has_engine());
        drop(shell);
        set_model.set(model);
        set_engine_in.set(engine_in);
    });
}
