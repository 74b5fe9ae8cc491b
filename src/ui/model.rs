//! The page's model: a plain value the components render (Elm's model, Redux's store state).
//!
//! The runtime (`ui::runtime`, wasm32) owns the sim's `Session` and the MessagePort driver; it
//! applies a message to them and hands this model a fresh [`Frame`] (the world's snapshot at
//! the current step, the trace, the selected node's INFO and keys). Everything else here is
//! UI-only state (play/pause, selection, banner and notice, console history, theme), changed
//! by the small reducer methods below. No browser crate is imported: `cargo test` runs the
//! tests at the bottom natively, model in, model out.

use super::api::{Input, Snapshot, TraceEntry};
use super::i18n::{t, tf, Lang, K};
use super::labels::node_offset;
pub use super::labels::Slot;
use super::lesson_state::LessonState;
use super::lessons;
pub use super::theme::Theme;
pub use super::trace_window::Trace;
use crate::engine::view::DbKeysView;
use std::collections::BTreeMap;
use std::rc::Rc;

mod stepping;

/// A step that moved the clock this far says so (below it, time passing is not news).
pub const IDLE_NOTICE_MS: u64 = 1000;

/// Play speeds the selector offers, in steps per second.
pub const SPEEDS: [u32; 6] = [1, 2, 4, 8, 16, 32];

/// Offset samples the chart keeps (older ones scroll out).
pub const MAX_SAMPLES: usize = 400;

/// Offsets of every node at one step, for the chart.
#[derive(Clone, Debug, PartialEq)]
pub struct OffsetSample {
    pub step: u64,
    pub time_ms: u64,
    pub offsets: Vec<(String, u64)>,
}

/// At most this many keys per database are listed; the heading says how many there are.
pub const KEY_LIMIT: usize = 200;

/// The selected node as the inspector shows it, read from the engine when the frame was made.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Inspected {
    pub node: String,
    /// `INFO replication` field/value pairs as the engine prints them, and the sync counters
    /// of its `# Stats` section.
    pub info: Vec<(String, String)>,
    /// The keys per database, at most a page each, that match `filter`.
    pub keys: Vec<DbKeysView>,
    /// The key filter the listing used (a `KEYS` glob; empty: every key).
    pub filter: String,
}

impl Inspected {
    /// Node `name`'s INFO and keys (those matching the `KEYS` glob `filter`), read from the
    /// engine at the world's logical now.
    pub fn of(world: &crate::sim::World, name: &str, filter: &str) -> Option<Inspected> {
        let node = world.node(name)?;
        Some(Inspected {
            node: name.to_string(),
            info: super::labels::inspector_info(&node.info("replication"), &node.info("stats")),
            keys: crate::engine::view::keyspace_listing_matching(node, world.now_ms(), KEY_LIMIT, filter.as_bytes()),
            filter: filter.to_string(),
        })
    }
}

/// What the runtime hands over after it changed the session.
pub struct Frame<'a> {
    pub snapshot: Snapshot,
    pub current_step: u64,
    pub last_step: u64,
    /// The world's trace as it holds it now (up to the current step).
    pub trace: &'a [TraceEntry],
    /// The ports of the stopped nodes (the snapshot only names them).
    pub stopped_ports: Vec<(String, u16)>,
    /// Something is on its way (`World::in_flight`): bytes, a connect. Not timers.
    pub in_flight: bool,
}

