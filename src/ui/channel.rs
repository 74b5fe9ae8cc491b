//! The in-page wire: every connection between two nodes is a `web_sys::MessageChannel`, its
//! two `MessagePort`s the connection's two sockets. The world keeps the link model (latency,
//! bandwidth, cut, hold) and decides when a chunk arrives; then it puts the chunk's RESP bytes
//! on the writer's port, and the reading node is fed what comes out of the other port, a task
//! later. This is the sim's [`Wire`] interface, the same one the native [`MemoryWire`] fills.
//!
//! Because a port hands bytes back asynchronously, the page walks the world with a [`Driver`]:
//! it takes raw steps until one waits on the wire, and the far port's `onmessage` resumes it.
//! Jumps across the timeline replay from memory (the same bytes; tests/wasm.rs checks that a
//! run over the ports gives the native trace byte for byte).
//!
//! [`MemoryWire`]: crate::sim::wire::MemoryWire

use crate::sim::session::{Goal, Session, Walk, WalkState};
use crate::sim::wire::{Parcel, Wire};
use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageChannel, MessageEvent, MessagePort};

/// What came out of the ports, per direction `(from, to)`: (messages, bytes).
pub type Carried = BTreeMap<(String, String), (u64, u64)>;

/// Channels kept open at most: reconnects make new connections, and old ones are closed.
const MAX_CHANNELS: usize = 64;

/// One connection's two ports and the handlers that read them.
struct Channel {
    ports: [MessagePort; 2],
    _readers: [Closure<dyn FnMut(MessageEvent)>; 2],
}

impl Drop for Channel {
    fn drop(&mut self) {
        for port in &self.ports {
            port.set_onmessage(None);
            port.close();
        }
    }
}

/// What the ports' handlers share with the wire.
#[derive(Default)]
struct Inbox {
    arrived: VecDeque<Parcel>,
    carried: Carried,
    /// Called after each arrival (the driver resumes its walk).
    on_arrival: Option<Rc<dyn Fn()>>,
}

/// The connections' MessageChannels, created on a connection's first delivery.
#[derive(Default)]
pub struct PortWire {
    channels: BTreeMap<u64, Channel>,
    inbox: Rc<RefCell<Inbox>>,
}

/// The handler of the port that reads what side `writer` of connection `conn` wrote.
fn reader(inbox: Weak<RefCell<Inbox>>, conn: u64, writer: u8) -> Closure<dyn FnMut(MessageEvent)> {
    Closure::new(move |e: MessageEvent| {
        let Some(inbox) = inbox.upgrade() else { return };
        let Some(parcel) = parcel_of(&e.data(), conn, writer) else { return };
        let callback = {
            let mut inbox = inbox.borrow_mut();
            let tally = inbox.carried.entry((parcel.from.clone(), parcel.to.clone())).or_insert((0, 0));
            tally.0 += 1;
            tally.1 += parcel.bytes.len() as u64;
            inbox.arrived.push_back(parcel);
            inbox.on_arrival.clone()
        };
        if let Some(resume) = callback {
            resume();
        }
    })
}

/// A port message is `[chunk, from, to, bytes]`; the connection and side are the port's own.
fn parcel_of(data: &JsValue, conn: u64, side: u8) -> Option<Parcel> {
    let array: &js_sys::Array = data.dyn_ref()?;
    let chunk = array.get(0).as_f64()? as u64;
    let from = array.get(1).as_string()?;
    let to = array.get(2).as_string()?;
    let bytes = array.get(3).dyn_into::<js_sys::Uint8Array>().ok()?.to_vec();
    Some(Parcel { conn, side, chunk, from, to, bytes })
}

impl PortWire {
    /// Bytes and messages that came out of the ports so far, per direction.
    pub fn carried(&self) -> Carried {
        self.inbox.borrow().carried.clone()
    }

    fn set_on_arrival(&self, f: Rc<dyn Fn()>) {
        self.inbox.borrow_mut().on_arrival = Some(f);
    }

    /// Forget parcels nobody waits for (their walk was cancelled).
    fn drop_arrived(&self) {
        self.inbox.borrow_mut().arrived.clear();
    }

