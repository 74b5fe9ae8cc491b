//! `replscope serve`: one sans-I/O [`Node`] behind real TCP, so `redis-cli` and a real
//! `redis-server` can talk to it: as clients, as replicas, or as its master.
//!
//! Shape: Redis's own. One thread runs one event loop (`ae.c`; here `mio`, epoll underneath)
//! over non-blocking sockets: `acceptTcpHandler` → `handle_accept` (past `maxclients`, the
//! connection gets Redis's error and is closed), `readQueryFromClient` → `handle_bytes` /
//! `handle_closed`, `writeToClient` → what the kernel took is `handle_delivered`, and what it
//! did not stays queued until the socket is writable again. `Output::Connect` is a
//! non-blocking connect (`connectWithMaster`) whose first writable event tells
//! `handle_connected` from `handle_connect_failed`; `Output::Close` shuts a socket down once
//! its queued bytes are written (`CLIENT_CLOSE_AFTER_REPLY`). Timers: `poll_timeout` bounds
//! the wait, and here, and only here, the real clock is read (the engine never reads one).
//! No thread per connection: 10,000 clients are 10,000 entries in a map, not 20,000 stacks.

use crate::engine::io::{ConnId, Output, OUTBOUND};
use crate::engine::resp::encode_command;
use crate::engine::Node;
use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token};
use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::net::{Shutdown, ToSocketAddrs};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Wall-clock Unix milliseconds: the logical time the engine is given.
fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// What `acceptCommonHandler` writes to a connection past `maxclients` before closing it.
const MAX_CLIENTS_ERROR: &[u8] = b"-ERR max number of clients reached\r\n";

/// Redis's default `maxclients`.
pub const DEFAULT_MAX_CLIENTS: usize = 10_000;

/// The listener's token: no connection id reaches it (inbound ids count up from 1, outbound
/// ones are OUTBOUND plus a small counter).
const LISTENER: Token = Token(usize::MAX);

/// `PROTO_IOBUF_LEN`: how much one read takes.
const READ_CHUNK: usize = 16 * 1024;

/// One open socket and what the node has sent on it that the kernel has not taken yet.
struct Socket {
    stream: TcpStream,
    /// The client's reply list (`c->buf` + `c->reply`), oldest byte first.
    queued: Vec<u8>,
    /// `Output::Close` arrived: shut down once `queued` is written. The node has already
    /// forgotten the connection, so nothing more is reported for it.
    closing: bool,
    /// An outbound connect still in progress.
    connecting: bool,
}

/// The loop's state: the node, its sockets and the listener.
struct Shell {
    node: Node,
    poll: Poll,
    listener: TcpListener,
    sockets: BTreeMap<ConnId, Socket>,
    next_inbound: ConnId,
}

/// What one read or write pass found.
enum Flow {
    Open,
    Gone,
}

impl Shell {
    /// `acceptTcpHandler`: take every pending connection. Past `maxclients` (counted over
    /// every connection, as `listLength(server.clients)` does) the new one gets Redis's error.
    fn accept_all(&mut self, now: u64) {
        loop {
            let (mut stream, peer) = match self.listener.accept() {
                Ok(accepted) => accepted,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                // EMFILE and friends: this connection is lost, the server goes on.
                Err(_) => return,
            };
            if self.sockets.len() as u64 >= self.node.config().maxclients {
                let _ = stream.write(MAX_CLIENTS_ERROR);
                let _ = stream.shutdown(Shutdown::Both);
                continue;
            }
            let conn = self.next_inbound;
            self.next_inbound = (self.next_inbound + 1) & !OUTBOUND;
            let _ = stream.set_nodelay(true);
            if self.poll.registry().register(&mut stream, token(conn), Interest::READABLE | Interest::WRITABLE).is_err() {
                continue;
            }
            self.sockets.insert(conn, Socket { stream, queued: Vec::new(), closing: false, connecting: false });
            self.node.handle_accept(conn, &peer.ip().to_string(), now);
        }
    }

