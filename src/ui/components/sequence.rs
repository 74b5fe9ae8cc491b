//! The sequence diagram: one lane per node, one row per delivered message (each expandable
//! to its exact RESP bytes, escaped as redis-cli quotes them), rows for the replica handshake
//! state changes (`REPL_STATE_*`), and the handshake progress of the selected replica. A run
//! of the same command between the same two nodes (a bulk write's propagation) folds into one
//! group row, "1000 × m → r1: SET (… in all)", that expands to its messages.

use crate::engine::event::{Event, ReplState};
use crate::ui::api::{event_of, message_of, note_of, Snapshot, TraceEntry};
use crate::ui::format::{escape_bytes, human_bytes, repl_state_help, repl_state_label};
use crate::ui::i18n::{t, tf, Lang, K};
use crate::ui::labels::{is_heartbeat, master_name};
use crate::ui::model::{Slot, Trace};
use crate::ui::runtime::Msg;
use std::rc::Rc;
use yew::prelude::*;

/// How many rows are drawn before older ones fold into "show earlier".
const PAGE: usize = 60;
/// Bytes of one message shown when expanded (an RDB chunk is up to 16 KB).
const SHOWN_BYTES: usize = 2048;
const LANE: f64 = 100.0;
/// A run of at least this many same-command messages between the same two nodes is one group row.
const GROUP_MIN: usize = 3;
/// Messages an open group row lists (the rest are counted).
const GROUP_SHOWN: usize = 50;

/// The handshake in order, as the progress strip shows it (`REPL_STATE_CONNECT` … `CONNECTED`).
const HANDSHAKE: [ReplState; 12] = [
    ReplState::Connect,
    ReplState::Connecting,
    ReplState::ReceivePingReply,
    ReplState::SendHandshake,
    ReplState::ReceiveAuthReply,
    ReplState::ReceivePortReply,
    ReplState::ReceiveIpReply,
    ReplState::ReceiveCapaReply,
    ReplState::SendPsync,
    ReplState::ReceivePsyncReply,
    ReplState::Transfer,
    ReplState::Connected,
];

fn lane_x(i: usize) -> f64 {
    LANE / 2.0 + LANE * i as f64
}

fn arrow_row(lanes: &[String], from: &str, to: &str, label: &str) -> Html {
    let width = LANE * lanes.len().max(1) as f64;
    let a = lanes.iter().position(|l| l == from);
    let b = lanes.iter().position(|l| l == to);
    let lines = lanes.iter().enumerate().map(|(i, _)| {
        let x = lane_x(i);
        html! { <line class="lane" x1={x.to_string()} y1="0" x2={x.to_string()} y2="30" /> }
    });
    let arrow = match (a, b) {
        (Some(a), Some(b)) if a != b => {
            let (x1, x2) = (lane_x(a), lane_x(b));
            let dir = if x2 > x1 { -1.0 } else { 1.0 };
            let tip = format!("{x2},22 {},18 {},26", x2 + 7.0 * dir, x2 + 7.0 * dir);
            html! {
                <>
                    <line class="arrow" x1={x1.to_string()} y1="22" x2={x2.to_string()} y2="22" />
                    <polygon class="arrow-tip" points={tip} />
                    <text class="arrow-label" x={((x1 + x2) / 2.0).to_string()} y="14" text-anchor="middle">{ label.to_string() }</text>
                </>
            }
        }
        _ => html! {},
    };
    html! {
        <svg class="seq-row" viewBox={format!("0 0 {width} 30")} preserveAspectRatio="xMinYMid meet" aria-hidden="true"
            style={format!("min-width: {}px", (lanes.len() * 90).max(180))}>
            { for lines }
            { arrow }
        </svg>
    }
}

/// The bytes as redis-cli would quote them, one RESP line per row (each ending in `\r\n`),
/// at most `limit` bytes; also how many bytes were left out.
pub fn resp_rows(bytes: &[u8], limit: usize) -> (Vec<String>, usize) {
    let shown = &bytes[..bytes.len().min(limit)];
    let mut rows = Vec::new();
    let mut start = 0;
    for i in 1..shown.len() {
        if shown[i - 1] == b'\r' && shown[i] == b'\n' {
            rows.push(escape_bytes(&shown[start..=i]));
            start = i + 1;
        }
    }
    if start < shown.len() {
        rows.push(escape_bytes(&shown[start..]));
    }
    (rows, bytes.len() - shown.len())
}

