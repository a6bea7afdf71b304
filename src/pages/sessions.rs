//! `/sessions`: every session of every user in one table, the helpdesk's "find the device"
//! view, with the per-session actions of the user page.

use super::{capabilities, require_connection};
use crate::browser;
use crate::client::use_requests;
use crate::components::filters::{ChoiceFilter, DaysFilter, PlatformFilter, SearchFilter};
use crate::components::table::{
    Pager, SelectCell, SelectPageHeader, SelectionBar, SortHeader, TableController,
};
use crate::components::{
    ActionRunner, BulkButtons, BulkHost, ErrorNotice, OutcomeNotice, SessionActionDialog,
    SessionCells, UsersLoader,
};
use crate::routes::Route;
use leptos::prelude::*;
use leptos::task::spawn_local;
use roster_core::backend::{Api, Capabilities};
use roster_core::bulk::BulkRun;
use roster_core::model::action::{Action, ActionKind, Scope};
use roster_core::model::{Session, User, UserId};
use roster_core::table::caption;
use roster_core::table::sessions::{SessionFilter, SessionsData, STATES};
use roster_core::table::users::platforms_of;

/// `/sessions`: loads every user, then lists their sessions.
#[component]
pub fn SessionsPage() -> impl IntoView {
    require_connection();
    view! {
        <section class="page">
            <h1>"Sessions"</h1>
            <UsersLoader loaded=|load, reload| view! { <SessionsTable users=load.users reload=reload /> } />
        </section>
    }
}

/// An action waiting for its confirmation: on which user's session.
#[derive(Clone, Debug, PartialEq)]
struct Pending {
    user: User,
    session: Session,
    action: Action,
}

