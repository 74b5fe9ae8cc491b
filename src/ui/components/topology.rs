//! The topology: nodes (role, replid, offset) and links as SVG, messages in flight drawn along
//! their link at the fraction of their logical trip, and the controls: per link cut/heal,
//! hold/release and its speed (`link_speed`), per node stop/restart, promote (`REPLICAOF NO ONE`),
//! follow another master; add a node.

use crate::engine::view::NodeView;
use crate::ui::api::{Flight, Input, LinkState, LinkView, Snapshot};
use crate::ui::components::icons::{icon, icon_at, Icon};
use crate::ui::components::link_speed::link_speed;
use crate::ui::components::narrow::use_narrow;
use crate::ui::format::short_id;
use crate::ui::geometry::{places_narrow, places_wide, to_edge, trim_bytes_label, LABEL_CHAR_W, NODE_H, NODE_W};
use crate::ui::i18n::{t, tf, Lang, K};
use crate::ui::labels::{
    is_master, link_has_stopped_end, link_words, master_link_words, master_name, next_name, node_offset, topology_description,
};
use crate::ui::model::Slot;
use crate::ui::runtime::Msg;
use crate::ui::speed::speed_words;
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Flights drawn per link; the rest are counted.
const MAX_FLIGHTS: usize = 8;

/// Where each node of the layout sits, as a replication tree read left to right: masters
/// (and stopped nodes) in the first column, each replica one column right of its master; on a
/// narrow screen top to bottom (a row per depth, at most two nodes side by side).
/// Returns the centres, by layout index, the drawing's height and its width.
fn places(p: &TopologyProps, narrow: bool) -> (Vec<(f64, f64)>, f64, f64) {
    let layout = &p.layout;
    let nodes = &p.snapshot.nodes;
    // The master a node replicates from, as a layout index.
    let parent = |name: &str| -> Option<usize> {
        let n = nodes.iter().find(|n| n.name == name)?;
        let master = master_name(layout, n)?;
        layout.iter().position(|s| s.name == master)
    };
    let depth: Vec<usize> = (0..layout.len())
        .map(|i| {
            let (mut d, mut at) = (0, i);
            // Bounded walk: a replication cycle (possible mid-failover) must not loop forever.
            while let Some(up) = parent(&layout[at].name) {
                d += 1;
                at = up;
                if d >= layout.len() {
                    break;
                }
            }
            d.min(3)
        })
        .collect();
    if narrow {
        places_narrow(&depth)
    } else {
        places_wide(&depth)
    }
}

/// A node's place in the layout (creation order, stopped nodes included).
fn slot(layout: &[Slot], name: &str) -> Option<usize> {
    layout.iter().position(|s| s.name == name)
}

/// A flight's progress along its link at `now`, 0.0 (just sent) to 1.0 (arriving).
fn progress(f: &Flight, now: u64) -> f64 {
    if f.arrive_at <= f.sent_at {
        return 1.0;
    }
    (now.saturating_sub(f.sent_at) as f64 / (f.arrive_at - f.sent_at) as f64).clamp(0.0, 1.0)
}