/// One message row as a component: a row whose entry, lanes and "now" are unchanged skips its
/// view when the panel renders again (autoplay renders it every step; a row's summary, arrow
/// and escaped bytes were built again for all 60 rows each time).
#[derive(Properties, PartialEq)]
struct MessageRowProps {
    lang: Lang,
    index: usize,
    entry: Rc<TraceEntry>,
    lanes: Vec<String>,
    now: bool,
}

#[function_component(MessageRow)]
fn message_row_component(p: &MessageRowProps) -> Html {
    let current = if p.now { p.entry.step } else { u64::MAX };
    message_row(p.lang, p.index, &p.lanes, &p.entry, current)
}

fn message_row(lang: Lang, key: usize, lanes: &[String], e: &TraceEntry, current: u64) -> Html {
    let Some(m) = message_of(e) else { return html! {} };
    let summary = tf(lang, K::MessageSummary, &[&m.from, &m.to, &m.len]);
    html! {
        <li key={key} class={classes!("seq-item", (e.step == current).then_some("now"))} data-step={e.step.to_string()}>
            <details>
                // The name is the row's own text (its step, then the message in words for a
                // screen reader, the drawn arrow being hidden): no aria-label that could
                // disagree with what is on screen (WCAG 2.5.3, label in name).
                <summary>
                    <span class="seq-step">{ format!("#{}", e.step) }</span>
                    <span class="visually-hidden">{ format!(" {summary} ") }<code>{ m.label.to_string() }</code></span>
                    { arrow_row(lanes, m.from, m.to, m.label) }
                </summary>
                <p class="muted">{ format!("{summary} ") }<code>{ m.label.to_string() }</code></p>
                { bytes_view(lang, m.bytes) }
            </details>
        </li>
    }
}

/// What groups a message with its neighbours: sender, receiver and the command's name.
fn group_key(e: &TraceEntry) -> Option<(&str, &str, &str)> {
    message_of(e).map(|m| (m.from, m.to, m.label.split_whitespace().next().unwrap_or("")))
}

/// A message that starts inside a command the previous one began (the socket took part of a
/// write; its label can only count bytes: "1057 rdb bytes").
fn continues(e: &TraceEntry) -> bool {
    message_of(e).is_some_and(|m| m.label.starts_with(|c: char| c.is_ascii_digit()) && m.label.ends_with(" bytes"))
}

/// Split `rows` into single rows and runs of [`GROUP_MIN`] or more messages between the same
/// two nodes that carry one command (with the pieces of it a full socket split off).
fn grouped<'a>(rows: &[(usize, &'a TraceEntry)]) -> Vec<Vec<(usize, &'a TraceEntry)>> {
    let mut out: Vec<Vec<(usize, &TraceEntry)>> = Vec::new();
    for &row in rows {
        let key = group_key(row.1);
        let joins = |run: &[(usize, &TraceEntry)]| {
            let Some(k) = key else { return false };
            let Some(head) = group_key(run[0].1) else { return false };
            // Only runs of a command (SET), not of replies or RDB payloads, take continuations.
            head == k || ((head.0, head.1) == (k.0, k.1) && head.2.starts_with(|c: char| c.is_ascii_alphabetic()) && continues(row.1))
        };
        match out.last_mut() {
            Some(run) if joins(run) => run.push(row),
            _ => out.push(vec![row]),
        }
    }
    // Short runs stay single rows.
    out.into_iter().flat_map(|run| if run.len() >= GROUP_MIN { vec![run] } else { run.into_iter().map(|r| vec![r]).collect() }).collect()
}

fn group_row(lang: Lang, lanes: &[String], trace: &[Rc<TraceEntry>], run: &[(usize, &TraceEntry)], current: u64) -> Html {
    let (Some(&(key, first)), Some(&(_, last))) = (run.first(), run.last()) else { return html! {} };
    let Some((from, to, cmd)) = group_key(first) else { return html! {} };
    let total: u64 = run.iter().filter_map(|(_, e)| message_of(e)).map(|m| m.len).sum();
    let head = tf(lang, K::BulkGroup, &[&run.len(), &format!("{from} → {to}: {cmd}"), &human_bytes(total)]);
    let now = run.iter().any(|(_, e)| e.step == current);
    html! {
        <li key={key} class={classes!("seq-item", "seq-group", now.then_some("now"))} data-step={last.step.to_string()}>
            <details>
                <summary>
                    <span class="seq-step">{ format!("#{}–#{}", first.step, last.step) }</span>
                    <span class="seq-group-head" data-testid="seq-group">{ format!(" {head} ") }</span>
                    { arrow_row(lanes, from, to, &format!("{} × {cmd}", run.len())) }
                </summary>
                <ol class="seq-list">
                    { for run.iter().take(GROUP_SHOWN).map(|&(i, e)| html! {
                        <MessageRow key={i} {lang} index={i} entry={trace[i].clone()} lanes={lanes.to_vec()} now={e.step == current} />
                    }) }
                </ol>
                if run.len() > GROUP_SHOWN {
                    <p class="muted">{ tf(lang, K::GroupMore, &[&(run.len() - GROUP_SHOWN)]) }</p>
                }
            </details>
        </li>
    }
}

