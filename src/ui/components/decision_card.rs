//! The decision card: the last PSYNC the master decided (`masterTryPartialResynchronization`),
//! its two tests with the numbers (replid / replid2 + second_replid_offset, and the offset
//! against the backlog window), the reply, the rule in plain words, then RDB progress.
//!
//! Every yes/no on the card comes from the engine's verdict (`PsyncDecision::rule`, read by
//! `engine::view::psync_checks`); the numbers are shown as the engine reported them. The
//! card never re-decides Redis's rule from the numbers.

use super::lazy::lazy_view;
use crate::engine::event::{Event, PsyncDecision, PsyncOutcome, PsyncRule};
use crate::engine::view::{psync_checks, Check};
use crate::ui::api::{event_of, TraceEntry};
use crate::ui::components::icons::{icon, Icon};
use crate::ui::format::backlog_window;
use crate::ui::format::{human_bytes, is_continue, is_null_id, outcome_line, rule_words, short_id};
use crate::ui::i18n::{t, tf, Lang, K};
use crate::ui::labels::{fullresync_moment, psync_arithmetic};
use crate::ui::model::Trace;
use std::rc::Rc;
use wasm_split_helpers::{wasm_split, SplitLoaderError};
use yew::prelude::*;

/// A test's verdict, always as a word and an icon (never colour alone).
fn verdict(lang: Lang, check: Check) -> Html {
    match check {
        Check::Passed => {
            html! { <span class="verdict ok" data-check="passed">{ icon(Icon::Check) }{ format!(" {}", t(lang, K::Yes)) }</span> }
        }
        Check::Failed => {
            html! { <span class="verdict bad" data-check="failed">{ icon(Icon::Cross) }{ format!(" {}", t(lang, K::No)) }</span> }
        }
        Check::NotReached => html! {
            <span class="verdict skipped muted" data-check="not-reached" title={t(lang, K::NotCheckedHelp)}>{ t(lang, K::NotChecked) }</span>
        },
    }
}

/// The RDB transfer after a full resync: the latest sent/received counts for this decision.
fn rdb_progress(lang: Lang, after: &[Rc<TraceEntry>], master: &str, replica_addr: &str) -> Html {
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
        return html! { <p class="muted">{ t(lang, K::WaitingRdb) }</p> };
    }
    html! {
        <div class="rdb-progress">
            if let Some((s, total)) = sent {
                <label>
                    { tf(lang, K::RdbSentOf, &[&human_bytes(s), &human_bytes(total)]) }
                    <progress max={total.max(1).to_string()} value={s.to_string()} />
                </label>
            } else {
                <p>{ t(lang, K::RdbStarted) }</p>
            }
            if let Some((r, total, node)) = received {
                <p>{ match total {
                    Some(total) => tf(lang, K::EvRdbReceived, &[&node, &human_bytes(r), &human_bytes(total)]),
                    None => tf(lang, K::EvRdbReceivedSome, &[&node, &human_bytes(r)]),
                } }</p>
            }
            if let Some((node, keys, offset)) = loaded {
                <p class="verdict ok">{ icon(Icon::Check) }{ format!(" {}", tf(lang, K::RdbLoadedStream, &[&node, &keys, &offset])) }</p>
            }
        </div>
    }
}

/// The `+FULLRESYNC` this decision led to: (step, offset) of the moment Redis wrote it, the
/// RDB child's start for this replica (`startBgsaveForReplication` →
/// `replicationSetupSlaveForFullResync`), or, when it attached to a child already running, the
/// line the replica read. None until then; the next decision of this master ends the search.
fn fullresync_written(after: &[Rc<TraceEntry>], master: &str, replica: &str, decided: u64) -> Option<(u64, u64)> {
    let host = crate::engine::io::split_addr(replica).0;
    for e in after {
        match event_of(e) {
            Some((_, Event::PsyncDecision(_))) if e.node.as_deref() == Some(master) => return None,
            Some((node, Event::RdbSaveStart { replicas, offset, .. })) if node == master && replicas.iter().any(|r| r == replica) => {
                return Some((e.step, *offset))
            }
            // No child started for it: it attached to a running one and was answered with
            // the decision (the step the replica read it is later; the write was then).
            Some((node, Event::PsyncReply { reply })) if node == host => {
                let offset = reply.strip_prefix("+FULLRESYNC ")?.split_whitespace().nth(1)?.parse().ok()?;
                return Some((decided, offset));
            }
            _ => {}
        }
    }
    None
}

