//! The one table controller every table page uses: the view in the URL, the rows it shows, the
//! page of them on screen, the selection (kept by row keys, never by positions) and the bulk
//! dialog. A table either holds every row and decides the view here, or (for a backend that
//! filters, sorts and pages on the server) asks the server for the page on screen. Pages
//! declare their columns and how a row renders; the deciding is done natively in
//! `roster_core::table`.

use crate::routes::{use_go, Route};
use crate::task::Load;
use crate::{locale, text};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use roster_core::backend::ApiError;
use roster_core::bulk::BulkRun;
use roster_core::table::selection::Selection;
use roster_core::table::server::{PageAt, ServerModel, ServerPage};
use roster_core::table::{Cell, Column, PagePosition, TableModel, TableView, PAGE_SIZE};
use std::future::Future;
use std::sync::Arc;

/// Whether a row is kept out of "select all" (the console's own session).
type Protects<K> = Arc<dyn Fn(&K) -> bool + Send + Sync>;

/// Where each page seen starts, and how many rows come before it.
type Starts = Vec<(PageAt, u64)>;

/// The state of one table page.
pub struct TableController<M: TableModel> {
    /// The loaded rows.
    pub data: RwSignal<M>,
    /// The view in the URL.
    pub view: Memo<M::View>,
    show: Callback<M::View>,
    /// Where the rows on screen come from, in the view's order: every row the view shows, or
    /// the page the server sent.
    pub shown: Memo<Vec<M::At>>,
    /// The page of rows on screen, from 0.
    pub page: RwSignal<usize>,
    /// The rows ticked for a bulk action.
    pub selection: RwSignal<Selection<M::Key>>,
    /// The bulk run whose dialog is open.
    pub bulk: RwSignal<Option<BulkRun>>,
    /// "Now" for relative times and age filters: fixed per load, so rows do not shift.
    pub now: DateTime<Utc>,
    protects: StoredValue<Option<Protects<M::Key>>>,
    /// Set for a table the server pages.
    server: Option<ServerPages<M>>,
}

impl<M: TableModel> Clone for TableController<M> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M: TableModel> Copy for TableController<M> {}

/// How the page on screen of a table the server pages came in.
#[derive(Clone, Debug, PartialEq)]
pub enum PageStatus {
    Loading,
    Ready,
    /// Why it could not be read.
    Failed(String),
}

/// A table the server filters, sorts and pages: where the pages seen start, and the one on
/// screen.
pub struct ServerPages<M: TableModel> {
    /// Where the rows of the page on screen are, in the server's order.
    order: RwSignal<Vec<M::At>>,
    /// How many rows the view shows, when the server says.
    total: RwSignal<Option<u64>>,
    /// For the view they belong to: where each page seen starts, and how many rows come
    /// before it.
    starts: RwSignal<(M::View, Starts)>,
    /// Where the page after the one on screen starts, if there is one.
    next: RwSignal<Option<PageAt>>,
    /// Whether the page on screen is in.
    pub status: Signal<PageStatus>,
    /// Reads the page on screen again.
    reload: Callback<()>,
}

impl<M: TableModel> Clone for ServerPages<M> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M: TableModel> Copy for ServerPages<M> {}

