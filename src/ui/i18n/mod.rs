//! The page's words in English and Simplified Chinese: every user-visible string of the UI is a
//! [`K`] key looked up with [`t`] (or filled with [`tf`] when it carries numbers or names).
//!
//! Each language is one exhaustive `match` over [`K`] (`en.rs`, `zh.rs`): a key missing in
//! either table does not compile, and the tests below check that both say something and carry
//! the same `{0}`, `{1}` … placeholders. Redis's own names (commands, INFO fields, replies such
//! as `+FULLRESYNC`, `REPL_STATE_*`) are the same in both tables: the student meets them in
//! real redis-cli output, so they are never translated. Pure code: compiles natively.
//!
//! The English table is compiled into the page; the Chinese one only into native builds (the
//! CLI, the tests): the page loads it on demand as `zh.txt`, written from `zh.rs` at build time
//! (`table.rs`, `ui::ondemand`), so English readers do not download it. Until it is loaded
//! [`t`] answers Chinese keys in English and [`ready`] says so.
//!
//! An `aria-label` must contain the button's visible words as whole words (WCAG 2.5.3, axe's
//! `label-content-name-mismatch`, which segments Chinese into words): a Chinese label that
//! says more than the visible text keeps that text first, followed by a space.

mod en;
mod keys;
pub mod table;
#[cfg(not(target_arch = "wasm32"))]
mod zh;

pub use keys::K;

/// The page's language. `En` is the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// The BCP 47 tag: `<html lang>` and `?lang=`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }

    /// The language's own name, as the switch shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Zh => "简体中文",
        }
    }

    /// A language tag (`?lang=`, `navigator.language`, a stored choice): any `zh…` means
    /// Simplified Chinese (the only Chinese the tables hold), any `en…` English; None otherwise.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The page's language from, in order: the URL's `?lang=`, the choice the switch stored,
    /// the browser's languages (`navigator.languages`, first recognised one); else English.
    pub fn choose(url: Option<&str>, stored: Option<&str>, browser: &[String]) -> Lang {
        url.and_then(Lang::from_tag)
            .or_else(|| stored.and_then(Lang::from_tag))
            .or_else(|| browser.iter().find_map(|b| Lang::from_tag(b)))
            .unwrap_or_default()
    }
}

/// The text of `key` in `lang`.
pub fn t(lang: Lang, key: K) -> &'static str {
    match lang {
        Lang::En => en::text(key),
        Lang::Zh => zh_text(key).unwrap_or_else(|| en::text(key)),
    }
}

/// Whether `lang`'s texts are at hand: English always, Chinese natively always and in the page
/// once `zh.txt` is loaded.
pub fn ready(lang: Lang) -> bool {
    lang == Lang::En || cfg!(not(target_arch = "wasm32")) || table::is_loaded()
}

#[cfg(not(target_arch = "wasm32"))]
fn zh_text(key: K) -> Option<&'static str> {
    Some(zh::text(key))
}

#[cfg(target_arch = "wasm32")]
fn zh_text(key: K) -> Option<&'static str> {
    table::loaded(key)
}

/// The text of `key` with `{0}`, `{1}` … replaced by `args` in order (a language may place
/// them in another order than English does).
pub fn tf(lang: Lang, key: K, args: &[&dyn std::fmt::Display]) -> String {
    fill(t(lang, key), args)
}

