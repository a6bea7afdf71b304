//! What the users and sessions tables share: their view in the URL, filter fields, sortable
//! column headers, row selection for bulk actions, and showing one page of rows at a time so
//! 10,000 rows stay quick on a tablet.

use crate::model::view::{Column, TableView};
use crate::url::query_string;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use std::collections::HashSet;
use std::hash::Hash;

/// Rows shown per page.
pub const PAGE_SIZE: usize = 100;

/// The first and one-past-last row of page `page` (from 0) of `len` rows, clamped to the rows
/// that exist: a page past the end shows the last page.
pub fn page_bounds(len: usize, page: usize, size: usize) -> (usize, usize) {
    let last_page = len.saturating_sub(1) / size.max(1);
    let start = page.min(last_page) * size;
    (start.min(len), (start + size).min(len))
}

/// The page of rows shown, back to the first whenever `view` changes (a new search, filter or
/// sort). It is set only when it moves: setting it to the page it already is would render the
/// rows a second time per keystroke.
pub fn first_page_on_change<V: Send + Sync + 'static>(view: Memo<V>) -> RwSignal<usize> {
    let page = RwSignal::new(0usize);
    Effect::new(move |_| {
        view.track();
        if page.get_untracked() != 0 {
            page.set(0);
        }
    });
    page
}

/// The view in the URL of this page, and a way to show another one. Showing replaces the
/// history entry: typing a search should not leave one entry per keystroke.
pub fn use_url_view<V: TableView>(path: &'static str) -> (Memo<V>, Callback<V>) {
    let query = use_query_map();
    let current = Memo::new(move |_| {
        query.with(|q| {
            let pairs: Vec<(&str, String)> = V::PARAMS
                .iter()
                .filter_map(|k| q.get(k).map(|v| (*k, v)))
                .collect();
            V::from_query(pairs.iter().map(|(k, v)| (*k, v.as_str())))
        })
    });
    let navigate = use_navigate();
    let show = Callback::new(move |view: V| {
        let query = query_string(&view.to_query());
        let url = if query.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{query}")
        };
        // Replace, and stay where the admin is: the router would otherwise scroll to the top
        // on every keystroke and sort click.
        let replace = NavigateOptions {
            replace: true,
            scroll: false,
            ..Default::default()
        };
        navigate(&url, replace);
    });
    (current, show)
}

/// An input handler that edits the current view with `edit` and shows the result.
pub fn edit_view<V: TableView>(
    current: Memo<V>,
    show: Callback<V>,
    edit: fn(&mut V, String),
) -> impl Fn(leptos::ev::Event) + Clone + 'static {
    move |ev| {
        let mut view = current.get_untracked();
        edit(&mut view, event_target_value(&ev));
        show.run(view);
    }
}

/// A column header that sorts by its column; a second click reverses the order.
#[component]
pub fn SortHeader<V: TableView>(
    current: Memo<V>,
    show: Callback<V>,
    column: V::Key,
    label: &'static str,
    #[prop(optional)] numeric: bool,
) -> impl IntoView {
    let sorted = move || current.with(|v| (v.sort().0 == column).then_some(v.sort().1));
    view! {
        <th
            scope="col"
            class:num=numeric
            aria-sort=move || match sorted() {
                Some(true) => "descending",
                Some(false) => "ascending",
                None => "none",
            }
        >
            <button
                class="sort"
                data-sort=column.key()
                on:click=move |_| show.run(current.get_untracked().sorted_by(column))
            >
                {label}
                <span aria-hidden="true">
                    {move || match sorted() {
                        Some(true) => " ▼",
                        Some(false) => " ▲",
                        None => "",
                    }}
                </span>
            </button>
        </th>
    }
}

/// Previous / next page buttons and where the shown rows are in the whole list.
#[component]
pub fn Pager(
    /// How many rows match.
    #[prop(into)]
    len: Signal<usize>,
    page: RwSignal<usize>,
) -> impl IntoView {
    let bounds = move || page_bounds(len.get(), page.get(), PAGE_SIZE);
    let pages = move || len.get().div_ceil(PAGE_SIZE);
    view! {
        <Show when=move || { pages() > 1 }>
            <nav class="pager" aria-label="Pages">
                <button
                    type="button"
                    class="prev-page"
                    prop:disabled=move || bounds().0 == 0
                    on:click=move |_| page.set(bounds().0 / PAGE_SIZE - 1)
                >
                    "‹ Previous"
                </button>
                <span class="page-position" aria-live="polite">
                    {move || {
                        let (start, end) = bounds();
                        format!("Rows {}–{end} of {}", start + 1, len.get())
                    }}
                </span>
                <button
                    type="button"
                    class="next-page"
                    prop:disabled=move || { bounds().1 >= len.get() }
                    on:click=move |_| page.set(bounds().0 / PAGE_SIZE + 1)
                >
                    "Next ›"
                </button>
            </nav>
        </Show>
    }
}