/// The sessions table with its filters, paging and per-session actions.
#[component]
fn SessionsTable(users: Vec<User>, reload: Callback<()>) -> impl IntoView {
    let Some(caps) = capabilities() else {
        return ().into_any();
    };
    let requests = use_requests();
    let platforms = platforms_of(&users);
    let table = TableController::new(SessionsData::new(users), Route::Sessions);
    let total = Memo::new(move |_| table.data.with(SessionsData::session_count));
    let runner = ActionRunner::new();
    let pending = RwSignal::new(None::<Pending>);
    let refresh_error = RwSignal::new(None::<String>);

    // After an action only its user is re-read, and put back in place: the rest of the list
    // and the admin's page stay as they were.
    let refresh_user = move |id: UserId| {
        spawn_local(async move {
            let fresh = requests
                .read(move |backend, transport| async move {
                    backend.user(&transport, &id, &|_| {}).await
                })
                .await;
            match fresh {
                Ok(user) => {
                    let _ = refresh_error.try_set(None);
                    let _ = table.data.try_update(|data| data.replace_user(user));
                }
                Err(err) => {
                    let _ = refresh_error.try_set(Some(format!(
                        "Could not read the user again, so the table may be out of date: {}",
                        err.message()
                    )));
                }
            }
        });
    };
    let confirm = move |_| {
        let Some(Pending { user, action, .. }) = pending.get_untracked() else {
            return;
        };
        let id = user.id.clone();
        runner.run(action, user.label().to_string(), move || {
            let _ = pending.try_set(None);
            refresh_user(id);
        });
    };
    let dialog = move || {
        pending.get().map(|p| {
            view! {
                <SessionActionDialog
                    user=p.user
                    session=p.session
                    action=p.action
                    busy=runner.busy
                    on_confirm=confirm
                    on_close=move |_| pending.set(None)
                />
            }
        })
    };
    let pick = move |kind: ActionKind| {
        let run = table.data.with_untracked(|data| {
            let picked = table.selected_positions();
            BulkRun::for_sessions(kind, picked.into_iter().filter_map(|at| data.row(at)))
        });
        table.bulk.set(Some(run));
    };
    let export = move |_| {
        let csv = table.shown.with_untracked(|shown| {
            table
                .data
                .with_untracked(|data| data.csv(caps.session_csv_columns, shown))
        });
        browser::download("roster-sessions.csv", &csv);
    };
    let states = caps
        .session_states
        .iter()
        .map(|s| (s.wire().to_string(), s.label().to_string()))
        .collect::<Vec<_>>();
    view! {
        <OutcomeNotice runner=runner />
        {move || refresh_error.get().map(|message| view! { <ErrorNotice message=message /> })}
        <div class="filters" role="search">
            <SearchFilter
                id="session-search"
                placeholder="Device, device id, user name or id"
                text=Signal::derive(move || table.view.with(|v| v.search.clone()))
                on_input=table.edit(|v, text| v.search = text)
            />
            {caps.session_filter(SessionFilter::State).then(|| view! {
                <ChoiceFilter
                    id="state-filter"
                    label="State"
                    choices=states.clone()
                    selected=Signal::derive(move || {
                        table.view.with(|v| v.state.as_ref().map(|s| s.wire().to_string()).unwrap_or_default())
                    })
                    on_change=table.edit(|v, text| v.state = STATES.into_iter().find(|s| s.wire() == text))
                />
            })}
            {caps.session_filter(SessionFilter::Platform).then(|| view! {
                <PlatformFilter
                    platforms=platforms.clone()
                    selected=Signal::derive(move || table.view.with(|v| v.platform.clone()))
                    on_change=table.edit(|v, text| v.platform = (!text.is_empty()).then_some(text))
                />
            })}
            {caps.session_filter(SessionFilter::IdleDays).then(|| view! {
                <DaysFilter
                    id="idle-filter"
                    label="Not connected for more than (days)"
                    days=Signal::derive(move || table.view.with(|v| v.idle_days))
                    on_input=table.edit(|v, text| v.idle_days = text.trim().parse().ok())
                />
            })}
            {caps.session_filter(SessionFilter::AuthDays).then(|| view! {
                <DaysFilter
                    id="auth-filter"
                    label="Not authenticated for more than (days)"
                    days=Signal::derive(move || table.view.with(|v| v.auth_days))
                    on_input=table.edit(|v, text| v.auth_days = text.trim().parse().ok())
                />
            })}
        </div>
        <SelectionBar table=table>
            <BulkButtons
                actions=caps.actions_on(Scope::Session).collect()
                nothing_ticked=Signal::derive(move || table.selection.with(|s| s.is_empty()))
                on_pick=pick
            />
            <button type="button" class="quiet" id="export-csv" on:click=export>"Export CSV"</button>
        </SelectionBar>
        <div class="table-wrap">
            <table class="all-sessions">
                <caption>{move || caption(table.matching(), total.get(), "sessions")}</caption>
                <thead>
                    <tr>
                        <SelectPageHeader table=table />
                        {caps
                            .session_columns
                            .iter()
                            .map(|&column| view! { <SortHeader table=table column=column /> })
                            .collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        let rows = table.page_positions();
                        table.data.with(|data| {
                            rows.into_iter()
                                .filter_map(|at| data.row(at))
                                .map(|(user, session)| view! {
                                    <SessionRow
                                        table=table
                                        caps=caps
                                        user=user.clone()
                                        session=session.clone()
                                        busy=runner.busy
                                        pending=pending
                                    />
                                })
                                .collect_view()
                        })
                    }}
                </tbody>
            </table>
        </div>
        <Pager len=Signal::derive(move || table.matching()) page=table.page />
        {dialog}
        <BulkHost bulk=table.bulk on_close=move |changed| table.close_bulk(changed, reload) />
    }
    .into_any()
}

/// One session: its checkbox, a cell per column, its actions where the columns put them.
#[component]
fn SessionRow(
    table: TableController<SessionsData>,
    caps: &'static Capabilities,
    user: User,
    session: Session,
    busy: RwSignal<bool>,
    pending: RwSignal<Option<Pending>>,
) -> impl IntoView {
    let label = format!("{} of {}", session.device(), user.label());
    let key = (user.id.clone(), session.id.clone());
    let row_id = session.id.to_string();
    let owner = user.clone();
    let open = move |(session, action)| {
        pending.set(Some(Pending {
            user: owner.clone(),
            session,
            action,
        }))
    };
    view! {
        <tr data-session=row_id>
            <SelectCell table=table key=key label=label />
            <SessionCells
                user=user
                session=session
                columns=caps.session_columns
                caps=caps
                busy=busy
                on_action=open
                now=table.now
            />
        </tr>
    }
}
