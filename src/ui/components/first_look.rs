//! The figures a person looks at first in a node's `INFO replication`, laid out: as a
//! replica, its link (`master_link_status`, `master_last_io_seconds_ago`,
//! `master_link_down_since_seconds`) and a full sync's progress (`master_sync_in_progress`,
//! `master_sync_read_bytes` of `master_sync_total_bytes`); as a master, one row per `slaveN:`
//! line (state, acknowledged offset, bytes behind `master_repl_offset`, lag) and its output
//! buffer as the limits count it (CLIENT LIST's `omem`). Every figure is
//! the engine's INFO text or view, read here, never computed from a replication rule.

use crate::engine::view::NodeView;
use crate::ui::i18n::{t, tf, Lang, K};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FirstLookProps {
    pub node: NodeView,
    /// The engine's `INFO replication` pairs for this node.
    pub info: Vec<(String, String)>,
    /// Every node's (port, name), to name a replica by the port its slaveN line gives.
    pub names: Vec<(u16, String)>,
}

fn field<'a>(info: &'a [(String, String)], key: &str) -> Option<&'a str> {
    info.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

#[function_component(FirstLook)]
pub fn first_look(p: &FirstLookProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let info = &p.info;
    let as_replica = field(info, "master_link_status").map(|status| {
        let row = |name: &'static str| {
            field(info, name).map(|v| html! { <><dt><code>{ name }</code></dt><dd data-field={name}>{ v.to_string() }</dd></> })
        };
        let syncing = field(info, "master_sync_in_progress") == Some("1");
        let total: Option<u64> = field(info, "master_sync_total_bytes").and_then(|v| v.parse().ok());
        let read: u64 = field(info, "master_sync_read_bytes").and_then(|v| v.parse().ok()).unwrap_or(0);
        html! {
            <dl class="first-look-link" data-testid={format!("replica-link-{}", p.node.name)} data-status={status.to_string()}>
                { row("master_link_status") }
                { row("master_last_io_seconds_ago") }
                { row("master_link_down_since_seconds") }
                { row("master_sync_in_progress") }
                if let (true, Some(total)) = (syncing, total) {
                    <dt>{ t(lang, K::SyncProgress) }</dt>
                    <dd data-testid="sync-progress">
                        <progress max={total.max(1).to_string()} value={read.to_string()} aria-label={t(lang, K::SyncProgress)} />
                        { format!(" {}", tf(lang, K::SyncBytesOf, &[&read, &total])) }
                    </dd>
                }
            </dl>
        }
    });
    let name_of = |addr: &str| {
        let port = addr.rsplit(':').next().and_then(|p| p.parse::<u16>().ok());
        p.names.iter().find(|(pt, _)| Some(*pt) == port).map(|(_, n)| n.clone()).unwrap_or_else(|| addr.to_string())
    };
    let head = p.node.master_repl_offset;
    html! {
        <div class="first-look">
            { for as_replica }
            if !p.node.replicas.is_empty() {
                <table class="first-look-replicas" data-testid={format!("replica-rows-{}", p.node.name)}>
                    <caption>{ tf(lang, K::ReplicasOfMaster, &[&p.node.name, &head]) }</caption>
                    <thead><tr>
                        <th scope="col">{ t(lang, K::ReplicaWord) }</th>
                        <th scope="col"><code>{"state"}</code></th>
                        <th scope="col"><code>{"offset"}</code></th>
                        <th scope="col">{ t(lang, K::BehindBytes) }</th>
                        <th scope="col"><code>{"lag"}</code></th>
                        <th scope="col"><abbr title={t(lang, K::BufColumn)}><code>{"omem"}</code></abbr></th>
                    </tr></thead>
                    <tbody>
                        { for p.node.replicas.iter().map(|r| html! {
                            <tr data-replica={name_of(&r.addr)}>
                                <th scope="row">{ name_of(&r.addr) }</th>
                                <td><code>{ r.state.as_str() }</code></td>
                                <td class="num">{ r.ack_offset }</td>
                                <td class="num" data-field="behind">{ head.saturating_sub(r.ack_offset) }</td>
                                <td class="num">{ format!("{} s", r.lag_s) }</td>
                                // The bar's figure (getClientOutputBufferMemoryUsage, CLIENT LIST omem).
                                <td class="num" data-field="omem">{ format!("{} B", r.obuf_bytes) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
        </div>
    }
}