/// A link's line and state, and its flights: the page draws the flights after the nodes, so
/// a label is never under a node box.
fn link_svg(lang: Lang, p: &TopologyProps, places: &[(f64, f64)], link: &LinkView, width: f64) -> (Html, Html) {
    let snapshot = &p.snapshot;
    let (Some(ia), Some(ib)) = (slot(&p.layout, &link.a), slot(&p.layout, &link.b)) else {
        return (html! {}, html! {});
    };
    let (ax, ay) = places[ia];
    let (bx, by) = places[ib];
    let (mx, my) = ((ax + bx) / 2.0, (ay + by) / 2.0);
    let (dx, dy) = (bx - ax, by - ay);
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    // A unit normal: messages a→b ride on one side of the line, b→a on the other.
    let (nx, ny) = (-dy / len, dx / len);
    // A stopped end has no process: no connection can be up, whatever the network does.
    let endpoint_down = link_has_stopped_end(link, &snapshot.stopped);
    let state_mark = match link.state {
        LinkState::Cut => Some((Icon::Cut, t(lang, K::LinkCut))),
        LinkState::Held => Some((Icon::Hold, t(lang, K::LinkHeld))),
        LinkState::Up if endpoint_down => Some((Icon::Stop, t(lang, K::NodeStopped))),
        LinkState::Up => None,
    };
    // Many writes can be in flight at once (a burst of SETs): draw the first few per link.
    let hidden = link.in_flight.len().saturating_sub(MAX_FLIGHTS);
    let mut seen: std::collections::BTreeMap<String, usize> = Default::default();
    let flights = link.in_flight.iter().take(MAX_FLIGHTS).enumerate().map(|(k, f)| {
        // Identical writes sent in the same millisecond get an occurrence number: keys must be unique.
        let id = format!("{}>{}@{}:{}", f.from, f.to, f.sent_at, f.label);
        let nth = seen.entry(id.clone()).and_modify(|n| *n += 1).or_insert(0);
        let key = format!("{id}#{nth}");
        let forward = f.from == link.a;
        let p = progress(f, snapshot.time_ms);
        let (sx, sy) = if forward { (ax, ay) } else { (bx, by) };
        let side = if forward { 1.0 } else { -1.0 };
        let off = side * (14.0 + 14.0 * (k % 3) as f64);
        // An upright link's lanes are side by side, but its labels run sideways: each lane's
        // label sits on its own line (above, level with, below its dot) so lanes never overlap.
        // The trip runs between the two boxes' edges (with a margin for the label's height),
        // never over a box.
        let (ux, uy) = (dx / len * side, dy / len * side);
        let lane = (k % 3) as f64;
        let margin = if ux.abs() >= uy.abs() { 10.0 } else { 32.0 };
        let (t0, t1) = (to_edge(ux, uy) + margin, len - to_edge(ux, uy) - margin);
        let along = if t1 > t0 { t0 + (t1 - t0) * p } else { len / 2.0 };
        let (x, y) = (sx + ux * along + nx * off, sy + uy * along + ny * off);
        let (label, anchor, lx, ly) = if ux.abs() >= uy.abs() {
            // Along a mostly level link: the label rides in its lane, kept between the boxes.
            let (lo, hi) = (ax.min(bx) + NODE_W / 2.0 + 4.0, ax.max(bx) - NODE_W / 2.0 - 4.0);
            let room = ((hi - lo) / LABEL_CHAR_W).floor().max(6.0) as usize;
            let label = trim_bytes_label(&f.label, f.bytes, room);
            let half = label.chars().count() as f64 * LABEL_CHAR_W / 2.0;
            let centre = (x + 8.0 + half).min(hi - half).max(lo + half);
            (label, "middle", centre - x, 4.0)
        } else {
            // Along a mostly upright link: away from the line on its own side, as far as the
            // drawing's edge allows.
            let outward = nx * side >= 0.0;
            let room = if outward { width - x - 10.0 } else { x - 10.0 };
            let label = trim_bytes_label(&f.label, f.bytes, (room / LABEL_CHAR_W).floor().max(6.0) as usize);
            (label, if outward { "start" } else { "end" }, if outward { 8.0 } else { -8.0 }, 4.0 + 16.0 * (lane - 1.0))
        };
        html! {
            // Keyed by the write itself, so a flight keeps its element (and its transition) as
            // earlier ones arrive.
            <g class="flight" key={key}
                style={format!("transform: translate({x:.1}px, {y:.1}px)")}>
                <title>{ tf(lang, K::FlightTitle, &[&f.from, &f.to, &f.label, &f.bytes, &f.arrive_at]) }</title>
                <circle r="5" />
                <text class="flight-label" x={format!("{lx:.1}")} y={format!("{ly:.1}")} text-anchor={anchor}>{ label }</text>
            </g>
        }
    });
    let line = html! {
        <g class={classes!("link", format!("link-{}", link.state), endpoint_down.then_some("link-endpoint-stopped"))}
            data-link={format!("{}-{}", link.a, link.b)}>
            <title>{ format!("{} · {}", link_words(lang, link, &snapshot.stopped), speed_words(lang, link)) }</title>
            <line x1={ax.to_string()} y1={ay.to_string()} x2={bx.to_string()} y2={by.to_string()} />
            if let Some((mark, text)) = state_mark {
                <g class="link-state-icon">{ icon_at(mark, mx - 4.0 * text.chars().count() as f64 - 10.0, my - 12.5, 13.0) }</g>
                <text class="link-state" x={mx.to_string()} y={(my - 8.0).to_string()} text-anchor="middle">{ text }</text>
            }
            if hidden > 0 {
                <text class="link-state" x={mx.to_string()} y={(my + 18.0).to_string()} text-anchor="middle">
                    { tf(lang, K::MoreInFlight, &[&hidden]) }
                </text>
            }
        </g>
    };
    let flights = html! {
        <g class="flights" data-link={format!("{}-{}", link.a, link.b)}>{ for flights }</g>
    };
    (line, flights)
}

