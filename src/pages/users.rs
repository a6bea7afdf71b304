//! `/users`: every user of the connected backend in one searchable, sortable table.

use super::require_connection;
use crate::browser;
use crate::components::table::{
    edit_view, first_page_on_change, page_bounds, use_url_view, DaysFilter, Pager, PlatformFilter,
    SearchFilter, SelectCell, SelectPageHeader, Selection, SelectionBar, SortHeader, PAGE_SIZE,
};
use crate::components::{names_notice, BulkDialog, ReloadAfterBulk, UsersLoader};
use crate::connector::journeyapps::UsersLoad;
use crate::connector::Action;
use crate::model::bulk::BulkRun;
use crate::model::users_view::{
    fold, platforms_of, status_key, users_csv, SortKey, UsersView, STATUSES,
};
use crate::model::{time, User};
use crate::url::encode_component;
use leptos::prelude::*;

/// `/users`: every user with status, sessions, platforms and last connection.
#[component]
pub fn UsersPage() -> impl IntoView {
    require_connection();
    view! {
        <section class="page">
            <h1>"Users"</h1>
            <UsersLoader loaded=|load, reload| view! { <UsersTable load=load reload=reload /> } />
        </section>
    }
}

/// The bulk actions on users.
#[derive(Clone, Copy, Debug, PartialEq)]
enum BulkUserAction {
    Lock { wipe: bool },
    Unlock,
}

impl BulkUserAction {
    /// The action on `user`, or None when it would change nothing (locking a locked user).
    fn on(self, user: &User) -> Option<Action> {
        let user_id = user.id.clone();
        match self {
            BulkUserAction::Lock { wipe } if !user.locked || wipe => {
                Some(Action::Lock { user_id, wipe })
            }
            BulkUserAction::Unlock if user.locked => Some(Action::Unlock { user_id }),
            _ => None,
        }
    }
}

