//! The page's runtime (wasm32): it owns the sim's `Session` and the MessagePort [`Driver`],
//! and is the one place a [`Msg`] is handled. It applies the message to the session (or only
//! to the model, for UI-only state), then hands the [`Model`] a fresh [`Frame`] of the world.
//! Components never see the session: they render the model and send messages.

use super::api::{Goal, Input, Session, WalkState};
use super::channel::{self, Driver};
use super::i18n::{t, tf, Lang, K};
use super::labels::{inspector_info, shown_step, with_shown_step};
use super::lesson_state::{takes, LessonState};
use super::model::{opening_lesson, Frame, Inspected, Model, Theme};
use super::share::{say, say_bad_link, Say};
use super::{lessons, model};
use crate::engine::view::keyspace_listing_matching;
use crate::sim::input::JournalEntry;
use crate::sim::moment::{fnv1a, Moment};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// At most this many keys per database are listed; the heading says how many there are.
const KEY_LIMIT: usize = 200;

/// What the page can ask of the runtime.
pub enum Msg {
    /// Something done to the world (a click, a console line).
    Input(Input),
    /// Several inputs as one user gesture (e.g. "write 1000 random keys").
    Inputs(Vec<Input>),
    /// Lines from a console (one typed, or a bulk write): applied as one gesture, then run
    /// until answered (`Goal::Answer`: replies and propagation arrived), unless the person
    /// chose to step by hand.
    Console(Vec<Input>),
    /// The console's "step by hand" switch.
    StepByHand(bool),
    /// Walk forward over the ports: `Goal::Visible` is one step (replaying if we stepped
    /// back), `Goal::Next(kind)` the next happening of a kind (`Kind::Decision`: the next
    /// PSYNC decision), `Goal::Step(n)` a recorded step.
    Walk(Goal),
    StepBack,
    /// Go to a recorded step as a link or a course page asks (`?step=`, the host's `jump`): a
    /// teacher's chosen step, reached even past the lesson's pauses.
    JumpTo(u64),
    /// The student's own move along the timeline (the slider, a mark): forward, it stops at
    /// the lesson's first pause or unanswered question on the way.
    Scrub(u64),
    Play,
    Pause,
    TogglePlay,
    /// A play-timer tick: one step, pause when nothing moves.
    Tick,
    /// The lesson's Continue (past a pause), then a step.
    LessonContinue,
    /// The student's prediction for the lesson's question at `line`.
    Predict {
        line: usize,
        outcome: String,
    },
    /// Leave the lesson to explore freely; Resume brings it back where it was left.
    LeaveLesson,
    ResumeLesson,
    /// The "quiz me" switch (`ui::quiz`).
    Quiz(bool),
    /// A walk over the ports ended (the driver says so), with the goal that was asked for.
    Walked(WalkState, Goal),
    Speed(u32),
    Select(Option<String>),
    LoadLesson(String),
    /// A scenario (text) or an exported trace (JSON with a `scenario` field).
    Import(String),
    /// Download the session as the sim's versioned JSON.
    Export,
    Banner(Option<String>),
    DismissNotice,
    Help(bool),
    ToggleHelp,
    SetTheme(Theme),
    /// The language switch (the page remembers the choice).
    SetLang(Lang),
    Glossary(bool),
    /// The Messages panel's "hide heartbeats" filter.
    HideHeartbeats(bool),
    /// The inspector's key filter changed (a `KEYS` glob).
    KeyFilter(String),
    ConsoleHistory {
        node: String,
        line: String,
    },
    /// Replay the scenario on screen in another Redis era (`ui::eras`).
    SetEra(crate::engine::repl::era::Era),
    /// Run the scenario on screen in every era and show the table.
    CompareEras,
}

