//! Lessons: scenarios in the scenario language (`sim::scenario`), embedded in the page.
//!
//! Each tells one replication story from the articles ReplScope grew from: a full sync by RDB,
//! a partial resync from the backlog, a backlog overrun that forces a full sync, and PSYNC2
//! after a promotion (replid2). The overrun lesson writes enough bytes to pass a 16 KB
//! repl-backlog-size (Redis's minimum) while the link is cut.
//!
//! The scenario files' texts are not in the page's wasm: the page fetches a file from the same
//! origin (`scenarios/<name>.scn`, which trunk copies beside it) when it is opened, or reads
//! the single-file build's inline copy (`ui::ondemand`), and hands it in with [`supply`]. The
//! written lessons (the first is the default, shown at first load) stay embedded; natively (the
//! CLI, the tests) every text is embedded, read from the same files.

use super::i18n::{t, Lang, K};

/// Words that are either the page's own (a translation key) or a file's (shown as written:
/// a scenario file's name and opening comment).
pub enum Words {
    Key(K),
    Own(String),
}

impl Words {
    pub fn get(&self, lang: Lang) -> &str {
        match self {
            Words::Key(k) => t(lang, *k),
            Words::Own(s) => s,
        }
    }
}

/// A lesson: a stable id (the `?lesson=` URL value), a title, what to watch, and its text.
pub struct Lesson {
    pub id: &'static str,
    pub title: Words,
    pub watch: Words,
    /// The text compiled in; None for a file the page loads when it is opened ([`Lesson::text`]).
    embedded: Option<String>,
    /// The scenario file it is (`scenarios/<file>`), for one.
    pub file: Option<&'static str>,
    /// Where the picker lists it: a written lesson, or a scenario file shipped as it is.
    pub group: Group,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    Lesson,
    ScenarioFile,
}

impl Group {
    pub fn label(self, lang: Lang) -> &'static str {
        t(
            lang,
            match self {
                Group::Lesson => K::GroupLessons,
                Group::ScenarioFile => K::GroupScenarioFiles,
            },
        )
    }
}

macro_rules! scenario_file {
    ($name:literal, $key:ident) => {
        ($name, concat!($name, ".scn"), scenario_text!(concat!("../../scenarios/", $name, ".scn")), K::$key)
    };
}

/// A scenario file's text: compiled in natively; in the page "", which [`build`] reads as not
/// compiled in (a shipped file is never empty: a test checks), loaded on demand instead.
#[cfg(not(target_arch = "wasm32"))]
macro_rules! scenario_text {
    ($path:expr) => {
        include_str!($path)
    };
}
#[cfg(target_arch = "wasm32")]
macro_rules! scenario_text {
    ($path:expr) => {
        ""
    };
}

/// The simulation's scenario files (the CLI and the tests run the same ones), offered as
/// they are: (id, file name, text, the key of its opening comment: the English table holds the
/// comment word for word, which a test checks, and the Chinese one its translation). They are
/// the twelve narrated lessons, listed in teaching order (first sync, offsets and ACK, short cut,
/// long cut, backlog sizing, diskless, writes during the RDB, restart, failover, slow replica,
/// read/write splitting, chain); the ids are the file names, so they stay stable.
const SCENARIO_FILES: [(&str, &str, &str, K); 12] = [
    scenario_file!("first-full-sync", FileFirstFullSync),
    scenario_file!("offsets-and-ack-heartbeat", FileOffsetsAck),
    scenario_file!("short-cut-partial-resync", FileShortCut),
    scenario_file!("long-cut-backlog-overflow-full-resync", FileLongCut),
    scenario_file!("backlog-sizing", FileBacklogSizing),
    scenario_file!("diskless-two-replicas-one-delay", FileDiskless),
    scenario_file!("writes-during-rdb-transfer", FileWritesDuringRdb),
    scenario_file!("replica-restart-partial-resync", FileReplicaRestart),
    scenario_file!("failover-psync2", FileFailover),
    scenario_file!("slow-replica-output-buffer-limit", FileSlowReplica),
    scenario_file!("read-write-split-min-replicas-wait", FileReadWriteSplit),
    scenario_file!("chained-replica", FileChained),
];

