//! The UI's state: a Yew `Reducible` around the sim's `Session`. It only forwards actions and
//! keeps what the page needs between renders (play/pause, selection, console history, the
//! offset samples the chart draws). Every replication number comes from the snapshot.

use super::api::{Action, Session, Snapshot, TraceEntry};
use super::lessons;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::prelude::*;

/// Play speeds the selector offers, in steps per second.
pub const SPEEDS: [u32; 6] = [1, 2, 4, 8, 16, 32];

/// The colour scheme: follow the system, or forced by the toggle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    System,
    Light,
    Dark,
}

impl Theme {
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
    pub fn parse(s: &str) -> Theme {
        match s {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::System,
        }
    }
    pub fn next(self) -> Theme {
        match self {
            Theme::System => Theme::Light,
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::System,
        }
    }
}

/// Offsets of every node at one step, for the chart: (step, time, [(node, offset)]).
#[derive(Clone, Debug, PartialEq)]
pub struct OffsetSample {
    pub step: u64,
    pub time_ms: u64,
    pub offsets: Vec<(String, u64)>,
}

/// Everything a render needs. Cheap to clone: the heavy parts are behind `Rc`.
#[derive(Clone)]
pub struct AppState {
    pub session: Rc<RefCell<Session>>,
    pub snapshot: Rc<Snapshot>,
    /// The trace up to and including the current step.
    pub trace: Rc<Vec<TraceEntry>>,
    pub current_step: u64,
    pub last_step: u64,
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
    /// Scenario lines for export: (step after which it was applied, line).
    pub script: Rc<Vec<(u64, String)>>,
    pub lesson: String,
    pub seed: u64,
    pub help: bool,
    pub theme: Theme,
    /// Bumped on every change: the cheap equality components compare.
    pub version: u64,
}

impl PartialEq for AppState {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version
    }
}

/// What the page can ask of the state.
pub enum Msg {
    Act(Action),
    /// Several actions as one user gesture (e.g. "write 1000 random keys").
    Acts(Vec<Action>),
    /// One step forward: replay if we stepped back, otherwise advance the world.
    Step,
    /// Forward to the next PSYNC decision.
    NextDecision,
    StepBack,
    JumpTo(u64),
    Play,
    Pause,
    TogglePlay,
    /// A play-timer tick: one step, pause when nothing moves.
    Tick,
    Speed(u32),
    Select(Option<String>),
    LoadLesson(String),
    /// A scenario (text) or an exported trace (JSON with a `scenario` field).
    Import(String),
    Banner(Option<String>),
    DismissNotice,
    Help(bool),
    ToggleHelp,
    SetTheme(Theme),
    ConsoleHistory { node: String, line: String },
}

impl AppState {
    /// The state at page load: `lesson` (or the default) with `seed`, and any URL problem.
    pub fn initial(lesson: Option<String>, seed: u64, mut banner: Option<String>, theme: Theme) -> AppState {
        let default = lessons::all()[0].id.to_string();
        let id = match lesson {
            Some(id) if lessons::find(&id).is_some() => id,
            Some(id) => {
                let why = format!("There is no lesson named \u{201c}{id}\u{201d}; showing the first lesson instead.");
                banner = Some(match banner {
                    Some(b) => format!("{b} {why}"),
                    None => why,
                });
                default
            }
            None => default,
        };
        let mut state = AppState {
            session: Rc::new(RefCell::new(Session::new(seed))),
            snapshot: Rc::new(Snapshot::default()),
            trace: Rc::new(Vec::new()),
            current_step: 0,
            last_step: 0,
            playing: false,
            speed: 4,
            selected: None,
            banner,
            notice: None,
            samples: Rc::new(Vec::new()),
            console_history: Rc::new(BTreeMap::new()),
            script: Rc::new(Vec::new()),
            lesson: String::new(),
            seed,
            help: false,
            theme,
            version: 0,
        };
        state.load_lesson(&id);
        state.refresh();
        state
    }