/// The exact bytes that crossed the wire, one RESP line per row, escaped as redis-cli quotes.
fn bytes_view(lang: Lang, bytes: &[u8]) -> Html {
    let (rows, hidden) = resp_rows(bytes, SHOWN_BYTES);
    html! {
        <>
            <pre class="resp" data-testid="resp-bytes" aria-label={t(lang, K::ExactBytes)}>
                { for rows.iter().map(|r| html! { <>{ r.clone() }{"\n"}</> }) }
            </pre>
            if hidden > 0 {
                <p class="muted">{ tf(lang, K::MoreBytes, &[&hidden, &SHOWN_BYTES]) }</p>
            }
        </>
    }
}

fn state_row(lang: Lang, key: usize, lanes: &[String], e: &TraceEntry, node: &str, from: ReplState, to: ReplState) -> Html {
    let i = lanes.iter().position(|l| l == node).unwrap_or(0);
    // Rows draw lanes at LANE px apart from the same left edge: start the text near lane i.
    let pad = format!("margin-left: {:.0}px", (lane_x(i) - 24.0).max(0.0));
    html! {
        <li key={key} class={classes!("seq-item", "seq-state", (to == ReplState::Connected).then_some("connected"))} data-step={e.step.to_string()}>
            <span class="seq-step">{ format!("#{}", e.step) }</span>
            <span class="state-change" style={pad}>
                { format!("{node}: ") }<abbr title={repl_state_help(lang, from)}>{ repl_state_label(from) }</abbr>{" → "}
                <strong><abbr title={repl_state_help(lang, to)}>{ repl_state_label(to) }</abbr></strong>
            </span>
        </li>
    }
}

fn note_row(key: usize, e: &TraceEntry, text: String) -> Html {
    html! {
        <li key={key} class="seq-item seq-note" data-step={e.step.to_string()}>
            <span class="seq-step">{ format!("#{}", e.step) }</span>
            <span class="note-text">{ text }</span>
        </li>
    }
}

/// The selected replica's handshake, every state named, the current one marked.
fn handshake_strip(lang: Lang, node: &str, state: ReplState) -> Html {
    html! {
        <ol class="handshake" aria-label={tf(lang, K::HandshakeOf, &[&node])}>
            { for HANDSHAKE.iter().map(|s| {
                let current = *s == state;
                html! {
                    <li class={classes!(current.then_some("current"))} aria-current={current.then_some("step")} title={repl_state_help(lang, *s)}>
                        if current { <span aria-hidden="true">{"▸ "}</span> }
                        { repl_state_label(*s) }
                    </li>
                }
            }) }
        </ol>
    }
}

#[derive(Properties, PartialEq, Clone)]
pub struct SequenceProps {
    pub trace: Trace,
    pub snapshot: Rc<Snapshot>,
    /// The lanes: every node ever added, in creation order.
    pub layout: Rc<Vec<Slot>>,
    pub selected: Option<String>,
    pub current_step: u64,
    /// Hide PING to a replica and REPLCONF ACK rows (the checkbox above the list).
    pub hide_heartbeats: bool,
    pub dispatch: Callback<Msg>,
}