/// A stopped node: a dashed outline where it stood, so its links still have an end.
fn stopped_svg(lang: Lang, p: &TopologyProps, (cx, cy): (f64, f64), name: &str, port: u16) -> Html {
    let onclick = {
        let d = p.dispatch.clone();
        let name = name.to_string();
        Callback::from(move |_| d.emit(Msg::Select(Some(name.clone()))))
    };
    html! {
        <g class="node stopped" style={format!("transform: translate({:.1}px, {:.1}px)", cx - NODE_W / 2.0, cy - NODE_H / 2.0)} onclick={onclick}>
            <title>{ tf(lang, K::NameStopped, &[&name]) }</title>
            <rect width={NODE_W.to_string()} height={NODE_H.to_string()} rx="8" />
            <text class="node-name" x="10" y="20">{ format!("{name} :{port}") }</text>
            { icon_at(Icon::Stop, NODE_W - 72.0, 15.0, 11.0) }
            <text class="node-role" x={(NODE_W - 10.0).to_string()} y="20" text-anchor="end">{ t(lang, K::Stopped) }</text>
            <text x="10" y="44">{ t(lang, K::NotRunning) }</text>
        </g>
    }
}

fn node_svg(lang: Lang, p: &TopologyProps, (cx, cy): (f64, f64), node: &NodeView) -> Html {
    let selected = p.selected.as_deref() == Some(node.name.as_str());
    let (role_icon, role) = if is_master(node) { (Icon::Promote, t(lang, K::Master)) } else { (Icon::Replica, t(lang, K::Replica)) };
    let onclick = {
        let d = p.dispatch.clone();
        let name = node.name.clone();
        Callback::from(move |_| d.emit(Msg::Select(Some(name.clone()))))
    };
    html! {
        <g class={classes!("node", if is_master(node) { "master" } else { "replica" }, selected.then_some("selected"))}
            style={format!("transform: translate({:.1}px, {:.1}px)", cx - NODE_W / 2.0, cy - NODE_H / 2.0)} onclick={onclick}>
            <title>{ format!("{}: {} replid {} · {}", node.name, node.role, node.replid, tf(lang, K::OffsetN, &[&node_offset(node)])) }</title>
            <rect width={NODE_W.to_string()} height={NODE_H.to_string()} rx="8" />
            <text class="node-name" x="10" y="20">{ format!("{} :{}", node.name, node.port) }</text>
            <g class="node-role-icon">{ icon_at(role_icon, NODE_W - 16.0 - 7.2 * role.chars().count() as f64, 15.5, 12.0) }</g>
            <text class="node-role" x={(NODE_W - 10.0).to_string()} y="20" text-anchor="end">{ role }</text>
            <text x="10" y="40">{ format!("replid {}", short_id(&node.replid)) }</text>
            <text x="10" y="58">{ tf(lang, K::OffsetN, &[&node_offset(node)]) }</text>
            // The replica's own master_link_status, named as INFO names it: the network row
            // below can be up while this is down (handshake, RDB transfer, a timeout).
            if !is_master(node) && !node.link_up {
                <text class="node-link-down" x={(NODE_W / 2.0).to_string()} y={(NODE_H + 13.0).to_string()} text-anchor="middle">{"master_link_status: down"}</text>
            }
        </g>
    }
}