/// Everything a render needs; cheap to clone (the heavy parts are behind `Rc`).
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    pub snapshot: Rc<Snapshot>,
    pub trace: Trace,
    pub current_step: u64,
    pub last_step: u64,
    pub layout: Rc<Vec<Slot>>,
    pub inspected: Option<Rc<Inspected>>,
    /// A walk is under way: its parcel is crossing a port.
    pub walking: bool,
    pub playing: bool,
    /// Steps per second while playing.
    pub speed: u32,
    pub selected: Option<String>,
    /// A lasting problem (bad URL parameter, bad import): shown until dismissed.
    pub banner: Option<String>,
    /// The last refused action (e.g. "no link between a and b").
    pub notice: Option<String>,
    pub samples: Rc<Vec<OffsetSample>>,
    pub console_history: Rc<BTreeMap<String, Vec<String>>>,
    pub lesson: String,
    pub seed: u64,
    pub help: bool,
    pub theme: Theme,
    /// The page's language (every text the model words itself, and the panels', follow it).
    pub lang: Lang,
    /// The glossary dialog is open.
    pub glossary: bool,
    /// The last step a loaded lesson recorded: playing stops there once, and says so.
    pub lesson_end: Option<u64>,
    /// The action a lesson's `await` hands the student at the current step (the recorded
    /// input they are to take), read from the session's journal by the runtime.
    pub awaited: Option<Input>,
    /// The Messages panel hides heartbeats (PING to a replica, REPLCONF ACK); on in lessons.
    pub hide_heartbeats: bool,
    /// The clock when a Step was asked, and whether anything was in flight then: a step that
    /// crossed idle time says how much, and what it found.
    pub step_from_ms: Option<(u64, bool)>,
    /// Something was in flight at the current step (see [`Frame::in_flight`]).
    pub in_flight: bool,
    /// The console's "step by hand": a typed command waits for Step or Play (off: it runs
    /// until answered).
    pub step_by_hand: bool,
    /// The loaded lesson's script and the student's answers (empty for other sessions).
    pub script: LessonState,
    /// The lesson the student left to explore freely: its script and answers, and the step
    /// it stood at (Resume brings back exactly that).
    pub left: Option<(LessonState, u64)>,
    /// The "quiz me" switch, and the questions it asked in free play (`ui::quiz`).
    pub quiz_on: bool,
    pub quiz: LessonState,
    /// The Redis era the session runs in, and the scenario's runs in every era once compared
    /// (`ui::eras`, `sim::eras`).
    pub era: crate::engine::repl::era::Era,
    pub era_runs: Option<Rc<Vec<crate::sim::eras::EraRun>>>,
}

/// The lesson to open for the URL's `?lesson=` (the first one when absent or unknown), and the
/// banner to show: the URL's other problems, plus an unknown lesson's.
pub fn opening_lesson(lang: Lang, asked: Option<String>, banner: Option<String>) -> (String, Option<String>) {
    let default = lessons::all()[0].id.to_string();
    match asked {
        Some(id) if lessons::find(&id).is_some() => (id, banner),
        Some(id) => {
            let why = no_such_lesson(lang, &id);
            (default, Some(banner.map_or(why.clone(), |b| format!("{b} {why}"))))
        }
        None => (default, banner),
    }
}

/// What a Step that crossed `idle_ms` of quiet simulated time says: whether anything was in
/// flight when it was asked, and `what` the step found.
pub fn idle_notice(lang: Lang, idle_ms: u64, in_flight: bool, what: &str) -> String {
    let key = if in_flight { K::IdleNotice } else { K::NothingInFlight };
    tf(lang, key, &[&super::labels::duration(lang, idle_ms), &what])
}

pub fn no_such_lesson(lang: Lang, id: &str) -> String {
    tf(lang, K::NoSuchLesson, &[&id])
}

impl Model {
    /// The model before any session is loaded.
    pub fn new(seed: u64, banner: Option<String>, theme: Theme) -> Model {
        Model {
            snapshot: Rc::new(Snapshot::default()),
            trace: Trace::default(),
            current_step: 0,
            last_step: 0,
            layout: Rc::new(Vec::new()),
            inspected: None,
            walking: false,
            playing: false,
            speed: 4,
            selected: None,
            banner,
            notice: None,
            samples: Rc::new(Vec::new()),
            console_history: Rc::new(BTreeMap::new()),
            lesson: String::new(),
            seed,
            help: false,
            theme,
            lang: Lang::En,
            glossary: false,
            lesson_end: None,
            awaited: None,
            hide_heartbeats: false,
            step_from_ms: None,
            in_flight: false,
            step_by_hand: false,
            script: LessonState::default(),
            left: None,
            quiz_on: false,
            quiz: LessonState::default(),
            era: Default::default(),
            era_runs: None,
        }
    }

