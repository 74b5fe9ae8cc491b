//! Text the page loads only when needed (issue 17: not in the first load): a scenario file's
//! text when its lesson is opened (`ui::lessons`), and the Chinese table when the language is
//! Chinese (`i18n::table`). Each is read from the single-file build's inline copy (a
//! `<script type="text/plain" id="…">`, scripts/single.mjs) when the page has one, else fetched
//! from the same origin (`scenarios/<file>`, `zh.txt`, beside index.html; the CSP's
//! `connect-src 'self'`). A message that needs one waits for it; a load that fails says why in
//! the page and changes nothing else.
//!
//! At start the page waits for what the URL asks (`?lesson=` of a file, a Chinese language)
//! before its first render: index.html's frame is already painted, and a Chinese reader then
//! never sees an English page flash by, nor a lesson link its default lesson first. Those two
//! requests leave from www/early.js while the wasm downloads, so the wait is not a round trip
//! more on a slow network (300 ms round trip, 8 Mbit/s: on screen about 290 ms sooner, the
//! e2e `ondemand` bench); the wasm takes their responses instead of asking again. early.js reads
//! the language as [`i18n::Lang::choose`] does: a wrong guess costs one unused request, a missed
//! one only the time saved. It is loaded with `defer`: as a blocking script it held the page's
//! parse and, on that link, the wasm's own request by about 180 ms.

use super::i18n::{self, tf, Lang, K};
use super::lessons::{self, Lesson};
use super::runtime::Msg;
use std::cell::RefCell;
use std::future::Future;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Something to load.
#[derive(Clone, Copy)]
enum Need {
    Lesson(&'static Lesson),
    Zh,
}

fn need(msg: &Msg) -> Option<Need> {
    match msg {
        Msg::LoadLesson(id) => lessons::find(id).filter(|l| l.text().is_none()).map(Need::Lesson),
        Msg::SetLang(Lang::Zh) if !i18n::ready(Lang::Zh) => Some(Need::Zh),
        _ => None,
    }
}

/// Run `then(msg)` now when `msg` needs nothing loaded, else once it is; when the load fails,
/// `then` gets a banner saying why (in `lang`, the page's language now) instead.
pub fn when_ready(msg: Msg, lang: Lang, then: impl FnOnce(Msg) + 'static) {
    let Some(need) = need(&msg) else { return then(msg) };
    let loading = load(need);
    wasm_bindgen_futures::spawn_local(async move {
        match loading.await {
            Ok(()) => then(msg),
            Err(why) => then(Msg::Banner(Some(failed(need, lang, &why)))),
        }
    });
}

fn failed(need: Need, lang: Lang, why: &str) -> String {
    match need {
        Need::Lesson(l) => tf(lang, K::LessonLoadFailed, &[&l.id, &why]),
        Need::Zh => tf(lang, K::LangLoadFailed, &[&why]),
    }
}

thread_local! {
    /// What could not be loaded before the first render, said by the page's opening banner.
    static AT_START: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Before the first render: load the lesson the URL opens (if it is a file) and the Chinese
/// table (if the page is to be Chinese), both at once. A failure is kept for [`opening`].
pub async fn before_first_render(lesson: Option<&str>, lang: Lang) {
    let needs: Vec<Need> = [
        lesson.and_then(lessons::find).filter(|l| l.text().is_none()).map(Need::Lesson),
        (lang == Lang::Zh && !i18n::ready(Lang::Zh)).then_some(Need::Zh),
    ]
    .into_iter()
    .flatten()
    .collect();
    // Both requests leave before either is awaited.
    let loads: Vec<_> = needs.iter().map(|&n| (n, load(n))).collect();
    for (need, loading) in loads {
        if let Err(why) = loading.await {
            // The language is settled after this: a failed Chinese table leaves the page English.
            let lang = if i18n::ready(lang) { lang } else { Lang::En };
            AT_START.with(|s| s.borrow_mut().push(failed(need, lang, &why)));
        }
    }
}

/// The lesson the page opens and its opening banner: a lesson whose text could not be loaded
/// gives way to the default one, and the banner says what failed.
pub fn opening(lesson: Option<String>, problem: Option<String>) -> (Option<String>, Option<String>) {
    let lesson = lesson.filter(|id| lessons::find(id).is_none_or(|l| l.text().is_some()));
    let said: Vec<String> = problem.into_iter().chain(AT_START.with(|s| s.borrow_mut().drain(..).collect::<Vec<_>>())).collect();
    (lesson, (!said.is_empty()).then(|| said.join(" ")))
}

/// Start loading `need` now (the request leaves at once); the future applies it when it lands.
fn load(need: Need) -> impl Future<Output = Result<(), String>> {
    let text = match need {
        Need::Lesson(l) => get(&format!("scn-{}", l.id), &format!("scenarios/{}", l.file.unwrap_or_default())),
        Need::Zh => get("replscope-zh", "zh.txt"),
    };
    async move {
        let text = text?.await?;
        match need {
            Need::Lesson(l) => {
                lessons::supply(l.id, text);
                Ok(())
            }
            Need::Zh => i18n::table::install(&text),
        }
    }
}

/// The single file's inline copy `inline_id` at once, else a request for `url` (sent now).
fn get(inline_id: &str, url: &str) -> Result<impl Future<Output = Result<String, String>>, String> {
    let window = web_sys::window().ok_or("no window")?;
    let inline = window.document().and_then(|d| d.get_element_by_id(inline_id)).map(|el| el.text_content().unwrap_or_default());
    let request = inline.is_none().then(|| JsFuture::from(early(&window, url).unwrap_or_else(|| window.fetch_with_str(url))));
    let url = url.to_string();
    Ok(async move {
        if let Some(text) = inline {
            return Ok(text);
        }
        let response = request.ok_or("no request")?.await.map_err(js_why)?;
        let response: web_sys::Response = response.dyn_into().map_err(js_why)?;
        if !response.ok() {
            return Err(format!("HTTP {} {url}", response.status()));
        }
        let text = JsFuture::from(response.text().map_err(js_why)?).await.map_err(js_why)?;
        text.as_string().ok_or_else(|| format!("{url} is not text"))
    })
}

/// The request www/early.js sent for `url` while the wasm was still on its way, taken once
/// (a response is read once; a later load of the same text asks again). When early.js has not
/// run yet (a fast network can bring the wasm first: both wait only for the page's parse), an
/// empty map tells it the wasm has asked for itself, so no text is requested twice.
fn early(window: &web_sys::Window, url: &str) -> Option<js_sys::Promise> {
    let name = JsValue::from_str("__replscopeEarly");
    let Some(sent) = js_sys::Reflect::get(window, &name).ok().filter(JsValue::is_object) else {
        let _ = js_sys::Reflect::set(window, &name, &js_sys::Object::new());
        return None;
    };
    let key = JsValue::from_str(url);
    let request = js_sys::Reflect::get(&sent, &key).ok()?.dyn_into::<js_sys::Promise>().ok()?;
    let _ = js_sys::Reflect::delete_property(sent.unchecked_ref::<js_sys::Object>(), &key);
    Some(request)
}

/// A JS error as words (fetch's own, e.g. "Failed to fetch").
fn js_why(e: JsValue) -> String {
    e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).or_else(|| e.as_string()).unwrap_or_else(|| format!("{e:?}"))
}
