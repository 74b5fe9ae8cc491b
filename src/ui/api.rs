//! The sim API the UI codes against (`sim::session`, `sim::snapshot`, `sim::trace`), and the
//! few adapters that read trace entries for the components. Only the adapters at the bottom
//! know the shape of `TraceKind`. No replication rule is decided here.

use super::i18n::{t, tf, Lang, K};
use crate::engine::event::Event;
pub use crate::sim::input::Input;
pub use crate::sim::link::{LinkParams, LinkState};
pub use crate::sim::scenario::ParseError;
pub use crate::sim::session::{Goal, Kind, Session, WalkState};
pub use crate::sim::snapshot::{ConsoleLog, Exchange, Flight, LinkView, Snapshot, SocketView};
pub use crate::sim::trace::{ImportError, TraceEntry, TraceKind};
pub use crate::sim::world::{SimError, World, REPLY_KEPT_CHARS};

// ---- Adapters: the only places that know the shape of `TraceKind`. ----

/// A message between two nodes as the trace records its delivery.
pub struct Message<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub label: &'a str,
    /// How many bytes arrived.
    pub len: u64,
    /// The exact bytes.
    pub bytes: &'a [u8],
}

pub fn message_of(entry: &TraceEntry) -> Option<Message<'_>> {
    match &entry.kind {
        TraceKind::Delivered { from, to, label, bytes, payload } => Some(Message { from, to, label, len: *bytes, bytes: &payload.0 }),
        _ => None,
    }
}

/// A console line: a command sent, or a command's reply as redis-cli prints it.
pub enum ConsoleLine<'a> {
    Sent(&'a str),
    Replied(&'a str, &'a str),
}

pub fn console_of(entry: &TraceEntry) -> Option<ConsoleLine<'_>> {
    match &entry.kind {
        TraceKind::Command { line } => Some(ConsoleLine::Sent(line)),
        TraceKind::Reply { line, reply } => Some(ConsoleLine::Replied(line, reply)),
        _ => None,
    }
}

/// An engine event and the node it happened on.
pub fn event_of(entry: &TraceEntry) -> Option<(&str, &Event)> {
    match (&entry.kind, &entry.node) {
        (TraceKind::Event(e), Some(node)) => Some((node, e)),
        _ => None,
    }
}

/// Link and operator happenings worth a row in the sequence diagram, as one line of text.
pub fn note_of(lang: Lang, entry: &TraceEntry) -> Option<String> {
    let at = entry.node.as_deref().unwrap_or("world");
    Some(match &entry.kind {
        TraceKind::Connected { from, to } => tf(lang, K::NoteConnected, &[from, to]),
        TraceKind::ConnectFailed { from, host, port, reason } => tf(lang, K::NoteConnectFailed, &[from, host, port, reason]),
        TraceKind::Closed { peer, reason } => tf(lang, K::NoteClosed, &[&at, peer, reason]),
        TraceKind::Dropped { from, to, bytes } => tf(lang, K::NoteDropped, &[bytes, from, to]),
        TraceKind::Action { text } => action_words(lang, text),
        TraceKind::Note { text } => text.clone(),
        _ => return None,
    })
}

/// A world action as the sim words it (`node m (port 6379)`, `cut m r1`, `save m (120 bytes)`:
/// the scenario statement, with what it did in brackets), in the page's language: the verb and
/// the bracketed words are translated, names and numbers kept.
fn action_words(lang: Lang, text: &str) -> String {
    let Some((verb, rest)) = text.split_once(' ') else { return text.to_string() };
    let key = match verb {
        "node" => K::ActNode,
        "cut" => K::ActCut,
        "heal" => K::ActHeal,
        "hold" => K::ActHold,
        "release" => K::ActRelease,
        "slow" => K::ActSlow,
        "stop" => K::ActStop,
        "crash" => K::ActCrash,
        "restart" => K::ActRestart,
        "save" => K::ActSave,
        "load" => K::ActLoad,
        _ => return text.to_string(),
    };
    let rest = rest
        .replace("(port ", t(lang, K::ActPortOpen))
        .replace(" bytes)", t(lang, K::ActBytesClose))
        .replace("unlimited", t(lang, K::ActUnlimited))
        .replace(" (", t(lang, K::ActParenOpen))
        .replace(')', t(lang, K::ActParenClose));
    tf(lang, key, &[&rest])
}
