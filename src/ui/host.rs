//! The host page's `postMessage` API (wasm32), for a course page that builds its own questions
//! around an embedded ReplScope. Commands in: `{replscope: 1, cmd: "step" | "back" | "play" |
//! "pause" | "jump" (with `step`) | "lesson" (with `lesson`)}`; any other shape is ignored and
//! nothing received is evaluated or rendered. Events out, to the parent window: `step`
//! (step, last_step, lesson), `decision` (a master's PSYNC verdict, `PsyncDecision`, with its
//! outcome) and `finished` (the lesson's recorded end reached). README "Put it in your course".

use super::api::{event_of, Goal};
use super::model::Model;
use super::runtime::Msg;
use super::share::HostCommand;
use crate::engine::event::{Event, PsyncOutcome};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::Callback;

fn field(data: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(data, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// The command a received message carries, if it has exactly the documented shape.
fn command(data: &JsValue) -> Option<Msg> {
    if !data.is_object() || field(data, "replscope").as_f64() != Some(1.0) {
        return None;
    }
    let cmd = field(data, "cmd").as_string()?;
    let lesson = field(data, "lesson").as_string();
    Some(match HostCommand::parse(&cmd, field(data, "step").as_f64(), lesson.as_deref())? {
        HostCommand::Step => Msg::Walk(Goal::Visible),
        HostCommand::Back => Msg::StepBack,
        HostCommand::Play => Msg::Play,
        HostCommand::Pause => Msg::Pause,
        HostCommand::Jump(n) => Msg::JumpTo(n),
        HostCommand::Lesson(id) => Msg::LoadLesson(id),
    })
}

/// Listen for commands; the returned function stops listening.
pub fn listen(dispatch: Callback<Msg>) -> impl FnOnce() {
    let listener = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
        if let Some(msg) = command(&e.data()) {
            dispatch.emit(msg);
        }
    });
    let window = web_sys::window();
    if let Some(w) = &window {
        let _ = w.add_event_listener_with_callback("message", listener.as_ref().unchecked_ref());
    }
    move || {
        if let Some(w) = window {
            let _ = w.remove_event_listener_with_callback("message", listener.as_ref().unchecked_ref());
        }
        drop(listener);
    }
}

/// The parent window, when the page is in a frame.
fn parent() -> Option<web_sys::Window> {
    let w = web_sys::window()?;
    let p = w.parent().ok().flatten()?;
    (!js_sys::Object::is(&p, &w)).then_some(p)
}

fn post(parent: &web_sys::Window, pairs: &[(&str, JsValue)]) {
    let o = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&o, &JsValue::from_str("replscope"), &JsValue::from_f64(1.0));
    for (k, v) in pairs {
        let _ = js_sys::Reflect::set(&o, &JsValue::from_str(k), v);
    }
    // Only numbers and names the page shows anyway: any origin may embed it and listen.
    let _ = parent.post_message(&o, "*");
}

/// Tell the host what changed since `before` (the lesson and step last announced).
pub fn announce(before: &mut Option<(String, u64)>, m: &Model) {
    let now = (m.lesson.clone(), m.current_step);
    if before.as_ref() == Some(&now) {
        return;
    }
    let from = match before.replace(now) {
        Some((lesson, step)) if lesson == m.lesson && step < m.current_step => Some(step),
        _ => None,
    };
    let Some(parent) = parent() else { return };
    let num = |n: u64| JsValue::from_f64(n as f64);
    let s = JsValue::from_str;
    post(&parent, &[("event", s("step")), ("step", num(m.current_step)), ("last_step", num(m.last_step)), ("lesson", s(&m.lesson))]);
    let Some(from) = from else { return };
    for e in m.trace.shown().iter().filter(|e| e.step > from) {
        if let Some((node, Event::PsyncDecision(d))) = event_of(e) {
            let outcome = match d.outcome {
                PsyncOutcome::Continue { .. } => "continue",
                PsyncOutcome::FullResync { .. } => "fullresync",
            };
            let fields = [("event", s("decision")), ("step", num(e.step)), ("master", s(node)), ("replica", s(&d.replica))];
            post(&parent, &[&fields[..], &[("outcome", s(outcome))]].concat());
        }
    }
    if let Some(end) = m.lesson_end {
        if from < end && m.current_step >= end {
            post(&parent, &[("event", s("finished")), ("lesson", s(&m.lesson)), ("step", num(m.current_step))]);
        }
    }
}
