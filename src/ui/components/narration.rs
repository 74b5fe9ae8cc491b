//! The lesson's voice: the narration reached at the current step, what it points at, its
//! Continue, and the prediction asked before a PSYNC decision with the engine's answer
//! revealed after it (`ui::lesson_state`; the questions are checked against the engine when
//! the lesson runs, so a reveal can only show what the master decided).

use crate::sim::input::Input;
use crate::sim::scenario::Focus;
use crate::ui::i18n::{t, tf, Lang, K};
use crate::ui::lesson_state::{correction_keys, Asking, LessonState};
use crate::ui::runtime::Msg;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct NarrationProps {
    pub script: LessonState,
    pub step: u64,
    /// The lesson's last step (the panel says the lesson ended there).
    pub end: Option<u64>,
    /// The step the student left the lesson at, while exploring freely.
    pub left: Option<u64>,
    /// The action an `await` hands the student here (the lesson's own next input).
    pub awaited: Option<Input>,
    pub dispatch: Callback<Msg>,
}

/// What the student is asked to do, in words that name the control to use.
fn awaited_words(lang: Lang, input: &Input) -> String {
    match input {
        Input::Cut { a, b } => tf(lang, K::AwaitCut, &[a, b]),
        Input::Heal { a, b } => tf(lang, K::AwaitHeal, &[a, b]),
        Input::Command { node, line } => tf(lang, K::AwaitCommand, &[line, node]),
        Input::Hold { a, b } => tf(lang, K::AwaitHold, &[a, b]),
        Input::Release { a, b } => tf(lang, K::AwaitRelease, &[a, b]),
        Input::Slow { a, b, latency_ms, .. } => tf(lang, K::AwaitSlow, &[a, b, latency_ms]),
        Input::Stop { node } => tf(lang, K::AwaitStop, &[node]),
        Input::Crash { node } => tf(lang, K::AwaitCrash, &[node]),
        Input::Restart { node } => tf(lang, K::AwaitRestart, &[node]),
        // The parser lets an `await` hand over only the inputs above.
        Input::AddNode { .. }
        | Input::AdvanceTo { .. }
        | Input::SaveDump { .. }
        | Input::LoadDump { .. }
        | Input::Note { .. }
        | Input::Era { .. }
        | Input::Writes { .. } => t(lang, K::AwaitOther).to_string(),
    }
}

const OUTCOMES: [(&str, &str); 2] = [("+CONTINUE", "predict-continue"), ("+FULLRESYNC", "predict-fullresync")];

fn focus_words(lang: Lang, f: &Focus) -> String {
    match f {
        Focus::Node(n) => tf(lang, K::LookNode, &[n]),
        Focus::Link(a, b) => tf(lang, K::LookLink, &[a, b]),
        Focus::Backlog(n) => tf(lang, K::LookBacklog, &[n]),
        Focus::Card => t(lang, K::LookCard).to_string(),
        Focus::Offset(n) => tf(lang, K::LookOffset, &[n]),
        Focus::Messages => t(lang, K::LookMessages).to_string(),
    }
}

/// The question asked at `step` (open: the two answers; answered: the engine's answer).
fn asking(lang: Lang, state: &LessonState, step: u64, dispatch: &Callback<Msg>) -> Html {
    match state.asking_at(step) {
        Some(Asking::Open(q)) => html! {
            <div class="predict" data-testid="predict-question">
                <p>{ tf(lang, K::PredictAsk, &[&q.prediction.node]) }</p>
                <div class="predict-answers">
                    { for OUTCOMES.iter().map(|&(outcome, id)| {
                        let d = dispatch.clone();
                        let line = q.line;
                        let onclick = Callback::from(move |_| d.emit(Msg::Predict { line, outcome: outcome.to_string() }));
                        html! { <button {onclick} data-testid={id}>{ outcome }</button> }
                    }) }
                </div>
            </div>
        },
        Some(Asking::Revealed(q, chosen)) => {
            let verdict = if chosen == q.answer.outcome { K::PredictRight } else { K::PredictWrong };
            let sends = q.answer.sends.map(|b| tf(lang, K::PredictSends, &[&b])).unwrap_or_default();
            html! {
                <div class="predict revealed" data-testid="predict-reveal" role="status">
                    <p><strong>{ t(lang, verdict) }</strong>{ " " }{ tf(lang, K::PredictYouSaid, &[&chosen]) }</p>
                    <p>{ tf(lang, K::PredictAnswer, &[&q.answer.outcome, &q.prediction.node, &q.answer.asks]) }{ sends }</p>
                </div>
            }
        }
        None => html! {},
    }
}