/// The HTML controls of one node (and its summary, so it reads without the drawing).
fn node_card(lang: Lang, p: &TopologyProps, node: &NodeView) -> Html {
    let name = node.name.clone();
    let act = |action: Input| {
        let d = p.dispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(Msg::Input(action.clone())))
    };
    let others: Vec<&NodeView> = p.snapshot.nodes.iter().filter(|n| n.name != name).collect();
    let on_follow = {
        let d = p.dispatch.clone();
        let name = name.clone();
        let ports: Vec<(String, u16)> = others.iter().map(|n| (n.name.clone(), n.port)).collect();
        Callback::from(move |e: Event| {
            let Some(sel) = e.target_dyn_into::<HtmlSelectElement>() else { return };
            let target = sel.value();
            sel.set_value("");
            if let Some((host, port)) = ports.iter().find(|(n, _)| *n == target) {
                d.emit(Msg::Input(Input::Command { node: name.clone(), line: format!("REPLICAOF {host} {port}") }));
            }
        })
    };
    let select = {
        let d = p.dispatch.clone();
        let name = name.clone();
        Callback::from(move |_: MouseEvent| d.emit(Msg::Select(Some(name.clone()))))
    };
    let selected = p.selected.as_deref() == Some(name.as_str());
    html! {
        <li class={classes!("node-card", selected.then_some("selected"))} data-testid={format!("node-{name}")}
            data-role={node.role.to_string()} data-offset={node_offset(node).to_string()}>
            <button class="ghost node-select" onclick={select} aria-pressed={selected.to_string()}
                title={tf(lang, K::Inspect, &[&name])}>
                <strong>{ name.clone() }</strong>{" "}
                if is_master(node) { { t(lang, K::Master) } } else { <abbr title={t(lang, K::GlossarySlave)}>{ node.role.to_string() }</abbr> }
                {" · "}<abbr title={t(lang, K::GlossaryReplid)}>{ short_id(&node.replid) }</abbr>
                { format!(" · {}", tf(lang, K::OffsetN, &[&node_offset(node)])) }
                if let Some(words) = master_link_words(node) {
                    <span class={classes!("master-link", (!node.link_up).then_some("down"))} data-testid="master-link-status">{ format!(" · {words}") }</span>
                }
            </button>
            <span class="card-actions">
                <button data-testid="stop" onclick={act(Input::Stop { node: name.clone() })}
                    aria-label={tf(lang, K::StopName, &[&name])}
                    title={t(lang, K::StopHelp)}>
                    { icon(Icon::Stop) }{ t(lang, K::Stop) }</button>
                <button data-testid="crash" onclick={act(Input::Crash { node: name.clone() })}
                    aria-label={tf(lang, K::CrashName, &[&name])}
                    title={t(lang, K::CrashHelp)}>
                    { icon(Icon::Stop) }{ t(lang, K::Crash) }</button>
                <button data-testid="promote" disabled={is_master(node)}
                    onclick={act(Input::Command { node: name.clone(), line: "REPLICAOF NO ONE".into() })}
                    title="REPLICAOF NO ONE">{ icon(Icon::Promote) }{ t(lang, K::Promote) }</button>
                <select data-testid="follow" onchange={on_follow} disabled={others.is_empty()}
                    aria-label={tf(lang, K::FollowName, &[&name])}>
                    <option value="" selected=true>{ t(lang, K::ReplicaOf) }</option>
                    { for others.iter().map(|o| html! { <option value={o.name.clone()}>{ o.name.clone() }</option> }) }
                </select>
            </span>
        </li>
    }
}

fn stopped_card(lang: Lang, p: &TopologyProps, name: &str, port: u16) -> Html {
    let restart = {
        let d = p.dispatch.clone();
        let node = name.to_string();
        Callback::from(move |_: MouseEvent| d.emit(Msg::Input(Input::Restart { node: node.clone() })))
    };
    html! {
        <li class="node-card stopped" data-testid={format!("node-{name}")} data-role="stopped">
            <span class="node-select"><strong>{ name.to_string() }</strong>{ format!(" :{port} · ") }{ icon(Icon::Stop) }{ format!(" {}", t(lang, K::Stopped)) }</span>
            <span class="card-actions">
                <button data-testid="restart" onclick={restart} aria-label={tf(lang, K::RestartName, &[&name])}>{ icon(Icon::Restart) }{ t(lang, K::Restart) }</button>
            </span>
        </li>
    }
}

