//! The one table controller every table page uses: the view in the URL, the rows it shows, the
//! page of them on screen, the selection (kept by row keys, never by positions) and the bulk
//! dialog. Pages declare their columns and how a row renders; the deciding is done natively in
//! `roster_core::table`.

use crate::routes::Route;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use roster_core::bulk::BulkRun;
use roster_core::model::time;
use roster_core::table::{page_bounds, Cell, Column, TableModel, TableView, PAGE_SIZE};
use std::collections::HashSet;

/// The state of one table page.
pub struct TableController<M: TableModel> {
    /// The loaded rows.
    pub data: RwSignal<M>,
    /// The view in the URL.
    pub view: Memo<M::View>,
    show: Callback<M::View>,
    /// Where the rows the view shows are, in its order.
    pub shown: Memo<Vec<M::At>>,
    /// The page of rows on screen, from 0.
    pub page: RwSignal<usize>,
    /// The rows ticked for a bulk action.
    pub selection: RwSignal<HashSet<M::Key>>,
    /// The bulk run whose dialog is open.
    pub bulk: RwSignal<Option<BulkRun>>,
    /// "Now" for relative times and age filters: fixed per load, so rows do not shift.
    pub now: DateTime<Utc>,
}

impl<M: TableModel> Clone for TableController<M> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M: TableModel> Copy for TableController<M> {}

impl<M: TableModel> TableController<M> {
    /// A controller over `data`, with its view in the URL of `route`.
    pub fn new(data: M, route: Route) -> Self {
        let now = Utc::now();
        let data = RwSignal::new(data);
        let (view, show) = use_url_view::<M::View>(route);
        let shown = Memo::new(move |_| {
            let view = view.get();
            data.with(|d| d.positions(&view, now))
        });
        TableController {
            data,
            view,
            show,
            shown,
            page: first_page_on_change(view),
            selection: RwSignal::new(HashSet::new()),
            bulk: RwSignal::new(None),
            now,
        }
    }

    /// Shows `view` (in the URL).
    pub fn show(&self, view: M::View) {
        self.show.run(view);
    }

    /// An input handler that edits the current view with `edit` and shows the result.
    pub fn edit(
        &self,
        edit: fn(&mut M::View, String),
    ) -> impl Fn(leptos::ev::Event) + Clone + 'static {
        let (view, show) = (self.view, self.show);
        move |ev| {
            let mut next = view.get_untracked();
            edit(&mut next, event_target_value(&ev));
            show.run(next);
        }
    }

    /// How many rows the view shows (tracked).
    pub fn matching(&self) -> usize {
        self.shown.with(Vec::len)
    }

    /// Where the rows on screen are (tracked).
    pub fn page_positions(&self) -> Vec<M::At> {
        let (start, end) = page_bounds(self.matching(), self.page.get(), PAGE_SIZE);
        self.shown.with(|shown| shown[start..end].to_vec())
    }

    /// The keys of the rows on screen (tracked).
    pub fn page_keys(&self) -> Vec<M::Key> {
        let positions = self.page_positions();
        self.data
            .with(|d| positions.into_iter().map(|at| d.key(at)).collect())
    }

    /// Ticks every row the view shows.
    pub fn select_all_matching(&self) {
        let keys: HashSet<M::Key> = self.shown.with_untracked(|shown| {
            self.data
                .with_untracked(|d| shown.iter().map(|&at| d.key(at)).collect())
        });
        self.selection.set(keys);
    }

    /// Where the ticked rows that are still loaded are, in the order they were loaded.
    pub fn selected_positions(&self) -> Vec<M::At> {
        let mut found: Vec<M::At> = self.selection.with_untracked(|keys| {
            self.data
                .with_untracked(|d| keys.iter().filter_map(|key| d.find(key)).collect())
        });
        found.sort_unstable();
        found
    }

    /// Closes the bulk dialog. A run that changed something clears the selection and re-reads
    /// once; a dialog cancelled at its confirmation keeps both as they were.
    pub fn close_bulk(&self, changed: bool, reload: Callback<()>) {
        self.bulk.set(None);
        if changed {
            self.selection.update(HashSet::clear);
            reload.run(());
        }
    }
}

