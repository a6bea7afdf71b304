//! The fields of a table's filter bar: search and other text, a menu of choices, the platform
//! menu, and numbers ("more than N days"). Each shows the view's value and edits it through
//! the table.

use leptos::prelude::*;

/// The search field of a filter bar.
#[component]
pub fn SearchFilter(
    id: &'static str,
    #[prop(into)] placeholder: String,
    #[prop(into)] text: Signal<String>,
    on_input: impl Fn(leptos::ev::Event) + 'static,
) -> impl IntoView {
    view! {
        <label>
            {tr!(common.search)}
            <input id=id type="search" placeholder=placeholder prop:value=text on:input=on_input />
        </label>
    }
}

/// A menu of choices (value and words), with "Any" for no filter.
#[component]
pub fn ChoiceFilter(
    id: &'static str,
    #[prop(into)] label: String,
    choices: Vec<(String, String)>,
    #[prop(into)] selected: Signal<String>,
    on_change: impl Fn(leptos::ev::Event) + 'static,
) -> impl IntoView {
    view! {
        <label>
            {label}
            <select id=id prop:value=selected on:change=on_change>
                <option value="">{tr!(common.any)}</option>
                {choices
                    .into_iter()
                    .map(|(value, words)| view! { <option value=value>{words}</option> })
                    .collect_view()}
            </select>
        </label>
    }
}

/// The platform menu, listing the platforms seen.
#[component]
pub fn PlatformFilter(
    platforms: Vec<String>,
    #[prop(into)] selected: Signal<Option<String>>,
    on_change: impl Fn(leptos::ev::Event) + 'static,
) -> impl IntoView {
    let choices = platforms.into_iter().map(|p| (p.clone(), p)).collect();
    view! {
        <ChoiceFilter
            id="platform-filter"
            label=crate::text::said("Platform")
            choices=choices
            selected=Signal::derive(move || selected.get().unwrap_or_default())
            on_change=on_change
        />
    }
}

/// A text field other than the search (a user's name); empty means no filter.
#[component]
pub fn TextFilter(
    id: &'static str,
    #[prop(into)] label: String,
    #[prop(into)] text: Signal<Option<String>>,
    on_input: impl Fn(leptos::ev::Event) + 'static,
) -> impl IntoView {
    view! {
        <label>
            {label}
            <input
                id=id
                type="text"
                spellcheck="false"
                prop:value=move || text.get().unwrap_or_default()
                on:input=on_input
            />
        </label>
    }
}

/// A whole-number field ("more than N days", "within N hours"); empty means no filter.
#[component]
pub fn NumberFilter(
    id: &'static str,
    #[prop(into)] label: String,
    #[prop(into)] value: Signal<Option<u32>>,
    on_input: impl Fn(leptos::ev::Event) + 'static,
) -> impl IntoView {
    view! {
        <label>
            {label}
            <input
                id=id
                type="number"
                min="0"
                inputmode="numeric"
                prop:value=move || value.get().map(|n| n.to_string()).unwrap_or_default()
                on:input=on_input
            />
        </label>
    }
}

/// A day (`YYYY-MM-DD`, the browser's date picker); empty means no filter.
#[component]
pub fn DateFilter(
    id: &'static str,
    #[prop(into)] label: String,
    #[prop(into)] day: Signal<Option<chrono::NaiveDate>>,
    on_input: impl Fn(leptos::ev::Event) + 'static,
) -> impl IntoView {
    view! {
        <label>
            {label}
            <input
                id=id
                type="date"
                prop:value=move || day.get().map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
                on:input=on_input
            />
        </label>
    }
}

/// A yes / no filter: the two choices' words, and "Any".
#[component]
pub fn YesNoFilter(
    id: &'static str,
    #[prop(into)] label: String,
    /// The words for yes and for no.
    words: (String, String),
    #[prop(into)] value: Signal<Option<bool>>,
    on_change: impl Fn(leptos::ev::Event) + 'static,
) -> impl IntoView {
    view! {
        <ChoiceFilter
            id=id
            label=label
            choices=vec![
                ("yes".to_string(), words.0),
                ("no".to_string(), words.1),
            ]
            selected=Signal::derive(move || match value.get() {
                Some(true) => "yes".to_string(),
                Some(false) => "no".to_string(),
                None => String::new(),
            })
            on_change=on_change
        />
    }
}

/// `yes` or `no` from a yes / no filter.
pub fn yes_or_no(text: &str) -> Option<bool> {
    match text {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}
