//! The node inspector: the selected node's `INFO replication` numbers (field names as
//! server.c's genRedisInfoString prints them), its keyspace per db, and its replication knobs,
//! editable through `CONFIG SET` sent as a console command (so the reply shows in its console).

use crate::engine::view::{keyspace_listing, printable, DbKeysView, NodeView};
use crate::ui::format::{human_ms, thousands};
use crate::ui::api::Action;
use crate::ui::state::Msg;
use crate::ui::AppCtx;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// `INFO replication` as field/value pairs from the node's view.
fn info_fields(n: &NodeView) -> Vec<(String, String)> {
    let mut f: Vec<(String, String)> = vec![("role".into(), n.role.to_string())];
    if let Some(master) = &n.master {
        let (host, port) = crate::engine::io::split_addr(master);
        f.push(("master_host".into(), host.into()));
        f.push(("master_port".into(), port.into()));
        f.push(("master_link_status".into(), if n.link_up { "up" } else { "down" }.into()));
        if let Some(o) = n.slave_repl_offset {
            f.push(("slave_repl_offset".into(), o.to_string()));
        }
    }
    f.push(("connected_slaves".into(), n.replicas.len().to_string()));
    for (i, r) in n.replicas.iter().enumerate() {
        let (ip, port) = crate::engine::io::split_addr(&r.addr);
        f.push((format!("slave{i}"), format!("ip={ip},port={port},state={},offset={},lag={}", r.state, r.ack_offset, r.lag_s)));
    }
    f.push(("master_replid".into(), n.replid.clone()));
    f.push(("master_replid2".into(), n.replid2.clone()));
    f.push(("master_repl_offset".into(), n.master_repl_offset.to_string()));
    f.push(("second_repl_offset".into(), n.second_replid_offset.to_string()));
    match &n.backlog {
        Some(b) => {
            f.push(("repl_backlog_active".into(), "1".into()));
            f.push(("repl_backlog_size".into(), b.size.to_string()));
            f.push(("repl_backlog_first_byte_offset".into(), b.first_byte.to_string()));
            f.push(("repl_backlog_histlen".into(), b.histlen.to_string()));
        }
        None => f.push(("repl_backlog_active".into(), "0".into())),
    }
    f.push(("sync_full".into(), n.sync_full.to_string()));
    f.push(("sync_partial_ok".into(), n.sync_partial_ok.to_string()));
    f.push(("sync_partial_err".into(), n.sync_partial_err.to_string()));
    f
}

/// At most this many keys per database are listed; the heading says how many there are.
const KEY_LIMIT: usize = 200;