/// The users table with its search, filters and sortable columns, all kept in the URL.
#[component]
fn UsersTable(load: UsersLoad, reload: Callback<()>) -> impl IntoView {
    let now = chrono::Utc::now();
    let total = load.users.len();
    let platforms = platforms_of(&load.users);
    let notice = names_notice(&load);
    let folded = StoredValue::new(fold(&load.users));
    let users = StoredValue::new(load.users);
    let (current, show) = use_url_view::<UsersView>("/users");
    let change = move |edit| edit_view(current, show, edit);
    // Positions of the matching users, in the view's order: cheap to recompute per keystroke.
    let shown = Memo::new(move |_| {
        let view = current.get();
        users.with_value(|all| folded.with_value(|folded| view.positions(all, folded, now)))
    });
    let page = first_page_on_change(current);
    let matching = Signal::derive(move || shown.with(Vec::len));
    let header = move |column, label| view! { <SortHeader current show column label /> };
    let selection: Selection<usize> = RwSignal::new(Default::default());
    let page_keys = Signal::derive(move || {
        let (start, end) = page_bounds(matching.get(), page.get(), PAGE_SIZE);
        shown.with(|shown| shown[start..end].to_vec())
    });
    let bulk = RwSignal::new(None::<BulkRun>);
    let open_bulk = move |kind: BulkUserAction| {
        let run = users.with_value(|all| {
            let mut picked: Vec<usize> = selection.get_untracked().into_iter().collect();
            picked.sort_unstable();
            BulkRun::new(picked.into_iter().filter_map(|i| {
                let user = &all[i];
                Some((kind.on(user)?, user.label().to_string()))
            }))
        });
        bulk.set(Some(run));
    };
    let export = move |_| {
        let csv = shown.with(|shown| users.with_value(|all| users_csv(all, shown)));
        browser::download("roster-users.csv", &csv);
    };
    view! {
        {notice}
        <div class="filters" role="search">
            <SearchFilter
                id="user-search"
                placeholder="Name or id"
                text=Signal::derive(move || current.with(|v| v.search.clone()))
                on_input=change(|v, text| v.search = text)
            />
            <label>
                "Status"
                <select
                    id="status-filter"
                    prop:value=move || current.with(|v| v.status.map(status_key).unwrap_or_default())
                    on:change=change(|v, text| {
                        v.status = STATUSES.into_iter().find(|s| status_key(*s) == text)
                    })
                >
                    <option value="">"Any"</option>
                    {STATUSES
                        .into_iter()
                        .map(|s| view! { <option value=status_key(s)>{s.label()}</option> })
                        .collect_view()}
                </select>
            </label>
            <PlatformFilter
                platforms=platforms
                selected=Signal::derive(move || current.with(|v| v.platform.clone()))
                on_change=change(|v, text| v.platform = (!text.is_empty()).then_some(text))
            />
            <DaysFilter
                id="idle-filter"
                label="Not connected for more than (days)"
                days=Signal::derive(move || current.with(|v| v.idle_days))
                on_input=change(|v, text| v.idle_days = text.trim().parse().ok())
            />
        </div>
        <SelectionBar
            selected=Signal::derive(move || selection.with(|s| s.len()))
            matching=matching
            on_select_all=move |_| selection.set(shown.get_untracked().into_iter().collect())
            on_clear=move |_| selection.update(|s| s.clear())
        >
            <button type="button" id="bulk-lock" prop:disabled=move || selection.with(|s| s.is_empty())
                on:click=move |_| open_bulk(BulkUserAction::Lock { wipe: false })>"Lock…"</button>
            <button type="button" class="danger" id="bulk-lock-wipe" prop:disabled=move || selection.with(|s| s.is_empty())
                on:click=move |_| open_bulk(BulkUserAction::Lock { wipe: true })>"Lock and wipe…"</button>
            <button type="button" id="bulk-unlock" prop:disabled=move || selection.with(|s| s.is_empty())
                on:click=move |_| open_bulk(BulkUserAction::Unlock)>"Unlock…"</button>
            <button type="button" class="quiet" id="export-csv" on:click=export>"Export CSV"</button>
        </SelectionBar>
        <div class="table-wrap">
            <table class="users">
                <caption>
                    {move || match matching.get() {
                        n if n == total => format!("{total} users"),
                        n => format!("{n} of {total} users"),
                    }}
                </caption>
                <thead>
                    <tr>
                        <SelectPageHeader selection=selection page_keys=page_keys />
                        {header(SortKey::Name, "Name")}
                        {header(SortKey::Id, "User id")}
                        {header(SortKey::Status, "Status")}
                        <SortHeader current show column=SortKey::Sessions label="Sessions" numeric=true />
                        {header(SortKey::Platforms, "Platforms")}
                        {header(SortKey::LastConnected, "Last connected")}
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        let (start, end) = page_bounds(matching.get(), page.get(), PAGE_SIZE);
                        shown.with(|shown| {
                            users.with_value(|all| {
                                shown[start..end]
                                    .iter()
                                    .map(|&i| view! { <UserRow user=all[i].clone() now=now selection=selection position=i /> })
                                    .collect_view()
                            })
                        })
                    }}
                </tbody>
            </table>
        </div>
        <Pager len=matching page=page />
        {move || bulk.get().map(|run| view! {
            <BulkDialog
                run=run
                on_close=move |_| bulk.set(None)
                on_done=move |_| selection.update(|s| s.clear())
            />
        })}
        <ReloadAfterBulk bulk=bulk reload=reload />
    }
}

#[component]
fn UserRow(
    user: User,
    now: chrono::DateTime<chrono::Utc>,
    selection: Selection<usize>,
    position: usize,
) -> impl IntoView {
    let status = user.status();
    view! {
        <tr>
            <SelectCell selection=selection key=position label=user.label().to_string() />
            <td>
                <a href=format!("/users/{}", encode_component(&user.id))>{user.label().to_string()}</a>
            </td>
            <td class="mono">{user.id.clone()}</td>
            <td>
                <span class=format!("badge {}", status.css_class())>{status.label()}</span>
            </td>
            <td class="num">{user.sessions.len()}</td>
            <td>{user.platforms().join(", ")}</td>
            <td title=time::exact_local_and_utc(user.last_connected_at)>
                {time::relative(user.last_connected_at, now)}
            </td>
        </tr>
    }
}
