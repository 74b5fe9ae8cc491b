//! The harness's own reading of the scenario language (the grammar of src/sim/scenario.rs),
//! into the shared AST. The real-redis half runs from this parse; once the sim's `parse`
//! exists the harness also asserts both parsers agree, so a scenario means one thing.

use crate::support::cli::split_args;
use replscope::sim::scenario::{Located, Scenario, Statement};

fn duration_ms(s: &str) -> Result<u64, String> {
    let (num, mul) = if let Some(n) = s.strip_suffix("ms") {
        (n, 1)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1000)
    } else if let Some(n) = s.strip_suffix('m') {
        (n, 60_000)
    } else {
        return Err(format!("expected a duration like 2s or 150ms, got {s:?}"));
    };
    num.parse::<u64>().map(|n| n * mul).map_err(|_| format!("bad duration {s:?}"))
}

fn strip_comment(line: &str) -> &str {
    // A `#` starts a comment at the line start or after whitespace, outside quotes.
    let (mut dq, mut sq) = (false, false);
    let b = line.as_bytes();
    for i in 0..b.len() {
        match b[i] {
            b'"' if !sq => dq = !dq,
            b'\'' if !dq => sq = !sq,
            b'#' if !dq && !sq && (i == 0 || b[i - 1].is_ascii_whitespace()) => return &line[..i],
            _ => {}
        }
    }
    line
}

fn text_args(s: &str) -> Result<Vec<String>, String> {
    Ok(split_args(s)?.into_iter().map(|a| String::from_utf8_lossy(&a).into_owned()).collect())
}

fn command(s: &str) -> Result<(String, Vec<String>), String> {
    let (node, rest) = s.split_once('>').ok_or("expected NAME> COMMAND")?;
    let node = node.trim();
    if node.is_empty() || node.contains(char::is_whitespace) {
        return Err(format!("bad node name {node:?}"));
    }
    let args = text_args(rest)?;
    if args.is_empty() {
        return Err("empty command".into());
    }
    Ok((node.to_string(), args))
}

pub fn parse(text: &str) -> Result<Scenario, String> {
    let mut statements = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let l = strip_comment(raw).trim();
        if l.is_empty() {
            continue;
        }
        let err = |m: String| format!("line {line}: {m}");
        let words: Vec<&str> = l.split_whitespace().collect();
        let two = |f: fn(String, String) -> Statement| -> Result<Statement, String> {
            match words.as_slice() {
                [_, a, b] => Ok(f(a.to_string(), b.to_string())),
                _ => Err(err(format!("{} takes two node names", words[0]))),
            }
        };
        let one = |f: fn(String) -> Statement| -> Result<Statement, String> {
            match words.as_slice() {
                [_, a] => Ok(f(a.to_string())),
                _ => Err(err(format!("{} takes one node name", words[0]))),
            }
        };
        let statement = match words[0] {
            "node" => one(|name| Statement::Node { name })?,
            "run" => match words.as_slice() {
                [_, d] => Statement::Run { ms: duration_ms(d).map_err(err)? },
                _ => return Err(err("run takes a duration".into())),
            },
            "cut" => two(|a, b| Statement::Cut { a, b })?,
            "heal" => two(|a, b| Statement::Heal { a, b })?,
            "hold" => two(|a, b| Statement::Hold { a, b })?,
            "release" => two(|a, b| Statement::Release { a, b })?,
            "stop" => one(|node| Statement::Stop { node })?,
            "crash" => one(|node| Statement::Crash { node })?,
            "restart" => one(|node| Statement::Restart { node })?,
            "settle" if words.len() == 1 => Statement::Settle,
            "check" if words.len() == 1 => Statement::Check,
            "save" | "load" => match words.as_slice() {
                [w, n, p] if *w == "save" => Statement::Save { node: n.to_string(), path: p.to_string() },
                [_, n, p] => Statement::Load { node: n.to_string(), path: p.to_string() },
                _ => return Err(err(format!("{} takes NODE PATH", words[0]))),
            },
            "expect" => {
                let rest = l["expect".len()..].trim();
                let (cmd, reply) = rest.split_once(" == ").ok_or_else(|| err("expect NAME> CMD == REPLY".into()))?;
                let (node, args) = command(cmd).map_err(err)?;
                Statement::Expect { node, args, reply: reply.trim().to_string() }
            }
            "send" => {
                let (node, args) = command(l["send".len()..].trim()).map_err(err)?;
                Statement::Send { node, args }
            }
            "reply" => {
                let rest = l["reply".len()..].trim();
                let (node, reply) = rest.split_once(" == ").ok_or_else(|| err("reply NAME == REPLY".into()))?;
                Statement::Reply { node: node.trim().to_string(), reply: reply.trim().to_string() }
            }
            _ if l.contains('>') => {
                let (node, args) = command(l).map_err(err)?;
                Statement::Command { node, args }
            }
            w => return Err(err(format!("unknown statement {w:?}"))),
        };
        statements.push(Located { line, statement });
    }
    Ok(Scenario { statements })
}
