//! `replscope serve`: one sans-I/O [`Node`] behind real TCP (the I/O shell of Redis's `ae`
//! event loop + `networking.c` reads and writes), so `redis-cli` and a real `redis-server` can
//! talk to it: as clients, as replicas, or as its master.
//!
//! Shape: one thread owns the `Node`; every socket has a reader thread and a writer thread
//! that talk to it over one channel. Reader → `handle_bytes` / `handle_closed`; `Output::Send`
//! → that connection's writer, which reports each completed write back (`handle_delivered`:
//! what is written to the kernel left our output buffer); `Output::Connect` → a connector
//! thread (real name resolution) → `handle_connected` / `handle_connect_failed`;
//! `Output::Close` → the writer flushes what was queued, then shuts the socket down.
//! Timers: `poll_timeout` says when to call `handle_timeout`; here, and only here, the real
//! clock is read (the engine never reads one).

use crate::engine::io::{ConnId, Output, OUTBOUND};
use crate::engine::resp::encode_command;
use crate::engine::Node;
use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Wall-clock Unix milliseconds: the logical time the engine is given.
fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// What the socket threads tell the node thread.
enum Input {
    Accepted { conn: ConnId, stream: TcpStream, peer: String },
    Connected { conn: ConnId, stream: TcpStream },
    ConnectFailed { conn: ConnId },
    Bytes { conn: ConnId, bytes: Vec<u8> },
    Delivered { conn: ConnId, n: u64 },
    Closed { conn: ConnId },
}

/// What the node thread tells one connection's writer.
enum WriterMsg {
    Bytes(Vec<u8>),
    Close,
}

/// Socket threads only copy bytes: a small stack lets many more of them exist.
const SOCKET_THREAD_STACK: usize = 64 * 1024;

/// A socket thread, or the error when the system has no more threads to give (it aborted the
/// process near 8,500 connections when `thread::spawn` was used).
fn spawn_socket_thread(f: impl FnOnce() + Send + 'static) -> io::Result<()> {
    thread::Builder::new().stack_size(SOCKET_THREAD_STACK).spawn(f).map(|_| ())
}

fn spawn_reader(conn: ConnId, mut stream: TcpStream, tx: Sender<Input>) -> io::Result<()> {
    spawn_socket_thread(move || {
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if tx.send(Input::Bytes { conn, bytes: buf[..n].to_vec() }).is_err() {
                        return;
                    }
                }
            }
        }
        let _ = tx.send(Input::Closed { conn });
    })
}

fn spawn_writer(conn: ConnId, mut stream: TcpStream, tx: Sender<Input>) -> io::Result<Sender<WriterMsg>> {
    let (wtx, wrx) = channel::<WriterMsg>();
    spawn_socket_thread(move || {
        for msg in wrx {
            match msg {
                WriterMsg::Bytes(b) => {
                    if stream.write_all(&b).is_err() {
                        let _ = stream.shutdown(Shutdown::Both);
                        return;
                    }
                    if tx.send(Input::Delivered { conn, n: b.len() as u64 }).is_err() {
                        return;
                    }
                }
                WriterMsg::Close => break,
            }
        }
        // Close after flushing (Redis's CLIENT_CLOSE_AFTER_REPLY), or when the node forgot us.
        let _ = stream.shutdown(Shutdown::Both);
    })?;
    Ok(wtx)
}

/// The node thread's state: the node and a writer per open connection.
struct Shell {
    node: Node,
    writers: BTreeMap<ConnId, Sender<WriterMsg>>,
    tx: Sender<Input>,
    /// Redis's `maxclients`: connections past it are refused with its error.
    max_clients: usize,
}

/// What `acceptCommonHandler` writes to a connection past `maxclients` before closing it.
const MAX_CLIENTS_ERROR: &[u8] = b"-ERR max number of clients reached\r\n";

/// Redis's default `maxclients`.
pub const DEFAULT_MAX_CLIENTS: usize = 10_000;

impl Shell {
    fn open(&mut self, conn: ConnId, stream: TcpStream) -> io::Result<()> {
        stream.set_nodelay(true)?;
        let reader = stream.try_clone()?;
        let writer = spawn_writer(conn, stream, self.tx.clone())?;
        // Without a reader the writer ends when its sender is dropped here.
        spawn_reader(conn, reader, self.tx.clone())?;
        self.writers.insert(conn, writer);
        Ok(())
    }

    /// `acceptCommonHandler`: past `maxclients` (or out of threads) the connection gets
    /// Redis's error and is closed, and the server keeps serving the others.
    fn accept(&mut self, conn: ConnId, mut stream: TcpStream, peer: &str, now: u64) {
        let refuse = self.writers.len() >= self.max_clients || {
            let probe = stream.try_clone();
            match probe {
                Ok(s) => self.open(conn, s).is_err(),
                Err(_) => true,
            }
        };
        if refuse {
            let _ = stream.write_all(MAX_CLIENTS_ERROR);
            let _ = stream.shutdown(Shutdown::Both);
            return;
        }
        self.node.handle_accept(conn, peer, now);
    }