fn fill(template: &str, args: &[&dyn std::fmt::Display]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').and_then(|close| Some((close, after[..close].parse::<usize>().ok()?))) {
            Some((close, i)) if i < args.len() => {
                out.push_str(&args[i].to_string());
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `{n}` placeholders a template uses, sorted.
#[cfg(test)]
fn placeholders(template: &str) -> Vec<usize> {
    let mut found: Vec<usize> = template.split('{').skip(1).filter_map(|s| s.split_once('}').and_then(|(n, _)| n.parse().ok())).collect();
    found.sort_unstable();
    found.dedup();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_text_in_both_languages() {
        for &k in K::ALL {
            for lang in Lang::ALL {
                assert!(!t(lang, k).trim().is_empty(), "{k:?} is empty in {lang:?}");
            }
        }
    }

    #[test]
    fn both_languages_carry_the_same_placeholders() {
        for &k in K::ALL {
            assert_eq!(placeholders(t(Lang::En, k)), placeholders(t(Lang::Zh, k)), "{k:?}: the placeholders differ");
        }
    }

    /// A Chinese entry that is word for word the English one was not translated: only Redis
    /// names and symbols may be the same in both.
    #[test]
    fn the_chinese_table_is_translated() {
        for &k in K::ALL {
            let (en, zh) = (t(Lang::En, k), t(Lang::Zh, k));
            let has_english_word =
                en.split(|c: char| !c.is_ascii_alphabetic()).any(|w| w.len() > 1 && w.chars().all(|c| c.is_ascii_lowercase()));
            if has_english_word && !K::SAME_IN_BOTH.contains(&k) {
                assert_ne!(en, zh, "{k:?} is not translated");
                assert!(zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{k:?} has no Chinese: {zh}");
            }
        }
    }

    #[test]
    fn placeholders_are_filled_in_the_order_the_language_puts_them() {
        assert_eq!(fill("{1} of {0}", &[&"a", &2]), "2 of a");
        assert_eq!(fill("{0}{0} {x} {", &[&7]), "77 {x} {");
        assert_eq!(fill("no args {3}", &[]), "no args {3}");
    }

    #[test]
    fn the_language_comes_from_the_url_then_the_choice_then_the_browser() {
        let browser = vec!["fr-FR".to_string(), "zh-CN".to_string()];
        assert_eq!(Lang::choose(Some("en"), Some("zh-CN"), &browser), Lang::En);
        assert_eq!(Lang::choose(Some("klingon"), Some("zh-CN"), &[]), Lang::Zh);
        assert_eq!(Lang::choose(None, None, &browser), Lang::Zh);
        assert_eq!(Lang::choose(None, None, &["fr".to_string()]), Lang::En);
        assert_eq!(Lang::from_tag("zh_Hans"), Some(Lang::Zh));
        assert_eq!(Lang::from_tag(Lang::Zh.tag()), Some(Lang::Zh));
    }
}

/// No text written straight into the page's markup: every `{"…"}` text node and every
/// `aria-label="…"`, `title="…"`, `placeholder="…"` literal in the components is either a
/// Redis name (commands, INFO fields, key caps), a symbol, or not words at all.
#[cfg(test)]
mod no_literals {
    const FILES: [(&str, &str); 22] = [
        ("app.rs", include_str!("../app.rs")),
        ("backlog_ring.rs", include_str!("../components/backlog_ring.rs")),
        ("console.rs", include_str!("../components/console.rs")),
        ("decision_card.rs", include_str!("../components/decision_card.rs")),
        ("first_look.rs", include_str!("../components/first_look.rs")),
        ("glossary.rs", include_str!("../components/glossary.rs")),
        ("help.rs", include_str!("../components/help.rs")),
        ("highlight.rs", include_str!("../components/highlight.rs")),
        ("link_speed.rs", include_str!("../components/link_speed.rs")),
        ("era.rs", include_str!("../components/era.rs")),
        ("link_custom.rs", include_str!("../components/link_custom.rs")),
        ("sizing.rs", include_str!("../components/sizing.rs")),
        ("icons.rs", include_str!("../components/icons.rs")),
        ("inspector.rs", include_str!("../components/inspector.rs")),
        ("narration.rs", include_str!("../components/narration.rs")),
        ("narrow.rs", include_str!("../components/narrow.rs")),
        ("offsets.rs", include_str!("../components/offsets.rs")),
        ("replica_buffer.rs", include_str!("../components/replica_buffer.rs")),
        ("sequence.rs", include_str!("../components/sequence.rs")),
        ("toolbar.rs", include_str!("../components/toolbar.rs")),
        ("topology.rs", include_str!("../components/topology.rs")),
        ("mod.rs", include_str!("../components/mod.rs")),
    ];

    /// Literals that are Redis's own words or the brand, shown as they are in every language.
    const REDIS_NAMES: [&str; 14] = [
        "ReplScope",
        "Esc",
        "replid",
        "histlen",
        "PTTL",
        "INFO replication",
        "PSYNC <replid> <offset>",
        "master_link_status: down",
        "SET foo bar",
        "REPLICAOF NO ONE",
        // The fields of INFO's slaveN: lines, heading the inspector's replica table.
        "state",
        "offset",
        "lag",
        // CLIENT LIST's output-buffer field, heading the column the buffer bar agrees with.
        "omem",
    ];

    fn words(s: &str) -> bool {
        s.split(|c: char| !c.is_ascii_alphabetic()).any(|w| w.len() > 1)
    }

    #[test]
    fn the_components_write_no_words_of_their_own() {
        let mut found = Vec::new();
        for (file, text) in FILES {
            for (n, line) in text.lines().enumerate() {
                let code = line.trim_start();
                if code.starts_with("//") {
                    continue;
                }
                for opener in ["{\"", "aria-label=\"", "title=\"", "placeholder=\""] {
                    for (at, _) in line.match_indices(opener) {
                        let rest = &line[at + opener.len()..];
                        let Some(end) = rest.find('"') else { continue };
                        let literal = &rest[..end];
                        // A `{"…"}` node closes right after its literal; `{"…".into()}` and
                        // format strings are code, not markup.
                        if opener == "{\"" && !rest[end + 1..].starts_with('}') {
                            continue;
                        }
                        if words(literal) && !REDIS_NAMES.contains(&literal) {
                            found.push(format!("{file}:{}: {literal}", n + 1));
                        }
                    }
                }
            }
        }
        assert!(found.is_empty(), "text written outside the tables:\n{}", found.join("\n"));
    }
}
