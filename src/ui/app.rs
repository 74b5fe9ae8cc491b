//! The page (wasm32): reads the URL, owns the [`Shell`] (the runtime once the engine's chunk is
//! in), renders its model into the panels, and wires the page-wide effects (play timer,
//! keyboard, theme, `window.__replscope`).

use super::components::share::{EmbedView, ShareBar};
use super::components::{
    backlog_ring::BacklogProps,
    below::{lazy_backlog, lazy_console, lazy_inspector, lazy_offsets, lazy_sequence},
    console::ConsolePanelProps,
    decision_card::DecisionCard,
    glossary::GlossaryProps,
    help::HelpOverlay,
    highlight,
    inspector::InspectorProps,
    narration::NarrationPanel,
    narration::QuizProps,
    offsets::OffsetsProps,
    overlays::lazy_glossary,
    rare::{lazy_eras, lazy_quiz, lazy_sizing, ErasProps},
    sequence::SequenceProps,
    sizing::SizingProps,
    toolbar::Header,
    toolbar::TimeControls,
    topology::Topology,
};
use super::i18n::{t, Lang, K};
use super::lesson_state::Asking;
use super::model::Model;
use super::page::{asked_lang, page_base, show_panics, typing_in_field, url_options, LANG};
use super::runtime::Msg;
use super::share::{moment_query, say_step_counter, Mode};
use super::shell::{engine_ready, fetch_engine, plain_visit, Shell};
use super::{api, host, ondemand};
use crate::sim::scenario::Focus;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

pub use super::share::DEFAULT_SEED;

