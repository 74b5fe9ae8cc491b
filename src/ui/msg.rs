//! What the page can ask of the runtime: the one message type components send (clicks, console
//! lines, steps, lessons, imports). [`Runtime::handle`](super::runtime::Runtime::handle) is the
//! one place a message is applied; world changes inside it are [`Input`]s, the sim's vocabulary.

use super::api::{Goal, Input, WalkState};
use super::i18n::Lang;
use super::model::{Model, Theme};
use super::share::PageOptions;

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

/// Apply `msg` if it changes only the page's own state (play control, dialogs, theme,
/// language, the console's history), not the world; false for any other. The runtime applies
/// these here, and so does the shell before the engine is in (`ui::shell`): one reducer.
pub fn apply_ui(m: &mut Model, msg: &Msg) -> bool {
    match msg {
        Msg::StepByHand(on) => m.set_step_by_hand(*on),
        Msg::Predict { line, outcome } => m.predict(*line, outcome),
        Msg::LeaveLesson => m.leave_lesson(),
        Msg::Quiz(on) => m.quiz_on = *on,
        Msg::Play => m.play(),
        Msg::Pause => m.pause(),
        Msg::TogglePlay => m.toggle_play(),
        Msg::Speed(v) => m.set_speed(*v),
        Msg::Banner(b) => m.set_banner(b.clone()),
        Msg::DismissNotice => m.dismiss_notice(),
        Msg::Help(open) => m.set_help(*open),
        Msg::ToggleHelp => m.toggle_help(),
        Msg::SetTheme(t) => m.set_theme(*t),
        Msg::SetLang(lang) => m.set_lang(*lang),
        Msg::Glossary(open) => m.set_glossary(*open),
        Msg::HideHeartbeats(hide) => m.set_hide_heartbeats(*hide),
        Msg::ConsoleHistory { node, line } => m.remember_command(node.clone(), line.clone()),
        _ => return false,
    }
    true
}

/// The page's own settings a visit opens with, handed to `take` as messages: quiz mode as the
/// reader left it (`quiz`), and the URL's `speed` and `autoplay`. The runtime takes them after
/// it opened the URL's run; the recorded opening takes them at once (`ui::shell`).
pub fn opening_settings(options: &PageOptions, quiz: bool, mut take: impl FnMut(Msg)) {
    if quiz {
        take(Msg::Quiz(true));
    }
    if let Some(speed) = options.speed {
        take(Msg::Speed(speed));
    }
    if options.autoplay {
        take(Msg::Play);
    }
}
