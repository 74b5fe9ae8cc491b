//! The page's runtime (wasm32): it owns the sim's `Session` and the MessagePort [`Driver`],
//! and is the one place a [`Msg`] is handled. It applies the message to the session (or only
//! to the model, for UI-only state), then hands the [`Model`] a fresh [`Frame`] of the world.
//! Components never see the session: they render the model and send messages. The message
//! type is [`ui::msg`](super::msg); where a run comes from (lesson, import, era, moment) is
//! [`loading`].

use super::api::{Goal, Input, Session};
use super::channel::{self, Driver};
use super::i18n::{t, tf, Lang, K};
use super::labels::{shown_step, with_shown_step};
use super::lesson_state::{takes, LessonState};
use super::model::{opening_lesson, Frame, Inspected, Model, Theme};
use super::share::{say, say_bad_link, Say};
use super::{lessons, model};
use crate::sim::fnv::fnv1a;
use crate::sim::input::JournalEntry;
use crate::sim::moment::Moment;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

pub mod entry;
mod loading;
use loading::download;

pub use super::msg::Msg;

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
        // Play control, dialogs, theme, language: the page's own state (`msg::apply_ui`).
        let own = super::msg::apply_ui(self.m(), &msg);
        // Anything that changes the world stops a walk under way (the world lands its parcel
        // from memory); steps, play control and the page's own state do not (leaving a lesson
        // does: the run it walked is no longer the one on screen).
        let keeps_walk = (own && !matches!(msg, Msg::LeaveLesson))
            || matches!(
                msg,
                Msg::Walk(_) | Msg::Tick | Msg::Walked(..) | Msg::Select(_) | Msg::Export | Msg::KeyFilter(_) | Msg::CompareEras
            );
        if !keeps_walk && self.model.walking {
            self.driver.borrow_mut().cancel();
            self.m().walking = false;
        }
        let world_changed = match msg {
            _ if own => false,
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
            Msg::ResumeLesson => self.resume_lesson(),
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
            Msg::SetEra(era) => self.set_era(era),
            Msg::CompareEras => self.compare_eras(),
            // Applied above (`apply_ui` took it).
            Msg::StepByHand(_)
            | Msg::Predict { .. }
            | Msg::LeaveLesson
            | Msg::Quiz(_)
            | Msg::Play
            | Msg::Pause
            | Msg::TogglePlay
            | Msg::Speed(_)
            | Msg::Banner(_)
            | Msg::DismissNotice
            | Msg::Help(_)
            | Msg::ToggleHelp
            | Msg::SetTheme(_)
            | Msg::SetLang(_)
            | Msg::Glossary(_)
            | Msg::HideHeartbeats(_)
            | Msg::ConsoleHistory { .. } => false,
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
        Inspected::of(session.world(), name, &self.key_filter)
    }
}
