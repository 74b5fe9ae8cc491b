//! The UI's state: a Yew `Reducible` around the sim's `Session`. It only forwards actions and
//! keeps what the page needs between renders (play/pause, selection, console history, the
//! offset samples the chart draws). Every replication number comes from the snapshot.

use super::api::{Action, Goal, Kind, Session, Snapshot, TraceEntry, WalkState};
use super::channel::{self, Driver, Purpose};
use super::lessons;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::prelude::*;

/// What the page says when stepping finds nothing more to show.
const QUIET: &str = "Nothing more happens on its own: the world is quiet. Send a command, heal a link, or add a node.";

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
    /// Walks the session over the page's MessagePorts (see channel.rs).
    pub driver: Rc<RefCell<Driver>>,
    /// A walk is under way: its parcel is crossing a port.
    pub walking: bool,
    pub snapshot: Rc<Snapshot>,
    /// The trace of the whole branch, as seen the last time we stood at its end (after a jump
    /// back the world only holds the past, but stepping forward wants to know the future).
    /// Shared and appended in place while playing (cloning a long trace per step would cost
    /// more than the step); replaced whenever the session is.
    pub full_trace: Rc<RefCell<Vec<TraceEntry>>>,
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
    /// Every node ever added, running or stopped, in creation (port) order: (name, port, stopped).
    pub layout: Rc<Vec<(String, u16, bool)>>,
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
    /// Forward to the next happening of a kind.
    NextOf(Kind),
    StepBack,
    JumpTo(u64),
    Play,
    Pause,
    TogglePlay,
    /// A play-timer tick: one step, pause when nothing moves.
    Tick,
    /// A walk over the ports ended (the driver says so).
    Walked(WalkState, Purpose),
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
            driver: Driver::new(),
            walking: false,
            snapshot: Rc::new(Snapshot::default()),
            full_trace: Rc::new(RefCell::new(Vec::new())),
            current_step: 0,
            last_step: 0,
            playing: false,
            speed: 4,
            selected: None,
            banner,
            notice: None,
            samples: Rc::new(Vec::new()),
            console_history: Rc::new(BTreeMap::new()),
            layout: Rc::new(Vec::new()),
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
                if self.load_scenario(&lesson.text) {
                    self.lesson = lesson.id.to_string();
                }
            }
            None => self.banner = Some(format!("There is no lesson named \u{201c}{id}\u{201d}; showing the first lesson instead.")),
        }
    }

    fn load_scenario(&mut self, text: &str) -> bool {
        match Session::from_scenario(text, self.seed) {
            Ok(mut session) => {
                self.full_trace = Rc::new(RefCell::new(session.world().trace().to_vec()));
                session.jump_to(0);
                self.session = Rc::new(RefCell::new(session));
                self.samples = Rc::new(Vec::new());
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
        if self.current_step >= self.last_step || self.full_trace.borrow().is_empty() {
            let now = world.trace();
            let mut cached = self.full_trace.borrow_mut();
            let n = cached.len();
            // Still the same branch (our cache is a prefix of it): append what is new.
            if n <= now.len() && (n == 0 || cached.last() == now.get(n - 1)) {
                cached.extend_from_slice(&now[n..]);
            } else {
                *cached = now.to_vec();
            }
        }
        let mut layout: Vec<(String, u16, bool)> = snapshot
            .nodes
            .iter()
            .map(|n| (n.name.clone(), n.port, false))
            .chain(snapshot.stopped.iter().map(|s| (s.clone(), world.port_of(s).unwrap_or(0), true)))
            .collect();
        layout.sort_by_key(|(_, port, _)| *port);
        self.layout = Rc::new(layout);
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
        let result = self.session.borrow_mut().apply(action);
        if let Err(e) = result {
            self.notice = Some(e.to_string());
        }
    }

    /// One step forward, over the ports: to the next recorded step that shows something if
    /// we stepped back, else the world's next visible step (as the sim's own `Step` does).
    fn step(&mut self, purpose: Purpose) {
        if self.walking {
            return; // the previous step's parcel is still crossing
        }
        let (current, last) = {
            let s = self.session.borrow();
            (s.current_step(), s.last_step())
        };
        let goal = if current < last {
            let next = self.full_trace.borrow().iter().map(|e| e.step).find(|&s| s > current).unwrap_or(last);
            Goal::Step(next.min(last))
        } else {
            Goal::Visible
        };
        self.walk(goal, purpose);
    }

    /// Forward to the next happening of `kind`: the recorded one if we stepped back, else
    /// the world runs to one.
    fn next_of(&mut self, kind: Kind) {
        if self.walking {
            return;
        }
        let (current, last) = {
            let s = self.session.borrow();
            (s.current_step(), s.last_step())
        };
        let purpose = if kind == Kind::Decision { Purpose::Decision } else { Purpose::Next(kind) };
        let recorded = self.full_trace.borrow().iter().find(|e| e.step > current && kind.matches(&e.kind)).map(|e| e.step);
        match recorded {
            Some(step) if current < last => self.walk(Goal::Step(step), purpose),
            _ => {
                // Past everything recorded: go to the end, then let the world run to one.
                if current < last {
                    self.session.borrow_mut().jump_to(last);
                }
                self.walk(Goal::Next(kind), purpose);
            }
        }
    }

    fn walk(&mut self, goal: Goal, purpose: Purpose) {
        match channel::start(&self.driver, self.session.clone(), goal, purpose) {
            Some(state) => self.walked(state, purpose),
            None => self.walking = true,
        }
    }

    /// A walk ended: say why if it found nothing.
    fn walked(&mut self, state: WalkState, purpose: Purpose) {
        self.walking = false;
        if state != WalkState::Quiet {
            return;
        }
        match purpose {
            Purpose::Step | Purpose::Tick => {
                self.notice = Some(QUIET.to_string());
                self.playing = false;
            }
            Purpose::Decision => {
                self.notice = Some(
                    "No PSYNC decision came: no replica is (re)connecting. Try REPLICAOF, or cut and heal a link.".to_string(),
                )
            }
            Purpose::Next(kind) => {
                self.notice = Some(format!(
                    "No {} came within a minute of simulated time. Send a command, cut or heal a link, or add a node.",
                    kind.name()
                ))
            }
            Purpose::Replay => {}
        }
    }

    /// Anything but a step stops a walk under way (the world lands its parcel from memory).
    fn interrupt(&mut self) {
        if self.walking {
            self.driver.borrow_mut().cancel();
            self.walking = false;
        }
    }

    /// The node a replica follows, from INFO's `master_host:master_port` (the sim's hosts are
    /// node names; `127.0.0.1`/`localhost` go by port). Running or stopped; None for masters.
    pub fn master_name(&self, n: &crate::engine::view::NodeView) -> Option<&str> {
        if n.role == crate::engine::view::Role::Master {
            return None;
        }
        let addr = n.master.as_deref()?;
        let (host, port) = crate::engine::io::split_addr(addr);
        let port: Option<u16> = port.parse().ok();
        self.layout
            .iter()
            .find(|(m, p, _)| *m != n.name && (*m == host || ((host == "127.0.0.1" || host == "localhost") && Some(*p) == port)))
            .map(|(m, _, _)| m.as_str())
    }

    /// The trace up to and including the current step.
    pub fn trace(&self) -> std::cell::Ref<'_, [TraceEntry]> {
        let step = self.current_step;
        std::cell::Ref::map(self.full_trace.borrow(), |t| {
            let end = t.partition_point(|e| e.step <= step);
            &t[..end]
        })
    }
}

