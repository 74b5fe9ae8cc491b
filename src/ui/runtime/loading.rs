//! Where a run comes from: a lesson or scenario file, an imported trace, the same scenario in
//! another Redis era, a shared moment (`sim::moment`), and the export download. Each replaces
//! the runtime's `Session` and resets the model, or says why not and changes nothing.

use super::*;

impl Runtime {
    /// Replace the session with a lesson's, positioned at its start so it can be played.
    pub(super) fn load_lesson(&mut self, id: &str) {
        match lessons::find(id) {
            // The page loads a scenario file's text before it asks for it (`ui::ondemand`).
            Some(lesson) => match lesson.text() {
                Some(text) => {
                    self.load_scenario(text, Some(lesson.id));
                }
                None => {
                    let why = tf(self.model.lang, K::LessonNotLoaded, &[&id]);
                    self.m().set_banner(Some(why))
                }
            },
            None => {
                let why = model::no_such_lesson(self.model.lang, id);
                self.m().set_banner(Some(why))
            }
        }
    }

    pub(super) fn load_scenario(&mut self, text: &str, lesson: Option<&str>) -> bool {
        match Session::from_lesson(text, self.model.seed) {
            Ok((mut session, script)) => {
                let trace = session.world().trace().to_vec();
                (self.lesson_text, self.lesson_journal) = match lesson {
                    Some(_) => (text.to_string(), session.journal().to_vec()),
                    None => (String::new(), Vec::new()),
                };
                session.jump_to(0);
                self.m().era = session.world().era();
                self.m().era_runs = None;
                self.era_source = (text.to_string(), lesson.map(str::to_string));
                self.session = Rc::new(RefCell::new(session));
                self.m().loaded(&trace, lesson);
                if lesson.is_some() {
                    self.m().script = LessonState::new(script);
                }
                true
            }
            Err(e) => {
                let why = tf(self.model.lang, K::BadScenario, &[&e]);
                self.m().set_banner(Some(why));
                false
            }
        }
    }

    pub(super) fn import(&mut self, text: &str) {
        self.m().dismiss_notice();
        if !text.trim_start().starts_with('{') {
            if self.load_scenario(text, None) {
                self.m().set_banner(None);
            }
            return;
        }
        // The step the export was made at travels in the file.
        match Session::import_json(text).map(|s| (s, shown_step(text))) {
            Ok((mut session, shown_step)) => {
                (self.lesson_text, self.lesson_journal) = (String::new(), Vec::new());
                self.era_source = (String::new(), None);
                self.m().era = session.world().era();
                self.m().era_runs = None;
                // Reopen at the step the export was made at (the replay ends at its last step).
                if let Some(step) = shown_step {
                    session.jump_to(step);
                }
                self.session = Rc::new(RefCell::new(session));
                // The trace is read from the imported world on the refresh that follows; the
                // selection stays if the imported world has that node too.
                let selected = self.model.selected.clone();
                self.m().loaded(&[], None);
                self.m().select(selected);
                self.m().set_banner(None);
            }
            Err(e) => {
                let why = tf(self.model.lang, K::BadImport, &[&e]);
                self.m().set_banner(Some(why))
            }
        }
    }

    /// Replay the loaded scenario in `era`: 4.0+ reopens it as written (a lesson with its
    /// words), an older era its world-moving statements after `era X` (`ui::eras`); then the
    /// table compares the eras. What the select replays stays the scenario first loaded.
    pub(super) fn set_era(&mut self, era: crate::engine::repl::era::Era) -> bool {
        let (text, lesson) = self.era_source.clone();
        if text.is_empty() {
            let why = t(self.model.lang, K::EraNoScenario).to_string();
            self.m().set_banner(Some(why));
            return false;
        }
        match (era == Default::default(), lesson.as_deref()) {
            (true, Some(id)) => self.load_lesson(id),
            _ => match crate::ui::eras::replay_text(&text, era) {
                Ok(replay) => {
                    self.load_scenario(&replay, None);
                }
                Err(e) => {
                    let why = tf(self.model.lang, K::BadScenario, &[&e]);
                    self.m().set_banner(Some(why));
                }
            },
        }
        self.era_source = (text, lesson);
        self.compare_eras();
        true
    }

    /// Run the loaded scenario in every era (`sim::eras::compare`) for the table.
    pub(super) fn compare_eras(&mut self) -> bool {
        let text = self.era_source.0.clone();
        if text.is_empty() {
            let why = t(self.model.lang, K::EraNoScenario).to_string();
            self.m().set_banner(Some(why));
            return false;
        }
        match crate::sim::scenario::parse(&text) {
            Ok(sc) => self.m().era_runs = Some(Rc::new(crate::sim::eras::compare(&sc, self.model.seed))),
            Err(e) => {
                let why = tf(self.model.lang, K::BadScenario, &[&e]);
                self.m().set_banner(Some(why));
            }
        }
        false
    }

    /// The moment on screen as a link code (`sim::moment`).
    pub fn moment_code(&self, lang: &str) -> String {
        let session = self.session.borrow();
        Moment::of(&session, self.model.seed, &self.model.lesson, &self.lesson_text, &self.lesson_journal, lang).encode()
    }

    /// Open a shared moment. A code that cannot be used changes nothing and says why, naming
    /// the state shown instead (the caller opens the link's readable lesson/seed/step).
    pub fn restore(&mut self, code: &str, fallback_lesson: &str, fallback_step: u64) -> Result<Rc<Model>, String> {
        let lang = self.model.lang;
        let bad = |why: String| say_bad_link(lang, &why, fallback_lesson, fallback_step);
        let m = Moment::decode(code).map_err(|e| bad(e.to_string()))?;
        if !m.lesson.is_empty() {
            let lesson = lessons::find(&m.lesson).ok_or_else(|| bad(model::no_such_lesson(lang, &m.lesson)))?;
            let text = lesson.text().ok_or_else(|| bad(tf(lang, K::LessonNotLoaded, &[&m.lesson])))?;
            if fnv1a(text.as_bytes()) != m.lesson_hash {
                return Err(bad(say(lang, Say::LessonChanged).to_string()));
            }
            self.m().seed = m.seed;
            self.load_lesson(&m.lesson);
        } else {
            (self.lesson_text, self.lesson_journal) = (String::new(), Vec::new());
        }
        let mut session = m.session(&self.lesson_journal);
        let step = session.current_step();
        session.jump_to(session.last_step());
        let trace = session.world().trace().to_vec();
        session.jump_to(step);
        self.session = Rc::new(RefCell::new(session));
        let lesson = (!m.lesson.is_empty()).then_some(m.lesson.as_str());
        self.m().seed = m.seed;
        self.m().loaded(&trace, lesson);
        self.refresh();
        Ok(self.model.clone())
    }
}

/// Offer `text` as a file download named `name` (Blob + object URL + a clicked anchor).
pub(super) fn download(name: &str, mime: &str, text: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    web_sys::Url::revoke_object_url(&url)?;
    Ok(())
}