pub struct Runtime {
    session: Rc<RefCell<Session>>,
    /// Walks the session over the page's MessagePorts (see channel.rs).
    driver: Rc<RefCell<Driver>>,
    /// The latest model; the page renders a clone of it.
    model: Rc<Model>,
    /// The loaded lesson's text and journal (empty for an import): a shared moment names
    /// how much of that journal it kept, and carries only the user's inputs after it.
    lesson_text: String,
    lesson_journal: Vec<JournalEntry>,
    /// The inspector's key filter (a `KEYS` glob; empty lists every key).
    key_filter: String,
    /// The scenario the era select replays (as loaded, before any era replay) and its lesson.
    era_source: (String, Option<String>),
}

impl Runtime {
    /// The page at load: `lesson` (or the default) with `seed`, and any URL problem.
    pub fn new(lesson: Option<String>, seed: u64, problem: Option<String>, theme: Theme, lang: Lang) -> Runtime {
        let (id, banner) = opening_lesson(lang, lesson, problem);
        let mut model = Model::new(seed, banner, theme);
        model.set_lang(lang);
        let mut rt = Runtime {
            session: Rc::new(RefCell::new(Session::new(seed))),
            driver: Driver::new(),
            model: Rc::new(model),
            lesson_text: String::new(),
            lesson_journal: Vec::new(),
            key_filter: String::new(),
            era_source: (String::new(), None),
        };
        rt.load_lesson(&id);
        rt.refresh();
        rt
    }

    pub fn model(&self) -> Rc<Model> {
        self.model.clone()
    }

    pub fn driver(&self) -> Rc<RefCell<Driver>> {
        self.driver.clone()
    }

    fn m(&mut self) -> &mut Model {
        Rc::make_mut(&mut self.model)
    }

