//! The replication backlog as the articles draw it: a ring of repl-backlog-size bytes, the
//! filled window [repl_backlog_first_byte_offset, + repl_backlog_histlen), the write head, and
//! the offset a reconnecting replica asked for, inside or outside the window. Under it, the
//! 7.0 reality: the list of replication-buffer blocks the backlog spans (`BacklogView.blocks`).

use crate::engine::event::Event;
use crate::engine::view::{BacklogView, NodeView};
use crate::ui::api::{event_of, Snapshot};
use crate::ui::components::icons::{icon, icon_at, Icon};
use crate::ui::components::replica_buffer::{layout_figure, layout_switch, replica_buffers, BufferLayout};
use crate::ui::figures::{backlog_note, spread_markers};
use crate::ui::format::backlog_window;
use crate::ui::format::human_bytes;
use crate::ui::i18n::{t, tf, Lang, K};
use crate::ui::model::Trace;
use std::f64::consts::PI;
use std::rc::Rc;
use yew::prelude::*;

const R: f64 = 70.0;
const C: f64 = 100.0;

/// The ring position of byte `offset`: byte positions repeat every `size` bytes.
fn point(offset: u64, size: u64, radius: f64) -> (f64, f64) {
    let frac = (offset % size.max(1)) as f64 / size.max(1) as f64;
    let a = frac * 2.0 * PI - PI / 2.0;
    (C + radius * a.cos(), C + radius * a.sin())
}

/// An SVG arc over `len` bytes starting at byte `start` (a full circle when len ≥ size).
fn arc(start: u64, len: u64, size: u64) -> String {
    if len == 0 {
        return String::new();
    }
    if len >= size {
        return format!("M {C} {} A {R} {R} 0 1 1 {C} {} A {R} {R} 0 1 1 {C} {}", C - R, C + R, C - R);
    }
    let (x0, y0) = point(start, size, R);
    let (x1, y1) = point(start + len, size, R);
    let large = if len * 2 > size { 1 } else { 0 };
    format!("M {x0:.2} {y0:.2} A {R} {R} 0 {large} 1 {x1:.2} {y1:.2}")
}

/// The last PSYNC this node decided: the offset asked, whether it was accepted, and where it
/// stood against the backlog window at that moment.
struct Request {
    asked: i64,
    accepted: bool,
    where_: String,
}

fn last_request(lang: Lang, trace: &Trace, node: &str) -> Option<Request> {
    trace.shown().iter().rev().find_map(|e| match event_of(e) {
        Some((n, Event::PsyncDecision(d))) if n == node && d.requested_offset > 0 => {
            let asked = d.requested_offset;
            let where_ = match d.backlog {
                Some((first, _)) if asked < first as i64 => tf(lang, K::BytesBeforeWindow, &[&(first as i64 - asked)]),
                Some((first, histlen)) if asked > (first + histlen) as i64 => {
                    tf(lang, K::BytesPastHead, &[&(asked - (first + histlen) as i64)])
                }
                Some(_) => t(lang, K::InsideWindow).to_string(),
                None => t(lang, K::NoBacklogThen).to_string(),
            };
            Some(Request { asked, accepted: crate::ui::format::is_continue(d), where_ })
        }
        _ => None,
    })
}

