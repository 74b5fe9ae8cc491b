//! The protocol's unit tests: exact bytes, Redis's error texts, and any split of a stream.

use super::*;

fn parse_all(input: &[u8]) -> (Vec<Request>, Option<ProtocolError>) {
    let mut p = RequestParser::new();
    p.feed(input);
    let mut out = Vec::new();
    loop {
        match p.next_request() {
            Ok(Some(r)) => out.push(r),
            Ok(None) => return (out, None),
            Err(e) => return (out, Some(e)),
        }
    }
}

fn args(v: &[&str]) -> Vec<Vec<u8>> {
    v.iter().map(|s| s.as_bytes().to_vec()).collect()
}

#[test]
fn encodes_each_reply_type_exactly() {
    assert_eq!(Frame::ok().to_bytes(), b"+OK\r\n");
    assert_eq!(Frame::error("ERR syntax error").to_bytes(), b"-ERR syntax error\r\n");
    assert_eq!(Frame::Integer(-42).to_bytes(), b":-42\r\n");
    assert_eq!(Frame::Integer(i64::MIN).to_bytes(), b":-9223372036854775808\r\n");
    assert_eq!(Frame::Integer(0).to_bytes(), b":0\r\n");
    assert_eq!(Frame::bulk("foo").to_bytes(), b"$3\r\nfoo\r\n");
    assert_eq!(Frame::bulk("").to_bytes(), b"$0\r\n\r\n");
    assert_eq!(Frame::Null.to_bytes(), b"$-1\r\n");
    assert_eq!(Frame::NullArray.to_bytes(), b"*-1\r\n");
    assert_eq!(Frame::Array(vec![]).to_bytes(), b"*0\r\n");
    let nested = Frame::Array(vec![Frame::bulk("a"), Frame::Array(vec![Frame::Integer(1), Frame::Null])]);
    assert_eq!(nested.to_bytes(), b"*2\r\n$1\r\na\r\n*2\r\n:1\r\n$-1\r\n");
}

#[test]
fn encode_command_matches_measured_sizes() {
    // Reference §12: SELECT 0 is 23 B, SET foo bar 31 B, SET a 1 27 B, ping 14 B,
    // REPLCONF GETACK * 37 B.
    let cases: [(&[&str], usize); 5] = [
        (&["SELECT", "0"], 23),
        (&["SET", "foo", "bar"], 31),
        (&["SET", "a", "1"], 27),
        (&["ping"], 14),
        (&["REPLCONF", "GETACK", "*"], 37),
    ];
    for (argv, len) in cases {
        let mut out = Vec::new();
        encode_command(argv, &mut out);
        assert_eq!(out.len(), len, "{argv:?}");
        assert_eq!(command_len(argv), len);
    }
    let mut out = Vec::new();
    encode_command(&["PSYNC", "?", "-1"], &mut out);
    assert_eq!(out, b"*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n");
    let long = vec![b"x".repeat(12345)];
    assert_eq!(command_len(&long), {
        let mut o = Vec::new();
        encode_command(&long, &mut o);
        o.len()
    });
}

#[test]
fn parses_multibulk_and_inline() {
    let (reqs, err) = parse_all(b"*3\r\n$3\r\nSET\r\n$3\r\nfoo\r\n$3\r\nbar\r\nGET foo\r\nPING\n");
    assert!(err.is_none());
    assert_eq!(reqs.len(), 3);
    assert_eq!(reqs[0].argv, args(&["SET", "foo", "bar"]));
    assert_eq!(reqs[0].wire_len, 31);
    assert_eq!(reqs[1].argv, args(&["GET", "foo"]));
    assert_eq!(reqs[1].wire_len, 9);
    assert_eq!(reqs[2].argv, args(&["PING"]));
    assert_eq!(reqs[2].wire_len, 5);
}

#[test]
fn empty_requests_are_skipped_but_counted_in_the_next_wire_len() {
    let mut p = RequestParser::new();
    p.feed(b"\n\r\n   \r\n*0\r\n*-1\r\n");
    assert_eq!(p.next_request(), Ok(None));
    assert_eq!(p.skipped(), 1 + 2 + 5 + 4 + 5);
    assert_eq!(p.take_newlines(), 2);
    assert_eq!(p.buffered(), 0);
    p.feed(b"*1\r\n$4\r\nPING\r\n");
    let r = p.next_request().unwrap().unwrap();
    assert_eq!(r.argv, args(&["PING"]));
    assert_eq!(r.wire_len, 17 + 14);
    assert_eq!(p.skipped(), 0);
}

