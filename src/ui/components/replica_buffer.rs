//! Replication buffers, drawn: each replica's output buffer on its master as a bar against
//! `client-output-buffer-limit replica` (hard and soft marks, the soft-limit clock of
//! `checkClientOutputBufferLimits`, the moment the master closed it), and the switch between
//! the 7.0 layout (one shared buffer of blocks, `feedReplicationBuffer`) and the 6.x one (a
//! ring per master plus a copy per replica, modelled in `ui::buffers`). Every figure is the
//! engine's view or the trace's; switching the layout changes the picture, never the run.

use crate::engine::event::ObufLimit;
use crate::engine::view::{NodeView, ReplicaView};
use crate::ui::api::TraceEntry;
use crate::ui::buffers::{bar_scale, drops, layout6, replica_name, BufferDrop};
use crate::ui::i18n::{t, tf, Lang, K};
use crate::ui::labels::wall_clock;
use std::rc::Rc;
use yew::prelude::*;

/// Which release's memory layout the backlog panel draws.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BufferLayout {
    #[default]
    Redis7,
    Redis6,
}

impl BufferLayout {
    fn as_str(self) -> &'static str {
        match self {
            BufferLayout::Redis7 => "7.0",
            BufferLayout::Redis6 => "6.x",
        }
    }
}

/// The two-way switch (a radio group).
pub fn layout_switch(lang: Lang, layout: BufferLayout, on: Callback<BufferLayout>) -> Html {
    let option = |value: BufferLayout, key: K| {
        let on = on.clone();
        html! {
            <label>
                <input type="radio" name="backlog-layout" value={value.as_str()} checked={layout == value}
                    onchange={Callback::from(move |_: Event| on.emit(value))} />
                { format!(" {}", t(lang, key)) }
            </label>
        }
    };
    html! {
        <fieldset class="layout-switch" data-testid="backlog-layout" data-layout={layout.as_str()}>
            <legend>{ t(lang, K::LayoutLegend) }</legend>
            { option(BufferLayout::Redis7, K::Layout7) }
            { option(BufferLayout::Redis6, K::Layout6) }
        </fieldset>
    }
}

fn limit_word(lang: Lang, l: ObufLimit) -> &'static str {
    t(lang, if l == ObufLimit::Hard { K::LimitHard } else { K::LimitSoft })
}

fn drop_words(lang: Lang, d: &BufferDrop, key: K) -> String {
    tf(lang, key, &[&wall_clock(d.time_ms), &d.step, &limit_word(lang, d.limit), &d.bytes])
}

