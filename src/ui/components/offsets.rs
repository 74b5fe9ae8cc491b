//! Offsets side by side: each master's master_repl_offset and each replica's
//! slave_repl_offset, the lag in bytes behind its master, and a small chart of offsets (bytes)
//! over simulated time (lines told apart by dash pattern and an end label, not colour alone),
//! with numbered marks for PSYNC decisions, cuts and full syncs: each mark is also a button
//! under the chart, named by its visible text, that jumps to its step.

use crate::ui::api::Snapshot;
use crate::ui::components::icons::{icon, Icon};
use crate::ui::figures::{mark_class, mark_words, nice_ticks, seconds, spread_markers, timeline_marks};
use crate::ui::format::thousands;
use crate::ui::i18n::{t, tf, Lang, K};
use crate::ui::labels::{self, is_master, lag, master_name, node_offset};
use crate::ui::model::{OffsetSample, Slot, Trace};
use crate::ui::runtime::Msg;
use std::rc::Rc;
use yew::prelude::*;

const DASHES: [&str; 5] = ["", "6 3", "2 3", "10 3 2 3", "1 2"];
/// The chart's frame in SVG units: left (y labels), right (end labels), top, bottom (x labels).
const W: f64 = 340.0;
const H: f64 = 170.0;
const L: f64 = 66.0;
const R: f64 = 30.0;
const T: f64 = 8.0;
const B: f64 = 36.0;
/// At most this many marks: the most recent ones.
const MARKS: usize = 12;

fn chart(lang: Lang, p: &OffsetsProps) -> Html {
    let samples = &p.samples;
    if samples.len() < 2 {
        return html! { <p class="muted">{ t(lang, K::ChartEmpty) }</p> };
    }
    let names: Vec<String> = p.snapshot.nodes.iter().map(|n| n.name.clone()).collect();
    let max = samples.iter().flat_map(|s| s.offsets.iter().map(|(_, o)| *o)).max().unwrap_or(0);
    let yticks = nice_ticks(max, 4);
    let top = *yticks.last().unwrap_or(&1) as f64;
    let (t0, t1) = (samples[0].time_ms, samples[samples.len() - 1].time_ms);
    let span = t1.saturating_sub(t0);
    let xticks = nice_ticks(span, 4);
    let xtop = *xticks.last().unwrap_or(&1) as f64;
    let x = move |ms: u64| L + (W - L - R) * ms.saturating_sub(t0) as f64 / xtop;
    let y = move |o: u64| H - B - (H - T - B) * o as f64 / top;
    let lines = names.iter().enumerate().map(|(k, name)| {
        let pts: Vec<(f64, f64)> = samples
            .iter()
            .filter_map(|s| s.offsets.iter().find(|(n, _)| n == name).map(|(_, o)| (x(s.time_ms), y(*o))))
            .collect();
        let (ex, ey) = pts.last().copied().unwrap_or((0.0, 0.0));
        html! {
            <g class={format!("series s{}", k % 5)}>
                <polyline points={pts.iter().map(|(a, b)| format!("{a:.1},{b:.1}")).collect::<Vec<_>>().join(" ")} stroke-dasharray={DASHES[k % 5]} />
                <text x={format!("{ex:.1}")} y={format!("{ey:.1}")} dx="3" dy="3">{ name.clone() }</text>
            </g>
        }
    });
    let marks = timeline_marks(p.trace.shown(), t0, t1, MARKS);
    // Marks close in time get their numbers spread apart (the lines stay at their moments).
    let numbers = spread_markers(&marks.iter().map(|m| x(m.time_ms)).collect::<Vec<_>>(), 9.0, L, W - R);
    let jump = |step: u64| {
        let d = p.dispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(Msg::Scrub(step)))
    };
    let first = samples[0].step;
    let last = samples[samples.len() - 1].step;
    html! {
        <figure class="chart" data-testid="offsets-chart">
            <svg viewBox={format!("0 0 {W} {H}")} role="img"
                aria-label={tf(lang, K::ChartLabel, &[&first, &last, &max])}>
                <g class="chart-grid">
                    { for yticks.iter().map(|&v| html! {
                        <g class="tick y-tick">
                            <line x1={L.to_string()} x2={(W - R).to_string()} y1={format!("{:.1}", y(v))} y2={format!("{:.1}", y(v))} />
                            <text x={(L - 4.0).to_string()} y={format!("{:.1}", y(v) + 3.5)} text-anchor="end">{ format!("{} B", thousands(v)) }</text>
                        </g>
                    }) }
                    { for xticks.iter().map(|&v| html! {
                        <text class="tick x-tick" x={format!("{:.1}", x(t0 + v))} y={(H - B + 12.0).to_string()} text-anchor="middle">
                            { format!("+{}", seconds(v)) }
                        </text>
                    }) }
                </g>
                <line class="axis" x1={L.to_string()} y1={(H - B).to_string()} x2={(W - R).to_string()} y2={(H - B).to_string()} />
                <line class="axis" x1={L.to_string()} y1={T.to_string()} x2={L.to_string()} y2={(H - B).to_string()} />
                <text class="axis-title" x={((L + W - R) / 2.0).to_string()} y={(H - 4.0).to_string()} text-anchor="middle">
                    { format!("{} · {}", t(lang, K::AxisTime), labels::wall_clock(t0)) }
                </text>
                <text class="axis-title" x="9" y={((T + H - B) / 2.0).to_string()} text-anchor="middle"
                    transform={format!("rotate(-90 9 {})", (T + H - B) / 2.0)}>{ t(lang, K::AxisBytes) }</text>
                { for marks.iter().enumerate().map(|(i, m)| {
                    let (mx, nx) = (x(m.time_ms), numbers[i]);
                    html! {
                        <g class={classes!("mark", mark_class(m))} onclick={jump(m.step)}>
                            <title>{ mark_words(lang, m) }</title>
                            <line x1={format!("{mx:.1}")} x2={format!("{mx:.1}")} y1={T.to_string()} y2={(H - B).to_string()} />
                            <text x={format!("{nx:.1}")} y={(T + 8.0).to_string()} text-anchor="middle">{ (i + 1).to_string() }</text>
                        </g>
                    }
                }) }
                { for lines }
            </svg>
            <figcaption>
                { tf(lang, K::ChartCaption, &[&first, &last, &max]) }
                if !marks.is_empty() {
                    <p class="marks-caption">{ t(lang, K::MarksCaption) }</p>
                    <ol class="marks" data-testid="chart-marks">
                        { for marks.iter().enumerate().map(|(i, m)| html! {
                            <li>
                                <button type="button" class={classes!("mark-button", mark_class(m))} data-step={m.step.to_string()} onclick={jump(m.step)}>
                                    { tf(lang, K::MarkButton, &[&(i + 1), &m.step, &mark_words(lang, m)]) }
                                </button>
                            </li>
                        }) }
                    </ol>
                }
            </figcaption>
        </figure>
    }
}

