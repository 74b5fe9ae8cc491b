//! A redis-cli-like console per node: a `name:port>` prompt with history (↑/↓), replies as
//! the sim recorded them (redis-cli's formatting, `(error) …` for errors), and "write N random
//! keys" (of a chosen value size) to push the master past its backlog. What is sent runs until
//! answered (the sim's `Goal::Answer`) unless "step by hand" is on; the output scrolls to its
//! newest line. Everything typed renders as text.

use crate::ui::api::{Exchange, Input, Snapshot, REPLY_KEPT_CHARS};
use crate::ui::format::{human_bytes, thousands};
use crate::ui::i18n::{t, tf, Lang, K};
use crate::ui::labels::{random_keys_count, random_keys_max, VALUE_SIZES};
use crate::ui::runtime::Msg;
use std::collections::BTreeMap;
use std::rc::Rc;
use web_sys::{Element, HtmlInputElement, HtmlSelectElement, KeyboardEvent};
use yew::prelude::*;

/// How many exchanges the console keeps on screen.
const SHOWN: usize = 80;

#[derive(Properties, PartialEq)]
struct NodeConsoleProps {
    node: String,
    port: u16,
    /// Lines typed in this node's console, oldest first.
    history: Vec<String>,
    /// The node's latest exchanges as the world paired them (by command id), oldest first.
    exchanges: Vec<Exchange>,
    seed: u64,
    current_step: u64,
    /// "Write N random keys": N and the value size, kept by the panel across tabs, and
    /// whether N was capped.
    count: usize,
    size: usize,
    capped: bool,
    on_count: Callback<usize>,
    on_size: Callback<usize>,
    step_by_hand: bool,
    dispatch: Callback<Msg>,
}

