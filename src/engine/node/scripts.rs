//! EVAL / EVALSHA / SCRIPT (eval.c `evalGenericCommand`, `scriptCommand`) without a Lua
//! interpreter: no pure-Rust Lua fits the page's size budget (docs/FIDELITY.md has the
//! measurements), so ReplScope keeps an always-empty script cache and answers everything that
//! does not need to run or compile a script exactly as Redis 7.0 does: the argument checks,
//! `NOSCRIPT` for an unknown SHA1, `SCRIPT EXISTS` (all 0), `SCRIPT FLUSH`. Running (`EVAL`)
//! or compiling (`SCRIPT LOAD`) a script answers an error that says why. Nothing here is
//! propagated (7.0 replicates a script's effects, and there are none).

use crate::engine::resp::Frame;

const NO_LUA: &str = "ERR ReplScope does not run Lua scripts: no Lua interpreter fits the page (docs/FIDELITY.md)";

fn parse_i64(a: &[u8]) -> Option<i64> {
    let s = std::str::from_utf8(a).ok()?;
    if s.starts_with('+') || (s.len() > 1 && s.starts_with('0')) || s.starts_with("-0") {
        return None;
    }
    s.parse().ok()
}

/// `evalGenericCommand` up to the script lookup.
pub(crate) fn eval_command(argv: &[Vec<u8>], evalsha: bool) -> Frame {
    let Some(numkeys) = parse_i64(&argv[2]) else {
        return Frame::Error("ERR value is not an integer or out of range".into());
    };
    if numkeys > argv.len() as i64 - 3 {
        return Frame::Error("ERR Number of keys can't be greater than number of args".into());
    }
    if numkeys < 0 {
        return Frame::Error("ERR Number of keys can't be negative".into());
    }
    if evalsha {
        // The cache is always empty: no script was ever loaded.
        return Frame::Error("NOSCRIPT No matching script. Please use EVAL.".into());
    }
    Frame::Error(NO_LUA.into())
}

/// `scriptCommand`.
pub(crate) fn script_command(argv: &[Vec<u8>]) -> Frame {
    let sub = String::from_utf8_lossy(&argv[1]).to_ascii_lowercase();
    let arity = |n: usize, exact: bool| if exact { argv.len() == n } else { argv.len() >= n };
    let wrong = || Frame::Error(format!("ERR wrong number of arguments for 'script|{}' command", sub));
    match sub.as_str() {
        "exists" if arity(3, false) => Frame::Array(argv[2..].iter().map(|_| Frame::Integer(0)).collect()),
        "flush" if arity(2, false) && argv.len() <= 3 => {
            let mode = argv.get(2).map(|m| m.to_ascii_lowercase());
            match mode.as_deref() {
                None | Some(b"sync") | Some(b"async") => Frame::Simple("OK".into()),
                _ => Frame::Error("ERR SCRIPT FLUSH only support SYNC|ASYNC option".into()),
            }
        }
        "load" if arity(3, true) => Frame::Error(NO_LUA.into()),
        "kill" if arity(2, true) => Frame::Error("NOTBUSY No scripts in execution right now.".into()),
        "exists" | "flush" | "load" | "kill" => wrong(),
        _ => Frame::Error(format!(
            "ERR unknown subcommand '{}'. Try SCRIPT HELP.",
            String::from_utf8_lossy(&argv[1]).chars().take(128).collect::<String>()
        )),
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::repl::testkit::Net;

    #[test]
    fn script_answers_without_lua_and_propagates_nothing() {
        let mut net = Net::new(&["m", "r"]);
        net.attach("r", "m");
        let before = net.offset("m");
        let c = net.client("m");
        let s = |net: &mut Net, a: &[&str]| String::from_utf8_lossy(&net.cmd(c, a)).to_string();
        assert_eq!(
            s(&mut net, &["EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", "0"]),
            "-NOSCRIPT No matching script. Please use EVAL.\r\n"
        );
        assert_eq!(s(&mut net, &["EVAL", "return 1", "2", "a"]), "-ERR Number of keys can't be greater than number of args\r\n");
        assert_eq!(s(&mut net, &["EVAL", "return 1", "-1"]), "-ERR Number of keys can't be negative\r\n");
        assert_eq!(s(&mut net, &["EVAL", "return 1", "x"]), "-ERR value is not an integer or out of range\r\n");
        assert!(s(&mut net, &["EVAL", "return 1", "0"]).starts_with("-ERR ReplScope does not run Lua scripts"));
        assert_eq!(s(&mut net, &["SCRIPT", "EXISTS", "a", "b"]), "*2\r\n:0\r\n:0\r\n");
        assert_eq!(s(&mut net, &["SCRIPT", "FLUSH", "ASYNC"]), "+OK\r\n");
        assert_eq!(s(&mut net, &["SCRIPT", "FLUSH", "nope"]), "-ERR SCRIPT FLUSH only support SYNC|ASYNC option\r\n");
        assert_eq!(s(&mut net, &["SCRIPT", "EXISTS"]), "-ERR wrong number of arguments for 'script|exists' command\r\n");
        assert_eq!(net.offset("m"), before, "nothing propagated");
    }
}
