//! The admin's language: English, Slovak or German, chosen from the browser's languages until
//! the admin picks one in the top bar (remembered on this device), and the browser's `Intl`
//! saying dates, numbers and relative times in it. The texts are in `locales/*.json`
//! (leptos_i18n, see `build.rs`).

use crate::browser::local_storage;
use crate::i18n::{use_i18n, Locale};
use chrono::{DateTime, Utc};
use js_sys::{Array, Intl, Object, Reflect};
use leptos::prelude::*;
use leptos_i18n::I18nContext;
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
    /// The language the console speaks now (the i18n context's, kept where any code can read
    /// it, a task after an await included).
    static CURRENT: std::cell::Cell<Locale> = const { std::cell::Cell::new(Locale::en) };
}

/// The language the console speaks now.
pub fn current() -> Locale {
    CURRENT.with(std::cell::Cell::get)
}

/// Speaks `locale` from now on: the texts, then (through `i18n`) the whole console drawn
/// again.
fn speak(i18n: I18nContext<Locale>, locale: Locale) {
    CURRENT.with(|c| c.set(locale));
    i18n.set_locale(locale);
}

/// The language picked on this device, if any.
fn saved() -> Option<Locale> {
    let key = local_storage()?.get_item(STORAGE_KEY).ok()??;
    key.parse().ok()
}

/// Puts the language picked on this device, or else the one the browser's languages chose,
/// into effect (once, below the i18n provider).
pub fn restore() {
    let i18n = use_i18n();
    speak(i18n, saved().unwrap_or_else(|| i18n.get_locale_untracked()));
}

/// The current language's tag, for `Intl` ("en", "sk", "de").
pub fn tag() -> &'static str {
    use leptos_i18n::Locale as _;
    current().as_str()
}

/// The top bar's language picker.
#[component]
pub fn LanguagePicker() -> impl IntoView {
    let i18n = use_i18n();
    let pick = move |ev| {
        let Ok(locale) = event_target_value(&ev).parse::<Locale>() else {
            return;
        };
        if let Some(storage) = local_storage() {
            use leptos_i18n::Locale as _;
            let _ = storage.set_item(STORAGE_KEY, locale.as_str());
        }
        speak(i18n, locale);
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
                    use leptos_i18n::Locale as _;
                    view! {
                        <option
                            value=locale.as_str()
                            lang=locale.as_str()
                            selected=move || i18n.get_locale() == locale
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
