//! The in-page transport: each link of the world (a pair of nodes, like a TCP connection's two
//! sockets) is a `web_sys::MessageChannel`; `a` writes on `port1`, `b` reads on `port2`, and the
//! other way round. The world still decides *when* bytes go on the wire (its logical time,
//! cut/hold), so stepping and rewinding keep working: the page posts a delivery's payload when
//! the world reports it, and the far port counts what came out.
//!
//! Today the trace records each delivery's byte count and label, not the bytes themselves, so
//! the payload posted is the bytes when an entry carries them and otherwise the label text
//! (its length still reported as the delivery's count). See the report for the sim hook this
//! needs to carry the exact RESP bytes.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageChannel, MessageEvent, MessagePort};

/// What came out of the ports, per direction `(from, to)`: (messages, bytes reported).
pub type Carried = BTreeMap<(String, String), (u64, u64)>;

/// One link's two ends and the handlers that read them.
struct Pair {
    a: String,
    b: String,
    port_a: MessagePort,
    port_b: MessagePort,
    _read_a: Closure<dyn FnMut(MessageEvent)>,
    _read_b: Closure<dyn FnMut(MessageEvent)>,
}

/// All links' channels, created on first use.
#[derive(Default)]
pub struct Wire {
    pairs: Vec<Pair>,
    carried: Rc<RefCell<Carried>>,
}

/// A reader for the port at `to`: tallies each message (`[count, payload]`) under from → to.
fn reader(carried: Rc<RefCell<Carried>>, from: &str, to: &str) -> Closure<dyn FnMut(MessageEvent)> {
    let key = (from.to_string(), to.to_string());
    Closure::new(move |e: MessageEvent| {
        let data = e.data();
        let count = js_sys::Reflect::get(&data, &JsValue::from_f64(0.0)).ok().and_then(|v| v.as_f64()).unwrap_or(0.0);
        let mut map = carried.borrow_mut();
        let slot = map.entry(key.clone()).or_insert((0, 0));
        slot.0 += 1;
        slot.1 += count as u64;
    })
}

impl Wire {
    pub fn new() -> Wire {
        Wire::default()
    }

    /// The tallies so far (for `window.__replscope.wire` and the link cards).
    pub fn carried(&self) -> Carried {
        self.carried.borrow().clone()
    }

    fn pair(&mut self, from: &str, to: &str) -> Result<&Pair, JsValue> {
        if let Some(i) = self.pairs.iter().position(|p| (p.a == from && p.b == to) || (p.a == to && p.b == from)) {
            return Ok(&self.pairs[i]);
        }
        let channel = MessageChannel::new()?;
        let (port_a, port_b) = (channel.port1(), channel.port2());
        // What a writes comes out at b's port, and the other way round.
        let read_b = reader(self.carried.clone(), from, to);
        let read_a = reader(self.carried.clone(), to, from);
        port_b.set_onmessage(Some(read_b.as_ref().unchecked_ref()));
        port_a.set_onmessage(Some(read_a.as_ref().unchecked_ref()));
        self.pairs.push(Pair { a: from.into(), b: to.into(), port_a, port_b, _read_a: read_a, _read_b: read_b });
        Ok(self.pairs.last().expect("just pushed"))
    }

    /// Put a delivery on the wire: `[count, payload]`, the payload a transferred `Uint8Array`.
    pub fn post(&mut self, from: &str, to: &str, count: u64, payload: &[u8]) -> Result<(), JsValue> {
        let pair = self.pair(from, to)?;
        let port = if pair.a == from { &pair.port_a } else { &pair.port_b };
        let bytes = js_sys::Uint8Array::from(payload);
        let message = js_sys::Array::of2(&JsValue::from_f64(count as f64), &bytes);
        port.post_message_with_transferable(&message, &js_sys::Array::of1(&bytes.buffer()))
    }
}

impl Drop for Pair {
    fn drop(&mut self) {
        self.port_a.set_onmessage(None);
        self.port_b.set_onmessage(None);
        self.port_a.close();
        self.port_b.close();
    }
}
