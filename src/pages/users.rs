//! `/users`: every user of the connected backend in one searchable, sortable table, with the
//! columns, filters and bulk actions the backend offers.

use super::{capabilities, require_connection};
use crate::browser;
use crate::components::filters::{ChoiceFilter, NumberFilter, PlatformFilter, SearchFilter};
use crate::components::table::{
    CellView, SelectCell, SelectPageHeader, SelectionBar, SortHeader, TableController, TablePager,
};
use crate::components::{BulkButtons, BulkHost, UsersLoader};
use crate::routes::Route;
use leptos::prelude::*;
use roster_core::bulk::BulkRun;
use roster_core::model::action::{ActionKind, Scope};
use roster_core::model::User;
use roster_core::table::selection::Selection;
use roster_core::table::users::{UserColumn, UserFilter, UsersData, STATUSES};
use roster_core::table::{caption, TableModel};

/// `/users`: loads every user, then shows the table.
#[component]
pub fn UsersPage() -> impl IntoView {
    require_connection();
    view! {
        <section class="page">
            <h1>"Users"</h1>
            <UsersLoader loaded=|load, reload| view! { <UsersTable users=load.users reload=reload /> } />
        </section>
    }
}

/// The users table with its search, filters and sortable columns, all kept in the URL.
#[component]
fn UsersTable(users: Vec<User>, reload: Callback<()>) -> impl IntoView {
    let Some(caps) = capabilities() else {
        return ().into_any();
    };
    let table = TableController::new(UsersData::new(users), Route::Users);
    let platforms = table.data.with_untracked(UsersData::platforms);
    let total = Some(table.data.with_untracked(UsersData::len) as u64);
    let pick = move |kind: ActionKind| {
        let run = table.data.with_untracked(|data| {
            let picked = table.selected_positions();
            BulkRun::for_users(kind, picked.into_iter().filter_map(|at| data.user(at)))
        });
        table.bulk.set(Some(run));
    };
    let export = move |_| {
        let csv = table.shown.with_untracked(|shown| {
            table
                .data
                .with_untracked(|data| data.csv(caps.user_columns, shown))
        });
        browser::download("roster-users.csv", &csv);
    };
    // A table without bulk actions has nothing to tick rows for.
    let actions: Vec<ActionKind> = caps.actions_on(Scope::User).collect();
    let selectable = !actions.is_empty();
    let statuses = caps
        .user_statuses
        .iter()
        .map(|s| (s.key().to_string(), s.label().to_string()))
        .collect::<Vec<_>>();
    view! {
        <div class="filters" role="search">
            <SearchFilter
                id="user-search"
                placeholder=caps.user_search
                text=Signal::derive(move || table.view.with(|v| v.search.clone()))
                on_input=table.edit(|v, text| v.search = text)
            />
            {caps.user_filter(UserFilter::Status).then(|| view! {
                <ChoiceFilter
                    id="status-filter"
                    label="Status"
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
                <ChoiceFilter
                    id="operator-filter"
                    label="Operators"
                    choices=vec![
                        ("yes".to_string(), "Operators only".to_string()),
                        ("no".to_string(), "Not operators".to_string()),
                    ]
                    selected=Signal::derive(move || {
                        table.view.with(|v| match v.operator {
                            Some(true) => "yes",
                            Some(false) => "no",
                            None => "",
                        }.to_string())
                    })
                    on_change=table.edit(|v, text| v.operator = match text.as_str() {
                        "yes" => Some(true),
                        "no" => Some(false),
                        _ => None,
                    })
                />
            })}
            {caps.user_filter(UserFilter::IdleDays).then(|| view! {
                <NumberFilter
                    id="idle-filter"
                    label="Not connected for more than (days)"
                    value=Signal::derive(move || table.view.with(|v| v.idle_days))
                    on_input=table.edit(|v, text| v.idle_days = text.trim().parse().ok())
                />
            })}
        </div>
        {if selectable {
            view! {
                <SelectionBar table=table>
                    <BulkButtons
                        actions=actions.clone()
                        nothing_ticked=Signal::derive(move || table.selection.with(Selection::is_empty))
                        on_pick=pick
                    />
                    <button type="button" class="quiet" id="export-csv" on:click=export>"Export CSV"</button>
                </SelectionBar>
            }
            .into_any()
        } else {
            view! {
                <div class="selection-bar">
                    <button type="button" class="quiet" id="export-csv" on:click=export>"Export CSV"</button>
                </div>
            }
            .into_any()
        }}
        <div class="table-wrap">
            <table class="users">
                <caption>{move || caption(table.matching(), total, "users")}</caption>
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
                .map(|column| view! { <CellView cell=column.cell(&user) now=table.now /> })
                .collect_view()}
        </tr>
    }
}