impl<M: TableModel> TableController<M> {
    /// A controller over all of `data`, with its view in the URL of `route`.
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
            selection: RwSignal::new(Selection::default()),
            bulk: RwSignal::new(None),
            now,
            protects: StoredValue::new(None),
            server: None,
        }
    }

    /// Keeps the rows `protects` says out of "select all": they are taken only when ticked on
    /// their own.
    pub fn protect(self, protects: impl Fn(&M::Key) -> bool + Send + Sync + 'static) -> Self {
        self.protects.set_value(Some(Arc::new(protects)));
        self
    }

    /// Whether the row with `key` is protected.
    pub fn is_protected(&self, key: &M::Key) -> bool {
        self.protects
            .with_value(|p| p.as_ref().is_some_and(|protects| protects(key)))
    }

    /// Whether the rows come from the server a page at a time.
    pub fn is_server_paged(&self) -> bool {
        self.server.is_some()
    }

    /// How the page on screen came in (always ready for a table that holds every row).
    pub fn status(&self) -> PageStatus {
        self.server
            .map_or(PageStatus::Ready, |server| server.status.get())
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

    /// How many rows the view shows (tracked); unknown when the server does not say.
    pub fn matching(&self) -> Option<u64> {
        match self.server {
            Some(server) => server.total.get(),
            None => Some(self.shown.with(Vec::len) as u64),
        }
    }

    /// Where the page on screen is, for the pager (tracked).
    pub fn position(&self) -> PagePosition {
        match self.server {
            Some(server) => {
                let before = server.starts.with(|(_, starts)| {
                    starts.get(self.page.get()).map_or(0, |(_, before)| *before)
                });
                let rows = server.order.with(Vec::len);
                let next = server.next.with(Option::is_some);
                PagePosition::server(before, rows, server.total.get(), next)
            }
            None => PagePosition::local(self.shown.with(Vec::len), self.page.get(), PAGE_SIZE),
        }
    }

    /// Shows the next page, or the previous one.
    pub fn turn(&self, forward: bool) {
        let page = self.page.get_untracked();
        let Some(server) = self.server else {
            let position = self.position_untracked();
            if (forward && position.next) || (!forward && position.previous) {
                self.page.set(if forward { page + 1 } else { page - 1 });
            }
            return;
        };
        if !forward {
            self.page.set(page.saturating_sub(1));
            return;
        }
        let Some(next) = server.next.get_untracked() else {
            return;
        };
        let rows = server.order.with_untracked(Vec::len) as u64;
        let view = self.view.get_untracked();
        server.starts.update(|(for_view, starts)| {
            if *for_view != view {
                *for_view = view;
                *starts = vec![(PageAt::Start, 0)];
            }
            let before = starts.get(page).map_or(0, |(_, before)| *before);
            starts.truncate(page + 1);
            starts.push((next, before + rows));
        });
        self.page.set(page + 1);
    }

    fn position_untracked(&self) -> PagePosition {
        untrack(|| self.position())
    }

    /// Where the rows on screen are (tracked).
    pub fn page_positions(&self) -> Vec<M::At> {
        if self.server.is_some() {
            return self.shown.get();
        }
        let position = self.position();
        let (start, end) = (
            position.first.saturating_sub(1) as usize,
            position.last as usize,
        );
        self.shown
            .with(|shown| shown.get(start..end).map(<[_]>::to_vec).unwrap_or_default())
    }

    /// The keys of the rows on screen, and whether each is protected (tracked).
    pub fn page_keys(&self) -> Vec<(M::Key, bool)> {
        let positions = self.page_positions();
        self.data.with(|d| {
            positions
                .into_iter()
                .map(|at| {
                    let key = d.key(at);
                    let protected = self.is_protected(&key);
                    (key, protected)
                })
                .collect()
        })
    }

    /// Whether the row with `key` is ticked (tracked).
    pub fn is_ticked(&self, key: &M::Key) -> bool {
        let protected = self.is_protected(key);
        self.selection.with(|s| s.is_ticked(key, protected))
    }

    /// Ticks or unticks one row.
    pub fn tick(&self, key: M::Key, on: bool) {
        let protected = self.is_protected(&key);
        self.selection.update(|s| s.tick(key, on, protected));
    }

    /// Ticks every row the view shows (also those not loaded, on a table the server pages).
    pub fn select_all_matching(&self) {
        if self.server.is_some() {
            self.selection.update(Selection::tick_all_matching);
            return;
        }
        let rows: Vec<(M::Key, bool)> = self.shown.with_untracked(|shown| {
            self.data.with_untracked(|d| {
                shown
                    .iter()
                    .map(|&at| {
                        let key = d.key(at);
                        let protected = self.is_protected(&key);
                        (key, protected)
                    })
                    .collect()
            })
        });
        self.selection.update(|s| s.tick_many(rows, true));
    }

    /// Where the rows ticked one by one that are still loaded are, in the order they were
    /// loaded.
    pub fn selected_positions(&self) -> Vec<M::At> {
        let mut found: Vec<M::At> = self.selection.with_untracked(|selection| {
            self.data
                .with_untracked(|d| selection.keys().filter_map(|key| d.find(key)).collect())
        });
        found.sort_unstable();
        found
    }

    /// Closes the bulk dialog. A run that changed something clears the selection and re-reads
    /// once; a dialog cancelled at its confirmation keeps both as they were.
    pub fn close_bulk(&self, changed: bool, reload: Callback<()>) {
        self.bulk.set(None);
        if changed {
            self.selection.update(Selection::clear);
            match self.server {
                Some(server) => server.reload.run(()),
                None => reload.run(()),
            }
        }
    }
}

