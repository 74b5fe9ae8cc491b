//! The header (lesson picker, import/export, theme, help) and the time controls (play, step,
//! step to the next PSYNC decision, step back, speed, timeline scrubbing via `Session::jump_to`).

use crate::ui::api::{Goal, Kind};
use crate::ui::components::icons::{icon, Icon};
use crate::ui::figures::{mark_class, mark_words, Mark};
use crate::ui::i18n::{t, tf, Lang, K};
use crate::ui::labels;
use crate::ui::lessons;
use crate::ui::model::{Theme, SPEEDS};
use crate::ui::runtime::Msg;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    /// The loaded lesson's id ("" for a custom session).
    pub lesson: String,
    pub theme: Theme,
    /// The "quiz me" switch.
    pub quiz: bool,
    pub dispatch: Callback<Msg>,
}

#[function_component(Header)]
pub fn header(p: &HeaderProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let on_lesson = {
        let d = p.dispatch.clone();
        Callback::from(move |e: Event| {
            if let Some(sel) = e.target_dyn_into::<HtmlSelectElement>() {
                if !sel.value().is_empty() {
                    d.emit(Msg::LoadLesson(sel.value()));
                }
            }
        })
    };
    let on_export = {
        let d = p.dispatch.clone();
        Callback::from(move |_| d.emit(Msg::Export))
    };
    let on_import = {
        let d = p.dispatch.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else { return };
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            let Ok(reader) = web_sys::FileReader::new() else { return };
            let d = d.clone();
            let r = reader.clone();
            let onload = Closure::once_into_js(move || match r.result().ok().and_then(|v| v.as_string()) {
                Some(text) => d.emit(Msg::Import(text)),
                None => d.emit(Msg::Banner(Some(t(lang, K::NotText).into()))),
            });
            reader.set_onload(Some(onload.unchecked_ref()));
            let _ = reader.read_as_text(&file);
            input.set_value("");
        })
    };
    let on_theme = {
        let d = p.dispatch.clone();
        let next = p.theme.next();
        Callback::from(move |_| d.emit(Msg::SetTheme(next)))
    };
    let on_help = {
        let d = p.dispatch.clone();
        Callback::from(move |_| d.emit(Msg::Help(true)))
    };
    // The switch shows the page's language, not the last pick: a pick whose texts are still
    // loading (or fail to load) must not leave it saying 简体中文 over an English page. So the pick
    // is put back at once, and the switch follows the language whenever it really changes.
    let lang_switch = use_node_ref();
    {
        let lang_switch = lang_switch.clone();
        use_effect_with(lang, move |lang| {
            if let Some(sel) = lang_switch.cast::<HtmlSelectElement>() {
                sel.set_value(lang.tag());
            }
        });
    }
    let on_lang = {
        let d = p.dispatch.clone();
        Callback::from(move |e: Event| {
            let Some(sel) = e.target_dyn_into::<HtmlSelectElement>() else { return };
            let Some(picked) = Lang::from_tag(&sel.value()) else { return };
            sel.set_value(lang.tag());
            let lang = picked;
            // The switch is the one place the choice is remembered (a `?lang=` visit is not a choice).
            if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
                let _ = storage.set_item("replscope-lang", lang.tag());
            }
            d.emit(Msg::SetLang(lang));
        })
    };
    let on_quiz = {
        let d = p.dispatch.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else { return };
            if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
                let _ = storage.set_item(crate::ui::page::QUIZ_KEY, if input.checked() { "on" } else { "off" });
            }
            d.emit(Msg::Quiz(input.checked()));
        })
    };
    let on_glossary = {
        let d = p.dispatch.clone();
        Callback::from(move |_| d.emit(Msg::Glossary(true)))
    };
    let theme_name = t(
        lang,
        match p.theme {
            Theme::Light => K::ThemeLight,
            Theme::Dark => K::ThemeDark,
            Theme::System => K::ThemeSystem,
        },
    );
    let theme_icon = match p.theme {
        Theme::Light => Icon::ThemeLight,
        Theme::Dark => Icon::ThemeDark,
        Theme::System => Icon::ThemeSystem,
    };
    let current = lessons::find(&p.lesson);
    html! {
        <header class="header">
            <div class="brand">
                <h1>{"ReplScope"}</h1>
                <span class="tagline">{ t(lang, K::Tagline) }</span>
            </div>
            <label class="lesson-picker">
                <span>{ t(lang, K::LessonWord) }</span>
                <select data-testid="lesson-select" onchange={on_lesson} aria-label={t(lang, K::ChooseLesson)}>
                    if current.is_none() {
                        <option value="" selected=true>{ t(lang, K::CustomSession) }</option>
                    }
                    { for [lessons::Group::Lesson, lessons::Group::ScenarioFile].into_iter().map(|g| html! {
                        <optgroup label={g.label(lang)}>
                            { for lessons::all().iter().filter(|l| l.group == g).map(|l| html! {
                                <option value={l.id} selected={l.id == p.lesson}>{ l.title.get(lang).to_string() }</option>
                            }) }
                        </optgroup>
                    }) }
                </select>
            </label>
            <div class="header-actions">
                <button onclick={on_export} data-testid="export" title={t(lang, K::ExportHelp)}>
                    { icon(Icon::Export) }{ t(lang, K::Export) }
                </button>
                <label class="button" title={t(lang, K::ImportHelp)}>
                    { icon(Icon::Import) }{ t(lang, K::Import) }
                    <input type="file" class="visually-hidden" accept=".json,.txt,.scn,.scenario,text/plain,application/json"
                        data-testid="import" onchange={on_import} />
                </label>
                <button onclick={on_theme} data-testid="theme" data-theme={p.theme.as_str()} aria-label={tf(lang, K::ThemeChange, &[&theme_name])}
                    title={tf(lang, K::ThemeIs, &[&theme_name])}>
                    { icon(theme_icon) }
                    <span class="label-wide">{ theme_name }</span>
                </button>
                <label class="lang-picker">
                    <span class="visually-hidden">{ t(lang, K::LanguageWord) }</span>
                    <select data-testid="lang-switch" ref={lang_switch} onchange={on_lang} aria-label={t(lang, K::LanguageWord)}>
                        { for Lang::ALL.iter().map(|l| html! {
                            <option value={l.tag()} lang={l.tag()} selected={*l == lang}>{ l.native_name() }</option>
                        }) }
                    </select>
                </label>
                <label class="button quiz-switch" title={t(lang, K::QuizHelp)}>
                    <input type="checkbox" data-testid="quiz-switch" checked={p.quiz} onchange={on_quiz} />
                    { t(lang, K::QuizSwitch) }
                </label>
                <button onclick={on_glossary} data-testid="glossary" title={t(lang, K::GlossaryHelp)}>{ t(lang, K::Glossary) }</button>
                <button onclick={on_help} data-testid="help" aria-label={t(lang, K::HelpLabel)} aria-keyshortcuts="?">{"?"}</button>
            </div>
            if let Some(l) = current {
                <p class="lesson-watch">{ icon(Icon::Watch) }{" "}{ l.watch.get(lang).to_string() }</p>
            }
        </header>
    }
}

