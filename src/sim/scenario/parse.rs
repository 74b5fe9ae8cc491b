//! Reading the scenario language: one statement per line, words split as redis-cli splits
//! them (`sdssplitargs`: quotes, escapes), a `#` that starts a word starts a comment. The first
//! malformed line is reported with its line, column and what was expected.

use super::{Focus, Located, Prediction, Scenario, Statement};
use crate::engine::resp::split_args;
use crate::sim::clock::parse_duration;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParseError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}, column {}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for ParseError {}

fn perr(line: usize, column: usize, message: impl Into<String>) -> ParseError {
    ParseError { line, column, message: message.into() }
}

/// One word of a line: its text (quotes removed, escapes applied), its 1-based column, and
/// the byte offset just past it.
#[derive(Clone, Debug, PartialEq)]
struct Word {
    text: String,
    column: usize,
    end: usize,
}

/// The next word of `line[from..]` like redis-cli splits it (`None` at the end of the line or
/// at a `#` that starts a word), with the offset where it starts.
fn next_word(line: &str, from: usize, lineno: usize) -> Result<Option<(Word, usize)>, ParseError> {
    let bytes = line.as_bytes();
    let mut i = from;
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    if i >= bytes.len() || bytes[i] == b'#' {
        return Ok(None);
    }
    let start = i;
    while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
        match bytes[i] {
            q @ (b'"' | b'\'') => {
                let open = i;
                i += 1;
                loop {
                    match bytes.get(i) {
                        None => return Err(perr(lineno, open + 1, "unbalanced quotes: expected a closing quote")),
                        Some(b'\\') => i += 2,
                        Some(&c) if c == q => break,
                        Some(_) => i += 1,
                    }
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    let raw = &line[start..i];
    let split = split_args(raw).map_err(|e| perr(lineno, start + 1, format!("bad argument: {}", e)))?;
    let text = split.into_iter().map(|b| String::from_utf8_lossy(&b).into_owned()).collect::<Vec<_>>().join(" ");
    Ok(Some((Word { text, column: start + 1, end: i }, start)))
}

/// Split `line[from..]` into words like redis-cli, stopping at a `#` that starts a word.
fn words(line: &str, from: usize, lineno: usize) -> Result<Vec<Word>, ParseError> {
    let mut out = Vec::new();
    let mut i = from;
    while let Some((w, _)) = next_word(line, i, lineno)? {
        i = w.end;
        out.push(w);
    }
    Ok(out)
}

fn is_name(text: &str) -> bool {
    let b = text.as_bytes();
    !b.is_empty() && b[0].is_ascii_alphabetic() && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_')
}

/// A prompt's name: `NAME` or `NAME:CONSOLE` (another console client of NAME).
fn is_prompt_name(text: &str) -> bool {
    match text.split_once(':') {
        Some((node, console)) => is_name(node) && is_name(console),
        None => is_name(text),
    }
}

/// `NAME>` at `from` (after spaces): the name and the offset after the `>`.
fn prompt_at(line: &str, from: usize) -> Option<(String, usize)> {
    let rest = &line[from..];
    let trimmed = rest.trim_start();
    let offset = from + (rest.len() - trimmed.len());
    let gt = trimmed.find('>')?;
    let name = &trimmed[..gt];
    is_prompt_name(name).then(|| (name.to_string(), offset + gt + 1))
}

/// Parse a scenario file's bytes: text that is not UTF-8 is reported at the line and column
/// of its first invalid byte (a reader that decoded lossily would silently change arguments).
pub fn parse_bytes(bytes: &[u8]) -> Result<Scenario, ParseError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => parse(text),
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
            let column = e.valid_up_to() - line_start + 1;
            let byte = bytes[e.valid_up_to()];
            Err(perr(line, column, format!("not UTF-8 text (byte 0x{byte:02x}): save the scenario as UTF-8")))
        }
    }
}