    /// Apply one message; the new model to render.
    pub fn handle(&mut self, msg: Msg) -> Rc<Model> {
        // Anything that changes the world stops a walk under way (the world lands its parcel
        // from memory); steps, play control and UI-only state do not.
        let keeps_walk = matches!(
            msg,
            Msg::Walk(_)
                | Msg::Tick
                | Msg::Walked(..)
                | Msg::Play
                | Msg::Pause
                | Msg::TogglePlay
                | Msg::Speed(_)
                | Msg::Select(_)
                | Msg::Export
                | Msg::Banner(_)
                | Msg::DismissNotice
                | Msg::Help(_)
                | Msg::ToggleHelp
                | Msg::SetTheme(_)
                | Msg::SetLang(_)
                | Msg::Glossary(_)
                | Msg::HideHeartbeats(_)
                | Msg::StepByHand(_)
                | Msg::Predict { .. }
                | Msg::Quiz(_)
                | Msg::KeyFilter(_)
                | Msg::ConsoleHistory { .. }
                | Msg::CompareEras
        );
        if !keeps_walk && self.model.walking {
            self.driver.borrow_mut().cancel();
            self.m().walking = false;
        }
        let world_changed = match msg {
            // The student took the action the lesson's `await` handed them: the lesson goes on
            // along its own run (which holds that very action), not a branch of it.
            Msg::Input(input) if self.model.awaited.as_ref().is_some_and(|a| takes(a, &input)) => self.take_awaited(),
            Msg::Console(inputs) if inputs.len() == 1 && self.model.awaited.as_ref().is_some_and(|a| takes(a, &inputs[0])) => {
                self.take_awaited()
            }
            Msg::Input(input) => self.apply_all(vec![input]),
            Msg::Inputs(inputs) => self.apply_all(inputs),
            Msg::Console(inputs) => {
                self.apply_all(inputs);
                if !self.model.step_by_hand {
                    self.forward(Goal::Answer);
                }
                true
            }
            Msg::StepByHand(on) => self.ui(|m| m.set_step_by_hand(on)),
            Msg::Walk(goal) => {
                self.m().dismiss_notice();
                if goal == Goal::Visible && !self.model.walking {
                    self.m().step_asked();
                }
                self.forward(goal)
            }
            Msg::Tick => {
                if !self.model.playing || self.model.walking {
                    return self.model.clone();
                }
                self.forward(Goal::Visible)
            }
            // At an `await`, Continue is "Do it for me": the recorded action is taken.
            Msg::LessonContinue if self.model.awaited.is_some() => self.take_awaited(),
            Msg::LessonContinue => {
                self.m().continue_lesson();
                self.forward(Goal::Visible)
            }
            Msg::Predict { line, outcome } => {
                self.m().predict(line, &outcome);
                false
            }
            Msg::LeaveLesson => self.ui(Model::leave_lesson),
            Msg::ResumeLesson => self.resume_lesson(),
            Msg::Quiz(on) => self.ui(|m| m.quiz_on = on),
            Msg::StepBack => {
                self.m().pause();
                let mut session = self.session.borrow_mut();
                match self.model.previous_step() {
                    Some(step) => session.jump_to(step),
                    None => session.step_back(),
                }
                true
            }
            Msg::Scrub(step) => {
                // Forward, the student's own scrubbing stops where the lesson still waits (a
                // pause not continued, a question not answered), as a step does.
                let from = self.model.current_step;
                let step = if step > from { self.model.script.clamp(from, step).unwrap_or(from) } else { step };
                self.session.borrow_mut().jump_to(step);
                true
            }
            Msg::JumpTo(step) => {
                self.session.borrow_mut().jump_to(step);
                true
            }
            Msg::Walked(state, asked) => {
                self.m().walked(state, asked);
                true
            }
            Msg::LoadLesson(id) => {
                self.m().set_banner(None);
                self.m().dismiss_notice();
                self.load_lesson(&id);
                true
            }
            Msg::Import(text) => {
                self.import(&text);
                true
            }
            Msg::Export => {
                // The step on screen travels with the file, so an import reopens it there.
                let json = with_shown_step(&self.session.borrow_mut().export_json(), self.model.current_step);
                let file = format!("replscope-step{}.json", self.model.current_step);
                if let Err(e) = download(&file, "application/json", &json) {
                    let why = tf(self.model.lang, K::ExportFailed, &[&format!("{e:?}")]);
                    self.m().set_banner(Some(why));
                }
                false
            }
            Msg::Play => self.ui(Model::play),
            Msg::Pause => self.ui(Model::pause),
            Msg::TogglePlay => self.ui(Model::toggle_play),
            Msg::Speed(v) => self.ui(|m| m.set_speed(v)),
            Msg::KeyFilter(pattern) => {
                self.key_filter = pattern;
                let inspected = self.inspect();
                self.m().set_inspected(inspected);
                false
            }
            Msg::Select(node) => {
                self.m().select(node);
                // The inspector shows the newly selected node at once.
                let inspected = self.inspect();
                self.m().set_inspected(inspected);
                false
            }
            Msg::Banner(b) => self.ui(|m| m.set_banner(b)),
            Msg::DismissNotice => self.ui(Model::dismiss_notice),
            Msg::Help(open) => self.ui(|m| m.set_help(open)),
            Msg::ToggleHelp => self.ui(Model::toggle_help),
            Msg::SetTheme(t) => self.ui(|m| m.set_theme(t)),
            Msg::SetLang(lang) => self.ui(|m| m.set_lang(lang)),
            Msg::Glossary(open) => self.ui(|m| m.set_glossary(open)),
            Msg::HideHeartbeats(hide) => self.ui(|m| m.set_hide_heartbeats(hide)),
            Msg::ConsoleHistory { node, line } => self.ui(|m| m.remember_command(node, line)),
            Msg::SetEra(era) => self.set_era(era),
            Msg::CompareEras => self.compare_eras(),
        };
        // While a walk's parcel crosses a port the world is between the two halves of a step:
        // keep showing the last whole step; `Msg::Walked` refreshes when it lands.
        if world_changed && !self.model.walking {
            self.refresh();
        }
        self.find_awaited();
        self.model.clone()
    }

