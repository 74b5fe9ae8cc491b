//! A lesson's script: its narration and questions placed on the steps of its run, collected
//! while the lesson's scenario runs (a [`RunHooks`]). The page shows the narration whose step
//! it has reached, stops at a pause until Continue, and asks each question on the step before
//! the PSYNC it is about; the answers come from the engine (see [`super::lesson`]).

use super::lesson::{Answer, Focus, Prediction};
use super::run::RunHooks;
use crate::sim::world::World;
use serde::{Deserialize, Serialize};

/// One narration step: shown from `step` on, in either language.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Narration {
    /// The world step the lesson had reached when it said this.
    pub step: u64,
    /// The scenario line of its `say`.
    pub line: usize,
    pub en: String,
    /// The `say.zh` that follows it, if any.
    pub zh: Option<String>,
    /// What the `look` statements before it point at.
    pub focus: Vec<Focus>,
    /// A `pause` follows: the page waits for Continue before moving past `step`.
    pub pause: bool,
    /// The `correct` ids before it: the article claims this step shows wrong.
    pub corrections: Vec<String>,
    /// An `await` follows: the student takes the run's next input, the journal's entry at
    /// this index (the page waits for it as for a pause, and Continue does it for them).
    #[serde(default)]
    pub awaits: Option<usize>,
}

/// A `predict` placed on the run: asked at `asked_step`, decided at `decided_step`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub line: usize,
    pub asked_step: u64,
    pub decided_step: u64,
    pub prediction: Prediction,
    pub answer: Answer,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Script {
    pub narration: Vec<Narration>,
    pub questions: Vec<Question>,
    /// `look`s and `correct`s not yet attached to a narration.
    #[serde(skip)]
    pending_focus: Vec<Focus>,
    #[serde(skip)]
    pending_corrections: Vec<String>,
    /// Step at which each open `predict` line was asked.
    #[serde(skip)]
    asked: Vec<(usize, u64)>,
}

impl Script {
    /// The narration showing at `step`: the last one reached.
    pub fn narration_at(&self, step: u64) -> Option<&Narration> {
        self.narration.iter().rev().find(|n| n.step <= step)
    }

    /// The first pause at or after `from` and before `to` (a play from `from` to `to` stops there).
    pub fn pause_between(&self, from: u64, to: u64) -> Option<u64> {
        self.narration.iter().filter(|n| n.pause && n.step >= from && n.step < to).map(|n| n.step).next()
    }

    /// The question to ask before the step `next` is shown (its PSYNC is decided at `next`).
    pub fn question_before(&self, next: u64) -> Option<&Question> {
        self.questions.iter().find(|q| q.decided_step == next)
    }
}

impl RunHooks for Script {
    fn on_say(&mut self, line: usize, lang: &str, text: &str, world: &World) {
        let step = world.current_step();
        if lang == "zh" {
            if let Some(last) = self.narration.last_mut().filter(|n| n.zh.is_none() && n.step == step) {
                last.zh = Some(text.to_string());
                return;
            }
        }
        let mut n = Narration {
            step,
            line,
            focus: std::mem::take(&mut self.pending_focus),
            corrections: std::mem::take(&mut self.pending_corrections),
            ..Narration::default()
        };
        if lang == "zh" {
            n.zh = Some(text.to_string());
        } else {
            n.en = text.to_string();
        }
        self.narration.push(n);
    }
    fn on_look(&mut self, _line: usize, focus: &Focus) {
        self.pending_focus.push(focus.clone());
    }
    fn on_correct(&mut self, _line: usize, id: &str) {
        self.pending_corrections.push(id.to_string());
    }
    fn on_pause(&mut self, _line: usize, _world: &World) {
        if let Some(last) = self.narration.last_mut() {
            last.pause = true;
        }
    }
    fn on_await(&mut self, _line: usize, world: &World) {
        if let Some(last) = self.narration.last_mut() {
            last.pause = true;
            last.awaits = Some(world.recorded_journal().len());
        }
    }
    fn on_asked(&mut self, line: usize, world: &World) {
        self.asked.push((line, world.current_step()));
    }
    fn on_answer(&mut self, asked: usize, prediction: &Prediction, entry: usize, answer: &Answer, world: &World) {
        let asked_step = self.asked.iter().find(|(l, _)| *l == asked).map_or(0, |(_, s)| *s);
        let decided_step = world.trace().get(entry).map_or(asked_step, |e| e.step);
        self.questions.push(Question { line: asked, asked_step, decided_step, prediction: prediction.clone(), answer: answer.clone() });
    }
}
