//! Course-material plumbing that needs no browser: the page's URL options (`?lesson`, `seed`,
//! `step`, `lang`, `m` for a shared moment, `embed`, `present`, `autoplay`, `speed`, `panels`,
//! `theme`), the link and iframe snippet for a moment, the host page's `postMessage` commands,
//! and the words these features show (`say`, one table so issue 13 can move them into i18n).
//! The moment itself is encoded by `sim::moment`.

use super::i18n::{t, tf, Lang, K};
use super::model::Theme;

/// How the page is laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Full,
    /// `?embed=1`: topology, decision card, backlog and minimal controls, for an iframe.
    Embed,
    /// Presenter: large type, thick lines, chrome hidden, clicker keys.
    Present,
}

impl Mode {
    /// The `data-mode` attribute of `[data-testid=app]`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Full => "full",
            Mode::Embed => "embed",
            Mode::Present => "present",
        }
    }
}

/// The panels an embed can show (`?panels=topology,decision,backlog`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Panels {
    pub topology: bool,
    pub decision: bool,
    pub backlog: bool,
}

impl Panels {
    pub const ALL: Panels = Panels { topology: true, decision: true, backlog: true };

    /// A comma list; unknown names are ignored, and a list naming none shows all three.
    pub fn parse(list: &str) -> Panels {
        let has = |name: &str| list.split(',').any(|p| p.trim().eq_ignore_ascii_case(name));
        let p = Panels { topology: has("topology"), decision: has("decision"), backlog: has("backlog") };
        if p == (Panels { topology: false, decision: false, backlog: false }) {
            Panels::ALL
        } else {
            p
        }
    }
}

/// What the URL asks of the page, with a readable complaint for anything it cannot use.
#[derive(Clone, Debug, PartialEq)]
pub struct PageOptions {
    pub lesson: Option<String>,
    pub seed: u64,
    pub step: Option<u64>,
    pub lang: String,
    /// A shared moment's code (`sim::moment`).
    pub moment: Option<String>,
    pub mode: Mode,
    pub autoplay: bool,
    pub speed: Option<u32>,
    pub panels: Panels,
    pub theme: Option<Theme>,
    pub problem: Option<String>,
}

/// The seed used when the URL gives none.
pub const DEFAULT_SEED: u64 = 1;

impl PageOptions {
    /// From the query string's (name, value) pairs, in order (the last of a name wins).
    pub fn parse<'a>(lang: Lang, pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> PageOptions {
        let mut o = PageOptions {
            lesson: None,
            seed: DEFAULT_SEED,
            step: None,
            lang: String::new(),
            moment: None,
            mode: Mode::Full,
            autoplay: false,
            speed: None,
            panels: Panels::ALL,
            theme: None,
            problem: None,
        };
        let mut problems = Vec::new();
        let on = |v: &str| matches!(v, "1" | "true" | "yes" | "on" | "");
        for (name, value) in pairs {
            let number = |problems: &mut Vec<String>| match value.trim().parse::<u64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    problems.push(say_not_a_number(lang, name, value));
                    None
                }
            };
            match name {
                "lesson" if !value.is_empty() => o.lesson = Some(value.to_string()),
                "seed" => o.seed = number(&mut problems).unwrap_or(DEFAULT_SEED),
                "step" => o.step = number(&mut problems),
                "lang" => o.lang = value.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(16).collect(),
                "m" if !value.is_empty() => o.moment = Some(value.to_string()),
                "embed" if on(value) => o.mode = Mode::Embed,
                "present" if on(value) && o.mode != Mode::Embed => o.mode = Mode::Present,
                "autoplay" => o.autoplay = on(value),
                "speed" => o.speed = number(&mut problems).map(|n| n.clamp(1, 64) as u32),
                "panels" => o.panels = Panels::parse(value),
                "theme" => o.theme = Some(Theme::parse(value)),
                _ => {}
            }
        }
        if !problems.is_empty() {
            o.problem = Some(problems.join(" "));
        }
        o
    }
}

/// The query string of a moment: readable `lesson`, `seed` and `step` first (what a damaged
/// code falls back to), then the code, then the mode's own options.
pub fn moment_query(lesson: &str, seed: u64, step: u64, lang: &str, code: &str, mode: Mode) -> String {
    let mut q = format!("?lesson={}&seed={seed}&step={step}", query_escape(lesson));
    if !lang.is_empty() {
        q.push_str(&format!("&lang={}", query_escape(lang)));
    }
    q.push_str("&m=");
    q.push_str(code);
    match mode {
        Mode::Full => {}
        Mode::Embed => q.push_str("&embed=1"),
        Mode::Present => q.push_str("&present=1"),
    }
    q
}

/// An `<iframe>` for a course page: 800×600 unless the teacher changes it.
pub fn iframe_snippet(lang: Lang, url: &str) -> String {
    format!(
        "<iframe src=\"{}\" width=\"800\" height=\"600\" style=\"border:0\" title=\"{}\" loading=\"lazy\"></iframe>",
        html_attr_escape(url),
        say(lang, Say::IframeTitle)
    )
}

/// Percent-encode everything but unreserved characters (RFC 3986).
pub fn query_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn html_attr_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

/// A command from the host page (`window.postMessage({replscope: 1, cmd, …})`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostCommand {
    Step,
    Back,
    Play,
    Pause,
    Jump(u64),
    Lesson(String),
}

