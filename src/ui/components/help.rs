//! The help overlay (`?`): the keyboard shortcuts and how to read the page.

use crate::ui::components::icons::{icon, Icon};
use crate::ui::runtime::Msg;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HelpProps {
    pub dispatch: Callback<Msg>,
}

#[function_component(HelpOverlay)]
pub fn help_overlay(p: &HelpProps) -> Html {
    let close_ref = use_node_ref();
    {
        // Move focus into the dialog so Escape/Enter work at once.
        let close_ref = close_ref.clone();
        use_effect_with((), move |_| {
            if let Some(el) = close_ref.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        });
    }
    let close = {
        let d = p.dispatch.clone();
        Callback::from(move |_| d.emit(Msg::Help(false)))
    };
    html! {
        <div class="overlay" data-testid="help-overlay">
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="help-title">
                <h2 id="help-title">{"How to use ReplScope"}</h2>
                <table class="keys">
                    <tbody>
                        <tr><th scope="row"><kbd>{"Space"}</kbd></th><td>{"play / pause"}</td></tr>
                        <tr><th scope="row"><kbd>{"→"}</kbd></th><td>{"step to the next message"}</td></tr>
                        <tr><th scope="row"><kbd>{"←"}</kbd></th><td>{"step back"}</td></tr>
                        <tr><th scope="row"><kbd>{"?"}</kbd></th><td>{"this help"}</td></tr>
                        <tr><th scope="row"><kbd>{"Esc"}</kbd></th><td>{"close"}</td></tr>
                        <tr><th scope="row"><kbd>{"↑"}</kbd>{" "}<kbd>{"↓"}</kbd></th><td>{"console history"}</td></tr>
                    </tbody>
                </table>
                <ul>
                    <li>{"Pick a lesson and press "}{ icon(Icon::Play) }{" Play, or step with the right arrow key to watch one message at a time."}</li>
                    <li>{"Cut a link, write on the master, heal it: the decision card explains whether the replica's next PSYNC continues (+CONTINUE) or starts over (+FULLRESYNC)."}</li>
                    <li>{"The backlog ring shows which offsets the master still remembers; the "}{ icon(Icon::Check) }{"/"}{ icon(Icon::Cross) }{" marker is the offset the replica asked for."}</li>
                    <li>{"Drag the timeline to any step. Acting after stepping back starts a new branch from there."}</li>
                    <li>{"Open a message in the Messages list to see its exact RESP bytes."}</li>
                </ul>
                <button ref={close_ref} class="primary" onclick={close} data-testid="help-close">{"Close"}</button>
            </div>
        </div>
    }
}