    /// The action an `await` at the current step hands the student: the journal's entry it
    /// names. Read after every message (a Continue can bring an `await` up without a step).
    /// The session holds every `await`'s input not yet taken, so a walk that stops at its
    /// step shows the world before it.
    fn find_awaited(&mut self) {
        let index = self.model.script.pause_at(self.model.current_step).and_then(|n| n.awaits);
        let script = &self.model.script;
        let holds: Vec<usize> =
            script.script.narration.iter().filter(|n| !script.continued.contains(&n.line)).filter_map(|n| n.awaits).collect();
        let Ok(mut session) = self.session.try_borrow_mut() else { return };
        session.set_holds(holds);
        let awaited = index.and_then(|i| session.journal().get(i)).map(|e| e.input.clone());
        drop(session);
        if self.model.awaited != awaited {
            self.m().awaited = awaited;
        }
    }

    /// The awaited action, taken (by the student or for them): the session applies it in its
    /// recorded place, and the lesson goes on past the `await`.
    fn take_awaited(&mut self) -> bool {
        if let Some(i) = self.model.script.pause_at(self.model.current_step).and_then(|n| n.awaits) {
            if let Ok(mut session) = self.session.try_borrow_mut() {
                session.release_hold(i);
            }
        }
        self.m().continue_lesson();
        self.refresh();
        self.forward(Goal::Visible);
        true
    }

    /// A change to UI-only state: the world is untouched.
    fn ui(&mut self, f: impl FnOnce(&mut Model)) -> bool {
        f(self.m());
        false
    }

    /// Apply inputs in order; the first refused one stops the rest and says why.
    fn apply_all(&mut self, inputs: Vec<Input>) -> bool {
        self.m().dismiss_notice();
        super::quiz::drop_open(&mut self.m().quiz);
        for input in inputs {
            let result = self.session.borrow_mut().apply(input);
            if let Err(e) = result {
                self.m().refused(e.to_string());
                break;
            }
        }
        true
    }

    /// Walk toward what was `asked`, over the ports: a step or a next-of goes to the recorded
    /// step if we stepped back, else the world runs to it; any other goal is walked as it is.
    /// A walk under way is not interrupted.
    fn forward(&mut self, asked: Goal) -> bool {
        if self.model.walking {
            return false; // the previous step's parcel is still crossing
        }
        // The lesson waits for Continue or a prediction: playing stops here.
        if asked == Goal::Visible && self.model.lesson_blocked() {
            self.m().pause();
            return false;
        }
        let goal = match asked {
            Goal::Visible => self.model.step_goal(),
            Goal::Next(kind) => match self.model.recorded_next(kind) {
                Some(step) => Goal::Step(step),
                None => {
                    // Past everything recorded: go to the end, then let the world run to one.
                    let last = self.model.last_step;
                    if self.model.current_step < last {
                        self.session.borrow_mut().jump_to(last);
                    }
                    asked
                }
            },
            other => other,
        };
        // Quiz me: a decision ahead is asked about first, from the step before it.
        let goal = match self.quiz_gate(goal) {
            Some(goal) => goal,
            None => {
                self.m().pause();
                return false;
            }
        };
        match channel::start(&self.driver, self.session.clone(), goal, asked) {
            Some(state) => self.m().walked(state, asked),
            None => self.m().walk_started(),
        }
        true
    }

    /// The goal to walk in quiz mode (`ui::quiz`): as asked, or to the step before a decision
    /// still to be asked about; `None` while a question waits for its answer.
    fn quiz_gate(&mut self, goal: Goal) -> Option<Goal> {
        if !self.model.quizzing() {
            return Some(goal);
        }
        let ahead = super::quiz::look_ahead(&self.session.borrow(), goal);
        let current = self.model.current_step;
        match super::quiz::gate(&mut self.m().quiz, current, ahead) {
            super::quiz::Gate::Go => Some(goal),
            super::quiz::Gate::Held => None,
            super::quiz::Gate::AskAt { before } => Some(Goal::Step(before)),
        }
    }

    /// Back to the lesson left for free play: its run reloaded (the exploration discarded), at
    /// the step it was left at, with its answers and continues.
    fn resume_lesson(&mut self) -> bool {
        let Some((script, step)) = self.model.left.clone() else { return false };
        let id = self.model.lesson.clone();
        self.load_lesson(&id);
        self.session.borrow_mut().jump_to(step);
        self.m().script = script;
        true
    }