/// A node's replication offset as INFO shows it: the replica's applied offset, else
/// master_repl_offset.
pub fn node_offset(n: &crate::engine::view::NodeView) -> u64 {
    n.slave_repl_offset.unwrap_or(n.master_repl_offset)
}

impl Reducible for AppState {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        let mut s = (*self).clone();
        let mut refresh = true;
        let steps = matches!(
            msg,
            Msg::Step | Msg::NextDecision | Msg::NextOf(_) | Msg::Tick | Msg::Walked(..) | Msg::Play | Msg::Pause | Msg::TogglePlay | Msg::Speed(_)
        );
        let cosmetic = matches!(
            msg,
            Msg::Select(_) | Msg::Banner(_) | Msg::DismissNotice | Msg::Help(_) | Msg::ToggleHelp | Msg::SetTheme(_) | Msg::ConsoleHistory { .. }
        );
        if !steps && !cosmetic {
            s.interrupt();
        }
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
                s.step(Purpose::Step);
            }
            Msg::NextDecision => {
                s.notice = None;
                s.next_of(Kind::Decision);
            }
            Msg::NextOf(kind) => {
                s.notice = None;
                s.next_of(kind);
            }
            Msg::StepBack => {
                s.playing = false;
                // Back to the previous step that showed something (mirror of Step).
                let current = s.session.borrow().current_step();
                let previous = s.full_trace.borrow().iter().rev().map(|e| e.step).find(|&st| st < current);
                match previous {
                    Some(step) => s.session.borrow_mut().jump_to(step),
                    None => s.session.borrow_mut().step_back(),
                }
            }
            Msg::JumpTo(step) => {
                s.session.borrow_mut().jump_to(step);
            }
            Msg::Play => s.playing = true,
            Msg::Pause => s.playing = false,
            Msg::TogglePlay => s.playing = !s.playing,
            Msg::Tick => {
                if !s.playing || s.walking {
                    return self;
                }
                s.step(Purpose::Tick);
                if s.walking {
                    // Nothing to show until the parcel lands (Msg::Walked renders it).
                    return Rc::new(s);
                }
            }
            Msg::Walked(state, purpose) => s.walked(state, purpose),
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
                if text.trim_start().starts_with('{') {
                    match Session::import_json(&text) {
                        Ok(session) => {
                            s.session = Rc::new(RefCell::new(session));
                            s.full_trace = Rc::new(RefCell::new(Vec::new()));
                            s.samples = Rc::new(Vec::new());
                            s.lesson.clear();
                            s.playing = false;
                            s.banner = None;
                        }
                        Err(e) => s.banner = Some(format!("This file could not be imported: {e}. The current session is kept.")),
                    }
                } else if s.load_scenario(&text) {
                    s.banner = None;
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
        // While a walk's parcel crosses a port the world is between the two halves of a step:
        // keep showing the last whole step; `Msg::Walked` refreshes when it lands.
        if refresh && !s.walking {
            s.refresh();
        }
        s.version += 1;
        Rc::new(s)
    }
}
