//! Where a step goes, read from the recorded branch: a step forward behind the end lands on
//! the next recorded step that shows something (clamped by the lesson's script at a pause or
//! a PSYNC to predict), a step back on the previous one; ahead of the end the sim's own
//! visible step decides (`Goal::Visible`, the walk `sim::goal` makes). And what a walk that
//! found nothing says.

use super::Model;
use crate::ui::api::{Goal, Kind, WalkState};
use crate::ui::i18n::{t, tf, K};

impl Model {
    /// A walk started and waits on the ports.
    pub fn walk_started(&mut self) {
        self.walking = true;
    }

    /// A walk ended; if it found nothing, say so (and stop playing when it was a step).
    /// `asked` is what the person asked for (a step may have walked to a recorded step).
    pub fn walked(&mut self, state: WalkState, asked: Goal) {
        self.walking = false;
        if state != WalkState::Quiet {
            return;
        }
        match asked {
            Goal::Visible => {
                self.notice = Some(t(self.lang, K::Quiet).to_string());
                self.playing = false;
            }
            Goal::Next(Kind::Decision) => self.notice = Some(t(self.lang, K::NoDecisionCame).to_string()),
            Goal::Next(kind) => self.notice = Some(tf(self.lang, K::NoKindCame, &[&crate::ui::labels::kind_name(self.lang, kind)])),
            Goal::Step(_) | Goal::RunFor(_) | Goal::Settle | Goal::Answer => {}
        }
    }

    /// Where one step forward goes: the next recorded step that shows something if we stepped
    /// back, else the world's next visible step (as the sim's own `Step` does).
    pub fn step_goal(&self) -> Goal {
        if self.current_step < self.last_step {
            let next = self.trace.branch().iter().map(|e| e.step).find(|&s| s > self.current_step).unwrap_or(self.last_step);
            // A lesson stops before a PSYNC still to be predicted and at a pause.
            let next = self.script.clamp(self.current_step, next.min(self.last_step)).unwrap_or(self.current_step);
            Goal::Step(next)
        } else {
            Goal::Visible
        }
    }

    /// The recorded step of the next happening of `kind` after the current step, when we are
    /// behind the end and the branch has one.
    pub fn recorded_next(&self, kind: Kind) -> Option<u64> {
        if self.current_step >= self.last_step {
            return None;
        }
        self.trace.branch().iter().find(|e| e.step > self.current_step && kind.matches(&e.kind)).map(|e| e.step)
    }

    /// The previous step that showed something (mirror of a step forward); None before the first.
    pub fn previous_step(&self) -> Option<u64> {
        self.trace.branch().iter().rev().map(|e| e.step).find(|&s| s < self.current_step)
    }
}