#[function_component(NodeConsole)]
fn node_console(p: &NodeConsoleProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let input = use_node_ref();
    let out = use_node_ref();
    // The newest output in view: after a reply arrives, or a bulk write adds rows. An empty
    // console has nothing to scroll: reading its height would only force a layout while the
    // page's first render is still being put together.
    {
        let out = out.clone();
        let newest = p.exchanges.last().map(|e| (e.id, e.reply.is_some()));
        use_effect_with(newest, move |newest| {
            if let (Some(_), Some(el)) = (newest, out.cast::<Element>()) {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }
    // Position while browsing history: None = editing a new line.
    let cursor = use_state(|| None::<usize>);
    let count = p.count;
    let history = p.history.clone();

    let onsubmit = {
        let d = p.dispatch.clone();
        let input = input.clone();
        let node = p.node.clone();
        let cursor = cursor.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(el) = input.cast::<HtmlInputElement>() else { return };
            let line = el.value();
            if line.trim().is_empty() {
                return;
            }
            el.set_value("");
            cursor.set(None);
            d.emit(Msg::ConsoleHistory { node: node.clone(), line: line.clone() });
            d.emit(Msg::Console(vec![Input::Command { node: node.clone(), line }]));
        })
    };
    let onkeydown = {
        let input = input.clone();
        let cursor = cursor.clone();
        let history = history.clone();
        Callback::from(move |e: KeyboardEvent| {
            let Some(el) = input.cast::<HtmlInputElement>() else { return };
            if history.is_empty() {
                return;
            }
            let next = match (e.key().as_str(), *cursor) {
                ("ArrowUp", None) => Some(history.len() - 1),
                ("ArrowUp", Some(i)) => Some(i.saturating_sub(1)),
                ("ArrowDown", Some(i)) if i + 1 < history.len() => Some(i + 1),
                ("ArrowDown", Some(_)) => None,
                _ => return,
            };
            e.prevent_default();
            el.set_value(next.map(|i| history[i].as_str()).unwrap_or(""));
            cursor.set(next);
        })
    };
    let on_count = {
        let set = p.on_count.clone();
        Callback::from(move |e: Event| {
            if let Some(el) = e.target_dyn_into::<HtmlInputElement>() {
                if let Ok(v) = el.value().trim().replace([',', '_'], "").parse::<usize>() {
                    set.emit(v);
                }
            }
        })
    };
    let on_size = {
        let set = p.on_size.clone();
        Callback::from(move |e: Event| {
            if let Some(v) = e.target_dyn_into::<HtmlSelectElement>().and_then(|el| el.value().parse::<usize>().ok()) {
                set.emit(v);
            }
        })
    };
    let on_hand = {
        let d = p.dispatch.clone();
        Callback::from(move |e: Event| {
            if let Some(el) = e.target_dyn_into::<HtmlInputElement>() {
                d.emit(Msg::StepByHand(el.checked()));
            }
        })
    };
    let on_random = {
        let d = p.dispatch.clone();
        let node = p.node.clone();
        let (n, size) = (count, p.size);
        let seed = p.seed ^ p.current_step.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        // One input, the recipe (`sim::writes`): the same seed and step give the same keys,
        // so a link or an export replays identically without carrying the values.
        Callback::from(move |_| {
            d.emit(Msg::Console(vec![Input::Writes { node: node.clone(), seed, count: n as u64, size: size as u64 }]));
        })
    };
    let max = random_keys_max(p.size);

    let skip = p.exchanges.len().saturating_sub(SHOWN);
    let prompt = format!("{}:{}>", p.node, p.port);
    html! {
        <div class="console">
            <ol class="console-out" ref={out} data-testid={format!("console-out-{}", p.node)} aria-label={tf(lang, K::ConsoleOutput, &[&p.node])} aria-live="polite" tabindex="0">
                { for p.exchanges.iter().skip(skip).map(|Exchange { id, line, reply, cut }| html! {
                    <li key={*id}>
                        <div class="cmd"><span class="prompt">{ prompt.clone() }</span>{" "}{ line.clone() }</div>
                        if let Some(reply) = reply {
                            <pre class={classes!("reply", reply.starts_with("(error)").then_some("error"))}>{ reply.to_string() }</pre>
                            if *cut > 0 {
                                <p class="muted reply-cut" data-testid="reply-cut">{ tf(lang, K::ReplyCut, &[&thousands(*cut), &thousands(REPLY_KEPT_CHARS as u64)]) }</p>
                            }
                        } else {
                            <pre class="reply pending">{ t(lang, K::WaitingReply) }</pre>
                        }
                    </li>
                }) }
            </ol>
            <form class="console-in" {onsubmit}>
                <label class="prompt" for={format!("console-{}", p.node)}>{ prompt.clone() }</label>
                <input id={format!("console-{}", p.node)} ref={input} type="text" data-testid={format!("console-{}", p.node)}
                    {onkeydown} autocomplete="off" autocapitalize="off" spellcheck="false"
                    placeholder="SET foo bar" aria-label={tf(lang, K::CommandFor, &[&p.node])} />
                <button type="submit">{ t(lang, K::Send) }</button>
            </form>
            <label class="step-by-hand" title={t(lang, K::StepByHandHelp)}>
                <input type="checkbox" checked={p.step_by_hand} onchange={on_hand} data-testid="step-by-hand" />
                { t(lang, K::StepByHand) }
            </label>
            <div class="random-keys">
                <button onclick={on_random} data-testid={format!("random-{}", p.node)}
                    title={t(lang, K::RandomHelp)}>
                    { tf(lang, K::WriteRandom, &[&count]) }
                </button>
                <label>
                    <span class="visually-hidden">{ t(lang, K::HowMany) }</span>
                    <input type="number" min="1" max={max.to_string()} value={count.to_string()} onchange={on_count}
                        data-testid={format!("random-count-{}", p.node)} />
                </label>
                <label>
                    <span>{ t(lang, K::ValueSize) }</span>
                    <select onchange={on_size} title={t(lang, K::ValueSizeLabel)} data-testid={format!("random-size-{}", p.node)}>
                        { for VALUE_SIZES.iter().map(|&v| html! {
                            <option value={v.to_string()} selected={v == p.size}>{ size_name(v) }</option>
                        }) }
                    </select>
                </label>
                if p.capped {
                    <span class="muted" role="status" data-testid="random-capped">
                        { tf(lang, K::Capped, &[&thousands(max as u64), &size_name(p.size)]) }
                    </span>
                }
            </div>
        </div>
    }
}

#[derive(Properties, PartialEq, Clone)]
pub struct ConsolePanelProps {
    pub snapshot: Rc<Snapshot>,
    pub selected: Option<String>,
    pub history: Rc<BTreeMap<String, Vec<String>>>,
    pub seed: u64,
    pub current_step: u64,
    /// The console's "step by hand" switch (the model keeps it).
    pub step_by_hand: bool,
    pub dispatch: Callback<Msg>,
}

/// A value size as the selector names it: `16 B`, `1 KB`, `1 MB` (whole units).
fn size_name(bytes: usize) -> String {
    match bytes {
        b if b >= 1024 * 1024 && b % (1024 * 1024) == 0 => format!("{} MB", b / (1024 * 1024)),
        b if b >= 1024 && b % 1024 == 0 => format!("{} KB", b / 1024),
        b => human_bytes(b as u64),
    }
}

#[function_component(ConsolePanel)]
pub fn console_panel(p: &ConsolePanelProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let nodes = &p.snapshot.nodes;
    if nodes.is_empty() {
        return html! { <p class="muted">{ t(lang, K::NoConsole) }</p> };
    }
    let selected = p.selected.clone().unwrap_or_else(|| nodes[0].name.clone());
    let port = nodes.iter().find(|n| n.name == selected).map(|n| n.port).unwrap_or(0);
    let history = p.history.get(&selected).cloned().unwrap_or_default();
    let exchanges = p.snapshot.console(&selected).to_vec();
    // The random-key count lives here, not in the keyed per-node console, so switching tabs
    // keeps it.
    let count = use_state(|| (1000usize, false));
    let size = use_state(|| VALUE_SIZES[0]);
    let on_count = {
        let (count, size) = (count.clone(), size.clone());
        Callback::from(move |asked: usize| count.set(random_keys_count(asked, *size)))
    };
    let on_size = {
        let (count, size) = (count.clone(), size.clone());
        Callback::from(move |v: usize| {
            size.set(v);
            count.set(random_keys_count(count.0, v));
        })
    };
    html! {
        <div class="consoles">
            <div class="tabs" role="tablist" aria-label={t(lang, K::ConsoleOfNode)}>
                { for nodes.iter().map(|n| {
                    let d = p.dispatch.clone();
                    let name = n.name.clone();
                    let active = n.name == selected;
                    html! {
                        <button role="tab" aria-selected={active.to_string()} class={classes!("tab", active.then_some("active"))}
                            data-testid={format!("console-tab-{}", n.name)}
                            onclick={Callback::from(move |_| d.emit(Msg::Select(Some(name.clone()))))}>
                            { n.name.clone() }
                        </button>
                    }
                }) }
            </div>
            <NodeConsole key={selected.clone()} node={selected.clone()} {port} {history} {exchanges}
                seed={p.seed} current_step={p.current_step} count={count.0} size={*size} capped={count.1} {on_count} {on_size}
                step_by_hand={p.step_by_hand}
                dispatch={p.dispatch.clone()} />
        </div>
    }
}