fn score(lang: Lang, state: &LessonState) -> Html {
    let (right, given) = state.score();
    html! {
        if given > 0 {
            <p class="narration-score" data-testid="lesson-score">{ tf(lang, K::LessonScore, &[&right, &given]) }</p>
        }
    }
}

#[function_component(NarrationPanel)]
pub fn narration_panel(p: &NarrationProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let send = |msg: fn() -> Msg| {
        let d = p.dispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(msg()))
    };
    if let Some(at) = p.left {
        return html! {
            <section class="panel narration" aria-labelledby="narration-title">
                <h2 id="narration-title">{ t(lang, K::LessonVoice) }</h2>
                <p class="narration-text" data-testid="lesson-away">{ tf(lang, K::LessonAway, &[&at]) }</p>
                <button class="primary" onclick={send(|| Msg::ResumeLesson)} data-testid="lesson-resume">{ t(lang, K::LessonResume) }</button>
            </section>
        };
    }
    if p.script.is_empty() {
        return html! {};
    }
    let said = p.script.narration_at(p.step);
    let text = said.map(|n| match lang {
        Lang::Zh => n.zh.clone().unwrap_or_else(|| n.en.clone()),
        Lang::En => {
            if n.en.is_empty() {
                n.zh.clone().unwrap_or_default()
            } else {
                n.en.clone()
            }
        }
    });
    let focus = said.map(|n| n.focus.iter().map(|f| focus_words(lang, f)).collect::<Vec<_>>().join(", ")).unwrap_or_default();
    let paused = p.script.pause_at(p.step).is_some();
    let corrections = said.map(|n| n.corrections.iter().filter_map(|id| correction_keys(id)).collect::<Vec<_>>()).unwrap_or_default();
    let (right, given) = p.script.score();
    let ended = p.end.is_some_and(|end| p.step >= end);
    html! {
        <section class="panel narration" aria-labelledby="narration-title">
            <h2 id="narration-title">{ t(lang, K::LessonVoice) }</h2>
            if let Some(text) = text {
                <p class="narration-text" data-testid="lesson-narration">{ text }</p>
            }
            if !focus.is_empty() {
                <p class="narration-focus" data-testid="lesson-look">{ t(lang, K::LookAt) }{ " " }{ focus }</p>
            }
            { for corrections.iter().map(|&(says, does)| html! {
                <aside class="correction" data-testid="article-correction">
                    <p><strong>{ t(lang, K::CorrArticleSays) }</strong>{ " " }{ t(lang, says) }</p>
                    <p><strong>{ t(lang, K::CorrRedisDoes) }</strong>{ " " }{ t(lang, does) }</p>
                </aside>
            }) }
            if let (true, Some(input)) = (paused, &p.awaited) {
                <p class="narration-turn" data-testid="lesson-your-turn" role="status"><strong>{ t(lang, K::YourTurn) }</strong>{ " " }{ awaited_words(lang, input) }</p>
                <button onclick={send(|| Msg::LessonContinue)} data-testid="lesson-continue">{ t(lang, K::DoItForMe) }</button>
            } else if paused {
                <button class="primary" onclick={send(|| Msg::LessonContinue)} data-testid="lesson-continue">{ t(lang, K::LessonContinue) }</button>
            }
            { asking(lang, &p.script, p.step, &p.dispatch) }
            { score(lang, &p.script) }
            if ended {
                <p class="narration-score" data-testid="lesson-ended" role="status">{ tf(lang, K::LessonEnded, &[&right, &given]) }</p>
            }
            <button class="ghost" onclick={send(|| Msg::LeaveLesson)} data-testid="lesson-leave">{ t(lang, K::LessonLeave) }</button>
        </section>
    }
}

#[derive(Properties, PartialEq, Clone)]
pub struct QuizProps {
    pub quiz: LessonState,
    pub step: u64,
    pub dispatch: Callback<Msg>,
}

/// "Quiz me" in free play: the question before each PSYNC decision (`ui::quiz`), its reveal
/// beside the decision card, and the score.
#[function_component(QuizPanel)]
pub fn quiz_panel(p: &QuizProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let asking = asking(lang, &p.quiz, p.step, &p.dispatch);
    html! {
        <section class="panel narration quiz" aria-labelledby="quiz-title" data-testid="quiz-panel">
            <h2 id="quiz-title">{ t(lang, K::QuizTitle) }</h2>
            if p.quiz.asking_at(p.step).is_none() {
                <p class="narration-focus">{ t(lang, K::QuizWaiting) }</p>
            }
            { asking }
            { score(lang, &p.quiz) }
        </section>
    }
}