/// One replica's bar: `r` while attached, `dropped` when the master closed it for its buffer.
fn bar(lang: Lang, master: &NodeView, name: &str, r: Option<&ReplicaView>, dropped: Option<&BufferDrop>) -> Html {
    let lim = master.replica_obuf_limit;
    let bytes = r.map(|r| r.obuf_bytes).unwrap_or(0);
    let scale = bar_scale(bytes.max(dropped.map(|d| d.bytes).unwrap_or(0)), lim.hard, lim.soft) as f64;
    let x = |v: u64| 300.0 * v as f64 / scale;
    let over = match (lim.hard, lim.soft) {
        (h, _) if h > 0 && bytes >= h => "over-hard",
        (_, s) if s > 0 && bytes >= s => "over-soft",
        _ => "under",
    };
    let hard = if lim.hard == 0 {
        t(lang, K::BufHardOff).to_string()
    } else if lim.hard != lim.hard_configured {
        tf(lang, K::BufHardRaised, &[&lim.hard, &lim.hard_configured])
    } else {
        tf(lang, K::BufHard, &[&lim.hard])
    };
    let soft = if lim.soft == 0 { t(lang, K::BufSoftOff).to_string() } else { tf(lang, K::BufSoft, &[&lim.soft, &lim.soft_seconds]) };
    let timer = match (lim.soft, r.and_then(|r| r.soft_over_s)) {
        (0, _) => None,
        (_, Some(s)) => Some(tf(lang, K::BufSoftTimer, &[&s, &lim.soft_seconds])),
        (_, None) => r.map(|_| t(lang, K::BufUnderSoft).to_string()),
    };
    html! {
        <div class={classes!("replica-buffer", over)} data-testid={format!("replica-buffer-{}-{name}", master.name)}
            data-bytes={bytes.to_string()} data-attached={r.is_some().to_string()}>
            <svg viewBox="0 0 300 20" preserveAspectRatio="none" role="img"
                aria-label={tf(lang, K::BufBarLabel, &[&name, &master.name, &bytes, &lim.hard, &lim.soft])}>
                <rect class="buffer-track" x="0" y="4" width="300" height="12" />
                <rect class="buffer-fill" x="0" y="4" width={format!("{:.1}", x(bytes))} height="12" />
                if lim.soft > 0 {
                    <line class="buffer-soft" x1={format!("{:.1}", x(lim.soft))} y1="0" x2={format!("{:.1}", x(lim.soft))} y2="20" />
                }
                if lim.hard > 0 {
                    <line class="buffer-hard" x1={format!("{:.1}", x(lim.hard))} y1="0" x2={format!("{:.1}", x(lim.hard))} y2="20" />
                }
            </svg>
            <p class="buffer-words">
                <strong>{ name.to_string() }</strong>{ ": " }
                <span data-testid="buffer-bytes">{ tf(lang, K::BufBytes, &[&bytes, &r.map(|r| r.obuf_blocks).unwrap_or(0)]) }</span>
                { " · " }<span data-testid="buffer-hard">{ hard }</span>
                { " · " }<span data-testid="buffer-soft">{ soft }</span>
            </p>
            if let Some(timer) = timer {
                <p class="buffer-timer" data-testid="soft-timer">{ timer }</p>
            }
            if let Some(d) = dropped {
                <p class="verdict bad" data-testid="buffer-dropped">
                    { drop_words(lang, d, if r.is_some() { K::BufDroppedBefore } else { K::BufDropped }) }
                </p>
            }
        </div>
    }
}

/// A master's replicas as bars: those attached now, and those it dropped for their output
/// buffer and that have not come back.
pub fn replica_buffers(lang: Lang, master: &NodeView, shown: &[Rc<TraceEntry>], names: &[(u16, String)]) -> Html {
    let all_drops = drops(shown, &master.name);
    let last_drop = |addr: &str| all_drops.iter().rev().find(|d| d.addr == addr);
    let mut gone: Vec<&BufferDrop> = Vec::new();
    for d in all_drops.iter().rev() {
        if !master.replicas.iter().any(|r| r.addr == d.addr) && !gone.iter().any(|g| g.addr == d.addr) {
            gone.push(d);
        }
    }
    if master.replicas.is_empty() && gone.is_empty() {
        return html! {};
    }
    html! {
        <section class="replica-buffers" aria-label={tf(lang, K::HBuffers, &[&master.name])}>
            <h3>{ tf(lang, K::HBuffers, &[&master.name]) }</h3>
            { for master.replicas.iter().map(|r| bar(lang, master, &replica_name(names, &r.addr), Some(r), last_drop(&r.addr))) }
            { for gone.iter().map(|d| bar(lang, master, &replica_name(names, &d.addr), None, Some(d))) }
        </section>
    }
}