    // ---- UI-only transitions ----

    /// The lesson waits here for the student: a pause to continue past, or a prediction.
    pub fn lesson_blocked(&self) -> bool {
        self.current_step < self.last_step && self.script.clamp(self.current_step, u64::MAX).is_none()
    }

    /// The student pressed Continue at a pause.
    pub fn continue_lesson(&mut self) {
        if let Some(line) = self.script.pause_at(self.current_step).map(|n| n.line) {
            self.script.continued.insert(line);
        }
    }

    /// The student's prediction for the question at `line` (the first answer counts): the
    /// lesson's, else the quiz's.
    pub fn predict(&mut self, line: usize, outcome: &str) {
        let state = if self.quizzing() { &mut self.quiz } else { &mut self.script };
        state.answers.entry(line).or_insert_with(|| outcome.to_string());
    }

    /// The quiz asks: it is on, and the session has no questions of its own.
    pub fn quizzing(&self) -> bool {
        self.quiz_on && self.script.script.questions.is_empty()
    }

    /// Leave the lesson to explore: keep its script, answers and step aside; nothing holds a step.
    pub fn leave_lesson(&mut self) {
        if !self.script.is_empty() {
            let script = std::mem::take(&mut self.script);
            self.left = Some((script, self.current_step));
            self.lesson_end = None;
        }
    }

    pub fn play(&mut self) {
        self.playing = true;
    }
    pub fn pause(&mut self) {
        self.playing = false;
    }
    pub fn toggle_play(&mut self) {
        self.playing = !self.playing;
    }
    pub fn set_speed(&mut self, v: u32) {
        self.speed = v.clamp(1, 64);
    }
    pub fn select(&mut self, node: Option<String>) {
        self.selected = node;
    }
    pub fn set_banner(&mut self, banner: Option<String>) {
        self.banner = banner;
    }
    pub fn dismiss_notice(&mut self) {
        self.notice = None;
    }
    pub fn set_help(&mut self, open: bool) {
        self.help = open;
    }
    pub fn toggle_help(&mut self) {
        self.help = !self.help;
    }
    pub fn set_hide_heartbeats(&mut self, hide: bool) {
        self.hide_heartbeats = hide;
    }
    /// A Step was asked at the current time (a walk toward the next visible step).
    pub fn step_asked(&mut self) {
        self.step_from_ms = Some((self.snapshot.time_ms, self.in_flight));
    }
    pub fn set_step_by_hand(&mut self, on: bool) {
        self.step_by_hand = on;
    }
    pub fn set_theme(&mut self, theme: Theme) {
        self.theme = theme;
    }
    pub fn set_lang(&mut self, lang: Lang) {
        self.lang = lang;
    }
    pub fn set_glossary(&mut self, open: bool) {
        self.glossary = open;
    }
    /// A line typed in a node's console, for ↑/↓ (a repeat of the last line is kept once).
    pub fn remember_command(&mut self, node: String, line: String) {
        let lines = Rc::make_mut(&mut self.console_history).entry(node).or_default();
        if lines.last() != Some(&line) {
            lines.push(line);
        }
    }
    /// The session refused an action: say why until the next one.
    pub fn refused(&mut self, why: String) {
        self.notice = Some(why);
    }

    // ---- what the runtime reports ----

