//! The decision card: the last PSYNC the master decided (`masterTryPartialResynchronization`),
//! its two tests with the numbers (replid / replid2 + second_replid_offset, and the offset
//! against the backlog window), the reply, the rule in plain words, then RDB progress.

use crate::engine::event::{Event, PsyncDecision, PsyncRule};
use crate::ui::api::{event_of, TraceEntry};
use crate::ui::format::{human_bytes, is_continue, is_null_id, outcome_line, rule_words, short_id};
use crate::ui::AppCtx;
use yew::prelude::*;

/// A test's verdict, always as a word and a symbol (never colour alone).
fn verdict(ok: bool) -> Html {
    if ok {
        html! { <span class="verdict ok">{"✓ yes"}</span> }
    } else {
        html! { <span class="verdict bad">{"✗ no"}</span> }
    }
}

/// The RDB transfer after a full resync: the latest sent/received counts for this decision.
fn rdb_progress(after: &[TraceEntry], master: &str, replica_addr: &str) -> Html {
    let mut sent: Option<(u64, u64)> = None;
    let mut received: Option<(u64, Option<u64>, String)> = None;
    let mut loaded: Option<(String, u64, u64)> = None;
    let mut started = false;
    for e in after {
        match event_of(e) {
            Some((_, Event::PsyncDecision(_))) if e.node.as_deref() == Some(master) => break,
            Some((node, Event::RdbSaveStart { .. })) if node == master => started = true,
            Some((node, Event::RdbSent { replica, sent: s, total })) if node == master && replica == replica_addr => {
                sent = Some((*s, *total))
            }
            Some((node, Event::RdbReceived { received: r, total })) => received = Some((*r, *total, node.to_string())),
            Some((node, Event::RdbLoaded { keys, offset, .. })) => loaded = Some((node.to_string(), *keys, *offset)),
            _ => {}
        }
    }
    if !started && sent.is_none() && received.is_none() {
        return html! { <p class="muted">{"Waiting for the master to start the RDB (BGSAVE / diskless delay)…"}</p> };
    }
    html! {
        <div class="rdb-progress">
            if let Some((s, total)) = sent {
                <label>
                    { format!("RDB sent: {} of {}", human_bytes(s), human_bytes(total)) }
                    <progress max={total.max(1).to_string()} value={s.to_string()} />
                </label>
            } else {
                <p>{"RDB: the master has started saving."}</p>
            }
            if let Some((r, total, node)) = received {
                <p>{ format!("{node} received {}{}", human_bytes(r), total.map(|t| format!(" of {}", human_bytes(t))).unwrap_or_default()) }</p>
            }
            if let Some((node, keys, offset)) = loaded {
                <p class="verdict ok">{ format!("✓ {node} loaded the RDB: {keys} keys, offset {offset}; the stream follows.") }</p>
            }
        </div>
    }
}

fn card(master: &str, d: &PsyncDecision, after: &[TraceEntry], step: u64) -> Html {
    let replid_ok = d.requested_replid == d.replid;
    let replid2_ok = !replid_ok
        && !is_null_id(&d.replid2)
        && d.requested_replid == d.replid2
        && d.requested_offset <= d.second_replid_offset;
    let window = d.backlog.map(|(first, histlen)| (first, first + histlen));
    let offset_ok = match window {
        Some((first, end)) => d.requested_offset >= first as i64 && d.requested_offset <= end as i64,
        None => false,
    };
    let cont = is_continue(d);
    let no_history = d.rule == PsyncRule::NoHistory || d.requested_replid == "?";
    html! {
        <article class={classes!("decision", if cont { "continue" } else { "full" })} data-testid="decision-card"
            data-outcome={if cont { "continue" } else { "fullresync" }} data-rule={format!("{:?}", d.rule)}>
            <p class="decision-head">
                { format!("Step {step}: {} asked {master}: ", d.replica) }
                <code>{ format!("PSYNC {} {}", if d.requested_replid == "?" { "?".to_string() } else { short_id(&d.requested_replid) }, d.requested_offset) }</code>
            </p>
            <table class="tests">
                <tbody>
                    <tr>
                        <th scope="row">{"1. Same history?"}</th>
                        <td>
                            if no_history {
                                {"asked “?”: no history"}
                            } else {
                                <span>{ format!("asked {} · replid {}", short_id(&d.requested_replid), short_id(&d.replid)) }</span>
                                if !is_null_id(&d.replid2) {
                                    <span>{ format!(" · replid2 {} (valid up to offset {})", short_id(&d.replid2), d.second_replid_offset) }</span>
                                }
                            }
                        </td>
                        <td>{ verdict(!no_history && (replid_ok || replid2_ok)) }
                            if replid2_ok { <span class="muted">{" via replid2"}</span> }</td>
                    </tr>
                    <tr>
                        <th scope="row">{"2. Offset in the backlog?"}</th>
                        <td>
                            { match window {
                                Some((first, end)) => format!("asked {} · window [{first}, {end}] · master_repl_offset {}", d.requested_offset, d.master_repl_offset),
                                None => format!("asked {} · no backlog · master_repl_offset {}", d.requested_offset, d.master_repl_offset),
                            } }
                        </td>
                        <td>{ verdict(!no_history && offset_ok) }</td>
                    </tr>
                </tbody>
            </table>
            <p class="outcome" aria-live="polite">
                <span aria-hidden="true">{ if cont { "⇢ " } else { "⟳ " } }</span>
                <strong>{ if cont { "Partial resync: " } else { "Full resync: " } }</strong>
                <code>{ outcome_line(d) }</code>
            </p>
            <p class="why">{ rule_words(d) }</p>
            if !cont {
                { rdb_progress(after, master, &d.replica) }
            }
        </article>
    }
}

#[function_component(DecisionCard)]
pub fn decision_card() -> Html {
    let app = use_context::<AppCtx>().expect("App provides AppCtx");
    let trace = app.trace();
    let last = trace.iter().enumerate().rev().find_map(|(i, e)| match event_of(e) {
        Some((node, Event::PsyncDecision(d))) => Some((i, node.to_string(), d, e.step)),
        _ => None,
    });
    match last {
        Some((i, master, d, step)) => card(&master, d, &trace[i + 1..], step),
        None => html! {
            <div class="decision empty" data-testid="decision-card" data-outcome="none">
                <p>{"No PSYNC yet. When a replica connects it asks its master "}<code>{"PSYNC <replid> <offset>"}</code>
                {"; the master's decision, with its numbers, appears here."}</p>
            </div>
        },
    }
}