impl HostCommand {
    /// The command a message names, or None: anything of another shape is ignored. `step` must
    /// be a whole number, `lesson` a plain id; nothing received is ever evaluated or rendered.
    pub fn parse(cmd: &str, step: Option<f64>, lesson: Option<&str>) -> Option<HostCommand> {
        Some(match cmd {
            "step" => HostCommand::Step,
            "back" => HostCommand::Back,
            "play" => HostCommand::Play,
            "pause" => HostCommand::Pause,
            "jump" => {
                let s = step?;
                if !(s.is_finite() && s >= 0.0 && s.fract() == 0.0 && s <= 1e15) {
                    return None;
                }
                HostCommand::Jump(s as u64)
            }
            "lesson" => {
                let id = lesson?;
                if id.is_empty() || id.len() > 64 || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                    return None;
                }
                HostCommand::Lesson(id.to_string())
            }
            _ => return None,
        })
    }
}

/// The words of these features, in one table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Say {
    CopyLink,
    LinkCopied,
    Embed,
    EmbedHelp,
    Present,
    LeavePresent,
    OpenFull,
    IframeTitle,
    StepBack,
    StepForward,
    Play,
    Pause,
    LessonChanged,
}

/// The words of these features, from the translation tables.
pub fn say(lang: Lang, what: Say) -> &'static str {
    let key = match what {
        Say::CopyLink => K::ShareCopyLink,
        Say::LinkCopied => K::ShareLinkCopied,
        Say::Embed => K::ShareEmbed,
        Say::EmbedHelp => K::ShareEmbedHelp,
        Say::Present => K::SharePresent,
        Say::LeavePresent => K::ShareLeavePresent,
        Say::OpenFull => K::ShareOpenFull,
        Say::IframeTitle => K::ShareIframeTitle,
        Say::StepBack => K::ShareStepBack,
        Say::StepForward => K::ShareStep,
        Say::Play => K::SharePlay,
        Say::Pause => K::SharePause,
        Say::LessonChanged => K::ShareLessonChanged,
    };
    t(lang, key)
}

pub fn say_not_a_number(lang: Lang, name: &str, value: &str) -> String {
    tf(lang, K::ShareNotANumber, &[&name, &value])
}

/// A shared link that cannot be used: why, and what is shown instead.
pub fn say_bad_link(lang: Lang, why: &str, lesson: &str, step: u64) -> String {
    tf(lang, K::ShareBadLink, &[&why, &lesson, &step])
}

pub fn say_step_counter(lang: Lang, step: u64, last: u64) -> String {
    tf(lang, K::ShareStepCounter, &[&step, &last])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(q: &[(&str, &str)]) -> PageOptions {
        PageOptions::parse(Lang::En, q.iter().copied())
    }

    #[test]
    fn the_url_options_are_read_and_bad_numbers_named() {
        let o = parse(&[("lesson", "partial"), ("seed", "9"), ("step", "12"), ("lang", "pt-BR<x>"), ("embed", "1"), ("speed", "500")]);
        assert_eq!((o.lesson.as_deref(), o.seed, o.step, o.lang.as_str()), (Some("partial"), 9, Some(12), "pt-BRx"));
        assert_eq!((o.mode, o.speed, o.problem), (Mode::Embed, Some(64), None));
        let o = parse(&[("seed", "x1"), ("step", "-3"), ("present", "1")]);
        assert_eq!((o.seed, o.step, o.mode), (DEFAULT_SEED, None, Mode::Present));
        let problem = o.problem.unwrap();
        assert!(problem.contains("seed \u{201c}x1\u{201d}") && problem.contains("step \u{201c}-3\u{201d}"), "{problem}");
    }

    #[test]
    fn panels_name_a_subset_or_all() {
        assert_eq!(Panels::parse("decision, backlog"), Panels { topology: false, decision: true, backlog: true });
        assert_eq!(Panels::parse("nonsense"), Panels::ALL);
    }

    #[test]
    fn a_moment_query_reads_back_as_the_same_options() {
        let q = moment_query("a b&c", 3, 40, "fr", "AbC-_1", Mode::Embed);
        let pairs: Vec<(String, String)> = q[1..]
            .split('&')
            .map(|kv| kv.split_once('=').unwrap())
            .map(|(k, v)| (k.to_string(), v.replace("%20", " ").replace("%26", "&")))
            .collect();
        let o = PageOptions::parse(Lang::En, pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        assert_eq!((o.lesson.as_deref(), o.seed, o.step, o.lang.as_str()), (Some("a b&c"), 3, Some(40), "fr"));
        assert_eq!((o.moment.as_deref(), o.mode), (Some("AbC-_1"), Mode::Embed));
    }

    #[test]
    fn the_snippet_cannot_break_out_of_its_attribute() {
        let s = iframe_snippet(Lang::En, "https://x/?a=1&b=\"><script>");
        assert!(s.starts_with("<iframe src=\"https://x/?a=1&amp;b=&quot;&gt;&lt;script&gt;\""), "{s}");
    }

    #[test]
    fn host_commands_of_any_other_shape_are_ignored() {
        assert_eq!(HostCommand::parse("jump", Some(12.0), None), Some(HostCommand::Jump(12)));
        assert_eq!(HostCommand::parse("lesson", None, Some("partial")), Some(HostCommand::Lesson("partial".into())));
        for (cmd, step, lesson) in [
            ("jump", Some(1.5), None),
            ("jump", Some(-1.0), None),
            ("jump", Some(f64::NAN), None),
            ("jump", None, None),
            ("lesson", None, Some("<img onerror=x>")),
            ("eval", None, None),
        ] {
            assert_eq!(HostCommand::parse(cmd, step, lesson), None, "{cmd} {step:?} {lesson:?}");
        }
    }
}