impl<M: ServerModel> TableController<M> {
    /// A controller over a table the server filters, sorts and pages: `fetch` reads the page
    /// that starts at a place for a view. Its view lives in the URL of `route`.
    pub fn server<F, Fut>(route: Route, fetch: F) -> Self
    where
        F: Fn(M::View, PageAt) -> Fut + Copy + Send + Sync + 'static,
        Fut: Future<Output = Result<ServerPage<M::Row>, ApiError>> + 'static,
    {
        let now = Utc::now();
        let data = RwSignal::new(M::default());
        let (view, show) = use_url_view::<M::View>(route);
        let page = first_page_on_change(view);
        let order = RwSignal::new(Vec::new());
        let total = RwSignal::new(None);
        let starts = RwSignal::new((view.get_untracked(), vec![(PageAt::Start, 0)]));
        let next = RwSignal::new(None);
        let selection = RwSignal::new(Selection::default());
        // What to read: the view and where its page on screen starts. Pages seen for another
        // view do not count: a new view starts at its first page.
        let wanted = Memo::new(move |_| {
            let view = view.get();
            let at = starts.with(|(for_view, starts)| {
                (*for_view == view)
                    .then(|| starts.get(page.get()).map(|(at, _)| at.clone()))
                    .flatten()
            });
            (view, at.unwrap_or(PageAt::Start))
        });
        // "All matching" belongs to the view it was ticked in.
        Effect::new(move |seen: Option<M::View>| {
            let view = view.get();
            if seen.is_some_and(|seen| seen != view) {
                selection.update(|s| {
                    if s.all_matching() {
                        s.clear();
                    }
                });
            }
            view
        });
        // The page on screen, read again when what is wanted changes; a read superseded
        // before its answer came is dropped.
        let read = Load::new(move || {
            let (view, at) = wanted.get();
            fetch(view, at)
        });
        // The rows held are replaced by their fresh copies as the page comes in.
        Effect::new(move |_| {
            read.with(|answer| {
                let Some(Ok(page)) = answer else { return };
                let positions = data.try_update(|d| d.add_rows(page.items.clone()));
                order.set(positions.unwrap_or_default());
                total.set(page.total);
                next.set(page.next.clone());
            })
        });
        let status = Signal::derive(move || {
            if read.reading() {
                return PageStatus::Loading;
            }
            read.with(|answer| match answer {
                Some(Err(err)) => PageStatus::Failed(text::error(err)),
                Some(Ok(_)) => PageStatus::Ready,
                None => PageStatus::Loading,
            })
        });
        let reload = Callback::new(move |_| read.reload());
        TableController {
            data,
            view,
            show,
            shown: Memo::new(move |_| order.get()),
            page,
            selection,
            bulk: RwSignal::new(None),
            now,
            protects: StoredValue::new(None),
            server: Some(ServerPages {
                order,
                total,
                starts,
                next,
                status,
                reload,
            }),
        }
    }

