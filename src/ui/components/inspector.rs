//! The node inspector: the selected node's `INFO replication` fields exactly as the engine's
//! `INFO` prints them (genRedisInfoString; read into the model by the runtime, never
//! re-derived here), its keyspace per db, and its replication knobs,
//! editable through `CONFIG SET` sent as a console command (so the reply shows in its console).

use crate::engine::view::{printable, DbKeysView, NodeView};
use crate::ui::api::Input;
use crate::ui::format::human_ms;
use crate::ui::labels::{config_set_line, db_heading};
use crate::ui::model::Inspected;
use crate::ui::runtime::Msg;
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// One database's keys: key, `TYPE`, `PTTL` (and the same in human units), a value preview.
/// Keys and values are user text: they go in as text nodes, never as markup.
fn db_table(d: &DbKeysView) -> Html {
    let heading = db_heading(d.db, d.keys.len(), d.live);
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
    dispatch: Callback<Msg>,
}

/// One config knob: edit and press Enter (or Set) to send `CONFIG SET <name> <value>`.
#[function_component(Knob)]
fn knob(p: &KnobProps) -> Html {
    let input = use_node_ref();
    let onsubmit = {
        let d = p.dispatch.clone();
        let input = input.clone();
        let (node, name) = (p.node.clone(), p.name.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(el) = input.cast::<HtmlInputElement>() else { return };
            let line = config_set_line(&name, &el.value());
            d.emit(Msg::Input(Input::Command { node: node.clone(), line }));
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

#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    /// The selected node's view, when it is running.
    pub node: Option<NodeView>,
    /// Its INFO and keys, as the runtime read them from the engine.
    pub inspected: Option<Rc<Inspected>>,
    pub dispatch: Callback<Msg>,
}

#[function_component(Inspector)]
pub fn inspector(p: &InspectorProps) -> Html {
    let Some(node) = &p.node else {
        return html! { <p class="muted">{"Select a node to inspect it."}</p> };
    };
    let (info, listing): (&[(String, String)], &[DbKeysView]) = match &p.inspected {
        Some(i) if i.node == node.name => (&i.info, &i.keys),
        _ => (&[], &[]),
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
                    <Knob key={format!("{}-{}", node.name, name)} node={node.name.clone()} name={name.clone()} value={value.clone()} dispatch={p.dispatch.clone()} />
                }) }
            </details>
        </div>
    }
}