    /// `readQueryFromClient`, edge-triggered: read until the kernel has nothing more.
    fn read(&mut self, conn: ConnId, now: u64) -> Flow {
        let mut buf = [0u8; READ_CHUNK];
        loop {
            let Some(socket) = self.sockets.get_mut(&conn) else { return Flow::Gone };
            match socket.stream.read(&mut buf) {
                Ok(0) => return Flow::Gone,
                // Bytes from a connection the node already closed are dropped, as Redis
                // never reads a freed client again.
                Ok(n) if !socket.closing => self.node.handle_bytes(conn, &buf[..n], now),
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Flow::Open,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return Flow::Gone,
            }
        }
    }

    /// `writeToClient`: hand the kernel what it takes; each write is a delivery to the node.
    fn write(&mut self, conn: ConnId, now: u64) -> Flow {
        let Some(socket) = self.sockets.get_mut(&conn) else { return Flow::Gone };
        let mut written = 0;
        let flow = loop {
            if written == socket.queued.len() {
                break Flow::Open;
            }
            match socket.stream.write(&socket.queued[written..]) {
                Ok(0) => break Flow::Gone,
                Ok(n) => written += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break Flow::Open,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => break Flow::Gone,
            }
        };
        socket.queued.drain(..written);
        let done_closing = socket.closing && socket.queued.is_empty();
        if written > 0 && !socket.closing {
            self.node.handle_delivered(conn, written as u64, now);
        }
        if done_closing {
            return Flow::Gone;
        }
        flow
    }

    /// The socket is finished: deregister it, and tell the node unless it closed it itself.
    fn drop_socket(&mut self, conn: ConnId, now: u64) {
        if let Some(mut socket) = self.sockets.remove(&conn) {
            let _ = self.poll.registry().deregister(&mut socket.stream);
            let _ = socket.stream.shutdown(Shutdown::Both);
            if !socket.closing {
                if socket.connecting {
                    self.node.handle_connect_failed(conn, now);
                } else {
                    self.node.handle_closed(conn, now);
                }
            }
        }
    }

    /// A non-blocking connect (`connectWithMaster`); a failure is reported at once.
    fn connect(&mut self, conn: ConnId, host: &str, port: u16, now: u64) {
        // Name resolution blocks, as `anetResolve` does in Redis's own connect path.
        let addr = (host, port).to_socket_addrs().ok().and_then(|mut a| a.next());
        let stream = addr.and_then(|a| TcpStream::connect(a).ok());
        let Some(mut stream) = stream else {
            self.node.handle_connect_failed(conn, now);
            return;
        };
        if self.poll.registry().register(&mut stream, token(conn), Interest::READABLE | Interest::WRITABLE).is_err() {
            self.node.handle_connect_failed(conn, now);
            return;
        }
        self.sockets.insert(conn, Socket { stream, queued: Vec::new(), closing: false, connecting: true });
    }

    /// A connect's first event: connected (a peer address) or refused (a socket error).
    fn finish_connect(&mut self, conn: ConnId, now: u64) -> Flow {
        let Some(socket) = self.sockets.get_mut(&conn) else { return Flow::Gone };
        if !socket.connecting {
            return Flow::Open;
        }
        match (socket.stream.take_error(), socket.stream.peer_addr()) {
            (Ok(None), Ok(_)) => {
                socket.connecting = false;
                let _ = socket.stream.set_nodelay(true);
                self.node.handle_connected(conn, now);
                Flow::Open
            }
            // Still in progress: a later event decides.
            (Ok(None), Err(e)) if e.kind() == io::ErrorKind::NotConnected => Flow::Open,
            _ => Flow::Gone,
        }
    }

    /// Carry out what the node asked for since the last pass.
    fn flush_outputs(&mut self, now: u64) {
        while let Some(out) = self.node.poll_output() {
            match out {
                Output::Send { conn, bytes } => {
                    if let Some(socket) = self.sockets.get_mut(&conn) {
                        socket.queued.extend_from_slice(&bytes);
                        if !socket.connecting {
                            if let Flow::Gone = self.write(conn, now) {
                                self.drop_socket(conn, now);
                            }
                        }
                    }
                }
                Output::Close { conn } => {
                    if let Some(socket) = self.sockets.get_mut(&conn) {
                        socket.closing = true;
                        if socket.queued.is_empty() || socket.connecting {
                            self.drop_socket(conn, now);
                        } else if let Flow::Gone = self.write(conn, now) {
                            self.drop_socket(conn, now);
                        }
                    }
                }
                Output::Connect { conn, host, port } => self.connect(conn, &host, port, now),
            }
        }
        // Engine events feed the visualizer; a headless server has no use for them.
        while self.node.poll_event().is_some() {}
    }