#[derive(Properties, PartialEq)]
pub struct TimeControlsProps {
    pub playing: bool,
    pub speed: u32,
    pub current_step: u64,
    pub last_step: u64,
    /// The world's logical time at the current step.
    pub time_ms: u64,
    /// What the current step shows, in words, oldest first.
    pub now: Vec<crate::ui::format::Happened>,
    /// The branch's decisions, full syncs and cuts, drawn on the timeline to jump to.
    pub marks: Rc<Vec<Mark>>,
    pub dispatch: Callback<Msg>,
}

/// At most this many marks on the timeline: the most recent ones.
const TIMELINE_MARKS: usize = 60;

#[function_component(TimeControls)]
pub fn time_controls(p: &TimeControlsProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let send = |msg: fn() -> Msg| {
        let d = p.dispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(msg()))
    };
    let on_speed = {
        let d = p.dispatch.clone();
        Callback::from(move |e: Event| {
            if let Some(sel) = e.target_dyn_into::<HtmlSelectElement>() {
                if let Ok(v) = sel.value().parse() {
                    d.emit(Msg::Speed(v));
                }
            }
        })
    };
    let on_scrub = {
        let d = p.dispatch.clone();
        let shown = p.current_step.to_string();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                if let Ok(v) = input.value().parse() {
                    // The slider shows the step reached, which a lesson's pause can hold short of
                    // the one dragged to: put it back, and the render moves it where the step went.
                    input.set_value(&shown);
                    d.emit(Msg::Scrub(v));
                }
            }
        })
    };
    let behind = p.current_step < p.last_step;
    // The last few lines of what the current step shows.
    let now = &p.now;
    let shown = now.len().min(3);
    let on_next_kind = {
        let d = p.dispatch.clone();
        Callback::from(move |e: Event| {
            let Some(sel) = e.target_dyn_into::<HtmlSelectElement>() else { return };
            if let Some(kind) = sel.value().parse::<usize>().ok().and_then(|i| Kind::ALL.get(i).copied()) {
                d.emit(Msg::Walk(Goal::Next(kind)));
            }
            // Back to the prompt, so the same kind can be chosen again.
            sel.set_value("");
        })
    };
    html! {
        <nav class="time-controls" aria-label={t(lang, K::TimeControls)}>
            <button onclick={send(|| Msg::StepBack)} data-testid="step-back" disabled={p.current_step == 0}
                aria-label={t(lang, K::StepBack)} aria-keyshortcuts="ArrowLeft" title={t(lang, K::StepBackKey)}>
                { icon(Icon::Back) }<span class="label-wide">{ t(lang, K::Back) }</span>
            </button>
            if p.playing {
                <button class="primary" onclick={send(|| Msg::Pause)} data-testid="pause" aria-label={t(lang, K::Pause)} aria-keyshortcuts="Space" title={t(lang, K::PauseKey)}>
                    { icon(Icon::Pause) }<span class="label-wide">{ t(lang, K::Pause) }</span>
                </button>
            } else {
                <button class="primary" onclick={send(|| Msg::Play)} data-testid="play" aria-label={t(lang, K::Play)} aria-keyshortcuts="Space" title={t(lang, K::PlayKey)}>
                    { icon(Icon::Play) }<span class="label-wide">{ t(lang, K::Play) }</span>
                </button>
            }
            <button onclick={send(|| Msg::Walk(Goal::Visible))} data-testid="step" aria-label={t(lang, K::StepLabel)} aria-keyshortcuts="ArrowRight" title={t(lang, K::StepKey)}>
                { icon(Icon::Step) }<span class="label-wide">{ t(lang, K::Step) }</span>
            </button>
            <button onclick={send(|| Msg::Walk(Goal::Next(Kind::Decision)))} data-testid="next-decision" title={t(lang, K::NextDecisionHelp)}>
                { icon(Icon::NextDecision) }<span class="label-wide">{ t(lang, K::NextWord) }</span><span>{ t(lang, K::DecisionWord) }</span>
            </button>
            <label class="next-kind">
                <span class="label-wide">{ t(lang, K::RunTo) }</span>
                <select data-testid="next-kind" onchange={on_next_kind} aria-label={t(lang, K::RunToLabel)}>
                    <option value="" selected=true disabled=true>{ t(lang, K::NextEllipsis) }</option>
                    { for Kind::ALL.iter().enumerate().map(|(i, k)| html! {
                        <option value={i.to_string()}>{ tf(lang, K::NextKind, &[&labels::kind_name(lang, *k)]) }</option>
                    }) }
                </select>
            </label>
            <label class="speed">
                <span>{ t(lang, K::Speed) }</span>
                <select data-testid="speed" onchange={on_speed} aria-label={t(lang, K::SpeedLabel)}>
                    { for SPEEDS.iter().map(|&s| html! {
                        <option value={s.to_string()} selected={s == p.speed}>{ format!("{s}×") }</option>
                    }) }
                </select>
            </label>
            <div class="timeline">
                <label>
                    <span class="visually-hidden">{ t(lang, K::Timeline) }</span>
                    <input type="range" data-testid="timeline" min="0" max={p.last_step.to_string()}
                        value={p.current_step.to_string()} oninput={on_scrub}
                        aria-label={t(lang, K::TimelineLabel)}
                        aria-valuetext={tf(lang, K::StepOf, &[&p.current_step, &p.last_step])} />
                </label>
                if !p.marks.is_empty() {
                    <div class="timeline-marks" role="group" data-testid="timeline-marks" aria-label={t(lang, K::TimelineMarks)}>
                        { for p.marks[p.marks.len().saturating_sub(TIMELINE_MARKS)..].iter().map(|m| {
                            let name = tf(lang, K::TimelineMark, &[&m.step, &mark_words(lang, m)]);
                            let at = m.step as f64 * 100.0 / p.last_step.max(1) as f64;
                            let d = p.dispatch.clone();
                            let step = m.step;
                            html! {
                                <button type="button" class={classes!("tick", mark_class(m))} style={format!("left: {at:.2}%")}
                                    data-step={step.to_string()} aria-label={name.clone()} title={name}
                                    onclick={Callback::from(move |_: MouseEvent| d.emit(Msg::Scrub(step)))} />
                            }
                        }) }
                    </div>
                }
            </div>
            <output class="clock" aria-live="polite" data-testid="clock" title={t(lang, K::StepCountHelp)}>
                { labels::clock(lang, p.current_step, p.last_step, p.time_ms) }
                if behind {
                    <span class="branch-hint" title={t(lang, K::GlossaryBranch)}>{ format!(" · {}", t(lang, K::BranchHint)) }</span>
                }
            </output>
            <p class="just-happened" data-testid="just-happened">
                <span class="visually-hidden">{ t(lang, K::AtThisStep) }</span>
                if now.is_empty() {
                    <span class="muted">{ t(lang, K::NothingHere) }</span>
                }
                { for now[now.len() - shown..].iter().map(|line| html! {
                    <span class="happened">
                        { line.words.clone() }
                        if !line.redis.is_empty() { <code>{ line.redis.clone() }</code> }
                    </span>
                }) }
                if now.len() > shown {
                    <span class="muted">{ tf(lang, K::MoreInMessages, &[&(now.len() - shown)]) }</span>
                }
            </p>
        </nav>
    }
}