/// The search field of a filter bar.
#[component]
pub fn SearchFilter(
    id: &'static str,
    placeholder: &'static str,
    #[prop(into)] text: Signal<String>,
    on_input: impl Fn(leptos::ev::Event) + 'static,
) -> impl IntoView {
    view! {
        <label>
            "Search"
            <input id=id type="search" placeholder=placeholder prop:value=text on:input=on_input />
        </label>
    }
}

/// The platform menu of a filter bar, listing the platforms seen.
#[component]
pub fn PlatformFilter(
    platforms: Vec<String>,
    #[prop(into)] selected: Signal<Option<String>>,
    on_change: impl Fn(leptos::ev::Event) + 'static,
) -> impl IntoView {
    view! {
        <label>
            "Platform"
            <select
                id="platform-filter"
                prop:value=move || selected.get().unwrap_or_default()
                on:change=on_change
            >
                <option value="">"Any"</option>
                {platforms
                    .into_iter()
                    .map(|p| view! { <option value=p.clone()>{p.clone()}</option> })
                    .collect_view()}
            </select>
        </label>
    }
}

/// A "more than N days" number field of a filter bar; empty means no filter.
#[component]
pub fn DaysFilter(
    id: &'static str,
    label: &'static str,
    #[prop(into)] days: Signal<Option<u32>>,
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
                prop:value=move || days.get().map(|d| d.to_string()).unwrap_or_default()
                on:input=on_input
            />
        </label>
    }
}

/// Rows ticked for a bulk action, by position in the loaded list.
pub type Selection<K> = RwSignal<HashSet<K>>;

/// The checkbox of one row.
#[component]
pub fn SelectCell<K: Clone + Eq + Hash + Send + Sync + 'static>(
    selection: Selection<K>,
    key: K,
    /// What the row is, for screen readers.
    label: String,
) -> impl IntoView {
    let checked = {
        let key = key.clone();
        move || selection.with(|s| s.contains(&key))
    };
    view! {
        <td class="select">
            <input
                type="checkbox"
                class="select-row"
                aria-label=format!("Select {label}")
                prop:checked=checked
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    selection.update(|s| {
                        if on {
                            s.insert(key.clone());
                        } else {
                            s.remove(&key);
                        }
                    });
                }
            />
        </td>
    }
}

/// The header checkbox: ticks or clears every row of the page shown.
#[component]
pub fn SelectPageHeader<K: Clone + Eq + Hash + Send + Sync + 'static>(
    selection: Selection<K>,
    #[prop(into)] page_keys: Signal<Vec<K>>,
) -> impl IntoView {
    let all_ticked = move || {
        let keys = page_keys.get();
        !keys.is_empty() && selection.with(|s| keys.iter().all(|k| s.contains(k)))
    };
    view! {
        <th scope="col" class="select">
            <input
                type="checkbox"
                class="select-page"
                aria-label="Select every row on this page"
                prop:checked=all_ticked
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    let keys = page_keys.get_untracked();
                    selection.update(|s| {
                        for key in keys {
                            if on {
                                s.insert(key);
                            } else {
                                s.remove(&key);
                            }
                        }
                    });
                }
            />
        </th>
    }
}

/// How many rows are ticked, "select all N matching", "clear", and the bulk actions.
#[component]
pub fn SelectionBar(
    #[prop(into)] selected: Signal<usize>,
    #[prop(into)] matching: Signal<usize>,
    #[prop(into)] on_select_all: Callback<()>,
    #[prop(into)] on_clear: Callback<()>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="selection-bar" role="group" aria-label="Bulk actions">
            <span class="selected-count" role="status">
                {move || format!("{} selected", selected.get())}
            </span>
            <button type="button" id="select-all" on:click=move |_| on_select_all.run(())>
                {move || format!("Select all {} matching", matching.get())}
            </button>
            <button
                type="button"
                id="select-none"
                prop:disabled=move || selected.get() == 0
                on:click=move |_| on_clear.run(())
            >
                "Clear"
            </button>
            {children()}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_cover_every_row_once_and_clamp_past_the_end() {
        assert_eq!(page_bounds(0, 0, 100), (0, 0));
        assert_eq!(page_bounds(250, 0, 100), (0, 100));
        assert_eq!(page_bounds(250, 2, 100), (200, 250));
        assert_eq!(page_bounds(250, 9, 100), (200, 250));
        assert_eq!(page_bounds(200, 2, 100), (100, 200));
        let mut covered = 0;
        for page in 0..100 {
            let (start, end) = page_bounds(10_000, page, 100);
            assert_eq!(start, covered);
            covered = end;
        }
        assert_eq!(covered, 10_000);
    }
}