    fn channel(&mut self, conn: u64) -> Result<&Channel, JsValue> {
        if !self.channels.contains_key(&conn) {
            if self.channels.len() >= MAX_CHANNELS {
                self.channels.pop_first();
            }
            let channel = MessageChannel::new()?;
            let ports = [channel.port1(), channel.port2()];
            // What side 0 writes on port1 comes out of port2, read for side 1; and back.
            let readers = [reader(Rc::downgrade(&self.inbox), conn, 1), reader(Rc::downgrade(&self.inbox), conn, 0)];
            for (port, read) in ports.iter().zip(&readers) {
                port.set_onmessage(Some(read.as_ref().unchecked_ref()));
            }
            self.channels.insert(conn, Channel { ports, _readers: readers });
        }
        self.channels.get(&conn).ok_or_else(|| JsValue::from_str("channel vanished"))
    }

    fn post(&mut self, parcel: &Parcel) -> Result<(), JsValue> {
        let port = &self.channel(parcel.conn)?.ports[usize::from(parcel.side & 1)];
        let bytes = js_sys::Uint8Array::from(parcel.bytes.as_slice());
        let message = js_sys::Array::new();
        message.push(&JsValue::from_f64(parcel.chunk as f64));
        message.push(&JsValue::from_str(&parcel.from));
        message.push(&JsValue::from_str(&parcel.to));
        message.push(&bytes);
        // The buffer is transferred, not copied: the bytes leave this side as on a socket.
        port.post_message_with_transferable(&message, &js_sys::Array::of1(&bytes.buffer()))
    }
}

impl Wire for PortWire {
    fn put(&mut self, parcel: Parcel) {
        if let Err(e) = self.post(&parcel) {
            // A port that cannot post (should not happen) must not stall the world: the
            // parcel comes back as from memory, and the console says why.
            web_sys::console::warn_1(&JsValue::from_str(&format!("MessagePort post failed ({e:?}); delivering from memory")));
            self.inbox.borrow_mut().arrived.push_back(parcel);
        }
    }
    fn take(&mut self) -> Option<Parcel> {
        self.inbox.borrow_mut().arrived.pop_front()
    }
}

struct Job {
    session: Rc<RefCell<Session>>,
    walk: Walk,
    /// What the page asked for (a step may walk to a recorded step): handed back at the end.
    asked: Goal,
}

/// Walks a session over the ports. One walk at a time; the page is told when it ends.
#[derive(Default)]
pub struct Driver {
    wire: PortWire,
    job: Option<Job>,
    notify: Option<Rc<dyn Fn(WalkState, Goal)>>,
}

impl Driver {
    /// A driver whose ports resume its walks.
    pub fn new() -> Rc<RefCell<Driver>> {
        let driver = Rc::new(RefCell::new(Driver::default()));
        let weak = Rc::downgrade(&driver);
        driver.borrow().wire.set_on_arrival(Rc::new(move || {
            if let Some(d) = weak.upgrade() {
                pump(&d);
            }
        }));
        driver
    }

    /// Who hears that an asynchronous walk ended.
    pub fn set_notify(&mut self, f: Rc<dyn Fn(WalkState, Goal)>) {
        self.notify = Some(f);
    }

    /// Stop the current walk (the world lands its parcel from memory on its next move).
    pub fn cancel(&mut self) {
        self.job = None;
    }

    pub fn carried(&self) -> Carried {
        self.wire.carried()
    }
}

/// Start walking `session` toward `goal`. `Some(state)` if it ended at once (no parcel had
/// to wait: nothing crossed the ports, or the walk is already there); `None` if it waits on
/// the ports, and the driver's notify hears the end, with `asked`. A walk already under way
/// is replaced.
pub fn start(driver: &Rc<RefCell<Driver>>, session: Rc<RefCell<Session>>, goal: Goal, asked: Goal) -> Option<WalkState> {
    let walk = session.borrow_mut().walk(goal);
    driver.borrow_mut().job = Some(Job { session, walk, asked });
    advance(driver).map(|(state, _)| state)
}

/// Advance the current walk; `Some` when it ended (the job is then gone).
fn advance(driver: &Rc<RefCell<Driver>>) -> Option<(WalkState, Goal)> {
    let mut d = driver.borrow_mut();
    let d = &mut *d;
    let Some(job) = d.job.as_mut() else {
        d.wire.drop_arrived();
        return None;
    };
    let state = job.session.borrow_mut().advance(&mut job.walk, &mut d.wire);
    if state == WalkState::Waiting {
        return None;
    }
    let asked = job.asked;
    d.job = None;
    Some((state, asked))
}

/// A parcel came out of a port: resume, and say so if the walk ended.
fn pump(driver: &Rc<RefCell<Driver>>) {
    if let Some((state, asked)) = advance(driver) {
        let notify = driver.borrow().notify.clone();
        if let Some(notify) = notify {
            notify(state, asked);
        }
    }
}