/// The layout drawn to one scale (the larger of the two layouts' memory, so switching shows
/// which needs more): 7.0 as one row of shared blocks with each replica's reference marked,
/// 6.x as the ring's allocation and, under it, each replica's own copy (its `omem`).
fn layout_picture(lang: Lang, layout: BufferLayout, master: &NodeView, names: &[(u16, String)], memory: u64) -> Html {
    let (Some(b), Some(l6)) = (master.backlog.as_ref(), layout6(master)) else { return html! {} };
    let copies: u64 = l6.replicas.iter().map(|r| r.omem).max().unwrap_or(0);
    let scale = b.buffer_mem.max(l6.backlog_alloc).max(copies).max(1) as f64;
    let w = |v: u64| (290.0 * v as f64 / scale).max(if v > 0 { 1.0 } else { 0.0 });
    let rows: Vec<(String, u64, Vec<u64>)> = match layout {
        BufferLayout::Redis7 => {
            let n = b.blocks.len() as u64;
            let each = b.buffer_mem.checked_div(n).unwrap_or(0);
            // Each replica's reference: the index of its block among the shared ones.
            let marks = master
                .replicas
                .iter()
                .filter_map(|r| r.buffer_from.and_then(|from| b.blocks.iter().position(|(o, _)| *o == from)))
                .map(|i| i as u64 * each)
                .collect();
            vec![(t(lang, K::Layout7).to_string(), b.buffer_mem, marks)]
        }
        BufferLayout::Redis6 => std::iter::once(("repl-backlog-size".to_string(), l6.backlog_alloc, vec![]))
            .chain(l6.replicas.iter().map(|r| (format!("{} omem", replica_name(names, &r.addr)), r.omem, vec![])))
            .collect(),
    };
    let height = 14 * rows.len() + 4;
    html! {
        <svg class="layout-picture" viewBox={format!("0 0 300 {height}")} role="img" data-testid="layout-picture"
            aria-label={tf(lang, K::LayoutMemory, &[&memory])}>
            { for rows.iter().enumerate().map(|(i, (label, bytes, marks))| {
                let y = 2 + 14 * i;
                html! {
                    <g>
                        <title>{ format!("{label}: {bytes} B") }</title>
                        <rect class="layout-bar" x="5" y={y.to_string()} width={format!("{:.1}", w(*bytes))} height="11" />
                        { for marks.iter().map(|m| html! {
                            <line class="layout-ref" x1={format!("{:.1}", 5.0 + w(*m))} y1={y.to_string()}
                                x2={format!("{:.1}", 5.0 + w(*m))} y2={(y + 11).to_string()} />
                        }) }
                    </g>
                }
            }) }
        </svg>
    }
}

/// The chosen layout's picture and memory for one master at this moment.
pub fn layout_figure(lang: Lang, layout: BufferLayout, master: &NodeView, names: &[(u16, String)]) -> Html {
    let Some(b) = master.backlog.as_ref() else { return html! {} };
    let name = |addr: &str| replica_name(names, addr);
    let (memory, body) = match layout {
        BufferLayout::Redis7 => (
            b.buffer_mem,
            html! {
                <>
                    <p>{ tf(lang, K::Mem7, &[&b.blocks.len(), &b.buffer_mem]) }</p>
                    <ul>
                        { for master.replicas.iter().map(|r| html! {
                            <li>{ match r.buffer_from {
                                Some(from) => tf(lang, K::Mem7Replica, &[&name(&r.addr), &from, &r.obuf_bytes, &r.obuf_blocks]),
                                None => tf(lang, K::Mem7NoRef, &[&name(&r.addr)]),
                            } }</li>
                        }) }
                    </ul>
                </>
            },
        ),
        BufferLayout::Redis6 => {
            let Some(l) = layout6(master) else { return html! {} };
            let end = master.master_repl_offset;
            (
                l.total,
                html! {
                    <>
                        <p>
                            { tf(lang, K::Mem6, &[&l.backlog_alloc, &l.first_byte, &end, &l.total]) }
                            { " " }<em class="modelled" data-testid="modelled">{ format!("({})", t(lang, K::Modelled)) }</em>
                        </p>
                        <ul>
                            { for l.replicas.iter().map(|r| html! {
                                <li>{ tf(lang, K::Mem6Replica, &[&name(&r.addr), &r.unsent, &r.in_static, &r.blocks, &r.omem]) }</li>
                            }) }
                        </ul>
                    </>
                },
            )
        }
    };
    html! {
        <div class="layout-figure" data-testid={format!("layout-figure-{}", master.name)} data-layout={layout.as_str()}>
            <p class="layout-memory" data-testid="layout-memory">
                <strong>{ t(lang, if layout == BufferLayout::Redis7 { K::Layout7 } else { K::Layout6 }) }</strong>
                { format!(" · {}", tf(lang, K::LayoutMemory, &[&memory])) }
            </p>
            { layout_picture(lang, layout, master, names, memory) }
            { body }
        </div>
    }
}
