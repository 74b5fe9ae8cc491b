//! The node inspector: the selected node's `INFO replication` fields exactly as the engine's
//! `INFO` prints them (genRedisInfoString; read into the model by the runtime, never
//! re-derived here), its keyspace per db (a collection's first elements; a `KEYS` glob
//! filter; at most 200 rows per db rendered, the heading says of how many), and its replication knobs,
//! editable through `CONFIG SET` sent as a console command (so the reply shows in its console).

use crate::engine::view::{printable, DbKeysView, KeyView, NodeView};
use crate::ui::api::Input;
use crate::ui::components::first_look::FirstLook;
use crate::ui::figures::db_heading_matching;
use crate::ui::format::human_ms;
use crate::ui::i18n::{t, tf, Lang, K};
use crate::ui::labels::config_set_line;
use crate::ui::model::Inspected;
use crate::ui::runtime::Msg;
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// One database's keys: key, `TYPE`, `PTTL` (and the same in human units), a value preview.
/// Keys and values are user text: they go in as text nodes, never as markup.
fn db_table(lang: Lang, d: &DbKeysView, filter: &str) -> Html {
    let heading = db_heading_matching(lang, d.db, d.keys.len(), d.matched, d.live, filter);
    html! {
        <section class="db-keys" data-testid={format!("db-{}", d.db)}>
            <h3>{ heading.clone() }</h3>
            // Focusable, so a keyboard can scroll a wide table (long values).
            <div class="table-scroll" tabindex="0" role="region" aria-label={heading}>
                <table class="key-table">
                    <thead><tr>
                        <th scope="col">{ t(lang, K::ColKey) }</th><th scope="col">{ t(lang, K::ColType) }</th>
                        <th scope="col" title={t(lang, K::PttlHelp)}>{"PTTL"}</th>
                        <th scope="col">{ t(lang, K::ColValue) }</th>
                    </tr></thead>
                    <tbody>
                        { for d.keys.iter().map(|k| html! {
                            <tr>
                                <td class="key">{ printable(&k.key) }</td>
                                <td>{ k.type_name.clone() }</td>
                                <td class="num">
                                    { match k.pttl_ms {
                                        Some(ms) => html! { <>{ ms.to_string() }{" "}<span class="muted human">{ format!("({})", human_ms(lang, ms)) }</span></> },
                                        None => html! { <>{"-1"}{" "}<span class="muted human">{ format!("({})", t(lang, K::NoneWord)) }</span></> },
                                    } }
                                </td>
                                <td class="preview">{ k.preview.clone() }{ elements(lang, k) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// A collection's first elements as Redis replies them (a hash field with its value, a sorted
/// set member with its score), and how many more there are.
fn elements(lang: Lang, k: &KeyView) -> Html {
    if k.elements.is_empty() {
        return html! {};
    }
    let more = k.len.saturating_sub(k.elements.len() as u64);
    let zset = k.type_name == "zset";
    html! {
        <ol class="elements" data-testid="elements">
            { for k.elements.iter().map(|(e, v)| match v {
                Some(v) if zset => html! { <li>{ e.clone() }<span class="muted">{ format!(" ({v})") }</span></li> },
                Some(v) => html! { <li>{ e.clone() }<span class="muted">{" → "}</span>{ v.clone() }</li> },
                None => html! { <li>{ e.clone() }</li> },
            }) }
            if more > 0 {
                <li class="more muted" data-testid="elements-more">{ tf(lang, K::MoreElements, &[&more]) }</li>
            }
        </ol>
    }
}

/// The key filter: each keystroke re-lists the keys through the runtime (the engine matches
/// the glob over every key; only the first 200 per db are rendered).
#[function_component(KeyFilter)]
fn key_filter(p: &KeyFilterProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let oninput = {
        let d = p.dispatch.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(el) = e.target_dyn_into::<HtmlInputElement>() {
                d.emit(Msg::KeyFilter(el.value()));
            }
        })
    };
    html! {
        <div class="key-filter">
            <label for="key-filter">{ t(lang, K::KeyFilter) }</label>
            <input id="key-filter" type="search" value={p.filter.clone()} oninput={oninput} data-testid="key-filter"
                spellcheck="false" autocomplete="off" />
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct KeyFilterProps {
    filter: String,
    dispatch: Callback<Msg>,
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
    let lang = use_context::<Lang>().unwrap_or_default();
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
            <button type="submit" aria-label={tf(lang, K::ConfigSetOn, &[&p.name, &p.node])}>{ t(lang, K::Set) }</button>
        </form>
    }
}

#[derive(Properties, PartialEq, Clone)]
pub struct InspectorProps {
    /// The selected node's view, when it is running.
    pub node: Option<NodeView>,
    /// Its INFO and keys, as the runtime read them from the engine.
    pub inspected: Option<Rc<Inspected>>,
    /// Every node's (port, name): replicas are named by their port.
    pub names: Vec<(u16, String)>,
    pub dispatch: Callback<Msg>,
}

#[function_component(Inspector)]
pub fn inspector(p: &InspectorProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let Some(node) = &p.node else {
        return html! { <p class="muted">{ t(lang, K::SelectNode) }</p> };
    };
    let (info, listing, filter): (&[(String, String)], &[DbKeysView], &str) = match &p.inspected {
        Some(i) if i.node == node.name => (&i.info, &i.keys, &i.filter),
        _ => (&[], &[], ""),
    };
    html! {
        <div class="inspector" data-testid={format!("inspector-{}", node.name)}>
            <FirstLook node={node.clone()} info={info.to_vec()} names={p.names.clone()} />
            <details open=true>
                <summary><code>{"INFO replication"}</code>{ format!(" · {}", node.name) }</summary>
                <dl class="info">
                    { for info.iter().map(|(k, v)| html! { <><dt>{ k.clone() }</dt><dd>{ v.clone() }</dd></> }) }
                </dl>
            </details>
            <details open=true>
                <summary>{ t(lang, K::Keyspace) }</summary>
                if listing.is_empty() {
                    <p class="muted">{ t(lang, K::NoKeys) }</p>
                } else {
                    <ul class="keyspace">
                        { for node.dbs.iter().filter(|(_, k, _)| *k > 0).map(|(db, keys, expires)| html! {
                            <li>{ format!("db{db}: keys={keys},expires={expires}") }</li>
                        }) }
                    </ul>
                    <KeyFilter filter={filter.to_string()} dispatch={p.dispatch.clone()} />
                    { for listing.iter().map(|d| db_table(lang, d, filter)) }
                }
            </details>
            <details>
                <summary>{ t(lang, K::ConfigSummary) }</summary>
                if node.config.is_empty() {
                    <p class="muted">{ t(lang, K::NoKnobs) }</p>
                }
                { for node.config.iter().map(|(name, value)| html! {
                    <Knob key={format!("{}-{}", node.name, name)} node={node.name.clone()} name={name.clone()} value={value.clone()} dispatch={p.dispatch.clone()} />
                }) }
            </details>
        </div>
    }
}
