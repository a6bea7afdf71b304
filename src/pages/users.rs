//! `/users`: the users of the connected backend in one searchable, sortable table, with the
//! columns, filters and bulk actions the backend offers. Every user is loaded and the view
//! decided here, or (for a backend that queries on the server) the page on screen is asked for.

use super::{capabilities, require_connection};
use crate::browser;
use crate::client::use_requests;
use crate::components::filters::{
    yes_or_no, ChoiceFilter, DateFilter, NumberFilter, PlatformFilter, SearchFilter, YesNoFilter,
};
use crate::components::gather::all_users;
use crate::components::table::{
    CellView, PageStatus, SelectCell, SelectPageHeader, SelectionBar, SortHeader, TableController,
    TablePager,
};
use crate::components::{BulkButtons, BulkHost, ErrorNotice, SavedViewsBar, UsersLoader};
use crate::routes::Route;
use crate::task::Tasks;
use crate::text;
use leptos::prelude::*;
use roster_core::backend::{Api, Capabilities};
use roster_core::bulk::BulkRun;
use roster_core::model::action::{ActionKind, Scope};
use roster_core::model::User;
use roster_core::table::selection::Selection;
use roster_core::table::server::ServerModel;
use roster_core::table::users::{UserColumn, UserFilter, UsersData, STATUSES};
use roster_core::table::Column;

/// `/users`: the users as this backend lists them.
#[component]
pub fn UsersPage() -> impl IntoView {
    require_connection();
    let body = match capabilities() {
        Some(caps) if caps.users_on_server => view! { <ServerUsers caps=caps /> }.into_any(),
        Some(caps) => view! {
            <UsersLoader loaded=move |load, reload| {
                let total = Signal::stored(Some(load.users.len() as u64));
                let table = TableController::new(UsersData::new(load.users), Route::Users);
                view! { <UsersTable table=table caps=caps total=total reload=reload /> }
            } />
        }
        .into_any(),
        None => ().into_any(),
    };
    view! {
        <section class="page">
            <h1>{tr!(sections.users)}</h1>
            {body}
        </section>
    }
}

/// The users a server queries and pages: only the page on screen is read.
#[component]
fn ServerUsers(caps: &'static Capabilities) -> impl IntoView {
    let requests = use_requests();
    let table = TableController::<UsersData>::server(Route::Users, move |view, at| {
        requests.read(move |backend, transport| async move {
            backend.query_users(&transport, &view, &at).await
        })
    });
    let reload = Callback::new(move |_| table.reload());
    view! { <UsersTable table=table caps=caps total=Signal::stored(None) reload=reload /> }
}