#[test]
fn inline_quotes_and_escapes() {
    let (reqs, _) = parse_all(b"set k \"a\\x41\\n b\" 'it\\'s'\r\n");
    assert_eq!(reqs[0].argv, vec![b"set".to_vec(), b"k".to_vec(), b"aA\n b".to_vec(), b"it's".to_vec()]);
    let (_, err) = parse_all(b"set k \"abc\r\n");
    assert_eq!(err.unwrap().to_frame().to_bytes(), b"-ERR Protocol error: unbalanced quotes in request\r\n");
    // A closing quote glued to more text is an error too (sdssplitargs).
    let (_, err) = parse_all(b"set \"a\"b\n");
    assert_eq!(err.unwrap().message, "Protocol error: unbalanced quotes in request");
}

#[test]
fn protocol_errors_have_redis_texts() {
    let e = |b: &[u8]| parse_all(b).1.map(|e| e.message);
    assert_eq!(e(b"*abc\r\n").as_deref(), Some("Protocol error: invalid multibulk length"));
    assert_eq!(e(b"*3000000000\r\n").as_deref(), Some("Protocol error: invalid multibulk length"));
    assert_eq!(e(b"*1\r\n+foo\r\n").as_deref(), Some("Protocol error: expected '$', got '+'"));
    assert_eq!(e(b"*1\r\n$-1\r\n").as_deref(), Some("Protocol error: invalid bulk length"));
    assert_eq!(e(b"*1\r\n$536870913\r\n").as_deref(), Some("Protocol error: invalid bulk length"));
    assert_eq!(e(b"*1\r\n$01\r\n").as_deref(), Some("Protocol error: invalid bulk length"));
    assert_eq!(e(b"*1\r\n$536870912\r\n"), None); // exactly the limit: waits for data
    let big = vec![b'a'; PROTO_INLINE_MAX_SIZE + 1];
    assert_eq!(e(&big).as_deref(), Some("Protocol error: too big inline request"));
    assert_eq!(e(&big[..PROTO_INLINE_MAX_SIZE]), None);
    let mut mb = b"*".to_vec();
    mb.extend(vec![b'1'; PROTO_INLINE_MAX_SIZE + 1]);
    assert_eq!(e(&mb).as_deref(), Some("Protocol error: too big mbulk count string"));
    let mut bc = b"*1\r\n$".to_vec();
    bc.extend(vec![b'1'; PROTO_INLINE_MAX_SIZE + 1]);
    assert_eq!(e(&bc).as_deref(), Some("Protocol error: too big bulk count string"));
}

#[test]
fn quirks_seen_on_a_live_redis_7_0_15() {
    // Checked by sending these bytes to redis-server 7.0.15 on loopback.
    let e = |b: &[u8]| parse_all(b).1.map(|e| e.message);
    // The count line must end in \r: a bare \n makes the count unparsable.
    assert_eq!(e(b"*1\n$4\r\nPING\r\n").as_deref(), Some("Protocol error: invalid multibulk length"));
    assert_eq!(e(b"*1\r\n$ 4\r\n").as_deref(), Some("Protocol error: invalid bulk length"));
    assert_eq!(e(b"*2\r\n$4\r\nPING\r\n:1\r\n").as_deref(), Some("Protocol error: expected '$', got ':'"));
    // The two bytes after a bulk are skipped unchecked: this is a PING.
    let (reqs, err) = parse_all(b"*1\r\n$4\r\nPINGxx");
    assert!(err.is_none());
    assert_eq!(reqs[0].argv, args(&["PING"]));
    // A negative count and a blank inline line are empty requests.
    let (reqs, err) = parse_all(b"*-5\r\n  \r\nPING\r\n");
    assert!(err.is_none());
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].wire_len, 5 + 4 + 6);
}

