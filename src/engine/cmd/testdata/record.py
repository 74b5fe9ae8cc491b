import socket, json, sys, time, subprocess, os, select

def free_port():
    s = socket.socket(); s.bind(('127.0.0.1', 0)); p = s.getsockname()[1]; s.close(); return p

def enc(args):
    out = b'*%d\r\n' % len(args)
    for a in args:
        if isinstance(a, str): a = a.encode('latin1')
        out += b'$%d\r\n%s\r\n' % (len(a), a)
    return out

class Reader:
    def __init__(self, sock): self.s = sock; self.buf = b''
    def fill(self, timeout=None):
        self.s.settimeout(timeout)
        try:
            d = self.s.recv(65536)
        except socket.timeout:
            return False
        if not d: raise EOFError
        self.buf += d; return True
    def line(self):
        while b'\r\n' not in self.buf: self.fill(5)
        i = self.buf.index(b'\r\n'); l = self.buf[:i]; self.buf = self.buf[i+2:]; return l
    def exact(self, n):
        while len(self.buf) < n: self.fill(5)
        d = self.buf[:n]; self.buf = self.buf[n:]; return d
    def reply_raw(self):
        # returns raw bytes of one reply
        start = len(self.buf)
        raw = b''
        l = self.line(); raw += l + b'\r\n'
        t = l[:1]
        if t in (b'+', b'-', b':'): return raw
        if t == b'$':
            n = int(l[1:])
            if n < 0: return raw
            raw += self.exact(n + 2); return raw
        if t == b'*':
            n = int(l[1:])
            for _ in range(max(n, 0)): raw += self.reply_raw()
            return raw
        raise Exception('bad reply %r' % l)

def parse_cmds(data):
    # parse a stream of multibulk commands into argv lists
    out = []; i = 0
    while i < len(data):
        assert data[i:i+1] == b'*', data[i:]
        j = data.index(b'\r\n', i); n = int(data[i+1:j]); i = j + 2
        argv = []
        for _ in range(n):
            j = data.index(b'\r\n', i); l = int(data[i+1:j]); i = j + 2
            argv.append(data[i:i+l].decode('latin1')); i += l + 2
        out.append(argv)
    return out

port = free_port()
srv = subprocess.Popen(['/usr/bin/redis-server', '--port', str(port), '--save', '', '--appendonly', 'no',
    '--dir', '/tmp/cmds_rs', '--repl-diskless-sync', 'no', '--enable-debug-command', 'yes', '--repl-ping-replica-period', '3600'],
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    for _ in range(50):
        try:
            c = socket.create_connection(('127.0.0.1', port)); break
        except OSError: time.sleep(0.1)
    cr = Reader(c)
    c.sendall(enc(['DEBUG', 'SET-ACTIVE-EXPIRE', '0'])); cr.reply_raw()
    r = socket.create_connection(('127.0.0.1', port)); rr = Reader(r)
    r.sendall(enc(['PSYNC', '?', '-1']))
    l = rr.line()
    while l == b'': l = rr.line()
    assert l.startswith(b'+FULLRESYNC'), l
    # rdb preamble, skipping keepalive newlines
    while True:
        while not rr.buf: rr.fill(10)
        if rr.buf[:1] == b'\n': rr.buf = rr.buf[1:]; continue
        break
    l = rr.line(); n = int(l[1:]); rr.exact(n)
    cmds = [l.rstrip('\n') for l in open(sys.argv[1]) if l.strip() and not l.startswith('#')]
    results = []
    for line in cmds:
        # split like redis-cli for simple lines: use shlex-ish: we keep it simple, tests use spaces and quotes
        import shlex
        args = shlex.split(line)
        c.sendall(enc(args))
        reply = cr.reply_raw()
        # drain the replica stream: send a PING marker? wait briefly
        time.sleep(0.02)
        while rr.fill(0.05): pass
        data = rr.buf; rr.buf = b''
        prop = [a for a in parse_cmds(data)]
        results.append({'cmd': args, 'reply': reply.decode('latin1'), 'prop': prop})
    json.dump(results, open(sys.argv[2], 'w'), indent=0)
    print(len(results), 'commands recorded')
finally:
    srv.terminate(); srv.wait()