    /// Replace the session with a lesson's, positioned at its start so it can be played.
    fn load_lesson(&mut self, id: &str) {
        match lessons::find(id) {
            Some(lesson) => {
                self.load_scenario(&lesson.text);
                self.lesson = lesson.id.to_string();
            }
            None => self.banner = Some(format!("There is no lesson named \u{201c}{id}\u{201d}; showing the first lesson instead.")),
        }
    }

    fn load_scenario(&mut self, text: &str) -> bool {
        match Session::from_scenario(text, self.seed) {
            Ok(mut session) => {
                session.jump_to(0);
                self.session = Rc::new(RefCell::new(session));
                self.samples = Rc::new(Vec::new());
                self.script = Rc::new(
                    text.lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty() && !l.starts_with('#'))
                        .map(|l| (0, l.to_string()))
                        .collect(),
                );
                self.lesson.clear();
                self.selected = None;
                self.playing = false;
                true
            }
            Err(e) => {
                self.banner = Some(format!("This scenario could not be read ({e}); the current one is kept."));
                false
            }
        }
    }

    /// Read the session back into the render fields after any change.
    fn refresh(&mut self) {
        let session = self.session.borrow();
        let world = session.world();
        let snapshot = world.snapshot();
        self.current_step = session.current_step();
        self.last_step = session.last_step();
        self.trace = Rc::new(world.trace().iter().filter(|e| e.step <= self.current_step).cloned().collect());
        drop(session);
        let mut samples: Vec<OffsetSample> =
            self.samples.iter().filter(|s| s.step < snapshot.step).cloned().collect();
        samples.push(OffsetSample {
            step: snapshot.step,
            time_ms: snapshot.time_ms,
            offsets: snapshot.nodes.iter().map(|n| (n.name.clone(), node_offset(n))).collect(),
        });
        if samples.len() > 400 {
            samples.drain(..samples.len() - 400);
        }
        self.samples = Rc::new(samples);
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

    fn apply(&mut self, action: Action) {
        let line = script_line(&action);
        let before = self.session.borrow().current_step();
        let result = self.session.borrow_mut().apply(action);
        match result {
            Ok(()) => {
                if let Some(line) = line {
                    let mut script: Vec<(u64, String)> =
                        self.script.iter().filter(|(s, _)| *s <= before).cloned().collect();
                    script.push((before, line));
                    self.script = Rc::new(script);
                }
            }
            Err(e) => self.notice = Some(e.to_string()),
        }
    }

    /// One step forward; returns whether the step counter moved.
    fn step(&mut self) -> bool {
        let (current, last) = {
            let s = self.session.borrow();
            (s.current_step(), s.last_step())
        };
        if current < last {
            self.session.borrow_mut().jump_to(current + 1);
        } else if let Err(e) = self.session.borrow_mut().apply(Action::Step) {
            self.notice = Some(e.to_string());
        }
        self.session.borrow().current_step() != current
    }

    fn next_decision(&mut self) {
        let (current, last) = {
            let s = self.session.borrow();
            (s.current_step(), s.last_step())
        };
        if current >= last {
            if let Err(e) = self.session.borrow_mut().apply(Action::StepToDecision) {
                self.notice = Some(e.to_string());
            }
            return;
        }
        // Replaying recorded steps: walk forward until a step holds a decision.
        for step in current + 1..=last {
            self.session.borrow_mut().jump_to(step);
            let s = self.session.borrow();
            if s.world().trace().iter().any(|e| e.step == step && is_decision(e)) {
                return;
            }
        }
    }

    /// The scenario text of everything applied so far (for export).
    pub fn script_text(&self) -> String {
        let mut out = String::from("# exported from ReplScope\n");
        for (_, line) in self.script.iter() {
            out.push_str(line);
            out.push('\n');
        }
        out
    }
}

/// A node's replication offset as INFO shows it: the replica's applied offset, else
/// master_repl_offset.
pub fn node_offset(n: &crate::engine::view::NodeView) -> u64 {
    n.slave_repl_offset.unwrap_or(n.master_repl_offset)
}