    /// A new session was loaded: `trace` is its whole recorded branch, the world stands at
    /// its start. `lesson` is the lesson's id, or None for a custom session.
    pub fn loaded(&mut self, trace: &[TraceEntry], lesson: Option<&str>) {
        self.trace.replace(trace);
        self.samples = Rc::new(Vec::new());
        self.lesson = lesson.unwrap_or_default().to_string();
        self.selected = None;
        self.playing = false;
        self.lesson_end = lesson.and(trace.last().map(|e| e.step));
        self.script = LessonState::default();
        self.quiz = LessonState::default();
        self.left = None;
        if lesson.is_some() {
            self.hide_heartbeats = true;
        }
    }

    /// Take in the world as it stands after a change.
    pub fn absorb(&mut self, frame: Frame<'_>) {
        let Frame { snapshot, current_step, last_step, trace, stopped_ports, in_flight } = frame;
        self.in_flight = in_flight;
        // Playing across the lesson's recorded end stops there (a Play pressed at or past
        // the end runs on: it does not cross it again).
        if let Some(end) = self.lesson_end {
            if self.playing && self.current_step < end && current_step >= end {
                self.playing = false;
                self.notice = Some(t(self.lang, K::LessonEnd).to_string());
            }
        }
        let idle = self.step_from_ms.take().map(|(from, busy)| (snapshot.time_ms.saturating_sub(from), busy));
        self.current_step = current_step;
        self.last_step = last_step;
        // Behind the end the world holds only the past: keep the recorded future we know.
        if current_step >= last_step || self.trace.branch().is_empty() {
            self.trace.follow(trace);
        }
        self.trace.show_up_to(current_step);
        // A Step that crossed quiet time says how much and what it found, instead of jumping
        // silently.
        if let Some((idle, busy)) = idle {
            if idle >= IDLE_NOTICE_MS && self.notice.is_none() {
                let what = self.just_happened().first().map(|h| format!("{} {}", h.words, h.redis).trim().to_string()).unwrap_or_default();
                self.notice = Some(idle_notice(self.lang, idle, busy, &what));
            }
        }
        let mut layout: Vec<Slot> = snapshot
            .nodes
            .iter()
            .map(|n| Slot { name: n.name.clone(), port: n.port, stopped: false })
            .chain(snapshot.stopped.iter().map(|s| Slot {
                name: s.clone(),
                port: stopped_ports.iter().find(|(n, _)| n == s).map_or(0, |(_, p)| *p),
                stopped: true,
            }))
            .collect();
        layout.sort_by_key(|s| s.port);
        self.layout = Rc::new(layout);
        // The chart's samples: those before this step, then this one.
        let mut samples: Vec<OffsetSample> = self.samples.iter().filter(|s| s.step < snapshot.step).cloned().collect();
        samples.push(OffsetSample {
            step: snapshot.step,
            time_ms: snapshot.time_ms,
            offsets: snapshot.nodes.iter().map(|n| (n.name.clone(), node_offset(n))).collect(),
        });
        if samples.len() > MAX_SAMPLES {
            samples.drain(..samples.len() - MAX_SAMPLES);
        }
        self.samples = Rc::new(samples);
        // A selection that is gone falls back to the first running node.
        if let Some(sel) = &self.selected {
            if !snapshot.nodes.iter().any(|n| &n.name == sel) {
                self.selected = None;
            }
        }
        if self.selected.is_none() {
            self.selected = snapshot.nodes.first().map(|n| n.name.clone());
        }
        self.snapshot = Rc::new(snapshot);
    }

    pub fn set_inspected(&mut self, inspected: Option<Inspected>) {
        self.inspected = inspected.map(Rc::new);
    }

    /// What the current step shows, in words, oldest first.
    pub fn just_happened(&self) -> Vec<super::format::Happened> {
        let shown = self.trace.shown();
        let start = shown.iter().rposition(|e| e.step != self.current_step).map_or(0, |i| i + 1);
        shown[start..].iter().filter_map(|e| super::format::describe(self.lang, e)).collect()
    }

    /// The node a replica follows (see [`super::labels::master_name`]).
    pub fn master_name(&self, n: &crate::engine::view::NodeView) -> Option<&str> {
        super::labels::master_name(&self.layout, n)
    }
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