#[function_component(SequencePanel)]
pub fn sequence_panel(p: &SequenceProps) -> Html {
    let show_all = use_state(|| false);
    let lang = use_context::<Lang>().unwrap_or_default();
    // Follow the current step: when it changes, the list scrolls to its newest rows (the
    // rows shown end at the current step). Opening a row does not move the list.
    let list = use_node_ref();
    {
        let list = list.clone();
        // Scrolled in the next animation frame, not in the effect: reading `scrollHeight` here
        // lays the page out in the middle of a render (then again at the frame); during
        // autoplay that was a layout per step. In the frame the layout is done once.
        use_effect_with(p.current_step, move |_| {
            if let (Some(ol), Some(window)) = (list.cast::<web_sys::Element>(), web_sys::window()) {
                let scroll = wasm_bindgen::closure::Closure::once_into_js(move || ol.set_scroll_top(ol.scroll_height()));
                let _ = window.request_animation_frame(wasm_bindgen::JsCast::unchecked_ref(&scroll));
            }
        });
    }
    let lanes: Vec<String> = p.layout.iter().map(|s| s.name.clone()).collect();
    let trace = p.trace.shown();
    // Each row keeps its trace index as its key: as the window of the latest rows slides, the
    // page moves one row in and one out instead of rewriting every row.
    // A heartbeat: an ACK, or a PING down to a node that replicates from the sender.
    let heartbeat = |e: &TraceEntry| {
        message_of(e).is_some_and(|m| {
            let down = p.snapshot.node(m.to).is_some_and(|n| master_name(&p.layout, n) == Some(m.from));
            is_heartbeat(m.label, down)
        })
    };
    let mut heartbeats = 0usize;
    let rows: Vec<(usize, &TraceEntry)> = trace
        .iter()
        .map(|e| &**e)
        .enumerate()
        .filter(|(_, e)| {
            // Node-to-node messages only: console traffic (from "cli") shows in the console.
            message_of(e).is_some_and(|m| lanes.iter().any(|l| l == m.from) && lanes.iter().any(|l| l == m.to))
                || note_of(lang, e).is_some()
                || matches!(event_of(e), Some((_, Event::ReplState { .. })))
        })
        .filter(|(_, e)| {
            let hide = p.hide_heartbeats && heartbeat(e);
            heartbeats += usize::from(hide);
            !hide
        })
        .collect();
    let on_hide = {
        let d = p.dispatch.clone();
        let hide = p.hide_heartbeats;
        Callback::from(move |_: web_sys::Event| d.emit(Msg::HideHeartbeats(!hide)))
    };
    let rows = grouped(&rows);
    let hidden = if *show_all { 0 } else { rows.len().saturating_sub(PAGE) };
    let toggle = {
        let show_all = show_all.clone();
        Callback::from(move |_| show_all.set(!*show_all))
    };
    let selected = p.selected.as_ref().and_then(|s| p.snapshot.node(s));
    let width = LANE * lanes.len().max(1) as f64;
    html! {
        <div class="sequence">
            if let Some(n) = selected {
                if let Some(state) = n.repl_state {
                    { handshake_strip(lang, &n.name, state) }
                }
            }
            <div class="seq-lanes" aria-hidden="true">
                <svg class="seq-row" viewBox={format!("0 0 {width} 22")} preserveAspectRatio="xMinYMid meet"
                    style={format!("min-width: {}px", (lanes.len() * 90).max(180))}>
                    { for lanes.iter().enumerate().map(|(i, name)| {
                        let state = p.snapshot.node(name).and_then(|n| n.repl_state).map(|s| format!(" · {}", repl_state_label(s)));
                        html! {
                            <text class="lane-head" x={lane_x(i).to_string()} y="15" text-anchor="middle">
                                { format!("{name}{}", state.unwrap_or_default()) }
                            </text>
                        }
                    }) }
                </svg>
            </div>
            <label class="seq-filter" title={t(lang, K::HeartbeatHelp)}>
                <input type="checkbox" data-testid="hide-heartbeats" checked={p.hide_heartbeats} onchange={on_hide} />
                { format!(" {}", t(lang, K::HideHeartbeats)) }
                if p.hide_heartbeats && heartbeats > 0 {
                    <span class="muted" data-testid="heartbeats-hidden">{ tf(lang, K::NHidden, &[&heartbeats]) }</span>
                }
            </label>
            if rows.is_empty() {
                <p class="muted">{ t(lang, K::NoMessages) }</p>
            }
            if hidden > 0 || *show_all {
                <button class="ghost" onclick={toggle}>
                    { if *show_all { t(lang, K::ShowLatest).to_string() } else { tf(lang, K::ShowEarlier, &[&hidden]) } }
                </button>
            }
            <ol class="seq-list" ref={list} aria-label={t(lang, K::SeqListLabel)}>
                { for rows.iter().skip(hidden).map(|run| match run.as_slice() {
                    &[(i, e)] => match event_of(e) {
                        Some((node, Event::ReplState { from, to })) => state_row(lang, i, &lanes, e, node, *from, *to),
                        _ => match note_of(lang, e) {
                            Some(text) => note_row(i, e, text),
                            None => html! {
                                <MessageRow key={i} {lang} index={i} entry={trace[i].clone()} lanes={lanes.clone()} now={e.step == p.current_step} />
                            },
                        },
                    },
                    run => group_row(lang, &lanes, trace, run, p.current_step),
                }) }
            </ol>
        </div>
    }
}
