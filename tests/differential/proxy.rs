//! The real-redis half's links: a TCP relay between a replica and its master, so `cut`,
//! `heal`, `hold` and `release` act on exactly one replication link, as the sim's `Link` does.
//!
//! Why a relay: `CLIENT KILL` alone lets the replica reconnect within a second, and SIGSTOP
//! freezes the whole replica (its own clients and sub-replicas too). A relay gives the sim's
//! semantics: cut = both ends see the connection close and new connects fail (the relay
//! accepts and closes at once) until `heal`; hold = bytes stay queued, nothing is delivered
//! either way; release = delivery resumes in order. The master still sees the replica as
//! 127.0.0.1 with its own `listening-port`, so every figure INFO reports is unchanged; only the
//! replica's `master_port` names the relay.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Duration;

#[derive(Default)]
struct State {
    cut: bool,
    held: bool,
    /// Bumped on every cut: pumps of an older generation stop.
    generation: u64,
    /// Both sockets of every relayed connection, to shut them down on a cut.
    open: Vec<TcpStream>,
    closed: bool,
}

/// The shared state of one node pair's link (both directions use it).
#[derive(Clone, Default)]
pub struct LinkState(Arc<(Mutex<State>, Condvar)>);

impl LinkState {
    pub fn cut(&self) {
        let (m, cv) = &*self.0;
        let mut s = m.lock().unwrap();
        s.cut = true;
        s.generation += 1;
        for sock in s.open.drain(..) {
            let _ = sock.shutdown(Shutdown::Both);
        }
        cv.notify_all();
    }
    pub fn heal(&self) {
        let (m, cv) = &*self.0;
        m.lock().unwrap().cut = false;
        cv.notify_all();
    }
    pub fn hold(&self) {
        self.0 .0.lock().unwrap().held = true;
    }
    pub fn release(&self) {
        let (m, cv) = &*self.0;
        m.lock().unwrap().held = false;
        cv.notify_all();
    }
    pub fn is_up(&self) -> bool {
        let s = self.0 .0.lock().unwrap();
        !s.cut && !s.held
    }
    fn close(&self) {
        let (m, cv) = &*self.0;
        let mut s = m.lock().unwrap();
        s.closed = true;
        s.generation += 1;
        for sock in s.open.drain(..) {
            let _ = sock.shutdown(Shutdown::Both);
        }
        cv.notify_all();
    }
}

/// A listening relay to `127.0.0.1:target` (the master's port).
pub struct Relay {
    pub port: u16,
    state: LinkState,
}

fn pump(mut from: TcpStream, mut to: TcpStream, state: LinkState, gen: u64) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let (m, cv) = &*state.0;
        let mut s = m.lock().unwrap();
        while s.held && s.generation == gen && !s.closed {
            s = cv.wait(s).unwrap();
        }
        if s.generation != gen || s.closed {
            break;
        }
        drop(s);
        if to.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    // One side ended: the whole connection ends, both peers see the close.
    let _ = from.shutdown(Shutdown::Both);
    let _ = to.shutdown(Shutdown::Both);
}

impl Relay {
    pub fn start(target: u16, state: LinkState) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").expect("relay bind");
        let port = listener.local_addr().unwrap().port();
        let st = state.clone();
        thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(client) = conn else { continue };
                let (cut, closed, gen) = {
                    let s = st.0 .0.lock().unwrap();
                    (s.cut, s.closed, s.generation)
                };
                if closed {
                    break;
                }
                if cut {
                    // A cut link: the connect "succeeds" at TCP level and is closed at once,
                    // which the replica handles like a refused connection (retry next second).
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                }
                let Ok(server) = TcpStream::connect_timeout(&(std::net::Ipv4Addr::LOCALHOST, target).into(), Duration::from_secs(2)) else {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                };
                let _ = client.set_nodelay(true);
                let _ = server.set_nodelay(true);
                {
                    let mut s = st.0 .0.lock().unwrap();
                    s.open.push(client.try_clone().unwrap());
                    s.open.push(server.try_clone().unwrap());
                }
                let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                let (sa, sb) = (st.clone(), st.clone());
                thread::spawn(move || pump(client, server, sa, gen));
                thread::spawn(move || pump(s2, c2, sb, gen));
            }
        });
        Relay { port, state }
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.state.close();
        // Wake the accept loop so it sees `closed` and exits.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}
