//! A real `redis-server` for a test: free loopback port, its own temp dir, `--save ''
//! --appendonly no --daemonize no`, killed (SIGKILL) on drop even when the test panics.

use super::resp::Client;
use replscope::engine::resp::Frame;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The judge. `REDIS_SERVER` overrides the path.
pub fn redis_server_path() -> PathBuf {
    let p = std::env::var_os("REDIS_SERVER").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/usr/bin/redis-server"));
    if !p.exists() {
        panic!(
            "redis-server not found at {} — the differential/interop tests need real redis-server 7.0 \
             (apt-get install redis-server, or set REDIS_SERVER); refusing to pass without the judge",
            p.display()
        );
    }
    p
}

/// A port nobody listens on right now: bind 127.0.0.1:0 and let the kernel choose.
pub fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    l.local_addr().expect("local_addr").port()
}

/// A directory under the system temp dir, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static N: AtomicU64 = AtomicU64::new(0);
        let p = std::env::temp_dir().join(format!("replscope-{}-{}-{}", tag, std::process::id(), N.fetch_add(1, Ordering::SeqCst)));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("create temp dir");
        TempDir(p)
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// One running redis-server process.
pub struct RedisServer {
    pub port: u16,
    pub dir: PathBuf,
    child: Option<Child>,
    stopped: bool,
}

impl RedisServer {
    /// Start on `port` in `dir` with extra `--name value` arguments; waits until *this*
    /// process (checked by `process_id`, so nothing else that happens to listen on the port
    /// is mistaken for it) answers PING with PONG (not -LOADING). Panics if it cannot.
    pub fn start_in(dir: &Path, port: u16, extra: &[String]) -> RedisServer {
        Self::try_start_in(dir, port, extra).unwrap_or_else(|log| panic!("redis-server on port {port} did not start; log:\n{log}"))
    }

    fn try_start_in(dir: &Path, port: u16, extra: &[String]) -> Result<RedisServer, String> {
        let bin = redis_server_path();
        let mut cmd = Command::new(bin);
        cmd.arg("--port").arg(port.to_string());
        cmd.args(["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--enable-debug-command", "local"]);
        cmd.arg("--dir").arg(dir);
        cmd.arg("--logfile").arg(dir.join("redis.log"));
        cmd.args(extra);
        cmd.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
        let child = cmd.spawn().expect("spawn redis-server");
        let mut s = RedisServer { port, dir: dir.to_path_buf(), child: Some(child), stopped: false };
        s.wait_ready()?;
        Ok(s)
    }

    /// Start on a free port; if another socket grabbed the port between the probe and
    /// redis-server's bind, try another one.
    pub fn start(dir: &Path, extra: &[String]) -> RedisServer {
        let mut last = String::new();
        for _ in 0..5 {
            match Self::try_start_in(dir, free_port(), extra) {
                Ok(s) => return s,
                Err(log) => last = log,
            }
        }
        panic!("redis-server did not start on any of 5 free ports; last log:\n{last}");
    }

    fn wait_ready(&mut self) -> Result<(), String> {
        let pid = self.pid().unwrap_or(0).to_string();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(mut c) = Client::connect(self.port) {
                c.set_read_timeout(Duration::from_secs(2)).ok();
                if let Ok(Frame::Simple(s)) = c.cmd(&["PING"]) {
                    if s == "PONG" {
                        let ours = matches!(c.cmd(&["INFO", "server"]), Ok(Frame::Bulk(b)) if String::from_utf8_lossy(&b).lines().any(|l| l.trim() == format!("process_id:{pid}")));
                        if ours {
                            return Ok(());
                        }
                    }
                }
            }
            if let Some(ch) = self.child.as_mut() {
                if let Ok(Some(status)) = ch.try_wait() {
                    self.child = None;
                    return Err(format!("exited with {status}\n{}", self.log()));
                }
            }
            if Instant::now() > deadline {
                return Err(format!("no PONG from process {pid} within 10 s\n{}", self.log()));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(|c| c.id())
    }

    pub fn client(&self) -> Client {
        Client::connect(self.port).unwrap_or_else(|e| panic!("connect to redis-server :{}: {e}", self.port))
    }

    /// SIGSTOP / SIGCONT: freeze the process (its sockets stay open, nothing is read).
    pub fn signal(&self, sig: &str) {
        if let Some(pid) = self.pid() {
            let _ = Command::new("kill").arg(format!("-{sig}")).arg(pid.to_string()).status();
        }
    }

    /// SIGKILL and reap: the process state is gone, as a crash.
    pub fn kill(&mut self) {
        if let Some(mut ch) = self.child.take() {
            if self.stopped {
                self.signal("CONT");
            }
            let _ = ch.kill();
            let _ = ch.wait();
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("redis.log")).unwrap_or_default()
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}