#[test]
fn error_is_sticky_and_requests_before_it_are_served() {
    let mut p = RequestParser::new();
    p.feed(b"PING\r\n*x\r\n");
    assert_eq!(p.next_request().unwrap().unwrap().argv, args(&["PING"]));
    assert!(p.next_request().is_err());
    assert!(p.next_request().is_err());
}

#[test]
fn take_buffered_returns_the_half_read_request_raw() {
    let mut p = RequestParser::new();
    p.feed(b"*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1");
    assert!(p.next_request().unwrap().is_some());
    assert_eq!(p.next_request(), Ok(None));
    assert_eq!(p.buffered(), 15);
    assert_eq!(p.take_buffered(), b"*2\r\n$3\r\nGET\r\n$1".to_vec());
    assert_eq!(p.buffered(), 0);
}

#[test]
fn write_i64_and_i64_len_agree_with_display() {
    for v in [0, 1, 9, 10, 11, 99, 100, 12345, -1, -9, -10, i64::MAX, i64::MIN] {
        let mut out = Vec::new();
        write_i64(v, &mut out);
        assert_eq!(out, v.to_string().into_bytes());
        assert_eq!(i64_len(v), out.len(), "{v}");
    }
}

#[test]
fn recycled_buffers_parse_the_same_requests() {
    let mut pool = ArgPool::default();
    let mut p = RequestParser::new();
    let mut wire = Vec::new();
    encode_command(&["SET", "a-longer-key", "v"], &mut wire);
    encode_command(&["GET", "k"], &mut wire);
    encode_command(&["MSET", "x", "1", "y", "22"], &mut wire);
    p.feed(&wire);
    let mut got = Vec::new();
    while let Some(req) = p.next_request_pooled(&mut pool).unwrap() {
        got.push(req.argv.clone());
        pool.recycle(req.argv);
    }
    assert_eq!(got, vec![args(&["SET", "a-longer-key", "v"]), args(&["GET", "k"]), args(&["MSET", "x", "1", "y", "22"])]);
}

#[test]
fn string2ll_is_strict() {
    assert_eq!(string2ll(b"0"), Some(0));
    assert_eq!(string2ll(b"-1"), Some(-1));
    assert_eq!(string2ll(b"9223372036854775807"), Some(i64::MAX));
    assert_eq!(string2ll(b"-9223372036854775808"), Some(i64::MIN));
    for bad in [&b""[..], b"-", b"01", b"+1", b" 1", b"1 ", b"-0", b"9223372036854775808", b"1a"] {
        assert_eq!(string2ll(bad), None, "{:?}", String::from_utf8_lossy(bad));
    }
}

