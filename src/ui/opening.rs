//! The default lesson's opening, recorded ahead of time: what the page shows before the engine
//! is in (issue 17). The engine (`engine`, `sim`, the runtime) is the wasm chunk `engine`,
//! fetched after the first frame (`ui::settle`); the first render of a plain visit (no `?lesson=`,
//! `?step=`, `m=`, seed or autoplay) is built from this value instead, so the first load holds
//! no replication code at all.
//!
//! It is the same run the runtime makes at load (`Runtime::new`: `Session::from_lesson`, a
//! jump to step 0, `Model::loaded`, the script, `Model::absorb`), kept as data: the lesson's
//! whole recorded trace (the timeline and its marks show the run ahead) and the world at
//! step 0. `opening.json` is written by [`Opening::record`]; a native test fails when the
//! engine or the lesson no longer gives that file (`REPLSCOPE_BLESS=1` rewrites it), and a
//! browser test (`tests/wasm.rs`) that the model built from it is the runtime's own.

use super::api::{Snapshot, TraceEntry};
use super::i18n::Lang;
use super::lesson_state::LessonState;
use super::model::{Frame, Inspected, Model, Theme};
use crate::engine::repl::era::Era;
use crate::sim::scenario::Script;
use serde::{Deserialize, Serialize};

/// The recorded opening, postcard-encoded (written by [`Opening::record`]'s test).
pub const OPENING: &[u8] = include_bytes!("opening.bin");

/// The default lesson at step 0, with the seed it was run with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Opening {
    pub lesson: String,
    pub seed: u64,
    pub era: Era,
    /// The lesson's narration and questions.
    pub script: Script,
    /// Everything the lesson's run recorded (`Model::loaded` keeps it as the recorded future).
    pub recorded: Vec<TraceEntry>,
    /// The world at step 0 (`Frame`'s parts).
    pub snapshot: Snapshot,
    pub current_step: u64,
    pub last_step: u64,
    pub trace: Vec<TraceEntry>,
    pub stopped_ports: Vec<(String, u16)>,
    pub in_flight: bool,
    /// The selected node's INFO and keys (the inspector).
    pub inspected: Option<Inspected>,
}

impl Opening {
    /// The shipped opening; None if the file does not read (then the page waits for the engine).
    pub fn shipped() -> Option<Opening> {
        postcard::from_bytes(OPENING).ok()
    }

    /// The model the runtime hands the page when it opens this lesson with this seed, in `lang`
    /// and `theme`: the same steps, in the same order, as `Runtime::new`.
    pub fn model(&self, theme: Theme, lang: Lang) -> Model {
        let mut model = Model::new(self.seed, None, theme);
        model.set_lang(lang);
        model.era = self.era;
        model.era_runs = None;
        model.loaded(&self.recorded, Some(&self.lesson));
        model.script = LessonState::new(self.script.clone());
        model.absorb(Frame {
            snapshot: self.snapshot.clone(),
            current_step: self.current_step,
            last_step: self.last_step,
            trace: &self.trace,
            stopped_ports: self.stopped_ports.clone(),
            in_flight: self.in_flight,
        });
        model.set_inspected(self.inspected.clone());
        model
    }

    /// Run `lesson` (its embedded text) with `seed` and keep its opening. Natively this writes
    /// `opening.json`; the page never calls it (the engine stays out of the first load).
    pub fn record(lesson: &str, seed: u64) -> Result<Opening, String> {
        let text = super::lessons::find(lesson).and_then(|l| l.text()).ok_or_else(|| format!("no embedded lesson {lesson}"))?;
        let (mut session, script) = crate::sim::session::Session::from_lesson(text, seed).map_err(|e| e.to_string())?;
        let recorded = session.world().trace().to_vec();
        session.jump_to(0);
        let world = session.world();
        let snapshot = world.snapshot();
        let stopped_ports = snapshot.stopped.iter().map(|s| (s.clone(), world.port_of(s).unwrap_or(0))).collect();
        // `absorb` selects the first running node; the runtime then inspects it.
        let inspected = snapshot.nodes.first().and_then(|n| Inspected::of(world, &n.name, ""));
        Ok(Opening {
            lesson: lesson.to_string(),
            seed,
            era: world.era(),
            script,
            recorded,
            snapshot,
            current_step: session.current_step(),
            last_step: session.last_step(),
            trace: world.trace().to_vec(),
            stopped_ports,
            in_flight: world.in_flight(),
            inspected,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::share::DEFAULT_SEED;

    fn recorded_now() -> Opening {
        let first = crate::ui::lessons::all()[0].id;
        Opening::record(first, DEFAULT_SEED).expect("the default lesson runs")
    }

    /// The shipped file is what the engine and the lesson give today; a change to either that
    /// moves the opening must ship a new file (`REPLSCOPE_BLESS=1 cargo test --lib opening`).
    #[test]
    fn the_shipped_opening_is_the_default_lessons_run_today() {
        let now = recorded_now();
        let bytes = postcard::to_allocvec(&now).unwrap();
        if std::env::var_os("REPLSCOPE_BLESS").is_some() {
            std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/src/ui/opening.bin"), &bytes).unwrap();
            return;
        }
        assert!(
            OPENING == bytes,
            "src/ui/opening.bin is not the default lesson's opening any more: rewrite it with REPLSCOPE_BLESS=1 cargo test --lib opening"
        );
        assert_eq!(Opening::shipped(), Some(now));
    }

    /// What the first render shows: the lesson's nodes at step 0 of a run whose end is
    /// recorded (the timeline shows the run ahead), the first node selected (as `absorb` does).
    #[test]
    fn the_opening_model_shows_the_lessons_first_step() {
        let opening = Opening::shipped().expect("opening.json reads");
        let m = opening.model(Theme::System, Lang::En);
        assert_eq!(m.lesson, crate::ui::lessons::all()[0].id);
        assert_eq!(m.current_step, 0);
        assert!(m.last_step > 0 && m.lesson_end == Some(m.last_step), "last {} end {:?}", m.last_step, m.lesson_end);
        assert!(m.snapshot.nodes.len() >= 2, "{:?}", m.snapshot.nodes);
        assert_eq!(m.trace.branch().len(), opening.recorded.len());
        assert!(m.hide_heartbeats);
        assert_eq!(m.selected.as_deref(), Some(m.snapshot.nodes[0].name.as_str()));
        let zh = opening.model(Theme::Dark, Lang::Zh);
        assert_eq!((zh.lang, zh.theme, zh.current_step), (Lang::Zh, Theme::Dark, 0));
    }
}