/// Parse a whole scenario; the first malformed line is reported with line and column.
pub fn parse(text: &str) -> Result<Scenario, ParseError> {
    // A byte-order mark would otherwise glue itself to the first word ("\u{feff}node").
    if text.starts_with('\u{feff}') {
        return Err(perr(1, 1, "the text starts with a byte-order mark (BOM): save the scenario as UTF-8 without a BOM"));
    }
    let mut statements = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let lineno = i + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(statement) = parse_line(line, lineno)? {
            statements.push(Located { line: lineno, statement });
        }
    }
    awaits_come_before_actions(&statements)?;
    Ok(Scenario { statements })
}

/// An `await` hands the student the next action: one must follow (narration, `look`,
/// `correct` and `pause` may come between).
fn awaits_come_before_actions(statements: &[Located]) -> Result<(), ParseError> {
    for (i, at) in statements.iter().enumerate().filter(|(_, s)| s.statement == Statement::Await) {
        let next = statements[i + 1..]
            .iter()
            .map(|s| &s.statement)
            .find(|s| !matches!(s, Statement::Say { .. } | Statement::Look { .. } | Statement::Correct { .. } | Statement::Pause));
        // A typed command, or any world input a student can make (`Statement::input`; adding
        // a node is the lesson's setup, not the student's turn).
        let is_action = match next {
            Some(Statement::Command { .. }) => true,
            Some(Statement::Node { .. }) | Some(Statement::Era { .. }) | None => false,
            Some(s) => s.input().is_some(),
        };
        if !is_action {
            return Err(perr(at.line, 1, "'await' must come before the action the student takes (NAME> command, cut, heal, hold, release, slow, stop, crash or restart)"));
        }
    }
    Ok(())
}