fn card(lang: Lang, master: &str, d: &PsyncDecision, after: &[Rc<TraceEntry>], step: u64) -> Html {
    let checks = psync_checks(d.rule);
    let cont = is_continue(d);
    let sent = if cont { None } else { fullresync_written(after, master, &d.replica, step) };
    let replid = match &d.outcome {
        PsyncOutcome::FullResync { replid, .. } | PsyncOutcome::Continue { replid, .. } => replid.as_str(),
    };
    let asked_replid = if d.rule == PsyncRule::NoHistory { "?".to_string() } else { short_id(&d.requested_replid) };
    html! {
        <article class={classes!("decision", if cont { "continue" } else { "full" })} data-testid="decision-card"
            data-outcome={if cont { "continue" } else { "fullresync" }} data-rule={format!("{:?}", d.rule)}>
            <p class="decision-head">
                { tf(lang, K::CardHead, &[&step, &d.replica, &master]) }
                <code>{ format!("PSYNC {} {}", asked_replid, d.requested_offset) }</code>
            </p>
            <table class="tests">
                <tbody>
                    <tr>
                        <th scope="row">{ t(lang, K::Check1) }</th>
                        <td>
                            if d.rule == PsyncRule::NoHistory {
                                { t(lang, K::AskedNoHistory) }
                            } else if d.rule == PsyncRule::LegacySync {
                                { t(lang, K::SyncNoHistory) }
                            } else {
                                <span>{ format!("{} · ", tf(lang, K::AskedX, &[&short_id(&d.requested_replid)])) }<abbr title={t(lang, K::GlossaryReplid)}>{"replid"}</abbr>{ format!(" {}", short_id(&d.replid)) }</span>
                                if !is_null_id(&d.replid2) {
                                    <span>{ format!(" · {}", tf(lang, K::Replid2Valid, &[&short_id(&d.replid2), &d.second_replid_offset])) }</span>
                                }
                            }
                        </td>
                        <td data-testid="check-history">{ verdict(lang, checks.history) }
                            if checks.via_replid2 { <span class="muted">{ format!(" {}", t(lang, K::ViaReplid2)) }</span> }</td>
                    </tr>
                    <tr>
                        <th scope="row">{ t(lang, K::Check2) }</th>
                        <td>
                            { match d.backlog {
                                Some((first, histlen)) => html! {
                                    <>
                                        { format!("{} · ", tf(lang, K::AskedX, &[&d.requested_offset])) }
                                        <abbr title={t(lang, K::BacklogWindowHelp)}>{ tf(lang, K::WindowX, &[&backlog_window(first, histlen)]) }</abbr>
                                        { format!(" · master_repl_offset {}", d.master_repl_offset) }
                                    </>
                                },
                                None => html! { tf(lang, K::AskedNoBacklog, &[&d.requested_offset, &d.master_repl_offset]) },
                            } }
                        </td>
                        <td data-testid="check-window">{ verdict(lang, checks.window) }</td>
                    </tr>
                </tbody>
            </table>
            <p class="outcome" aria-live="polite">
                { icon(if cont { Icon::Continue } else { Icon::FullResync }) }{" "}
                <strong>{ t(lang, if cont { K::PartialResyncColon } else { K::FullResyncColon }) }</strong>
                <code data-testid="reply-line">{ outcome_line(lang, d, sent.map(|(_, off)| (replid, off))) }</code>
            </p>
            if !cont {
                <p class="reply-moment" data-testid="fullresync-moment">
                    { fullresync_moment(lang, step, d.master_repl_offset, sent) }
                </p>
            }
            <p class="arithmetic" data-testid="psync-arithmetic">{ psync_arithmetic(lang, d) }</p>
            <p class="why">{ rule_words(lang, d) }</p>
            if !cont {
                { rdb_progress(lang, after, master, &d.replica) }
            }
        </article>
    }
}

#[derive(Properties, PartialEq, Clone)]
pub struct DecisionProps {
    /// The card shows the last PSYNC decision up to the current step.
    pub trace: Trace,
}

/// The last PSYNC decision up to the current step: its index in `shown`, master, decision, step.
fn last_decision(shown: &[Rc<TraceEntry>]) -> Option<(usize, &str, &PsyncDecision, u64)> {
    shown.iter().enumerate().rev().find_map(|(i, e)| match event_of(e) {
        Some((node, Event::PsyncDecision(d))) => Some((i, node, &**d, e.step)),
        _ => None,
    })
}

#[function_component(Card)]
fn card_of_last(p: &DecisionProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let trace = p.trace.shown();
    last_decision(trace).map(|(i, master, d, step)| card(lang, master, d, &trace[i + 1..], step)).unwrap_or_default()
}

#[wasm_split(engine, preload(preload_card), fallible)]
fn card_view(p: &DecisionProps) -> Result<Html, SplitLoaderError> {
    Ok(html! { <Card ..p.clone() /> })
}

lazy_view!(
    /// The decision card. `card_ready` fetches its code; the page does it with the engine's
    /// (`shell::engine_ready`).
    lazy_card(DecisionProps) = card_view, preload_card, ready card_ready
);

#[function_component(DecisionCard)]
pub fn decision_card(p: &DecisionProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    match last_decision(p.trace.shown()) {
        Some(_) => lazy_card(p.clone()),
        None => html! {
            <div class="decision empty" data-testid="decision-card" data-outcome="none">
                <p>{ t(lang, K::NoPsyncBefore) }<code>{"PSYNC <replid> <offset>"}</code>{ t(lang, K::NoPsyncAfter) }</p>
            </div>
        },
    }
}