/// A scenario file's opening comment, as one line: what it shows (the tables quote it).
#[cfg(test)]
fn opening_comment(text: &'static str) -> String {
    text.lines().take_while(|l| l.starts_with('#')).map(|l| l.trim_start_matches('#').trim()).collect::<Vec<_>>().join(" ")
}

const FULL_SYNC: &str = "\
# A replica attaches to a master: handshake, PSYNC, +FULLRESYNC, RDB, then the stream.
node m
node r1
m> SET greeting hello
r1> REPLICAOF m
settle
m> SET foo bar
settle
";

const PARTIAL: &str = "\
# The link drops briefly; the replica asks to continue from its offset and the master agrees.
node m
node r1
r1> REPLICAOF m
settle
m> SET foo bar
settle
cut m r1
m> SET a 1
m> SET b 2
run 2s
heal m r1
settle
";

const PROMOTE: &str = "\
# The replica is promoted; the old master follows it and continues partially thanks to replid2.
node m
node r1
r1> REPLICAOF m
settle
m> SET foo bar
settle
r1> REPLICAOF NO ONE
m> REPLICAOF r1
settle
r1> SET after promotion
settle
";

/// The overrun lesson: cut the link, write far more than the backlog holds, heal. 7.0 trims
/// whole 20 KB blocks and only while what stays is still at least repl-backlog-size
/// (`incrementalTrimReplicationBacklog`), so the head block goes only once the history
/// passes about 36 KB: 800 writes of ~69 bytes (~55 KB) make sure of it.
fn overrun() -> String {
    let mut text = String::from(
        "# While the link is cut the master writes far more than its 16 KB backlog holds: the\n\
         # replica's offset falls out of the window and the next PSYNC must be a full resync.\n\
         node m\nnode r1\nm> CONFIG SET repl-backlog-size 16kb\nr1> REPLICAOF m\nsettle\n\
         m> SET foo bar\nsettle\ncut m r1\n",
    );
    for i in 0..800 {
        text.push_str(&format!("m> SET key:{i:03} value-{i:03}-abcdefghijklmnopqrstuvwxyz\n"));
    }
    text.push_str("heal m r1\nsettle\n");
    text
}

/// Every lesson and shipped scenario file, in the order the picker lists them; the first is
/// the default. Built once per page.
pub fn all() -> &'static [Lesson] {
    static ALL: std::sync::OnceLock<Vec<Lesson>> = std::sync::OnceLock::new();
    ALL.get_or_init(build)
}

fn build() -> Vec<Lesson> {
    vec![
        Lesson {
            id: "full-sync",
            title: Words::Key(K::LessonFullSyncTitle),
            watch: Words::Key(K::LessonFullSyncWatch),
            embedded: Some(FULL_SYNC.to_string()),
            file: None,
            group: Group::Lesson,
        },
        Lesson {
            id: "partial-resync",
            title: Words::Key(K::LessonPartialTitle),
            watch: Words::Key(K::LessonPartialWatch),
            embedded: Some(PARTIAL.to_string()),
            file: None,
            group: Group::Lesson,
        },
        Lesson {
            id: "backlog-overrun",
            title: Words::Key(K::LessonOverrunTitle),
            watch: Words::Key(K::LessonOverrunWatch),
            embedded: Some(overrun()),
            file: None,
            group: Group::Lesson,
        },
        Lesson {
            id: "promote",
            title: Words::Key(K::LessonPromoteTitle),
            watch: Words::Key(K::LessonPromoteWatch),
            embedded: Some(PROMOTE.to_string()),
            file: None,
            group: Group::Lesson,
        },
    ]
    .into_iter()
    .chain(SCENARIO_FILES.iter().map(|&(id, file, text, comment)| Lesson {
        id,
        title: Words::Own(file.to_string()),
        watch: Words::Key(comment),
        embedded: (!text.is_empty()).then(|| text.to_string()),
        file: Some(file),
        group: Group::ScenarioFile,
    }))
    .collect()
}