/// The window drawn to scale on a line that fits the data (the ring is to scale of
/// repl-backlog-size, where 149 B in 1 MB is invisible): the held bytes from the first byte to
/// the write head, and the offset last asked, with numbered markers and a legend.
fn window_strip(lang: Lang, b: &BacklogView, request: Option<&Request>) -> Html {
    const W: f64 = 300.0;
    let head = b.first_byte + b.histlen;
    let asked = request.map(|r| r.asked.max(0) as u64);
    let lo = asked.map_or(b.first_byte, |a| a.min(b.first_byte));
    let hi = asked.map_or(head, |a| a.max(head)).max(lo + 1);
    let x = |o: u64| 10.0 + (o - lo) as f64 / (hi - lo) as f64 * (W - 20.0);
    // The numbered circles move apart when their offsets are close (the tick lines stay at the
    // true offsets, a leader joins each circle to its tick).
    let mut at = vec![x(b.first_byte), x(head)];
    at.extend(asked.map(x));
    let circles = spread_markers(&at, 16.0, 8.0, W - 8.0);
    let marker = |n: u8, o: u64, class: &'static str, what: String| {
        let (cx, lx) = (x(o), circles[usize::from(n - 1)]);
        html! {
            <g class={classes!("strip-marker", class)} data-testid={format!("strip-marker-{n}")}>
                <title>{ what }</title>
                <line x1={format!("{cx:.1}")} y1="6" x2={format!("{cx:.1}")} y2="26" />
                <line class="leader" x1={format!("{cx:.1}")} y1="26" x2={format!("{lx:.1}")} y2="32" />
                <circle cx={format!("{lx:.1}")} cy="39" r="7" />
                <text x={format!("{lx:.1}")} y="42.5" text-anchor="middle">{ n.to_string() }</text>
            </g>
        }
    };
    html! {
        <figure class="window-strip" data-testid="window-strip">
            <svg viewBox={format!("0 0 {W} 48")} role="img"
                aria-label={tf(lang, K::StripLabel, &[&lo, &hi, &b.first_byte, &head.saturating_sub(1)])}>
                <rect class="strip-track" x="10" y="12" width={format!("{}", W - 20.0)} height="12" />
                <rect class="strip-held" x={format!("{:.1}", x(b.first_byte))} y="12"
                    width={format!("{:.1}", (x(head) - x(b.first_byte)).max(1.0))} height="12">
                    <title>{ tf(lang, K::BytesHeld, &[&b.first_byte, &head.saturating_sub(1), &b.histlen]) }</title>
                </rect>
                { marker(1, b.first_byte, "first", tf(lang, K::MarkerFirst, &[&b.first_byte])) }
                { marker(2, head, "head", tf(lang, K::MarkerHead, &[&head])) }
                if let (Some(a), Some(r)) = (asked, request) {
                    { marker(3, a, if r.accepted { "asked inside" } else { "asked outside" }, tf(lang, K::MarkerAsked, &[&a])) }
                }
            </svg>
            <figcaption>
                <ol class="strip-legend" data-testid="strip-legend">
                    // Numbered as the markers are (the number is text, not a list marker).
                    <li><span class="strip-num">{"1"}</span>{ format!(" {}", tf(lang, K::LegendFirst, &[&b.first_byte])) }</li>
                    <li><span class="strip-num">{"2"}</span>{ format!(" {}", tf(lang, K::LegendHead, &[&head])) }</li>
                    if let Some(a) = asked {
                        <li><span class="strip-num">{"3"}</span>{ format!(" {}", tf(lang, K::LegendAsked, &[&a])) }</li>
                    }
                </ol>
                <span class="muted">{ tf(lang, K::StripScale, &[&lo, &hi, &(hi - lo)]) }</span>
            </figcaption>
        </figure>
    }
}

fn blocks_strip(lang: Lang, b: &BacklogView) -> Html {
    if b.blocks.is_empty() {
        return html! {};
    }
    let lo = b.blocks.iter().map(|(o, _)| *o).min().unwrap_or(0);
    let hi = b.blocks.iter().map(|(o, used)| o + used).max().unwrap_or(lo + 1).max(lo + 1);
    let span = (hi - lo) as f64;
    let window_end = b.first_byte + b.histlen;
    html! {
        <figure class="blocks">
            <svg viewBox="0 0 300 22" preserveAspectRatio="none" role="img"
                aria-label={tf(lang, K::BlocksLabel, &[&b.blocks.len(), &lo, &hi])}>
                { for b.blocks.iter().map(|(o, used)| {
                    let x = (*o - lo) as f64 / span * 300.0;
                    let w = (*used as f64 / span * 300.0).max(1.0);
                    let in_window = o + used > b.first_byte && *o < window_end;
                    html! {
                        <rect class={classes!("block", in_window.then_some("in-window"))} x={format!("{x:.2}")} y="3" width={format!("{w:.2}")} height="16">
                            <title>{ tf(lang, K::BlockTitle, &[&o, &used]) }</title>
                        </rect>
                    }
                }) }
            </svg>
            <figcaption>{ tf(lang, K::BlocksCaption, &[&b.blocks.len()]) }</figcaption>
        </figure>
    }
}