#[function_component(App)]
pub fn app() -> Html {
    // The shell holds the runtime (the session and the driver) once the engine is in; the
    // state below is the model it last handed back (`_eq`: a message that changed nothing
    // visible renders nothing).
    let options = use_memo((), |_| url_options());
    let shell = use_mut_ref(|| Shell::open(options.clone()));
    let engine_in = use_state(|| shell.borrow().has_engine());
    let mode = use_state(|| options.mode);
    // The key listener reads the mode when a key is pressed (it is registered once).
    let mode_now = use_mut_ref(|| options.mode);
    *mode_now.borrow_mut() = *mode;
    let model = use_state_eq(|| shell.borrow().model());
    // One callback for the page's life: panels compare it by identity in their props.
    let dispatch = {
        let shell = shell.clone();
        let (setter, engine_setter) = (model.setter(), engine_in.setter());
        (*use_memo((), move |_| {
            Callback::from(move |msg: Msg| {
                // A lesson file or the Chinese table not loaded yet is loaded first (`ui::ondemand`).
                let lang = shell.borrow().model().lang;
                let (shell, setter, engine_setter) = (shell.clone(), setter.clone(), engine_setter.clone());
                ondemand::when_ready(msg, lang, move |msg| {
                    // The borrow ends before the new model is set (setting may render at once).
                    let next = shell.borrow_mut().handle(msg);
                    setter.set(next);
                    // A step asked after the engine could not be fetched asks for it again.
                    if shell.borrow().wants_engine() {
                        fetch_engine(shell, setter, engine_setter);
                    }
                });
            })
        }))
        .clone()
    };

    // The engine's chunk, after the frame of a first render that did not need it (`ui::shell`,
    // `ui::settle`).
    {
        let (shell, setter, engine_setter) = (shell.clone(), model.setter(), engine_in.setter());
        use_effect_with((), move |_| {
            if shell.borrow().wants_engine() {
                fetch_engine(shell, setter, engine_setter);
            }
        });
    }

    // The play timer: one step every 1/speed seconds while playing.
    {
        let dispatch = dispatch.clone();
        use_effect_with((model.playing, model.speed), move |&(playing, speed)| {
            let mut handle = None;
            let tick = Closure::<dyn FnMut()>::new(move || dispatch.emit(Msg::Tick));
            if playing {
                if let Some(w) = web_sys::window() {
                    let ms = (1000 / speed.max(1)) as i32;
                    handle = w.set_interval_with_callback_and_timeout_and_arguments_0(tick.as_ref().unchecked_ref(), ms).ok();
                }
            }
            move || {
                if let (Some(h), Some(w)) = (handle, web_sys::window()) {
                    w.clear_interval_with_handle(h);
                }
                drop(tick);
            }
        });
    }

    // Keyboard: space play/pause, → step, ← step back, ? help, Escape closes help.
    {
        let dispatch = dispatch.clone();
        let mode_now = mode_now.clone();
        use_effect_with((), move |_| {
            let listener = Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(move |e: web_sys::KeyboardEvent| {
                if e.ctrl_key() || e.meta_key() || e.alt_key() || typing_in_field(&e) {
                    return;
                }
                let present = *mode_now.borrow() == Mode::Present;
                let msg = match e.key().as_str() {
                    // A presentation clicker sends PageDown/PageUp; in presenter mode space steps too.
                    " " if present => Msg::Walk(api::Goal::Visible),
                    " " => Msg::TogglePlay,
                    "ArrowRight" | "PageDown" => Msg::Walk(api::Goal::Visible),
                    "ArrowLeft" | "PageUp" => Msg::StepBack,
                    "?" => Msg::ToggleHelp,
                    "Escape" => {
                        dispatch.emit(Msg::Glossary(false));
                        Msg::Help(false)
                    }
                    _ => return,
                };
                // A focused button would also "click" on space: the shortcut wins.
                e.prevent_default();
                dispatch.emit(msg);
            });
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ = w.add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(w) = window {
                    let _ = w.remove_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
                }
                drop(listener);
            }
        });
    }

    // Theme: `data-theme` on <html> (CSS follows prefers-color-scheme when "system"). A theme
    // the URL asks for (an embed's `theme=`) is for this page only, not the reader's choice.
    // The choice is written only when it changes from the last one written, or from the theme
    // the page opened in (the stored one unless the URL asked; `open` read it): a first render
    // writes nothing and storage is not read a second time.
    let url_theme = options.theme;
    let stored = use_mut_ref(|| model.theme);
    use_effect_with(model.theme, move |theme| {
        if let Some(w) = web_sys::window() {
            if let Some(root) = w.document().and_then(|d| d.document_element()) {
                let _ = root.set_attribute("data-theme", theme.as_str());
            }
            if *stored.borrow() != *theme && url_theme != Some(*theme) {
                if let Ok(Some(storage)) = w.local_storage() {
                    let _ = storage.set_item("replscope-theme", theme.as_str());
                    *stored.borrow_mut() = *theme;
                }
            }
        }
    });

    // Language: `<html lang>` follows it, and the switch's choice is remembered.
    use_effect_with(model.lang, |lang| {
        LANG.with(|l| l.set(*lang));
        if let Some(w) = web_sys::window() {
            if let Some(root) = w.document().and_then(|d| d.document_element()) {
                let _ = root.set_attribute("lang", lang.tag());
            }
        }
    });

    // Walks over the MessagePorts end asynchronously: the driver tells the runtime.
    {
        let dispatch = dispatch.clone();
        let shell = shell.clone();
        use_effect_with((), move |_| shell.borrow().set_dispatch(dispatch));
    }

    // The narration's `look` (or the decision a quiz answer is revealed beside) is marked on the
    // panels after every render (a panel may have redrawn its element); scrolled to when it changes.
    {
        let step = model.current_step;
        let revealed = matches!(model.quiz.asking_at(step), Some(Asking::Revealed(q, _)) if q.decided_step == step);
        let focus = if model.quizzing() && revealed { vec![Focus::Card] } else { model.script.focus_at(step) };
        let last = use_mut_ref(Vec::new);
        use_effect(move || {
            let changed = *last.borrow() != focus;
            highlight::show(&focus, changed);
            *last.borrow_mut() = focus;
        });
    }

    // End-to-end tests read the current numbers from `window.__replscope`, once the engine is in.
    {
        let shell = shell.clone();
        use_effect_with(((*model).clone(), *engine_in), move |(m, _)| shell.borrow().publish(m));
    }

    // The host page's postMessage commands, and the events it is told (ui::host).
    {
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| host::listen(dispatch));
    }
    {
        let announced = use_mut_ref(|| None);
        use_effect_with((*model).clone(), move |m| host::announce(&mut announced.borrow_mut(), m));
    }

    // The moment on screen as a link; the address bar follows it (replaced, not piled up),
    // except while playing or running to a goal (a console's answer, "run to"), where it would
    // be rewritten for steps the page only passes on its way: it is written where the run ends.
    // A link carries the language on screen, so a student's link opens in it.
    // The moment's code encodes the session's inputs, so it costs what they weigh (a thousand
    // random 1 KB writes are a megabyte): it is made when a link is wanted (a copy, the address
    // bar while paused, the embed's "open in ReplScope"), never on every frame of autoplay.
    let moment_link = {
        let shell = shell.clone();
        let (lesson, seed, step, lang_tag) = (model.lesson.clone(), model.seed, model.current_step, model.lang.tag().to_string());
        Callback::from(move |mode: Mode| {
            let code = shell.try_borrow().map(|r| r.moment_code(&lang_tag)).unwrap_or_default();
            moment_query(&lesson, seed, step, &lang_tag, &code, mode)
        })
    };
    {
        let here = (!model.playing && !model.walking).then(|| moment_link.emit(if *mode == Mode::Present { Mode::Full } else { *mode }));
        use_effect_with(here, |here| {
            if let (Some(here), Some(history)) = (here, web_sys::window().and_then(|w| w.history().ok())) {
                let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(here));
            }
        });
    }
    let make_link = {
        let moment_link = moment_link.clone();
        Callback::from(move |mode: Mode| format!("{}{}", page_base(), moment_link.emit(mode)))
    };
    let on_mode = {
        let mode = mode.clone();
        Callback::from(move |m: Mode| mode.set(m))
    };

    let send = |msg: fn() -> Msg| {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(msg()))
    };
    let m: &Model = &model;
    let lang = m.lang;
    let dismiss = t(lang, K::Dismiss);
    html! {
        <ContextProvider<Lang> context={lang}>
        if *mode == Mode::Embed {
            <div class="app" data-testid="app" data-mode="embed" data-step={m.current_step.to_string()}>
                <EmbedView model={(*model).clone()} panels={options.panels} full_link={make_link.emit(Mode::Full)} dispatch={dispatch.clone()} />
            </div>
        } else {
        <div class="app" data-testid="app" data-mode={mode.as_str()} data-step={m.current_step.to_string()}>
            <Header lesson={m.lesson.clone()} theme={m.theme} quiz={m.quiz_on} dispatch={dispatch.clone()} />
            <ShareBar {make_link} mode={*mode} on_mode={on_mode} />
            if *mode == Mode::Present {
                <output class="present-counter" data-testid="step-counter">{ say_step_counter(lang, m.current_step, m.last_step) }</output>
            }
            if let Some(banner) = &m.banner {
                <div class="banner error" role="alert" data-testid="error-banner">
                    <span aria-hidden="true">{"⚠ "}</span>
                    <span>{ banner.clone() }</span>
                    <button class="ghost" onclick={send(|| Msg::Banner(None))} aria-label={dismiss}>{"✕"}</button>
                </div>
            }
            if let Some(notice) = &m.notice {
                <div class="banner notice" role="status" data-testid="notice">
                    <span aria-hidden="true">{"ℹ "}</span>
                    <span>{ notice.clone() }</span>
                    <button class="ghost" onclick={send(|| Msg::DismissNotice)} aria-label={dismiss}>{"✕"}</button>
                </div>
            }
            <TimeControls playing={m.playing} speed={m.speed} current_step={m.current_step} last_step={m.last_step}
                time_ms={m.snapshot.time_ms} now={m.just_happened()} marks={m.trace.marks().clone()} dispatch={dispatch.clone()} />
            <main class="grid">
                <NarrationPanel script={m.script.clone()} step={m.current_step} end={m.lesson_end}
                    left={m.left.as_ref().map(|(_, at)| *at)} awaited={m.awaited.clone()} dispatch={dispatch.clone()} />
                if m.quizzing() {
                    { lazy_quiz(QuizProps { quiz: m.quiz.clone(), step: m.current_step, dispatch: dispatch.clone() }) }
                }
                <section class="panel topology-panel" aria-labelledby="h-topology">
                    <h2 id="h-topology">{ t(lang, K::HTopology) }</h2>
                    <Topology snapshot={m.snapshot.clone()} layout={m.layout.clone()} selected={m.selected.clone()} dispatch={dispatch.clone()} />
                </section>
                <section class="panel decision-panel" aria-labelledby="h-decision">
                    <h2 id="h-decision">{ t(lang, K::HDecision) }</h2>
                    <DecisionCard trace={m.trace.clone()} />
                </section>
                <section class="panel sequence-panel" aria-labelledby="h-sequence">
                    <h2 id="h-sequence">{ t(lang, K::HMessages) }</h2>
                    { lazy_sequence(SequenceProps {
                        trace: m.trace.clone(),
                        snapshot: m.snapshot.clone(),
                        layout: m.layout.clone(),
                        selected: m.selected.clone(),
                        current_step: m.current_step,
                        hide_heartbeats: m.hide_heartbeats,
                        dispatch: dispatch.clone(),
                    }) }
                </section>
                <section class="panel backlog-panel" aria-labelledby="h-backlog">
                    <h2 id="h-backlog">{ t(lang, K::HBacklog) }</h2>
                    { lazy_backlog(BacklogProps { snapshot: m.snapshot.clone(), trace: m.trace.clone() }) }
                    { lazy_sizing(SizingProps { snapshot: m.snapshot.clone(), samples: m.samples.clone(), marks: m.trace.marks().clone(), seed: m.seed, dispatch: dispatch.clone() }) }
                </section>
                <section class="panel offsets-panel" aria-labelledby="h-offsets">
                    <h2 id="h-offsets">{ t(lang, K::HOffsets) }</h2>
                    { lazy_offsets(OffsetsProps { snapshot: m.snapshot.clone(), layout: m.layout.clone(), samples: m.samples.clone(), trace: m.trace.clone(), dispatch: dispatch.clone() }) }
                </section>
                <section class="panel inspector-panel" aria-labelledby="h-inspector">
                    <h2 id="h-inspector">{ t(lang, K::HNode) }</h2>
                    { lazy_inspector(InspectorProps {
                        node: m.selected.as_ref().and_then(|s| m.snapshot.node(s)).cloned(),
                        inspected: m.inspected.clone(),
                        names: m.snapshot.nodes.iter().map(|n| (n.port, n.name.clone())).collect(),
                        dispatch: dispatch.clone(),
                    }) }
                </section>
                <section class="panel console-panel" aria-labelledby="h-console">
                    <h2 id="h-console">{ t(lang, K::HConsole) }</h2>
                    { lazy_console(ConsolePanelProps {
                        snapshot: m.snapshot.clone(),
                        selected: m.selected.clone(),
                        history: m.console_history.clone(),
                        seed: m.seed,
                        current_step: m.current_step,
                        step_by_hand: m.step_by_hand,
                        dispatch: dispatch.clone(),
                    }) }
                </section>
                <section class="panel era-panel" aria-labelledby="h-eras">
                    <h2 id="h-eras">{ t(lang, K::HEras) }</h2>
                    { lazy_eras(ErasProps { era: m.era, runs: m.era_runs.clone(), dispatch: dispatch.clone() }) }
                </section>
            </main>
            if m.help {
                <HelpOverlay dispatch={dispatch.clone()} />
            }
            if m.glossary {
                { lazy_glossary(GlossaryProps { dispatch: dispatch.clone() }) }
            }
        </div>
        }
        </ContextProvider<Lang>>
    }
}

/// Mount the app on the page's `<body>`, once what the URL opens is loaded (`ui::ondemand`):
/// the engine too, unless the first render is the recorded opening (`ui::shell`).
pub fn start() {
    show_panics();
    let options = url_options();
    let lesson = options.lesson.clone();
    let needs_engine = !plain_visit(&options);
    wasm_bindgen_futures::spawn_local(async move {
        // The engine's request leaves with the lesson file's and the Chinese table's.
        let engine = needs_engine.then(|| {
            wasm_bindgen_futures::JsFuture::from(wasm_bindgen_futures::future_to_promise(async {
                engine_ready().await;
                Ok(JsValue::UNDEFINED)
            }))
        });
        ondemand::before_first_render(lesson.as_deref(), asked_lang()).await;
        if let Some(engine) = engine {
            let _ = engine.await;
        }
        // The frame index.html painted before the wasm loaded gives way to the app's first
        // render. Removed here, not in an effect after it: the first render runs in this same
        // task (a microtask of it), so no frame shows neither; an effect runs a task later, and
        // the page was laid out twice (frame and app, then the app alone: ~30 ms at start-up).
        if let Some(boot) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("boot")) {
            boot.remove();
        }
        yew::Renderer::<App>::new().render();
    });
}
