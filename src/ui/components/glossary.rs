//! The glossary (one click from the header): the words of replication side by side in English
//! and 简体中文, each with a line on what Redis 7.0 means by it. The articles ReplScope grew
//! from use some of these words for older or different things (运行ID is not the replid).

use crate::ui::i18n::{t, Lang, K};
use crate::ui::runtime::Msg;
use yew::prelude::*;

/// (term, definition) keys, in the order a lesson meets them.
const TERMS: [(K, K); 10] = [
    (K::GlMaster, K::GlMasterDef),
    (K::GlReplica, K::GlReplicaDef),
    (K::GlOffset, K::GlOffsetDef),
    (K::GlReplid, K::GlReplidDef),
    (K::GlFull, K::GlFullDef),
    (K::GlPartial, K::GlPartialDef),
    (K::GlBacklog, K::GlBacklogDef),
    (K::GlReplBuffer, K::GlReplBufferDef),
    (K::GlDiskless, K::GlDisklessDef),
    (K::GlAck, K::GlAckDef),
];

#[derive(Properties, PartialEq)]
pub struct GlossaryProps {
    pub dispatch: Callback<Msg>,
}

#[function_component(GlossaryOverlay)]
pub fn glossary_overlay(p: &GlossaryProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let close_ref = super::use_focus_on_open();
    let close = {
        let d = p.dispatch.clone();
        Callback::from(move |_| d.emit(Msg::Glossary(false)))
    };
    html! {
        <div class="overlay" data-testid="glossary-overlay">
            <div class="dialog glossary" role="dialog" aria-modal="true" aria-labelledby="glossary-title">
                <h2 id="glossary-title">{ t(lang, K::Glossary) }</h2>
                <table class="glossary-table">
                    <thead>
                        <tr>
                            <th scope="col" lang={Lang::En.tag()}>{ Lang::En.native_name() }</th>
                            <th scope="col" lang={Lang::Zh.tag()}>{ Lang::Zh.native_name() }</th>
                            <th scope="col">{ t(lang, K::GlMeaning) }</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for TERMS.iter().map(|&(term, def)| html! {
                            <tr>
                                <th scope="row" lang={Lang::En.tag()}>{ t(Lang::En, term) }</th>
                                <td lang={Lang::Zh.tag()}>{ t(Lang::Zh, term) }</td>
                                <td>{ t(lang, def) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
                <button ref={close_ref} class="primary" onclick={close} data-testid="glossary-close">{ t(lang, K::Close) }</button>
            </div>
        </div>
    }
}