pub(super) fn parse_line(line: &str, n: usize) -> Result<Option<Statement>, ParseError> {
    let Some((head, _)) = next_word(line, 0, n)? else { return Ok(None) };
    // The reply side of `expect` is reply text, not words: split nothing past the keyword yet.
    if head.text == "expect" {
        return parse_expect(line, head.end, n).map(Some);
    }
    // Narration is prose, kept verbatim to the end of the line (a `#` in it is text).
    if let Some(lang) = head.text.strip_prefix("say").and_then(|l| if l.is_empty() { Some("en") } else { l.strip_prefix('.') }) {
        if lang != "en" && lang != "zh" {
            return Err(perr(n, head.column, format!("expected 'say' (English) or 'say.zh' (简体中文), got '{}'", head.text)));
        }
        let text = line[head.end..].trim();
        if text.is_empty() {
            return Err(perr(n, head.end + 2, format!("expected the narration after '{}'", head.text)));
        }
        return Ok(Some(Statement::Say { lang: lang.to_string(), text: text.to_string() }));
    }
    if head.text == "send" {
        let Some((node, after)) = prompt_at(line, head.end) else {
            return Err(perr(n, head.end + 2, "expected 'NAME> COMMAND' after 'send'"));
        };
        let args: Vec<String> = words(line, after, n)?.into_iter().map(|w| w.text).collect();
        if args.is_empty() {
            return Err(perr(n, after + 1, format!("expected a command after '{}>'", node)));
        }
        return Ok(Some(Statement::Send { node, args }));
    }
    if head.text == "reply" {
        // `reply NAME == REPLY`: the reply side is reply text, kept verbatim as in `expect`.
        let rest = &line[head.end..];
        let Some((node, expected)) = rest.split_once(" == ") else {
            return Err(perr(n, head.end + 2, "expected 'NAME == REPLY' after 'reply'"));
        };
        let node = node.trim();
        if !is_prompt_name(node) {
            return Err(perr(n, head.end + 2, format!("expected a node name, got '{}'", node)));
        }
        let expected = expected.trim();
        if expected.is_empty() {
            return Err(perr(n, line.len() + 1, "expected the reply after '=='"));
        }
        return Ok(Some(Statement::Reply { node: node.to_string(), reply: expected.to_string() }));
    }
    let first = words(line, 0, n)?;
    let head = &first[0];
    if let Some((node, after)) = prompt_at(line, 0) {
        if !head.text.starts_with('"') && !head.text.starts_with('\'') && line[..after].trim_start().len() == node.len() + 1 {
            let args: Vec<String> = words(line, after, n)?.into_iter().map(|w| w.text).collect();
            if args.is_empty() {
                return Err(perr(n, after + 1, format!("expected a command after '{}>'", node)));
            }
            return Ok(Some(Statement::Command { node, args }));
        }
    }
    let args: Vec<&Word> = first.iter().skip(1).collect();
    let want = |count: usize, what: &str| -> Result<(), ParseError> {
        if args.len() < count {
            let col = first.last().map_or(1, |w| w.end + 2);
            return Err(perr(n, col, format!("expected {} after '{}'", what, head.text)));
        }
        if args.len() > count {
            return Err(perr(n, args[count].column, format!("unexpected '{}': '{}' takes {}", args[count].text, head.text, what)));
        }
        Ok(())
    };
    let name_at = |w: &Word| -> Result<String, ParseError> {
        if is_name(&w.text) {
            Ok(w.text.clone())
        } else {
            Err(perr(n, w.column, format!("expected a node name, got '{}'", w.text)))
        }
    };
    let duration_at = |w: &Word| parse_duration(&w.text).map_err(|e| perr(n, w.column, e));
    let st = match head.text.as_str() {
        "node" => {
            want(1, "a node name")?;
            Statement::Node { name: name_at(args[0])? }
        }
        "era" => {
            want(1, "a Redis version: 2.6, 2.8 or 4.0")?;
            let era = crate::engine::repl::era::Era::parse(&args[0].text).map_err(|e| perr(n, args[0].column, e))?;
            Statement::Era { era: era.word().to_string() }
        }
        "run" => {
            want(1, "a duration (e.g. 2s, 150ms)")?;
            Statement::Run { ms: duration_at(args[0])? }
        }
        kw @ ("cut" | "heal" | "hold" | "release") => {
            want(2, "two node names")?;
            let (a, b) = (name_at(args[0])?, name_at(args[1])?);
            if a == b {
                return Err(perr(n, args[1].column, "expected two different nodes"));
            }
            match kw {
                "cut" => Statement::Cut { a, b },
                "heal" => Statement::Heal { a, b },
                "hold" => Statement::Hold { a, b },
                _ => Statement::Release { a, b },
            }
        }
        "slow" => {
            if args.len() == 3 {
                want(3, "two node names, a latency and a bandwidth")?;
            } else {
                want(4, "two node names, a latency and a bandwidth")?;
            }
            let (a, b) = (name_at(args[0])?, name_at(args[1])?);
            let latency_ms = duration_at(args[2])?;
            let bytes_per_ms = match args.get(3) {
                Some(w) => w.text.parse().map_err(|_| perr(n, w.column, format!("expected bytes per ms (a number), got '{}'", w.text)))?,
                None => 0,
            };
            Statement::Slow { a, b, latency_ms, bytes_per_ms }
        }
        "stop" => {
            want(1, "a node name")?;
            Statement::Stop { node: name_at(args[0])? }
        }
        "crash" => {
            want(1, "a node name")?;
            Statement::Crash { node: name_at(args[0])? }
        }
        "restart" => {
            want(1, "a node name")?;
            Statement::Restart { node: name_at(args[0])? }
        }
        "settle" => {
            want(0, "nothing")?;
            Statement::Settle
        }
        "check" => {
            want(0, "nothing")?;
            Statement::Check
        }
        "pause" => {
            want(0, "nothing")?;
            Statement::Pause
        }
        "await" => {
            want(0, "nothing")?;
            Statement::Await
        }
        "look" => {
            let texts: Vec<&str> = args.iter().map(|w| w.text.as_str()).collect();
            let focus = Focus::from_words(&texts).map_err(|e| perr(n, head.column, e))?;
            for w in args.iter().skip(1) {
                name_at(w)?;
            }
            Statement::Look { focus }
        }
        "predict" => Statement::Predict(parse_prediction(&args, n, head.end)?),
        "correct" => {
            want(1, "a correction id")?;
            let id = args[0].text.clone();
            if !super::lesson::CORRECTIONS.contains(&id.as_str()) {
                return Err(perr(n, args[0].column, format!("unknown correction '{id}' (known: {})", super::lesson::CORRECTIONS.join(", "))));
            }
            Statement::Correct { id }
        }
        kw @ ("save" | "load") => {
            want(2, "a node name and a file path")?;
            let (node, path) = (name_at(args[0])?, args[1].text.clone());
            if kw == "save" {
                Statement::Save { node, path }
            } else {
                Statement::Load { node, path }
            }
        }
        other => {
            return Err(perr(
                n,
                head.column,
                format!("expected a statement (node, era, NAME> command, run, cut, heal, hold, release, slow, stop, crash, restart, settle, save, load, expect, send, reply, check, say, look, pause, await, correct, predict), got '{}'", other),
            ))
        }
    };
    Ok(Some(st))
}

