//! Offsets side by side: each master's master_repl_offset and each replica's
//! slave_repl_offset, the lag in bytes behind its master, and a small chart of offsets over
//! the steps seen so far (lines told apart by dash pattern and an end label, not colour alone).

use crate::ui::api::Snapshot;
use crate::ui::components::icons::{icon, Icon};
use crate::ui::i18n::{t, tf, Lang, K};
use crate::ui::labels::{is_master, lag, master_name, node_offset};
use crate::ui::model::{OffsetSample, Slot};
use std::rc::Rc;
use yew::prelude::*;

const DASHES: [&str; 5] = ["", "6 3", "2 3", "10 3 2 3", "1 2"];

fn chart(lang: Lang, p: &OffsetsProps) -> Html {
    let samples = &p.samples;
    if samples.len() < 2 {
        return html! { <p class="muted">{ t(lang, K::ChartEmpty) }</p> };
    }
    let names: Vec<String> = p.snapshot.nodes.iter().map(|n| n.name.clone()).collect();
    let max = samples.iter().flat_map(|s| s.offsets.iter().map(|(_, o)| *o)).max().unwrap_or(0).max(1) as f64;
    let (w, h, pad) = (320.0, 120.0, 4.0);
    let count = (samples.len() - 1) as f64;
    let lines = names.iter().enumerate().map(|(k, name)| {
        let pts: Vec<String> = samples
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.offsets.iter().find(|(n, _)| n == name).map(|(_, o)| (i, *o)))
            .map(|(i, o)| {
                format!("{:.1},{:.1}", pad + (w - 2.0 * pad - 30.0) * i as f64 / count, h - pad - (h - 2.0 * pad) * o as f64 / max)
            })
            .collect();
        let end = pts.last().cloned().unwrap_or_default();
        let (ex, ey) = end.split_once(',').unwrap_or(("0", "0"));
        html! {
            <g class={format!("series s{}", k % 5)}>
                <polyline points={pts.join(" ")} stroke-dasharray={DASHES[k % 5]} />
                <text x={ex.to_string()} y={ey.to_string()} dx="3" dy="3">{ name.clone() }</text>
            </g>
        }
    });
    let first = samples.first().map(|s| s.step).unwrap_or(0);
    let last = samples.last().map(|s| s.step).unwrap_or(0);
    html! {
        <figure class="chart">
            <svg viewBox={format!("0 0 {w} {h}")} role="img"
                aria-label={tf(lang, K::ChartLabel, &[&first, &last, &(max as u64)])}>
                <line class="axis" x1={pad.to_string()} y1={(h - pad).to_string()} x2={(w - 30.0).to_string()} y2={(h - pad).to_string()} />
                { for lines }
            </svg>
            <figcaption>{ tf(lang, K::ChartCaption, &[&first, &last, &(max as u64)]) }</figcaption>
        </figure>
    }
}

#[derive(Properties, PartialEq)]
pub struct OffsetsProps {
    pub snapshot: Rc<Snapshot>,
    /// To find each replica's master, running or stopped.
    pub layout: Rc<Vec<Slot>>,
    pub samples: Rc<Vec<OffsetSample>>,
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