    /// Replace the session with a lesson's, positioned at its start so it can be played.
    fn load_lesson(&mut self, id: &str) {
        match lessons::find(id) {
            // The page loads a scenario file's text before it asks for it (`ui::ondemand`).
            Some(lesson) => match lesson.text() {
                Some(text) => {
                    self.load_scenario(text, Some(lesson.id));
                }
                None => {
                    let why = tf(self.model.lang, K::LessonNotLoaded, &[&id]);
                    self.m().set_banner(Some(why))
                }
            },
            None => {
                let why = model::no_such_lesson(self.model.lang, id);
                self.m().set_banner(Some(why))
            }
        }
    }

    fn load_scenario(&mut self, text: &str, lesson: Option<&str>) -> bool {
        match Session::from_lesson(text, self.model.seed) {
            Ok((mut session, script)) => {
                let trace = session.world().trace().to_vec();
                (self.lesson_text, self.lesson_journal) = match lesson {
                    Some(_) => (text.to_string(), session.journal().to_vec()),
                    None => (String::new(), Vec::new()),
                };
                session.jump_to(0);
                self.m().era = session.world().era();
                self.m().era_runs = None;
                self.era_source = (text.to_string(), lesson.map(str::to_string));
                self.session = Rc::new(RefCell::new(session));
                self.m().loaded(&trace, lesson);
                if lesson.is_some() {
                    self.m().script = LessonState::new(script);
                }
                true
            }
            Err(e) => {
                let why = tf(self.model.lang, K::BadScenario, &[&e]);
                self.m().set_banner(Some(why));
                false
            }
        }
    }

    fn import(&mut self, text: &str) {
        self.m().dismiss_notice();
        if !text.trim_start().starts_with('{') {
            if self.load_scenario(text, None) {
                self.m().set_banner(None);
            }
            return;
        }
        match Session::import_json(text) {
            Ok(mut session) => {
                (self.lesson_text, self.lesson_journal) = (String::new(), Vec::new());
                self.era_source = (String::new(), None);
                self.m().era = session.world().era();
                self.m().era_runs = None;
                // Reopen at the step the export was made at (the replay ends at its last step).
                if let Some(step) = shown_step(text) {
                    session.jump_to(step);
                }
                self.session = Rc::new(RefCell::new(session));
                // The trace is read from the imported world on the refresh that follows; the
                // selection stays if the imported world has that node too.
                let selected = self.model.selected.clone();
                self.m().loaded(&[], None);
                self.m().select(selected);
                self.m().set_banner(None);
            }
            Err(e) => {
                let why = tf(self.model.lang, K::BadImport, &[&e]);
                self.m().set_banner(Some(why))
            }
        }
    }

    /// Replay the loaded scenario in `era`: 4.0+ reopens it as written (a lesson with its
    /// words), an older era its world-moving statements after `era X` (`ui::eras`); then the
    /// table compares the eras. What the select replays stays the scenario first loaded.
    fn set_era(&mut self, era: crate::engine::repl::era::Era) -> bool {
        let (text, lesson) = self.era_source.clone();
        if text.is_empty() {
            let why = t(self.model.lang, K::EraNoScenario).to_string();
            self.m().set_banner(Some(why));
            return false;
        }
        match (era == Default::default(), lesson.as_deref()) {
            (true, Some(id)) => self.load_lesson(id),
            _ => match super::eras::replay_text(&text, era) {
                Ok(replay) => {
                    self.load_scenario(&replay, None);
                }
                Err(e) => {
                    let why = tf(self.model.lang, K::BadScenario, &[&e]);
                    self.m().set_banner(Some(why));
                }
            },
        }
        self.era_source = (text, lesson);
        self.compare_eras();
        true
    }

