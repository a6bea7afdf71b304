//! The admin's language: English, Slovak or German, chosen from the browser's languages until
//! the admin picks one in the top bar (remembered on this device), and the browser's `Intl`
//! saying dates, numbers and relative times in it. The texts are in `locales/*.json`
//! (leptos_i18n, see `build.rs`).

use crate::browser::local_storage;
use crate::i18n::Locale;
use chrono::{DateTime, Utc};
use js_sys::{Array, Intl, Object, Reflect};
use leptos::prelude::*;
use leptos_i18n::Locale as _;
use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::JsValue;

/// Where this device keeps the admin's pick; absent, the browser's languages decide.
const STORAGE_KEY: &str = "roster.language";

/// Every language, with its name in itself, in the picker's order.
pub const LANGUAGES: &[(Locale, &str)] = &[
    (Locale::en, "English"),
    (Locale::sk, "Slovenčina"),
    (Locale::de, "Deutsch"),
];

thread_local! {
    /// The language the console speaks now, kept where any code can read it (a text made in a
    /// task after an await included) without tracking it.
    static CURRENT: std::cell::Cell<Locale> = const { std::cell::Cell::new(Locale::en) };
}

/// The language the console speaks now.
pub fn current() -> Locale {
    CURRENT.with(std::cell::Cell::get)
}

/// The console's language, provided by `App`. It is decided once before anything is drawn
/// (the admin's pick on this device, else the browser's languages), so the console is drawn
/// once at start; it changes only when the admin picks another.
#[derive(Clone, Copy)]
pub struct Language(RwSignal<Locale>);

impl Language {
    /// The language spoken now (tracked).
    pub fn get(self) -> Locale {
        self.0.get()
    }

    /// Speaks `locale` from now on, if it is another language than now.
    pub fn set(self, locale: Locale) {
        if self.0.get_untracked() != locale {
            CURRENT.with(|c| c.set(locale));
            self.0.set(locale);
        }
    }
}

/// Decides the language and provides it (once, in the app); `<html lang>` follows it.
pub fn provide_language() -> Language {
    let locale = saved().or_else(from_browser).unwrap_or_default();
    CURRENT.with(|c| c.set(locale));
    let language = Language(RwSignal::new(locale));
    Effect::new(move |_| {
        let tag = language.get().as_str();
        if let Some(html) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = html.set_attribute("lang", tag);
        }
    });
    provide_context(language);
    language
}

/// The language in context.
pub fn use_language() -> Language {
    expect_context::<Language>()
}

/// The language picked on this device, if any.
fn saved() -> Option<Locale> {
    let key = local_storage()?.get_item(STORAGE_KEY).ok()??;
    key.parse().ok()
}

/// The first of the browser's languages the console has.
fn from_browser() -> Option<Locale> {
    let languages = web_sys::window()?.navigator().languages();
    let tags: Vec<String> = languages.iter().filter_map(|tag| tag.as_string()).collect();
    first_spoken(&tags)
}

/// The first of `tags` ("sk-SK", "de", "en-GB") whose language the console speaks.
pub fn first_spoken(tags: &[String]) -> Option<Locale> {
    tags.iter().find_map(|tag| {
        let language = tag.split(['-', '_']).next()?.trim().to_ascii_lowercase();
        language.parse().ok()
    })
}

/// The current language's tag, for `Intl` ("en", "sk", "de").
pub fn tag() -> &'static str {
    current().as_str()
}

/// The top bar's language picker.
#[component]
pub fn LanguagePicker() -> impl IntoView {
    let language = use_language();
    let pick = move |ev| {
        let Ok(locale) = event_target_value(&ev).parse::<Locale>() else {
            return;
        };
        if let Some(storage) = local_storage() {
            let _ = storage.set_item(STORAGE_KEY, locale.as_str());
        }
        language.set(locale);
    };
    view! {
        <select
            id="language"
            class="language"
            aria-label=tr!(top.language)
            on:change=pick
        >
            {LANGUAGES
                .iter()
                .map(|&(locale, name)| {
                    view! {
                        <option
                            value=locale.as_str()
                            lang=locale.as_str()
                            selected=move || language.get() == locale
                        >
                            {name}
                        </option>
                    }
                })
                .collect_view()}
        </select>
    }
}

