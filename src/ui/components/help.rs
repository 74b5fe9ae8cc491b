//! The help overlay (`?`): the keyboard shortcuts and how to read the page.

use crate::ui::components::icons::{icon, Icon};
use crate::ui::i18n::{t, Lang, K};
use crate::ui::runtime::Msg;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HelpProps {
    pub dispatch: Callback<Msg>,
}

#[function_component(HelpOverlay)]
pub fn help_overlay(p: &HelpProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let close_ref = super::use_focus_on_open();
    let close = {
        let d = p.dispatch.clone();
        Callback::from(move |_| d.emit(Msg::Help(false)))
    };
    html! {
        <div class="overlay" data-testid="help-overlay">
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="help-title">
                <h2 id="help-title">{ t(lang, K::HelpTitle) }</h2>
                <table class="keys">
                    <tbody>
                        <tr><th scope="row"><kbd>{ t(lang, K::SpaceKey) }</kbd></th><td>{ t(lang, K::KeyPlayPause) }</td></tr>
                        <tr><th scope="row"><kbd>{"→"}</kbd></th><td>{ t(lang, K::KeyStep) }</td></tr>
                        <tr><th scope="row"><kbd>{"←"}</kbd></th><td>{ t(lang, K::KeyBack) }</td></tr>
                        <tr><th scope="row"><kbd>{"?"}</kbd></th><td>{ t(lang, K::KeyHelp) }</td></tr>
                        <tr><th scope="row"><kbd>{"Esc"}</kbd></th><td>{ t(lang, K::KeyClose) }</td></tr>
                        <tr><th scope="row"><kbd>{"↑"}</kbd>{" "}<kbd>{"↓"}</kbd></th><td>{ t(lang, K::KeyHistory) }</td></tr>
                    </tbody>
                </table>
                <ul>
                    <li>{ t(lang, K::Help1a) }{ icon(Icon::Play) }{ t(lang, K::Help1b) }</li>
                    <li>{ t(lang, K::Help2) }</li>
                    <li>{ t(lang, K::Help3a) }{ icon(Icon::Check) }{"/"}{ icon(Icon::Cross) }{ t(lang, K::Help3b) }</li>
                    <li>{ t(lang, K::Help4) }</li>
                    <li>{ t(lang, K::Help5) }</li>
                </ul>
                <button ref={close_ref} class="primary" onclick={close} data-testid="help-close">{ t(lang, K::Close) }</button>
            </div>
        </div>
    }
}