/// One database's keys: key, `TYPE`, `PTTL` (and the same in human units), a value preview.
/// Keys and values are user text: they go in as text nodes, never as markup.
fn db_table(d: &DbKeysView) -> Html {
    let heading = if d.keys.len() as u64 == d.live {
        format!("db{} · {} {}", d.db, thousands(d.live), if d.live == 1 { "key" } else { "keys" })
    } else {
        format!("db{} · showing {} of {} keys", d.db, thousands(d.keys.len() as u64), thousands(d.live))
    };
    html! {
        <section class="db-keys" data-testid={format!("db-{}", d.db)}>
            <h3>{ heading }</h3>
            <div class="table-scroll">
                <table class="key-table">
                    <thead><tr>
                        <th scope="col">{"key"}</th><th scope="col">{"type"}</th>
                        <th scope="col" title="PTTL: milliseconds left, -1 without expiry">{"PTTL"}</th>
                        <th scope="col">{"value"}</th>
                    </tr></thead>
                    <tbody>
                        { for d.keys.iter().map(|k| html! {
                            <tr>
                                <td class="key">{ printable(&k.key) }</td>
                                <td>{ k.type_name.clone() }</td>
                                <td class="num">
                                    { match k.pttl_ms {
                                        Some(ms) => html! { <>{ ms.to_string() }{" "}<span class="muted human">{ format!("({})", human_ms(ms)) }</span></> },
                                        None => html! { <>{"-1"}{" "}<span class="muted human">{"(none)"}</span></> },
                                    } }
                                </td>
                                <td class="preview">{ k.preview.clone() }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct KnobProps {
    node: String,
    name: String,
    value: String,
}

/// One config knob: edit and press Enter (or Set) to send `CONFIG SET <name> <value>`.
#[function_component(Knob)]
fn knob(p: &KnobProps) -> Html {
    let app = use_context::<AppCtx>().expect("App provides AppCtx");
    let input = use_node_ref();
    let onsubmit = {
        let d = app.dispatcher();
        let input = input.clone();
        let (node, name) = (p.node.clone(), p.name.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(el) = input.cast::<HtmlInputElement>() else { return };
            let value = el.value();
            // Quote as redis-cli would need it: the value is one argument.
            let arg = if value.is_empty() || value.contains(char::is_whitespace) || value.contains('"') {
                format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
            } else {
                value
            };
            d.dispatch(Msg::Act(Action::Command { node: node.clone(), line: format!("CONFIG SET {name} {arg}") }));
        })
    };
    html! {
        <form class="knob" onsubmit={onsubmit}>
            <label for={format!("knob-{}-{}", p.node, p.name)}>{ p.name.clone() }</label>
            <input id={format!("knob-{}-{}", p.node, p.name)} ref={input} type="text" value={p.value.clone()}
                data-testid={format!("config-{}", p.name)} spellcheck="false" autocomplete="off" />
            <button type="submit" aria-label={format!("CONFIG SET {} on {}", p.name, p.node)}>{"Set"}</button>
        </form>
    }
}

#[function_component(Inspector)]
pub fn inspector() -> Html {
    let app = use_context::<AppCtx>().expect("App provides AppCtx");
    let Some(node) = app.selected.as_ref().and_then(|s| app.snapshot.nodes.iter().find(|n| &n.name == s)) else {
        return html! { <p class="muted">{"Select a node to inspect it."}</p> };
    };
    let info = info_fields(node);
    // The keys are read from the engine node itself, at the world's logical now, only for the
    // selected node and only while rendering.
    // (A session busy in a walk is not borrowed: the next render, when the walk ends, shows it.)
    let listing = match app.session.try_borrow() {
        Ok(session) => {
            let world = session.world();
            world.node(&node.name).map(|n| keyspace_listing(n, world.now_ms(), KEY_LIMIT)).unwrap_or_default()
        }
        Err(_) => Vec::new(),
    };
    html! {
        <div class="inspector" data-testid={format!("inspector-{}", node.name)}>
            <details open=true>
                <summary>{ format!("INFO replication · {}", node.name) }</summary>
                <dl class="info">
                    { for info.iter().map(|(k, v)| html! { <><dt>{ k.clone() }</dt><dd>{ v.clone() }</dd></> }) }
                </dl>
            </details>
            <details open=true>
                <summary>{"Keyspace"}</summary>
                if listing.is_empty() {
                    <p class="muted">{"No keys."}</p>
                } else {
                    <ul class="keyspace">
                        { for node.dbs.iter().filter(|(_, k, _)| *k > 0).map(|(db, keys, expires)| html! {
                            <li>{ format!("db{db}: keys={keys},expires={expires}") }</li>
                        }) }
                    </ul>
                    { for listing.iter().map(db_table) }
                }
            </details>
            <details>
                <summary>{"Config (CONFIG SET)"}</summary>
                if node.config.is_empty() {
                    <p class="muted">{"No knobs reported by this node."}</p>
                }
                { for node.config.iter().map(|(name, value)| html! {
                    <Knob key={format!("{}-{}", node.name, name)} node={node.name.clone()} name={name.clone()} value={value.clone()} />
                }) }
            </details>
        </div>
    }
}