fn link_card(lang: Lang, p: &TopologyProps, link: &LinkView) -> Html {
    let act = |action: Input| {
        let d = p.dispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(Msg::Input(action.clone())))
    };
    let (a, b) = (link.a.clone(), link.b.clone());
    let state = link.state;
    let state_icon = match state {
        LinkState::Cut => Icon::Cut,
        LinkState::Held => Icon::Hold,
        LinkState::Up => Icon::LinkUp,
    };
    let endpoint_down = link_has_stopped_end(link, &p.snapshot.stopped);
    html! {
        <li class={classes!("link-card", format!("link-{state}"), endpoint_down.then_some("link-endpoint-stopped"))}
            data-testid={format!("link-{a}-{b}")} data-state={state.to_string()}>
            <span class="link-name" data-testid="link-words"
                title={t(lang, K::LinkHelp)}>
                { icon(if endpoint_down { Icon::Stop } else { state_icon }) }{" "}
                { link_words(lang, link, &p.snapshot.stopped) }
            </span>
            <span class="card-actions">
                <button data-testid="cut" disabled={state == LinkState::Cut} onclick={act(Input::Cut { a: a.clone(), b: b.clone() })}
                    aria-label={tf(lang, K::CutName, &[&a, &b])}>{ icon(Icon::Cut) }{ t(lang, K::Cut) }</button>
                <button data-testid="heal" disabled={state != LinkState::Cut} onclick={act(Input::Heal { a: a.clone(), b: b.clone() })}
                    aria-label={tf(lang, K::HealName, &[&a, &b])}>{ icon(Icon::Heal) }{ t(lang, K::Heal) }</button>
                <button data-testid="hold" disabled={state != LinkState::Up} onclick={act(Input::Hold { a: a.clone(), b: b.clone() })}
                    aria-label={tf(lang, K::HoldName, &[&a, &b])}>{ icon(Icon::Hold) }{ t(lang, K::Hold) }</button>
                <button data-testid="release" disabled={state != LinkState::Held} onclick={act(Input::Release { a: a.clone(), b: b.clone() })}
                    aria-label={tf(lang, K::ReleaseName, &[&a, &b])}>{ icon(Icon::Release) }{ t(lang, K::Release) }</button>
            </span>
            { link_speed(lang, &p.dispatch, link) }
        </li>
    }
}

#[derive(Properties, PartialEq)]
pub struct TopologyProps {
    pub snapshot: Rc<Snapshot>,
    pub layout: Rc<Vec<Slot>>,
    pub selected: Option<String>,
    pub dispatch: Callback<Msg>,
}

#[function_component(Topology)]
pub fn topology(p: &TopologyProps) -> Html {
    let name_ref = use_node_ref();
    let lang = use_context::<Lang>().unwrap_or_default();
    let snapshot = &p.snapshot;
    let suggestion = next_name(&p.layout);
    let narrow = use_narrow();
    let (places, height, width) = places(p, narrow);
    let (lines, flights): (Vec<Html>, Vec<Html>) = p.snapshot.links.iter().map(|l| link_svg(lang, p, &places, l, width)).unzip();
    let on_add = {
        let d = p.dispatch.clone();
        let name_ref = name_ref.clone();
        let suggestion = suggestion.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input = name_ref.cast::<HtmlInputElement>();
            let typed = input.as_ref().map(|i| i.value().trim().to_string()).unwrap_or_default();
            let name = if typed.is_empty() { suggestion.clone() } else { typed };
            if let Some(i) = input {
                i.set_value("");
            }
            d.emit(Msg::Input(Input::AddNode { name }));
        })
    };
    let description = topology_description(lang, snapshot);
    html! {
        <div class="topology">
            <svg class={classes!("topology-svg", narrow.then_some("narrow"))} viewBox={format!("0 0 {width} {height}")} role="img"
                aria-label={description.clone()}>
                <title>{ description }</title>
                { for lines }
                { for p.layout.iter().enumerate().map(|(i, s)| match snapshot.node(&s.name) {
                    Some(n) if !s.stopped => node_svg(lang, p, places[i], n),
                    _ => stopped_svg(lang, p, places[i], &s.name, s.port),
                }) }
                if p.layout.is_empty() {
                    <text class="empty" x={(width / 2.0).to_string()} y={(height / 2.0).to_string()} text-anchor="middle">
                        { t(lang, K::NoNodes) }
                    </text>
                }
                { for flights }
            </svg>
            <ul class="cards" aria-label={t(lang, K::Nodes)}>
                { for p.layout.iter().map(|s| match snapshot.node(&s.name) {
                    Some(n) if !s.stopped => node_card(lang, p, n),
                    _ => stopped_card(lang, p, &s.name, s.port),
                }) }
            </ul>
            if !snapshot.links.is_empty() {
                <ul class="cards" aria-label={t(lang, K::Links)}>
                    { for snapshot.links.iter().map(|l| link_card(lang, p, l)) }
                </ul>
            }
            <form class="add-node" onsubmit={on_add}>
                <label>
                    <span class="visually-hidden">{ t(lang, K::NewNodeName) }</span>
                    <input ref={name_ref} type="text" placeholder={suggestion} maxlength="24" aria-label={t(lang, K::NewNodeName)} />
                </label>
                <button type="submit" data-testid="add-node">{ icon(Icon::Add) }{ t(lang, K::AddNode) }</button>
            </form>
        </div>
    }
}