    /// One socket's event, edge-triggered: finish a connect, write what is queued, read.
    fn socket_event(&mut self, conn: ConnId, readable: bool, writable: bool, now: u64) {
        let mut flow = Flow::Open;
        if writable {
            flow = self.finish_connect(conn, now);
            if let Flow::Open = flow {
                flow = self.write(conn, now);
            }
        }
        if let (Flow::Open, true) = (&flow, readable) {
            flow = self.read(conn, now);
        }
        if let Flow::Gone = flow {
            self.drop_socket(conn, now);
        }
    }

    /// Run until the process ends (`aeMain`).
    fn run(mut self) -> io::Result<()> {
        let mut events = Events::with_capacity(1024);
        loop {
            let now = now_ms();
            self.flush_outputs(now);
            if self.node.poll_timeout().is_some_and(|deadline| deadline <= now) {
                self.node.handle_timeout(now);
                self.flush_outputs(now);
            }
            // Sleep until the next deadline or event; at least 1 ms, so a node that keeps
            // asking for a past deadline cannot spin the loop.
            let wait = match self.node.poll_timeout() {
                Some(deadline) => Duration::from_millis(deadline.saturating_sub(now_ms()).clamp(1, 1000)),
                None => Duration::from_millis(1000),
            };
            match self.poll.poll(&mut events, Some(wait)) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
            let now = now_ms();
            for event in events.iter() {
                if event.token() == LISTENER {
                    self.accept_all(now);
                } else {
                    let conn = event.token().0 as ConnId;
                    let gone = event.is_error() || event.is_write_closed() && event.is_read_closed();
                    self.socket_event(conn, event.is_readable() || gone, event.is_writable() || gone, now);
                }
                self.flush_outputs(now);
            }
        }
    }
}

fn token(conn: ConnId) -> Token {
    Token(conn as usize)
}

/// The id of the built-in client that issues `REPLICAOF` at start (its replies are dropped).
const STARTUP_CLIENT: ConnId = 0;

/// Serve one ReplScope node on `127.0.0.1:port` (loopback only, like the stock redis.conf
/// `bind 127.0.0.1`: it has no authentication by default); with `replicaof`, start as a
/// replica of that master. Runs until the process ends.
pub fn run(port: u16, replicaof: Option<(String, u16)>) -> io::Result<()> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", port))?;
    run_on(listener, replicaof)
}

/// Like [`run`] on an already bound listener (tests bind port 0 and read the port back).
pub fn run_on(listener: std::net::TcpListener, replicaof: Option<(String, u16)>) -> io::Result<()> {
    run_with(listener, replicaof, DEFAULT_MAX_CLIENTS)
}

/// Like [`run_on`] starting with a `maxclients` of its own (`CONFIG SET maxclients` changes
/// it later, as in Redis).
pub fn run_with(listener: std::net::TcpListener, replicaof: Option<(String, u16)>, max_clients: usize) -> io::Result<()> {
    let port = listener.local_addr()?.port();
    listener.set_nonblocking(true)?;
    let mut listener = TcpListener::from_std(listener);
    let now = now_ms();
    // The seed only feeds replication ids; mixing in the time and pid keeps two servers apart.
    let seed = now ^ ((std::process::id() as u64) << 32) ^ port as u64;
    let mut node = Node::new("replscope", port, seed, now);
    node.config.maxclients = max_clients as u64;
    if let Some((host, mport)) = replicaof {
        node.handle_accept(STARTUP_CLIENT, "127.0.0.1", now);
        let mut request = Vec::new();
        encode_command(&["REPLICAOF", &host, &mport.to_string()], &mut request);
        node.handle_bytes(STARTUP_CLIENT, &request, now);
        node.handle_closed(STARTUP_CLIENT, now);
    }
    let poll = Poll::new()?;
    poll.registry().register(&mut listener, LISTENER, Interest::READABLE)?;
    // Inbound ids count up from 1 (0 is the startup client); outbound ones carry OUTBOUND and
    // come from the node itself.
    let shell = Shell { node, poll, listener, sockets: BTreeMap::new(), next_inbound: 1 };
    shell.run()
}
