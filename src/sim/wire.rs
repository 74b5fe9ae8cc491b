//! The wire a connection's bytes cross once the world decides they arrive: the medium under
//! the link model (a socket pair's kernel buffers, in Redis's world). The world keeps the link
//! model (latency, bandwidth, FIFO order, cut, hold); at a chunk's delivery time it puts the
//! chunk on a [`Wire`] as a [`Parcel`] and the receiving node reads what comes off the far end.
//!
//! Natively the wire is memory ([`MemoryWire`]: the parcel comes back at once). In the page it
//! is a pair of `MessagePort`s per connection (src/ui/channel.rs): the parcel comes back a task
//! later, so a step can be [`Stepped::Waiting`] until it lands. Either way the node reads the
//! bytes the wire handed back, and the trace is the same.

use std::collections::VecDeque;

/// One chunk on its way from one end of a connection to the other.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parcel {
    /// The world's connection id and which end wrote it (0 = the end that connected).
    pub conn: u64,
    pub side: u8,
    /// The chunk's world-unique id: a parcel that comes back late (the world moved on) is
    /// recognised as stale by it.
    pub chunk: u64,
    /// Node names of the writer and the reader, for the wire's own bookkeeping.
    pub from: String,
    pub to: String,
    pub bytes: Vec<u8>,
}

/// Something that carries parcels from one end of a connection to the other, in order.
pub trait Wire {
    /// Put a parcel on the wire.
    fn put(&mut self, parcel: Parcel);
    /// The next parcel that came off the wire, if one has arrived.
    fn take(&mut self) -> Option<Parcel>;
}

/// The native wire: what is put on it can be taken off at once.
#[derive(Debug, Default)]
pub struct MemoryWire {
    parcels: VecDeque<Parcel>,
}

impl Wire for MemoryWire {
    fn put(&mut self, parcel: Parcel) {
        self.parcels.push_back(parcel);
    }
    fn take(&mut self) -> Option<Parcel> {
        self.parcels.pop_front()
    }
}

/// What one step over a wire did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stepped {
    /// An event was handled (a delivery included: its parcel came back and was read).
    Done,
    /// A parcel is on the wire and has not come back yet: call again once it has.
    Waiting,
    /// Nothing is left to happen.
    Idle,
}