/// `expect NAME> ARGS == REPLY` / `~= LINE`. Only the command side is split into words: the
/// reply side is redis-cli's rendering (`1) "a"\n2) "b"`, `(error) ERR … 'no'.`, `""`), kept
/// verbatim, so quotes in it need not follow the argument rules. The operator is the first
/// unquoted word that is exactly `==` or `~=`.
fn parse_expect(line: &str, from: usize, n: usize) -> Result<Statement, ParseError> {
    let Some((node, after)) = prompt_at(line, from) else {
        return Err(perr(n, from + 2, "expected 'NAME> COMMAND == REPLY' after 'expect'"));
    };
    let mut args = Vec::new();
    let mut at = after;
    let op = loop {
        let Some((w, start)) = next_word(line, at, n)? else {
            return Err(perr(n, line.trim_end().len() + 1, "expected '== REPLY' or '~= LINE' after the command"));
        };
        at = w.end;
        let raw = &line[start..w.end];
        if raw == "==" || raw == "~=" {
            break w;
        }
        args.push(w.text);
    };
    if args.is_empty() {
        return Err(perr(n, op.column, "expected a command before the comparison"));
    }
    let expected = line[op.end..].trim().to_string();
    if expected.is_empty() {
        return Err(perr(n, op.end + 2, "expected the reply after the comparison"));
    }
    Ok(if op.text == "==" {
        Statement::Expect { node, args, reply: expected }
    } else {
        Statement::ExpectLine { node, args, pattern: expected }
    })
}

/// `predict NAME +CONTINUE|+FULLRESYNC [asks N] [sends N]`.
fn parse_prediction(args: &[&Word], n: usize, after: usize) -> Result<Prediction, ParseError> {
    let usage = "expected 'predict NAME +CONTINUE|+FULLRESYNC [asks OFFSET] [sends BYTES]'";
    let (Some(node), Some(outcome)) = (args.first(), args.get(1)) else { return Err(perr(n, after + 2, usage)) };
    if !is_name(&node.text) {
        return Err(perr(n, node.column, format!("expected a node name, got '{}'", node.text)));
    }
    if outcome.text != "+CONTINUE" && outcome.text != "+FULLRESYNC" {
        return Err(perr(n, outcome.column, format!("expected +CONTINUE or +FULLRESYNC, got '{}'", outcome.text)));
    }
    let mut p = Prediction { node: node.text.clone(), outcome: outcome.text.clone(), asks: None, sends: None };
    let mut rest = args[2..].iter();
    while let Some(key) = rest.next() {
        let Some(value) = rest.next() else { return Err(perr(n, key.column, format!("expected a number after '{}'", key.text))) };
        let bad = || perr(n, value.column, format!("expected a number after '{}', got '{}'", key.text, value.text));
        match key.text.as_str() {
            "asks" if p.asks.is_none() => p.asks = Some(value.text.parse().map_err(|_| bad())?),
            "sends" if p.sends.is_none() => p.sends = Some(value.text.parse().map_err(|_| bad())?),
            _ => return Err(perr(n, key.column, usage)),
        }
    }
    Ok(p)
}
