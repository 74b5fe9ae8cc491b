//! The panels of the page, one file each. Every panel takes the part of the model it renders
//! as props (and a `Callback<Msg>` when it can change something); none decides a replication
//! rule.

pub mod backlog_ring;
pub mod below;
pub mod console;
pub mod decision_card;
pub mod era;
pub mod first_look;
pub mod glossary;
pub mod help;
pub mod highlight;
pub mod icons;
pub mod inspector;
pub mod lazy;
pub mod link_custom;
pub mod link_speed;
pub mod narration;
pub mod narrow;
pub mod offsets;
pub mod overlays;
pub mod rare;
pub mod replica_buffer;
pub mod sequence;
pub mod share;
pub mod sizing;
pub mod toolbar;
pub mod topology;

use yew::prelude::*;

/// A dialog's first focus: the returned ref's element (its close button) takes focus when the
/// dialog opens, so Escape and Enter work at once. Shared by the help and glossary overlays.
#[hook]
pub fn use_focus_on_open() -> NodeRef {
    let target = use_node_ref();
    {
        let target = target.clone();
        use_effect_with((), move |_| {
            if let Some(el) = target.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        });
    }
    target
}