pub fn is_decision(e: &TraceEntry) -> bool {
    matches!(super::api::event_of(e), Some((_, crate::engine::event::Event::PsyncDecision(_))))
}

/// The scenario statement for an action, so an exported session can be replayed.
fn script_line(action: &Action) -> Option<String> {
    Some(match action {
        Action::AddNode { name } => format!("node {name}"),
        Action::Command { node, line } => format!("{node}> {line}"),
        Action::Cut { a, b } => format!("cut {a} {b}"),
        Action::Heal { a, b } => format!("heal {a} {b}"),
        Action::Hold { a, b } => format!("hold {a} {b}"),
        Action::Release { a, b } => format!("release {a} {b}"),
        Action::Stop { node } => format!("stop {node}"),
        Action::Restart { node } => format!("restart {node}"),
        Action::RunFor { ms } => format!("run {ms}ms"),
        Action::Settle => "settle".to_string(),
        Action::Step | Action::StepToDecision => return None,
    })
}

impl Reducible for AppState {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        let mut s = (*self).clone();
        let mut refresh = true;
        match msg {
            Msg::Act(action) => {
                s.notice = None;
                s.apply(action);
            }
            Msg::Acts(actions) => {
                s.notice = None;
                for action in actions {
                    s.apply(action);
                    if s.notice.is_some() {
                        break;
                    }
                }
            }
            Msg::Step => {
                s.notice = None;
                s.step();
            }
            Msg::NextDecision => {
                s.notice = None;
                s.next_decision();
            }
            Msg::StepBack => {
                s.playing = false;
                s.session.borrow_mut().step_back();
            }
            Msg::JumpTo(step) => {
                s.session.borrow_mut().jump_to(step);
            }
            Msg::Play => s.playing = true,
            Msg::Pause => s.playing = false,
            Msg::TogglePlay => s.playing = !s.playing,
            Msg::Tick => {
                if !s.playing {
                    return self;
                }
                if !s.step() {
                    s.playing = false;
                }
            }
            Msg::Speed(v) => {
                s.speed = v.clamp(1, 64);
                refresh = false;
            }
            Msg::Select(node) => {
                s.selected = node;
                refresh = false;
            }
            Msg::LoadLesson(id) => {
                s.banner = None;
                s.notice = None;
                s.load_lesson(&id);
            }
            Msg::Import(text) => {
                s.notice = None;
                let scenario = imported_scenario(&text);
                match scenario {
                    Ok(text) => {
                        if s.load_scenario(&text) {
                            s.banner = None;
                        }
                    }
                    Err(why) => s.banner = Some(why),
                }
            }
            Msg::Banner(b) => {
                s.banner = b;
                refresh = false;
            }
            Msg::DismissNotice => {
                s.notice = None;
                refresh = false;
            }
            Msg::Help(open) => {
                s.help = open;
                refresh = false;
            }
            Msg::ToggleHelp => {
                s.help = !s.help;
                refresh = false;
            }
            Msg::SetTheme(t) => {
                s.theme = t;
                refresh = false;
            }
            Msg::ConsoleHistory { node, line } => {
                let mut h = (*s.console_history).clone();
                let lines = h.entry(node).or_default();
                if lines.last() != Some(&line) {
                    lines.push(line);
                }
                s.console_history = Rc::new(h);
                refresh = false;
            }
        }
        if refresh {
            s.refresh();
        }
        s.version += 1;
        Rc::new(s)
    }
}

/// The scenario text inside an import: an exported JSON file, or a bare scenario.
fn imported_scenario(text: &str) -> Result<String, String> {
    let trimmed = text.trim_start();
    if !trimmed.starts_with('{') {
        return Ok(text.to_string());
    }
    let value: serde_json::Value =
        serde_json::from_str(trimmed).map_err(|e| format!("This file is not valid JSON ({e}); nothing was imported."))?;
    match value.get("scenario").and_then(|v| v.as_str()) {
        Some(s) => Ok(s.to_string()),
        None => Err("This JSON has no \u{201c}scenario\u{201d} field: it is not a ReplScope export.".to_string()),
    }
}