/// The lesson with this id.
pub fn find(id: &str) -> Option<&'static Lesson> {
    all().iter().find(|l| l.id == id)
}

thread_local! {
    /// Texts the page loaded (kept for the page's life: a lesson opened again is not fetched again).
    static SUPPLIED: std::cell::RefCell<Vec<(&'static str, &'static str)>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl Lesson {
    /// The lesson's text: compiled in, or loaded by the page; None while not loaded.
    pub fn text(&self) -> Option<&str> {
        self.embedded.as_deref().or_else(|| SUPPLIED.with(|s| s.borrow().iter().find(|(id, _)| *id == self.id).map(|&(_, t)| t)))
    }
}

/// Hand in a loaded text of the lesson `id` (a fetched or inlined scenario file). Each is kept
/// once for the page's life, so leaking it is bounded by the files shipped.
pub fn supply(id: &str, text: String) {
    let Some(lesson) = find(id) else { return };
    if lesson.text().is_none() {
        SUPPLIED.with(|s| s.borrow_mut().push((lesson.id, Box::leak(text.into_boxed_str()))));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// www/early.js requests a `?lesson=`'s scenario file while the wasm downloads, from its own
    /// list of the lessons that are files: the two lists must agree, or a lesson would be asked
    /// twice (missing there) or a file that is not one fetched (extra there).
    #[test]
    fn early_js_lists_the_scenario_file_lessons() {
        let js = include_str!("../../www/early.js");
        let start = js.find("var FILES = [").expect("early.js has its FILES list");
        let list = &js[start..start + js[start..].find("];").expect("the list ends")];
        let listed: Vec<&str> = list.split('\'').skip(1).step_by(2).collect();
        let files: Vec<&str> = SCENARIO_FILES.iter().map(|f| f.0).collect();
        assert_eq!(listed, files);
        for id in &files {
            assert!(find(id).is_some_and(|l| l.file == Some(format!("{id}.scn").as_str())), "{id} is the lesson of {id}.scn");
        }
    }

    /// www/early.js preloads the engine for a visit whose first render waits for it: any lesson
    /// but the default one (whose opening is recorded, `ui::opening`) and any seed but the default.
    #[test]
    fn early_js_knows_the_default_lesson_and_seed() {
        let js = include_str!("../../www/early.js");
        assert!(js.contains(&format!("lesson !== '{}'", all()[0].id)), "early.js names the default lesson");
        assert!(js.contains(&format!("params.get('seed') !== '{}'", crate::ui::share::DEFAULT_SEED)), "early.js names the default seed");
    }

    /// The English table quotes each scenario file's opening comment: a file whose comment
    /// changes fails here until both tables follow it.
    #[test]
    fn the_tables_hold_each_scenario_files_comment() {
        for &(id, _, text, key) in &SCENARIO_FILES {
            assert!(!text.is_empty(), "{id}: an empty file would read as not compiled in");
            assert_eq!(t(Lang::En, key), opening_comment(text), "{id}: the English table differs from the file's comment");
        }
    }

    #[test]
    fn a_supplied_text_is_the_lessons_until_the_page_closes() {
        let lesson = find("first-full-sync").unwrap();
        assert_eq!(lesson.file, Some("first-full-sync.scn"));
        // Natively it is compiled in already: a supplied text does not replace it.
        let before = lesson.text().unwrap().to_string();
        supply("first-full-sync", "node x\n".to_string());
        assert_eq!(lesson.text(), Some(before.as_str()));
        supply("no-such-lesson", String::new());
        assert!(find("full-sync").unwrap().text().is_some() && find("full-sync").unwrap().file.is_none());
    }
}