    /// Run the loaded scenario in every era (`sim::eras::compare`) for the table.
    fn compare_eras(&mut self) -> bool {
        let text = self.era_source.0.clone();
        if text.is_empty() {
            let why = t(self.model.lang, K::EraNoScenario).to_string();
            self.m().set_banner(Some(why));
            return false;
        }
        match crate::sim::scenario::parse(&text) {
            Ok(sc) => self.m().era_runs = Some(Rc::new(crate::sim::eras::compare(&sc, self.model.seed))),
            Err(e) => {
                let why = tf(self.model.lang, K::BadScenario, &[&e]);
                self.m().set_banner(Some(why));
            }
        }
        false
    }

    /// The moment on screen as a link code (`sim::moment`).
    pub fn moment_code(&self, lang: &str) -> String {
        let session = self.session.borrow();
        Moment::of(&session, self.model.seed, &self.model.lesson, &self.lesson_text, &self.lesson_journal, lang).encode()
    }

    /// Open a shared moment. A code that cannot be used changes nothing and says why, naming
    /// the state shown instead (the caller opens the link's readable lesson/seed/step).
    pub fn restore(&mut self, code: &str, fallback_lesson: &str, fallback_step: u64) -> Result<Rc<Model>, String> {
        let lang = self.model.lang;
        let bad = |why: String| say_bad_link(lang, &why, fallback_lesson, fallback_step);
        let m = Moment::decode(code).map_err(|e| bad(e.to_string()))?;
        if !m.lesson.is_empty() {
            let lesson = lessons::find(&m.lesson).ok_or_else(|| bad(model::no_such_lesson(lang, &m.lesson)))?;
            let text = lesson.text().ok_or_else(|| bad(tf(lang, K::LessonNotLoaded, &[&m.lesson])))?;
            if fnv1a(text.as_bytes()) != m.lesson_hash {
                return Err(bad(say(lang, Say::LessonChanged).to_string()));
            }
            self.m().seed = m.seed;
            self.load_lesson(&m.lesson);
        } else {
            (self.lesson_text, self.lesson_journal) = (String::new(), Vec::new());
        }
        let mut session = m.session(&self.lesson_journal);
        let step = session.current_step();
        session.jump_to(session.last_step());
        let trace = session.world().trace().to_vec();
        session.jump_to(step);
        self.session = Rc::new(RefCell::new(session));
        let lesson = (!m.lesson.is_empty()).then_some(m.lesson.as_str());
        self.m().seed = m.seed;
        self.m().loaded(&trace, lesson);
        self.refresh();
        Ok(self.model.clone())
    }

    /// Hand the model the world as it stands.
    fn refresh(&mut self) {
        let session = self.session.clone();
        let session = session.borrow();
        let world = session.world();
        let snapshot = world.snapshot();
        let stopped_ports = snapshot.stopped.iter().map(|s| (s.clone(), world.port_of(s).unwrap_or(0))).collect();
        let frame = Frame {
            snapshot,
            current_step: session.current_step(),
            last_step: session.last_step(),
            trace: world.trace(),
            stopped_ports,
            in_flight: world.in_flight(),
        };
        self.m().absorb(frame);
        drop(session);
        let inspected = self.inspect();
        self.m().set_inspected(inspected);
    }

    /// The selected node's INFO and keys, read from the engine at the world's logical now.
    fn inspect(&self) -> Option<Inspected> {
        let name = self.model.selected.as_ref()?;
        let session = self.session.try_borrow().ok()?;
        let world = session.world();
        let node = world.node(name)?;
        Some(Inspected {
            node: name.clone(),
            info: inspector_info(&node.info("replication"), &node.info("stats")),
            keys: keyspace_listing_matching(node, world.now_ms(), KEY_LIMIT, self.key_filter.as_bytes()),
            filter: self.key_filter.clone(),
        })
    }
}

/// Offer `text` as a file download named `name` (Blob + object URL + a clicked anchor).
fn download(name: &str, mime: &str, text: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    web_sys::Url::revoke_object_url(&url)?;
    Ok(())
}