fn ring(lang: Lang, trace: &Trace, node: &NodeView, b: &BacklogView) -> Html {
    let size = b.size.max(1);
    let head = b.first_byte + b.histlen;
    let shown = b.histlen.min(size);
    let (hx, hy) = point(head, size, R);
    let (hx2, hy2) = point(head, size, R + 16.0);
    let request = last_request(lang, trace, &node.name);
    html! {
        <figure class="ring" data-testid={format!("backlog-{}", node.name)} data-first-byte={b.first_byte.to_string()}
            data-histlen={b.histlen.to_string()} data-size={b.size.to_string()}>
            <svg viewBox="0 0 200 200" role="img"
                aria-label={tf(lang, K::RingLabel, &[&node.name, &b.histlen, &b.size, &backlog_window(b.first_byte, b.histlen)])}>
                <circle class="ring-track" cx={C.to_string()} cy={C.to_string()} r={R.to_string()} />
                <path class="ring-fill" d={arc(b.first_byte, shown, size)} />
                <line class="ring-head" x1={format!("{hx:.2}")} y1={format!("{hy:.2}")} x2={format!("{hx2:.2}")} y2={format!("{hy2:.2}")} />
                <g class="ring-head-label">{ icon_at(Icon::WriteHead, hx2, hy2 - 4.0, 10.0) }</g>
                if let Some(Request { asked, accepted: ok, .. }) = &request {
                    { {
                        let (ok, asked) = (*ok, *asked);
                        let (x, y) = point(asked.max(0) as u64, size, R - 14.0);
                        html! {
                            <g class={classes!("ring-request", if ok { "inside" } else { "outside" })}>
                                <circle cx={format!("{x:.2}")} cy={format!("{y:.2}")} r="5" />
                                { icon_at(if ok { Icon::Check } else { Icon::Cross }, x, y, 7.0) }
                            </g>
                        }
                    } }
                }
                <text class="ring-center" x={C.to_string()} y={(C - 6.0).to_string()} text-anchor="middle">{ node.name.clone() }</text>
                <text class="ring-center small" x={C.to_string()} y={(C + 12.0).to_string()} text-anchor="middle">
                    { format!("{} / {}", human_bytes(b.histlen), human_bytes(b.size)) }
                </text>
            </svg>
            <figcaption>
                <dl class="kv">
                    <dt><abbr title={t(lang, K::BacklogWindowHelp)}>{ t(lang, K::Window) }</abbr></dt>
                    <dd data-testid="ring-window">{ backlog_window(b.first_byte, b.histlen) }</dd>
                    <dt><abbr title={t(lang, K::FirstByteHelp)}>{ t(lang, K::FirstByte) }</abbr></dt><dd>{ b.first_byte }</dd>
                    <dt><abbr title={t(lang, K::HistlenHelp)}>{"histlen"}</abbr></dt><dd>{ format!("{} B", b.histlen) }</dd>
                    <dt><abbr title={t(lang, K::SizeHelp)}>{ t(lang, K::Size) }</abbr></dt><dd>{ format!("{} B", b.size) }</dd>
                    <dt><abbr title={t(lang, K::HeadHelp)}><span class="nowrap">{ icon(Icon::WriteHead) }{ format!(" {}", t(lang, K::WriteHead)) }</span></abbr></dt><dd>{ head }</dd>
                    if let Some(r) = &request {
                        <dt>{ t(lang, K::LastAsked) }</dt>
                        <dd class={if r.accepted { "verdict ok" } else { "verdict bad" }}>
                            { format!("{} ", r.asked) }{ icon(if r.accepted { Icon::Check } else { Icon::Cross }) }
                            { format!(" {}: {}", r.where_, if r.accepted { "+CONTINUE" } else { "+FULLRESYNC" }) }
                        </dd>
                    }
                </dl>
                // The note fits what is on screen (figures::backlog_note says which).
                if let Some(note) = backlog_note(b.histlen, b.size, node.replicas.len()) {
                    <p class="note" data-testid="backlog-note">{ t(lang, note) }</p>
                }
                { window_strip(lang, b, request.as_ref()) }
                { blocks_strip(lang, b) }
            </figcaption>
        </figure>
    }
}

#[derive(Properties, PartialEq, Clone)]
pub struct BacklogProps {
    pub snapshot: Rc<Snapshot>,
    /// For the last PSYNC each master decided.
    pub trace: Trace,
}

#[function_component(BacklogPanel)]
pub fn backlog_panel(p: &BacklogProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let with: Vec<&NodeView> = p.snapshot.nodes.iter().filter(|n| n.backlog.is_some()).collect();
    if with.is_empty() {
        return html! {
            <p class="muted">{ t(lang, K::NoBacklogYet) }</p>
        };
    }
    let layout = use_state(BufferLayout::default);
    let on_layout = {
        let layout = layout.clone();
        Callback::from(move |l: BufferLayout| layout.set(l))
    };
    let names: Vec<(u16, String)> = p.snapshot.nodes.iter().map(|n| (n.port, n.name.clone())).collect();
    html! {
        <>
            { layout_switch(lang, *layout, on_layout) }
            <div class="rings">
                { for with.iter().filter_map(|n| n.backlog.as_ref().map(|b| html! {
                    <div class="ring-and-buffers">
                        { ring(lang, &p.trace, n, b) }
                        { replica_buffers(lang, n, p.trace.shown(), &names) }
                        { layout_figure(lang, *layout, n, &names) }
                    </div>
                })) }
            </div>
        </>
    }
}