/// A formatter of each kind for the language last asked for: making one costs far more than
/// using it, and a table asks for hundreds.
#[derive(Default)]
struct Formatters {
    tag: &'static str,
    relative: Option<Intl::RelativeTimeFormat>,
    /// What `relative` said for each distance: a table shows the same few ("3 days ago") over
    /// and over, and asking Intl again each time is the slow part of a render.
    relative_said: HashMap<(i64, &'static str), String>,
    date_time: Option<Intl::DateTimeFormat>,
    number: Option<Intl::NumberFormat>,
}

thread_local! {
    static FORMATTERS: RefCell<Formatters> = RefCell::new(Formatters::default());
}

fn options(pairs: &[(&str, &str)]) -> Object {
    let options = Object::new();
    for (key, value) in pairs {
        let _ = Reflect::set(&options, &(*key).into(), &(*value).into());
    }
    options
}

/// Runs `f` with the formatters of language `tag`, made afresh when the language changed.
fn with_formatters<R>(tag: &'static str, f: impl FnOnce(&mut Formatters) -> R) -> R {
    FORMATTERS.with(|cell| {
        let mut formatters = cell.borrow_mut();
        if formatters.tag != tag {
            *formatters = Formatters {
                tag,
                ..Formatters::default()
            };
        }
        f(&mut formatters)
    })
}

fn locales(tag: &str) -> Array {
    Array::of1(&JsValue::from_str(tag))
}

/// Distances remembered at most, per language (a few hundred cover any table).
const RELATIVE_KEPT: usize = 512;

/// "3 minutes ago", "in 2 days", "yesterday" in language `tag`.
pub fn relative(at: DateTime<Utc>, now: DateTime<Utc>, tag: &'static str) -> String {
    let distance = roster_core::model::time::distance(at, now);
    with_formatters(tag, |f| {
        if let Some(said) = f.relative_said.get(&distance) {
            return said.clone();
        }
        let format = f.relative.get_or_insert_with(|| {
            Intl::RelativeTimeFormat::new(&locales(tag), &options(&[("numeric", "auto")]))
        });
        let said = String::from(format.format(distance.0 as f64, distance.1));
        if f.relative_said.len() >= RELATIVE_KEPT {
            f.relative_said.clear();
        }
        f.relative_said.insert(distance, said.clone());
        said
    })
}

/// A date and time in language `tag` and the browser's time zone: "24 Nov 2026, 14:05".
pub fn date_time(at: DateTime<Utc>, tag: &'static str) -> String {
    with_formatters(tag, |f| {
        let format = f.date_time.get_or_insert_with(|| {
            Intl::DateTimeFormat::new(
                &locales(tag),
                &options(&[("dateStyle", "medium"), ("timeStyle", "short")]),
            )
        });
        let date = js_sys::Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
        format
            .format()
            .call1(&JsValue::UNDEFINED, &date)
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default()
    })
}

/// A whole number in language `tag`: "12,345" in English, "12 345" in Slovak, "12.345" in
/// German.
pub fn number(n: u64, tag: &'static str) -> String {
    with_formatters(tag, |f| {
        let format = f
            .number
            .get_or_insert_with(|| Intl::NumberFormat::new(&locales(tag), &Object::new()));
        format
            .format()
            .call1(&JsValue::UNDEFINED, &JsValue::from_f64(n as f64))
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_else(|| n.to_string())
    })
}

#[cfg(test)]
mod tests {
    use serde_json::Value;
    use std::collections::{BTreeMap, BTreeSet};

    /// The plural forms each language's rules need (CLDR): what a counted text must have.
    const FORMS: &[(&str, &[&str])] = &[
        ("en", &["one", "other"]),
        ("sk", &["one", "few", "many", "other"]),
        ("de", &["one", "other"]),
    ];

    fn file(tag: &str) -> &'static str {
        match tag {
            "en" => include_str!("../locales/en.json"),
            "sk" => include_str!("../locales/sk.json"),
            "de" => include_str!("../locales/de.json"),
            _ => unreachable!(),
        }
    }

    /// Every text's key ("users.title"), a counted text's once with the forms it has.
    fn keys(value: &Value, prefix: &str, into: &mut BTreeMap<String, BTreeSet<String>>) {
        let Value::Object(map) = value else {
            panic!("{prefix} is not a text or a group of texts");
        };
        for (key, inner) in map {
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            match inner {
                Value::String(_) => {
                    let plural = ["_one", "_few", "_many", "_other"]
                        .iter()
                        .find_map(|s| path.strip_suffix(s).map(|base| (base, &s[1..])));
                    let (base, form) = plural.unwrap_or((&path, ""));
                    into.entry(base.to_string())
                        .or_default()
                        .insert(form.to_string());
                }
                group => keys(group, &path, into),
            }
        }
    }

    #[test]
    fn the_first_browser_language_the_console_speaks_wins() {
        let tags = |list: &[&str]| list.iter().map(|t| t.to_string()).collect::<Vec<_>>();
        use super::{first_spoken, Locale};
        assert_eq!(first_spoken(&tags(&["sk-SK", "en"])), Some(Locale::sk));
        assert_eq!(
            first_spoken(&tags(&["fr-FR", "DE-at", "en"])),
            Some(Locale::de)
        );
        assert_eq!(first_spoken(&tags(&["en_GB"])), Some(Locale::en));
        assert_eq!(first_spoken(&tags(&["fr", "pt-BR"])), None);
        assert_eq!(first_spoken(&[]), None);
    }

    /// A text missing from a language (or a plural form its rules need) fails here, before
    /// anyone sees English in the middle of Slovak.
    #[test]
    fn every_language_has_every_text_and_every_plural_form() {
        let all: Vec<(&str, BTreeMap<String, BTreeSet<String>>)> = FORMS
            .iter()
            .map(|(tag, _)| {
                let parsed: Value = serde_json::from_str(file(tag)).unwrap();
                let mut found = BTreeMap::new();
                keys(&parsed, "", &mut found);
                (*tag, found)
            })
            .collect();
        let every: BTreeSet<&String> = all.iter().flat_map(|(_, k)| k.keys()).collect();
        let mut missing = Vec::new();
        for ((tag, found), (_, forms)) in all.iter().zip(FORMS) {
            for key in &every {
                match found.get(*key) {
                    None => missing.push(format!("{tag}: {key}")),
                    Some(has) if has.contains("") => {}
                    Some(has) => missing.extend(
                        forms
                            .iter()
                            .filter(|f| !has.contains(**f))
                            .map(|f| format!("{tag}: {key}_{f}")),
                    ),
                }
            }
        }
        assert!(missing.is_empty(), "missing texts: {missing:#?}");
        assert!(
            every.len() > 300,
            "the files were not read: {} keys",
            every.len()
        );
    }
}