#[test]
fn split_args_like_redis_cli() {
    assert_eq!(split_args("set foo bar").unwrap(), args(&["set", "foo", "bar"]));
    assert_eq!(split_args("  a   b  ").unwrap(), args(&["a", "b"]));
    assert_eq!(split_args("").unwrap(), Vec::<Vec<u8>>::new());
    assert_eq!(split_args(r#"set "a b" 'c d'"#).unwrap(), args(&["set", "a b", "c d"]));
    assert_eq!(split_args(r#""\t\r\b\a\\\"\q""#).unwrap(), vec![b"\t\r\x08\x07\\\"q".to_vec()]);
    assert_eq!(split_args(r#""\xff\x0G""#).unwrap(), vec![b"\xffx0G".to_vec()]);
    assert_eq!(split_args(r#"'a\nb'"#).unwrap(), args(&["a\\nb"]));
    assert!(split_args(r#"x""y"#).is_err()); // closing quote glued to y
    assert_eq!(split_args(r#"x"a b""#).unwrap(), args(&["xa b"]));
    assert!(split_args(r#""abc"#).is_err());
    assert!(split_args("'abc").is_err());
    assert!(split_args(r#""a"b"#).is_err());
}

#[test]
fn reply_parser_reads_all_types_incrementally() {
    let wire = b"+OK\r\n-ERR x\r\n:5\r\n$3\r\nfoo\r\n$-1\r\n*-1\r\n*2\r\n$1\r\na\r\n*1\r\n:1\r\n";
    let want = vec![
        Frame::ok(),
        Frame::error("ERR x"),
        Frame::Integer(5),
        Frame::bulk("foo"),
        Frame::Null,
        Frame::NullArray,
        Frame::Array(vec![Frame::bulk("a"), Frame::Array(vec![Frame::Integer(1)])]),
    ];
    let mut p = ReplyParser::new();
    let mut got = Vec::new();
    for b in wire.iter() {
        p.feed(&[*b]);
        while let Some(f) = p.next_frame().unwrap() {
            got.push(f);
        }
    }
    assert_eq!(got, want);
    let mut p = ReplyParser::new();
    p.feed(b"!oops\r\n");
    assert!(p.next_frame().is_err());
}

#[test]
fn reply_parser_lines_and_raw_bytes() {
    let mut p = ReplyParser::new();
    p.feed(b"\n+FULLRESYNC abc 0\r\n$3\r\nRDB*1\r\n");
    assert_eq!(p.next_line(), Some(vec![]));
    assert_eq!(p.next_line(), Some(b"+FULLRESYNC abc 0".to_vec()));
    assert_eq!(p.next_line(), Some(b"$3".to_vec()));
    assert_eq!(p.take_bytes(3), b"RDB".to_vec());
    assert_eq!(p.take_buffered(), b"*1\r\n".to_vec());
}

#[test]
fn cli_formatting_matches_redis_cli() {
    assert_eq!(format_cli(&Frame::ok()), "OK");
    assert_eq!(format_cli(&Frame::Integer(1)), "(integer) 1");
    assert_eq!(format_cli(&Frame::bulk("bar")), "\"bar\"");
    assert_eq!(format_cli(&Frame::bulk(&b"a\x00\"\n\xff"[..])), r#""a\x00\"\n\xff""#);
    assert_eq!(format_cli(&Frame::Null), "(nil)");
    assert_eq!(format_cli(&Frame::NullArray), "(nil)");
    assert_eq!(format_cli(&Frame::error("ERR syntax error")), "(error) ERR syntax error");
    assert_eq!(format_cli(&Frame::Array(vec![])), "(empty array)");
    assert_eq!(format_cli(&Frame::bulks(["a", "b"])), "1) \"a\"\n2) \"b\"");
    let nested = Frame::Array(vec![Frame::bulk("a"), Frame::Array(vec![Frame::Integer(1), Frame::bulk("x")]), Frame::Array(vec![])]);
    assert_eq!(format_cli(&nested), "1) \"a\"\n2) 1) (integer) 1\n   2) \"x\"\n3) (empty array)");
    let ten = Frame::bulks((1..=10).map(|i| i.to_string()));
    let s = format_cli(&ten);
    assert!(s.starts_with(" 1) \"1\"\n 2) \"2\""));
    assert!(s.ends_with("\n10) \"10\""));
    let nested10 = Frame::Array((0..10).map(|_| Frame::bulks(["p", "q"])).collect());
    assert!(format_cli(&nested10).starts_with(" 1) 1) \"p\"\n    2) \"q\"\n 2) 1) \"p\""));
}

mod prop {
    use super::super::*;
    use proptest::prelude::*;

    fn arg() -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(any::<u8>(), 0..20)
    }
    fn inline_arg() -> impl Strategy<Value = Vec<u8>> {
        "[a-zA-Z0-9:_.-]{1,8}".prop_map(|s| s.into_bytes())
    }
    /// One request as wire bytes plus the argv it must decode to (None: an empty one).
    fn request() -> impl Strategy<Value = (Vec<u8>, Option<Vec<Vec<u8>>>)> {
        prop_oneof![
            4 => prop::collection::vec(arg(), 1..5).prop_map(|argv| {
                let mut w = Vec::new();
                encode_command(&argv, &mut w);
                (w, Some(argv))
            }),
            2 => (prop::collection::vec(inline_arg(), 1..4), any::<bool>()).prop_map(|(argv, crlf)| {
                let mut w = argv.join(&b' ');
                w.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
                (w, Some(argv))
            }),
            1 => prop_oneof![Just(b"\n".to_vec()), Just(b"\r\n".to_vec()), Just(b"*0\r\n".to_vec()), Just(b"*-1\r\n".to_vec())]
                .prop_map(|w| (w, None)),
        ]
    }

    fn decode(chunks: &[&[u8]]) -> (Vec<Vec<Vec<u8>>>, usize, usize) {
        let mut p = RequestParser::new();
        let mut out = Vec::new();
        let mut sum = 0;
        for c in chunks {
            p.feed(c);
            while let Some(r) = p.next_request().expect("valid input") {
                sum += r.wire_len;
                out.push(r.argv);
            }
        }
        (out, sum, p.skipped())
    }

    proptest! {
        #[test]
        fn any_split_decodes_the_same(reqs in prop::collection::vec(request(), 1..6), cut in any::<prop::sample::Index>()) {
            let wire: Vec<u8> = reqs.iter().flat_map(|(w, _)| w.clone()).collect();
            let want: Vec<Vec<Vec<u8>>> = reqs.iter().filter_map(|(_, a)| a.clone()).collect();
            let (whole, sum, skipped) = decode(&[&wire]);
            prop_assert_eq!(&whole, &want);
            prop_assert_eq!(sum + skipped, wire.len());
            let at = cut.index(wire.len() + 1);
            let (a, b) = wire.split_at(at);
            let (two, sum2, sk2) = decode(&[a, b]);
            prop_assert_eq!(&two, &want);
            prop_assert_eq!(sum2 + sk2, wire.len());
            let bytes: Vec<&[u8]> = wire.chunks(1).collect();
            let (one, sum1, sk1) = decode(&bytes);
            prop_assert_eq!(&one, &want);
            prop_assert_eq!(sum1, sum);
            prop_assert_eq!(sk1, skipped);
        }
    }

    #[test]
    fn every_boundary_of_a_fixed_stream() {
        let wire = b"*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n\nPING\r\n*0\r\n*1\r\n$0\r\n\r\nGET 'x y'\n";
        let (want, sum, sk) = decode(&[&wire[..]]);
        assert_eq!(want.len(), 4);
        for i in 0..=wire.len() {
            let (got, s, k) = decode(&[&wire[..i], &wire[i..]]);
            assert_eq!(got, want, "cut at {i}");
            assert_eq!((s, k), (sum, sk));
        }
    }
}

#[test]
fn one_quoting_function_three_renderings() {
    let b = b"a\"\\\n\x07\x7f\xc3\xa9\xff";
    assert_eq!(quote(b, Quoting::Repr), r#""a\"\\\n\a\x7f\xc3\xa9\xff""#);
    assert_eq!(repr(b), quote(b, Quoting::Repr));
    assert_eq!(quote(b, Quoting::Bare), r#"a\"\\\n\a\x7f\xc3\xa9\xff"#);
    assert_eq!(quote(b, Quoting::Text), "a\"\\\\n\\x07\\x7fé\\xff");
}

/// A long reply keeps its head: the same characters the whole rendering starts with, and the
/// count of the rest is what the whole rendering has beyond them.
#[test]
fn a_long_reply_keeps_its_head_and_counts_the_rest() {
    use super::cli::{format_cli_head, quote_head, repr_len};
    let mut value: Vec<u8> = (0..=255u8).cycle().take(50_000).collect();
    value.extend_from_slice("héllo\n\"end\"".as_bytes());
    for frame in [Frame::Bulk(value.clone()), Frame::Array(vec![Frame::bulk("a"), Frame::Bulk(value.clone()), Frame::Integer(3)])] {
        let whole = format_cli(&frame);
        for max in [0, 1, 100, 4096] {
            let (head, rest) = format_cli_head(&frame, max);
            assert_eq!(head.chars().count(), max);
            assert!(whole.starts_with(&head));
            assert_eq!(head.chars().count() as u64 + rest, whole.chars().count() as u64);
        }
        let (all, none) = format_cli_head(&frame, whole.chars().count());
        assert_eq!((all.as_str(), none), (whole.as_str(), 0));
    }
    assert_eq!(repr_len(&value), format_cli(&Frame::Bulk(value.clone())).len());
    // A preview: the first characters of the text quoting, then "…" when there is more.
    let text = quote(&value, Quoting::Text);
    let preview = quote_head(&value, Quoting::Text, 40);
    assert_eq!(preview, format!("{}\u{2026}", text.chars().take(40).collect::<String>()));
    assert_eq!(quote_head("café".as_bytes(), Quoting::Text, 4), "café");
    assert_eq!(quote_head("cafés".as_bytes(), Quoting::Text, 4), "café\u{2026}");
}