    /// Reads the page on screen again.
    pub fn reload(&self) {
        if let Some(server) = self.server {
            server.reload.run(());
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
    let go = use_go();
    let show = Callback::new(move |view: V| go.replace_query(&route, &view.to_query()));
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

/// A column header; where the backend can sort by it (`sortable`), a click sorts by its
/// column, and a second click reverses the order.
#[component]
pub fn SortHeader<M: TableModel>(
    table: TableController<M>,
    column: <M::View as TableView>::Key,
    sortable: bool,
) -> impl IntoView {
    if !sortable || !column.sortable() {
        return view! { <th scope="col">{text::said_static(column.header())}</th> }.into_any();
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
                {text::said_static(column.header())}
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

/// A label of the core in the admin's language, reusing it where it has no translation (a
/// backend's own state, say).
fn translated(label: String) -> String {
    match text::said_exactly(&label) {
        Some(said) => said.to_string(),
        None => label,
    }
}

/// One cell as the column decided it. Action cells are the page's to render. `label` names
/// the column on the cell itself, for tables that become cards on a narrow screen.
#[component]
pub fn CellView(cell: Cell, #[prop(optional)] label: Option<&'static str>) -> impl IntoView {
    match cell {
        Cell::Text(text) => {
            let title = whole(&text);
            view! { <td data-label=label title=title>{text}</td> }.into_any()
        }
        Cell::Mono(text) => {
            let title = whole(&text);
            view! { <td data-label=label class="mono" title=title>{text}</td> }.into_any()
        }
        Cell::Count(n) => view! { <td data-label=label class="num">{n}</td> }.into_any(),
        Cell::Time(at) => view! {
            <td data-label=label title=text::exact(at)>{crate::clock::relative(at)}</td>
        }
        .into_any(),
        Cell::Badge { label: words, class } => view! {
            <td data-label=label><span class=format!("badge {class}")>{translated(words)}</span></td>
        }
        .into_any(),
        Cell::State(words) => {
            let words = translated(words);
            let title = whole(&words);
            view! { <td data-label=label class="state" title=title>{words}</td> }.into_any()
        }
        Cell::User { id, label: name } => {
            let title = whole(&name);
            view! {
                <td data-label=label title=title><a href=Route::User(id).href()>{name}</a></td>
            }
            .into_any()
        }
        Cell::Unknown => {
            view! { <td data-label=label class="unknown">{tr!(common.unknown)}</td> }.into_any()
        }
        Cell::Actions => view! { <td data-label=label></td> }.into_any(),
    }
}

/// Previous / next page buttons and where the rows on screen are among all the view shows.
#[component]
pub fn Pager(
    #[prop(into)] position: Signal<PagePosition>,
    /// Turns a page forward (true) or back.
    #[prop(into)]
    on_turn: Callback<bool>,
) -> impl IntoView {
    view! {
        <Show when=move || position.get().paged()>
            <nav class="pager" aria-label=tr!(table.pages)>
                <button
                    type="button"
                    class="prev-page"
                    prop:disabled=move || !position.get().previous
                    on:click=move |_| on_turn.run(false)
                >
                    {tr!(table.previous)}
                </button>
                <span class="page-position" aria-live="polite">{move || text::position(&position.get())}</span>
                <button
                    type="button"
                    class="next-page"
                    prop:disabled=move || !position.get().next
                    on:click=move |_| on_turn.run(true)
                >
                    {tr!(table.next)}
                </button>
            </nav>
        </Show>
    }
}

/// The pager of a table.
#[component]
pub fn TablePager<M: TableModel>(table: TableController<M>) -> impl IntoView {
    view! {
        <Pager
            position=Signal::derive(move || table.position())
            on_turn=move |forward| table.turn(forward)
        />
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
        move || table.is_ticked(&key)
    };
    view! {
        <td class="select">
            <input
                type="checkbox"
                class="select-row"
                aria-label=tr!(table.select_row, what = label)
                prop:checked=checked
                on:change=move |ev| table.tick(key.clone(), event_target_checked(&ev))
            />
        </td>
    }
}

/// The header checkbox: ticks or clears every row of the page shown (but a protected one).
#[component]
pub fn SelectPageHeader<M: TableModel>(table: TableController<M>) -> impl IntoView {
    let all_ticked = move || {
        let keys = table.page_keys();
        let open: Vec<_> = keys.iter().filter(|(_, protected)| !protected).collect();
        !open.is_empty() && open.iter().all(|(key, _)| table.is_ticked(key))
    };
    view! {
        <th scope="col" class="select">
            <input
                type="checkbox"
                class="select-page"
                aria-label=tr!(table.select_page)
                prop:checked=all_ticked
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    let keys = untrack(|| table.page_keys());
                    table.selection.update(|s| s.tick_many(keys, on));
                }
            />
        </th>
    }
}

/// What the selection bar says is ticked.
fn selected_text(count: Option<u64>, all_matching: bool) -> String {
    let n = |n| locale::number(n, locale::tag());
    match (count, all_matching) {
        (Some(count), true) => tr!(table.all_n_selected, n = n(count)),
        (None, true) => tr!(table.all_selected),
        (Some(count), false) => tr!(table.n_selected, n = n(count)),
        (None, false) => tr!(table.some_selected),
    }
}

/// How many rows are ticked, "select all N matching", "clear", and the page's bulk actions.
#[component]
pub fn SelectionBar<M: TableModel>(table: TableController<M>, children: Children) -> impl IntoView {
    let nothing = move || table.selection.with(Selection::is_empty);
    view! {
        <div class="selection-bar" role="group" aria-label=tr!(table.bulk_actions)>
            <span class="selected-count" role="status">
                {move || {
                    let matching = table.matching();
                    table.selection.with(|s| selected_text(s.count(matching), s.all_matching()))
                }}
            </span>
            <button type="button" id="select-all" on:click=move |_| table.select_all_matching()>
                {move || match table.matching() {
                    Some(n) => tr!(table.select_all_n, n = locale::number(n, locale::tag())),
                    None => tr!(table.select_all),
                }}
            </button>
            <button
                type="button"
                id="select-none"
                prop:disabled=nothing
                on:click=move |_| table.selection.update(Selection::clear)
            >
                {tr!(table.clear)}
            </button>
            {children()}
        </div>
    }
}