/// The view in the URL of `route`, and a way to show another one. Showing replaces the
/// history entry: typing a search should not leave one entry per keystroke.
fn use_url_view<V: TableView>(route: Route) -> (Memo<V>, Callback<V>) {
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
        // Replace, and stay where the admin is: the router would otherwise scroll to the top
        // on every keystroke and sort click.
        let replace = NavigateOptions {
            replace: true,
            scroll: false,
            ..Default::default()
        };
        navigate(&route.with_query(&view.to_query()), replace);
    });
    (current, show)
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

/// A column header; a sortable one sorts by its column, and a second click reverses the order.
#[component]
pub fn SortHeader<M: TableModel>(
    table: TableController<M>,
    column: <M::View as TableView>::Key,
) -> impl IntoView {
    if !column.sortable() {
        return view! { <th scope="col">{column.header()}</th> }.into_any();
    }
    let sorted = move || {
        table
            .view
            .with(|v| (v.sort().0 == column).then_some(v.sort().1))
    };
    view! {
        <th
            scope="col"
            class:num=column.numeric()
            aria-sort=move || match sorted() {
                Some(true) => "descending",
                Some(false) => "ascending",
                None => "none",
            }
        >
            <button
                class="sort"
                data-sort=column.key()
                on:click=move |_| table.show(table.view.get_untracked().sorted_by(column))
            >
                {column.header()}
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
    .into_any()
}

/// Text longer than this many characters may be cut off in its cell: its cell says it whole on
/// hover.
const CUT_OFF_AT: usize = 24;

/// The whole of `text` for a hover title, when its cell may cut it off.
fn whole(text: &str) -> Option<String> {
    (text.chars().count() > CUT_OFF_AT).then(|| text.to_string())
}

/// One cell as the column decided it. Action cells are the page's to render.
#[component]
pub fn CellView(cell: Cell, now: DateTime<Utc>) -> impl IntoView {
    match cell {
        Cell::Text(text) => {
            let title = whole(&text);
            view! { <td title=title>{text}</td> }.into_any()
        }
        Cell::Mono(text) => {
            let title = whole(&text);
            view! { <td class="mono" title=title>{text}</td> }.into_any()
        }
        Cell::Count(n) => view! { <td class="num">{n}</td> }.into_any(),
        Cell::Time(at) => view! {
            <td title=time::exact_local_and_utc(at)>{time::relative(at, now)}</td>
        }
        .into_any(),
        Cell::Badge { label, class } => view! {
            <td><span class=format!("badge {class}")>{label}</span></td>
        }
        .into_any(),
        Cell::State(label) => {
            let title = whole(&label);
            view! { <td class="state" title=title>{label}</td> }.into_any()
        }
        Cell::User { id, label } => {
            let title = whole(&label);
            view! { <td title=title><a href=Route::User(id).href()>{label}</a></td> }.into_any()
        }
        Cell::Actions => view! { <td></td> }.into_any(),
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

/// The checkbox of one row.
#[component]
pub fn SelectCell<M: TableModel>(
    table: TableController<M>,
    key: M::Key,
    /// What the row is, for screen readers.
    label: String,
) -> impl IntoView {
    let checked = {
        let key = key.clone();
        move || table.selection.with(|s| s.contains(&key))
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
                    table.selection.update(|s| {
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
pub fn SelectPageHeader<M: TableModel>(table: TableController<M>) -> impl IntoView {
    let all_ticked = move || {
        let keys = table.page_keys();
        !keys.is_empty() && table.selection.with(|s| keys.iter().all(|k| s.contains(k)))
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
                    let keys = untrack(|| table.page_keys());
                    table.selection.update(|s| {
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

/// How many rows are ticked, "select all N matching", "clear", and the page's bulk actions.
#[component]
pub fn SelectionBar<M: TableModel>(table: TableController<M>, children: Children) -> impl IntoView {
    let selected = move || table.selection.with(HashSet::len);
    view! {
        <div class="selection-bar" role="group" aria-label="Bulk actions">
            <span class="selected-count" role="status">
                {move || format!("{} selected", selected())}
            </span>
            <button type="button" id="select-all" on:click=move |_| table.select_all_matching()>
                {move || format!("Select all {} matching", table.matching())}
            </button>
            <button
                type="button"
                id="select-none"
                prop:disabled=move || selected() == 0
                on:click=move |_| table.selection.update(HashSet::clear)
            >
                "Clear"
            </button>
            {children()}
        </div>
    }
}