/// The users table with its search, filters and sortable columns, all kept in the URL; `total`
/// is how many users there are in all, where known.
#[component]
fn UsersTable(
    table: TableController<UsersData>,
    caps: &'static Capabilities,
    #[prop(into)] total: Signal<Option<u64>>,
    reload: Callback<()>,
) -> impl IntoView {
    let requests = use_requests();
    let platforms = table.data.with_untracked(UsersData::platforms);
    // What reading every matching user (for a bulk run or an export) has got to.
    let gathering = RwSignal::new(None::<String>);
    let gather_error = RwSignal::new(None::<String>);
    let scope = Tasks::here();
    let gather = move |then: Box<dyn FnOnce(Vec<User>)>| {
        gather_error.set(None);
        let view = table.view.get_untracked();
        scope.spawn(async move {
            match all_users(requests, view, gathering).await {
                Ok(load) => {
                    gather_error.set(load.notice);
                    then(load.users);
                }
                Err(err) => gather_error.set(Some(text::error(&err))),
            }
        });
    };
    let pick = move |kind: ActionKind| {
        if table.selection.with_untracked(Selection::all_matching) {
            gather(Box::new(move |users| {
                let run = table.selection.with_untracked(|selection| {
                    BulkRun::for_selected_users(kind, &users, selection)
                });
                table.bulk.set(Some(run));
            }));
            return;
        }
        let run = table.data.with_untracked(|data| {
            let picked = table.selected_positions();
            BulkRun::for_users(kind, picked.into_iter().filter_map(|at| data.user(at)))
        });
        table.bulk.set(Some(run));
    };
    let export = move |_| {
        if !table.is_server_paged() {
            let csv = table.shown.with_untracked(|shown| {
                table
                    .data
                    .with_untracked(|data| data.csv(caps.user_columns, shown))
            });
            browser::download("roster-users.csv", browser::CSV, &csv);
            return;
        }
        gather(Box::new(move |users| {
            let mut data = UsersData::default();
            let positions = data.add_rows(users);
            browser::download(
                "roster-users.csv",
                browser::CSV,
                &data.csv(caps.user_columns, &positions),
            );
        }));
    };
    let busy = Signal::derive(move || gathering.with(Option::is_some));
    // A table without bulk actions has nothing to tick rows for.
    let actions: Vec<ActionKind> = caps
        .actions_on(Scope::User)
        .filter(|kind| kind.in_bulk())
        .collect();
    let selectable = !actions.is_empty();
    let statuses = caps
        .user_statuses
        .iter()
        .map(|s| (s.key().to_string(), text::said(s.label())))
        .collect::<Vec<_>>();
    view! {
        <div class="filters" role="search">
            <SearchFilter
                id="user-search"
                placeholder=text::said(caps.user_search)
                text=Signal::derive(move || table.view.with(|v| v.search.clone()))
                on_input=table.edit(|v, text| v.search = text)
            />
            {caps.user_filter(UserFilter::Status).then(|| view! {
                <ChoiceFilter
                    id="status-filter"
                    label=text::said("Status")
                    choices=statuses.clone()
                    selected=Signal::derive(move || {
                        table.view.with(|v| v.status.map(|s| s.key()).unwrap_or_default().to_string())
                    })
                    on_change=table.edit(|v, text| {
                        v.status = STATUSES.into_iter().find(|s| s.key() == text)
                    })
                />
            })}
            {caps.user_filter(UserFilter::Platform).then(|| view! {
                <PlatformFilter
                    platforms=platforms.clone()
                    selected=Signal::derive(move || table.view.with(|v| v.platform.clone()))
                    on_change=table.edit(|v, text| v.platform = (!text.is_empty()).then_some(text))
                />
            })}
            {caps.user_filter(UserFilter::Operator).then(|| view! {
                <YesNoFilter
                    id="operator-filter"
                    label=tr!(users.operators)
                    words=(tr!(users.operators_only), tr!(users.not_operators))
                    value=Signal::derive(move || table.view.with(|v| v.operator))
                    on_change=table.edit(|v, text| v.operator = yes_or_no(&text))
                />
            })}
            {caps.user_filter(UserFilter::Disabled).then(|| view! {
                <YesNoFilter
                    id="disabled-filter"
                    label=text::said("Disabled")
                    words=(tr!(users.disabled_only), tr!(users.enabled_only))
                    value=Signal::derive(move || table.view.with(|v| v.disabled))
                    on_change=table.edit(|v, text| v.disabled = yes_or_no(&text))
                />
            })}
            {caps.user_filter(UserFilter::Activated).then(|| view! {
                <YesNoFilter
                    id="activated-filter"
                    label=text::said("Activated")
                    words=(text::said("Activated"), text::said("Not activated"))
                    value=Signal::derive(move || table.view.with(|v| v.activated))
                    on_change=table.edit(|v, text| v.activated = yes_or_no(&text))
                />
            })}
            {caps.user_filter(UserFilter::Created).then(|| view! {
                <DateFilter
                    id="created-after"
                    label=tr!(users.created_from)
                    day=Signal::derive(move || table.view.with(|v| v.created_after))
                    on_input=table.edit(|v, text| v.created_after = text.parse().ok())
                />
                <DateFilter
                    id="created-before"
                    label=tr!(users.created_before)
                    day=Signal::derive(move || table.view.with(|v| v.created_before))
                    on_input=table.edit(|v, text| v.created_before = text.parse().ok())
                />
            })}
            {caps.user_filter(UserFilter::IdleDays).then(|| view! {
                <NumberFilter
                    id="idle-filter"
                    label=tr!(users.idle_days)
                    value=Signal::derive(move || table.view.with(|v| v.idle_days))
                    on_input=table.edit(|v, text| v.idle_days = text.trim().parse().ok())
                />
            })}
        </div>
        <SavedViewsBar table=table name="users" />
        {if selectable {
            view! {
                <SelectionBar table=table>
                    <BulkButtons
                        actions=actions.clone()
                        nothing_ticked=Signal::derive(move || {
                            table.selection.with(Selection::is_empty) || busy.get()
                        })
                        on_pick=pick
                    />
                    <button type="button" class="quiet" id="export-csv" prop:disabled=busy on:click=export>
                        {tr!(common.export_csv)}
                    </button>
                </SelectionBar>
            }
            .into_any()
        } else {
            view! {
                <div class="selection-bar">
                    <button type="button" class="quiet" id="export-csv" prop:disabled=busy on:click=export>
                        {tr!(common.export_csv)}
                    </button>
                </div>
            }
            .into_any()
        }}
        {move || gathering.get().map(|text| view! { <p class="loading" role="status">{text}</p> })}
        {move || gather_error.get().map(|message| view! { <ErrorNotice message=message /> })}
        <div class="table-wrap">
            <table class="users cards">
                <caption>{move || text::caption(table.matching(), total.get(), "users")}</caption>
                <thead>
                    <tr>
                        {selectable.then(|| view! { <SelectPageHeader table=table /> })}
                        {caps
                            .user_columns
                            .iter()
                            .map(|&column| view! {
                                <SortHeader table=table column=column sortable=caps.user_sorts.contains(&column) />
                            })
                            .collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        let rows = table.page_positions();
                        table.data.with(|data| {
                            rows.into_iter()
                                .filter_map(|at| data.user(at))
                                .map(|user| view! {
                                    <UserRow
                                        table=table
                                        user=user.clone()
                                        columns=caps.user_columns
                                        selectable=selectable
                                    />
                                })
                                .collect_view()
                        })
                    }}
                </tbody>
            </table>
        </div>
        {move || match table.status() {
            PageStatus::Loading => view! { <p class="loading" role="status">{tr!(loading.users)}</p> }.into_any(),
            PageStatus::Failed(message) => view! {
                <ErrorNotice message=message />
                <button type="button" on:click=move |_| table.reload()>{tr!(common.try_again)}</button>
            }
            .into_any(),
            PageStatus::Ready => ().into_any(),
        }}
        <TablePager table=table />
        <BulkHost bulk=table.bulk on_close=move |changed| table.close_bulk(changed, reload) />
    }
    .into_any()
}

/// One user's row: its checkbox (on a table with bulk actions) and a cell per column.
#[component]
fn UserRow(
    table: TableController<UsersData>,
    user: User,
    columns: &'static [UserColumn],
    selectable: bool,
) -> impl IntoView {
    let (key, label) = (user.id.clone(), user.label().to_string());
    view! {
        <tr>
            {selectable.then(|| view! { <SelectCell table=table key=key label=label /> })}
            {columns
                .iter()
                // Each cell says its column: on a tablet the rows become cards.
                .map(|column| {
                    let label = crate::text::said_static(column.header());
                    view! { <CellView label=label cell=column.cell(&user) /> }
                })
                .collect_view()}
        </tr>
    }
}