    fn input(&mut self, input: Input) {
        let now = now_ms();
        match input {
            Input::Accepted { conn, stream, peer } => self.accept(conn, stream, &peer, now),
            Input::Connected { conn, stream } => match self.open(conn, stream) {
                Ok(()) => self.node.handle_connected(conn, now),
                Err(_) => self.node.handle_connect_failed(conn, now),
            },
            Input::ConnectFailed { conn } => self.node.handle_connect_failed(conn, now),
            Input::Bytes { conn, bytes } => {
                // Bytes still in flight from a connection the node already closed are dropped,
                // as Redis never reads a freed client again.
                if self.writers.contains_key(&conn) {
                    self.node.handle_bytes(conn, &bytes, now);
                }
            }
            Input::Delivered { conn, n } => {
                if self.writers.contains_key(&conn) {
                    self.node.handle_delivered(conn, n, now);
                }
            }
            Input::Closed { conn } => {
                if self.writers.remove(&conn).is_some() {
                    self.node.handle_closed(conn, now);
                }
            }
        }
    }

    fn flush_outputs(&mut self) {
        while let Some(out) = self.node.poll_output() {
            match out {
                Output::Send { conn, bytes } => {
                    if let Some(w) = self.writers.get(&conn) {
                        let _ = w.send(WriterMsg::Bytes(bytes));
                    }
                }
                Output::Close { conn } => {
                    if let Some(w) = self.writers.remove(&conn) {
                        let _ = w.send(WriterMsg::Close);
                    }
                }
                Output::Connect { conn, host, port } => {
                    let tx = self.tx.clone();
                    let connector = thread::Builder::new().spawn(move || {
                        let addr = (host.as_str(), port).to_socket_addrs().ok().and_then(|mut a| a.next());
                        let stream = addr.and_then(|a| TcpStream::connect_timeout(&a, Duration::from_secs(5)).ok());
                        let _ = tx.send(match stream {
                            Some(stream) => Input::Connected { conn, stream },
                            None => Input::ConnectFailed { conn },
                        });
                    });
                    // No thread to connect with: the connect failed (the replica retries).
                    if connector.is_err() {
                        let _ = self.tx.send(Input::ConnectFailed { conn });
                    }
                }
            }
        }
        // Engine events feed the visualizer; a headless server has no use for them.
        while self.node.poll_event().is_some() {}
    }

    /// Run until every channel end is gone (never, while the listener lives).
    fn run(mut self, rx: Receiver<Input>) {
        loop {
            self.flush_outputs();
            if let Some(deadline) = self.node.poll_timeout() {
                let now = now_ms();
                if deadline <= now {
                    self.node.handle_timeout(now);
                    self.flush_outputs();
                }
            }
            // Sleep until the next deadline or input; at least 1 ms, so a node that keeps
            // asking for a past deadline cannot spin this thread.
            let wait = match self.node.poll_timeout() {
                Some(deadline) => Duration::from_millis(deadline.saturating_sub(now_ms()).clamp(1, 1000)),
                None => Duration::from_millis(1000),
            };
            match rx.recv_timeout(wait) {
                Ok(input) => self.input(input),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
    }
}

/// The id of the built-in client that issues `REPLICAOF` at start (its replies are dropped).
const STARTUP_CLIENT: ConnId = 0;

/// Serve one ReplScope node on `127.0.0.1:port` (loopback only, like the stock redis.conf
/// `bind 127.0.0.1`: it has no authentication by default); with `replicaof`, start as a
/// replica of that master. Runs until the process ends.
pub fn run(port: u16, replicaof: Option<(String, u16)>) -> io::Result<()> {
    let listener = TcpListener::bind(("127.0.0.1", port))?;
    run_on(listener, replicaof)
}

/// Like [`run`] on an already bound listener (tests bind port 0 and read the port back).
pub fn run_on(listener: TcpListener, replicaof: Option<(String, u16)>) -> io::Result<()> {
    run_with(listener, replicaof, DEFAULT_MAX_CLIENTS)
}

/// Like [`run_on`] with a `maxclients` of its own.
pub fn run_with(listener: TcpListener, replicaof: Option<(String, u16)>, max_clients: usize) -> io::Result<()> {
    let port = listener.local_addr()?.port();
    let now = now_ms();
    // The seed only feeds replication ids; mixing in the time and pid keeps two servers apart.
    let seed = now ^ ((std::process::id() as u64) << 32) ^ port as u64;
    let mut node = Node::new("replscope", port, seed, now);
    if let Some((host, mport)) = replicaof {
        node.handle_accept(STARTUP_CLIENT, "127.0.0.1", now);
        let mut request = Vec::new();
        encode_command(&["REPLICAOF", &host, &mport.to_string()], &mut request);
        node.handle_bytes(STARTUP_CLIENT, &request, now);
        node.handle_closed(STARTUP_CLIENT, now);
    }
    let (tx, rx) = channel::<Input>();
    let shell = Shell { node, writers: BTreeMap::new(), tx: tx.clone(), max_clients };
    thread::spawn(move || {
        // Inbound ids count up from 1 (0 is the startup client); outbound ones carry OUTBOUND.
        let mut next: ConnId = 1;
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let peer = stream.peer_addr().map(|a| a.ip().to_string()).unwrap_or_else(|_| "127.0.0.1".into());
            let conn = next;
            next = (next + 1) & !OUTBOUND;
            if tx.send(Input::Accepted { conn, stream, peer }).is_err() {
                return;
            }
        }
    });
    shell.run(rx);
    Ok(())
}