#[derive(Properties, PartialEq, Clone)]
pub struct OffsetsProps {
    pub snapshot: Rc<Snapshot>,
    /// To find each replica's master, running or stopped.
    pub layout: Rc<Vec<Slot>>,
    pub samples: Rc<Vec<OffsetSample>>,
    /// For the timeline marks (decisions, cuts, full syncs) up to the current step.
    pub trace: Trace,
    /// A mark's click jumps to its step.
    pub dispatch: Callback<Msg>,
}

#[function_component(OffsetsPanel)]
pub fn offsets_panel(p: &OffsetsProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let nodes = &p.snapshot.nodes;
    html! {
        <div class="offsets">
            <table class="offset-table" data-testid="offsets">
                <thead>
                    <tr>
                        <th scope="col">{ t(lang, K::ColNode) }</th><th scope="col">{ t(lang, K::ColRole) }</th>
                        <th scope="col">{ t(lang, K::ColOffset) }</th><th scope="col">{ t(lang, K::ColLag) }</th>
                    </tr>
                </thead>
                <tbody>
                    { for nodes.iter().map(|n| {
                        let offset = node_offset(n);
                        let lag = lag(lang, n, master_name(&p.layout, n).and_then(|m| p.snapshot.node(m)));
                        let master = is_master(n);
                        html! {
                            <tr data-node={n.name.clone()}>
                                <th scope="row">{ n.name.clone() }</th>
                                <td>{ if master { icon(Icon::Promote) } else { icon(Icon::Replica) } }{ format!(" {}", t(lang, if master { K::Master } else { K::Replica })) }</td>
                                <td class="num" title={if master { "master_repl_offset" } else { "slave_repl_offset" }}>{ offset }</td>
                                <td class="num">{ lag }</td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
            { chart(lang, p) }
        </div>
    }
}
