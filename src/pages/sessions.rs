//! `/sessions`: every session of every user in one table, the helpdesk's "find the device"
//! view, with the per-session actions of the user page. A backend that filters, sorts and
//! pages on the server is asked for the page on screen; otherwise every user is loaded and
//! the view is decided here. The console's own session is marked and kept out of "select all".

use super::{capabilities, require_connection};
use crate::browser;
use crate::client::{use_client, use_requests};
use crate::components::filters::{
    ChoiceFilter, NumberFilter, PlatformFilter, SearchFilter, TextFilter,
};
use crate::components::gather::all_sessions;
use crate::components::table::{
    PageStatus, SelectCell, SelectPageHeader, SelectionBar, SortHeader, TableController, TablePager,
};
use crate::components::{
    use_session_fill, ActionDialog, ActionRunner, BulkButtons, BulkHost, ErrorNotice, FillStatus,
    OutcomeNotice, SavedViewsBar, SessionCells, UsersLoader,
};
use crate::routes::Route;
use crate::task::Tasks;
use crate::text;
use chrono::Utc;
use leptos::prelude::*;
use roster_core::backend::{Api, Capabilities};
use roster_core::bulk::BulkRun;
use roster_core::model::action::{Action, ActionKind, Scope};
use roster_core::model::{Session, User, UserId};
use roster_core::table::selection::Selection;
use roster_core::table::server::ServerModel;
use roster_core::table::sessions::{SessionFilter, SessionsData, STATES};
use roster_core::table::users::platforms_of;

/// `/sessions`: the sessions as this backend lists them.
#[component]
pub fn SessionsPage() -> impl IntoView {
    require_connection();
    let body = match capabilities() {
        Some(caps) if caps.sessions_on_server => view! { <ServerSessions caps=caps /> }.into_any(),
        Some(caps) => view! {
            <UsersLoader loaded=move |load, reload| view! {
                <LocalSessions caps=caps users=load.users reload=reload />
            } />
        }
        .into_any(),
        None => ().into_any(),
    };
    view! {
        <section class="page">
            <h1>{tr!(sections.sessions)}</h1>
            {body}
        </section>
    }
}

/// The sessions of every loaded user; `reload` loads them all again. Where the user list
/// carries no sessions, they are read user by user and the table fills as they come.
#[component]
fn LocalSessions(
    caps: &'static Capabilities,
    users: Vec<User>,
    reload: Callback<()>,
) -> impl IntoView {
    let platforms = platforms_of(&users);
    let to_fill: Vec<UserId> = users
        .iter()
        .filter(|u| !caps.users_with_sessions && u.session_total() > 0)
        .map(|u| u.id.clone())
        .collect();
    let table = TableController::new(SessionsData::new(users), Route::Sessions);
    let total = Signal::derive(move || Some(table.data.with(SessionsData::session_count) as u64));
    let fill = (!to_fill.is_empty()).then(|| {
        let progress = use_session_fill(to_fill, move |user| {
            let _ = table.data.try_update(|data| data.replace_user(user));
        });
        view! { <FillStatus progress=progress /> }
    });
    view! {
        {fill}
        <SessionsTable table=table caps=caps platforms=platforms total=total reload=reload />
    }
}

/// The sessions a server filters, sorts and pages: only the page on screen is read.
#[component]
fn ServerSessions(caps: &'static Capabilities) -> impl IntoView {
    let requests = use_requests();
    let now = Utc::now();
    let table = TableController::<SessionsData>::server(Route::Sessions, move |view, at| {
        requests.read(move |backend, transport| async move {
            backend.query_sessions(&transport, &view, &at, now).await
        })
    });
    let reload = Callback::new(move |_| table.reload());
    view! {
        <SessionsTable table=table caps=caps platforms=Vec::new() total=Signal::stored(None) reload=reload />
    }
}

/// An action waiting for its confirmation: on which user's session.
#[derive(Clone, Debug, PartialEq)]
struct Pending {
    user: User,
    session: Session,
    action: Action,
}

/// The sessions table with its filters, paging, per-session and bulk actions. `total` is how
/// many sessions there are in all, where known.
#[component]
fn SessionsTable(
    table: TableController<SessionsData>,
    caps: &'static Capabilities,
    platforms: Vec<String>,
    #[prop(into)] total: Signal<Option<u64>>,
    reload: Callback<()>,
) -> impl IntoView {
    let client = use_client();
    let requests = use_requests();
    let table = table.protect(move |(_, session)| client.own_session().as_ref() == Some(session));
    let runner = ActionRunner::new();
    let pending = RwSignal::new(None::<Pending>);
    let refresh_error = RwSignal::new(None::<String>);
    // What reading every matching session (for a bulk run or an export) has got to.
    let gathering = RwSignal::new(None::<String>);
    let gather_error = RwSignal::new(None::<String>);
    let scope = Tasks::here();

    // After an action only its user is re-read and put back in place, where every user is
    // loaded: the rest of the list and the admin's page stay as they were. A server-paged
    // table reads its page again.
    let refresh_user = move |id: UserId| {
        if table.is_server_paged() {
            table.reload();
            return;
        }
        scope.spawn(async move {
            let fresh = requests
                .read(move |backend, transport| async move {
                    backend.user(&transport, &id, &|_| {}).await
                })
                .await;
            match fresh {
                Ok(user) => {
                    refresh_error.set(None);
                    table.data.update(|data| {
                        data.replace_user(user);
                    });
                }
                Err(err) => {
                    refresh_error.set(Some(tr!(sessions.stale, error = text::error(&err))));
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
                <ActionDialog
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

    // "All matching" on a server-paged table: every matching session is read first.
    let gather = move |then: Box<dyn FnOnce(Vec<roster_core::table::server::SessionRow>)>| {
        gather_error.set(None);
        let view = table.view.get_untracked();
        scope.spawn(async move {
            match all_sessions(requests, view, table.now, gathering).await {
                Ok(load) => {
                    gather_error.set(load.notice);
                    then(load.rows);
                }
                Err(err) => gather_error.set(Some(text::error(&err))),
            }
        });
    };
    let pick = move |kind: ActionKind| {
        let own = client.own_session();
        if table.selection.with_untracked(Selection::all_matching) {
            gather(Box::new(move |rows| {
                let run = table.selection.with_untracked(|selection| {
                    BulkRun::for_selected_sessions(kind, &rows, selection, own.as_ref())
                });
                table.bulk.set(Some(run));
            }));
            return;
        }
        let run = table.data.with_untracked(|data| {
            let picked = table.selected_positions();
            BulkRun::for_sessions(kind, picked.into_iter().filter_map(|at| data.row(at)))
        });
        // Ticked rows the console's own session is among were ticked on their own.
        table
            .bulk
            .set(Some(run.own_session_last(own.as_ref(), true)));
    };
    let export = move |_| {
        if !table.is_server_paged() {
            let csv = table.shown.with_untracked(|shown| {
                table
                    .data
                    .with_untracked(|data| data.csv(caps.session_csv_columns, shown))
            });
            browser::download("roster-sessions.csv", browser::CSV, &csv);
            return;
        }
        gather(Box::new(move |rows| {
            let mut data = SessionsData::default();
            let positions = data.add_rows(rows);
            browser::download(
                "roster-sessions.csv",
                browser::CSV,
                &data.csv(caps.session_csv_columns, &positions),
            );
        }));
    };
    let states = caps
        .session_states
        .iter()
        .map(|s| (s.wire().to_string(), text::said(s.label())))
        .collect::<Vec<_>>();
    let environments = caps
        .environments
        .iter()
        .map(|e| (e.to_string(), e.to_string()))
        .collect::<Vec<_>>();
    let offered = move |filter| caps.session_filter(filter);
    let busy = Signal::derive(move || runner.busy.get() || gathering.with(Option::is_some));
    view! {
        <OutcomeNotice runner=runner />
        {move || refresh_error.get().map(|message| view! { <ErrorNotice message=message /> })}
        <div class="filters" role="search">
            <SearchFilter
                id="session-search"
                placeholder=text::said(caps.session_search)
                text=Signal::derive(move || table.view.with(|v| v.search.clone()))
                on_input=table.edit(|v, text| v.search = text)
            />
            {offered(SessionFilter::State).then(|| view! {
                <ChoiceFilter
                    id="state-filter"
                    label=text::said("State")
                    choices=states.clone()
                    selected=Signal::derive(move || {
                        table.view.with(|v| v.state.as_ref().map(|s| s.wire().to_string()).unwrap_or_default())
                    })
                    on_change=table.edit(|v, text| v.state = STATES.into_iter().find(|s| s.wire() == text))
                />
            })}
            {offered(SessionFilter::Platform).then(|| view! {
                <PlatformFilter
                    platforms=platforms.clone()
                    selected=Signal::derive(move || table.view.with(|v| v.platform.clone()))
                    on_change=table.edit(|v, text| v.platform = (!text.is_empty()).then_some(text))
                />
            })}
            {offered(SessionFilter::Environment).then(|| view! {
                <ChoiceFilter
                    id="environment-filter"
                    label=text::said("Environment")
                    choices=environments.clone()
                    selected=Signal::derive(move || table.view.with(|v| v.environment.clone().unwrap_or_default()))
                    on_change=table.edit(|v, text| v.environment = (!text.is_empty()).then_some(text))
                />
            })}
            {offered(SessionFilter::User).then(|| view! {
                <TextFilter
                    id="user-filter"
                    label=text::said("User")
                    text=Signal::derive(move || table.view.with(|v| v.user.clone()))
                    on_input=table.edit(|v, text| v.user = (!text.trim().is_empty()).then_some(text))
                />
            })}
            {offered(SessionFilter::IdleDays).then(|| view! {
                <NumberFilter
                    id="idle-filter"
                    label=tr!(sessions.idle_days)
                    value=Signal::derive(move || table.view.with(|v| v.idle_days))
                    on_input=table.edit(|v, text| v.idle_days = text.trim().parse().ok())
                />
            })}
            {offered(SessionFilter::AuthDays).then(|| view! {
                <NumberFilter
                    id="auth-filter"
                    label=tr!(sessions.auth_days)
                    value=Signal::derive(move || table.view.with(|v| v.auth_days))
                    on_input=table.edit(|v, text| v.auth_days = text.trim().parse().ok())
                />
            })}
            {offered(SessionFilter::ExpiringHours).then(|| view! {
                <NumberFilter
                    id="expiring-filter"
                    label=tr!(sessions.expiring_hours)
                    value=Signal::derive(move || table.view.with(|v| v.expiring_hours))
                    on_input=table.edit(|v, text| v.expiring_hours = text.trim().parse().ok())
                />
            })}
        </div>
        <SavedViewsBar table=table name="sessions" />
        <SelectionBar table=table>
            <BulkButtons
                actions=caps.actions_on(Scope::Session).collect()
                nothing_ticked=Signal::derive(move || {
                    table.selection.with(Selection::is_empty) || busy.get()
                })
                on_pick=pick
            />
            <button
                type="button"
                class="quiet"
                id="export-csv"
                prop:disabled=busy
                on:click=export
            >
                {tr!(common.export_csv)}
            </button>
        </SelectionBar>
        {move || gathering.get().map(|text| view! { <p class="loading" role="status">{text}</p> })}
        {move || gather_error.get().map(|message| view! { <ErrorNotice message=message /> })}
        <div class="table-wrap">
            <table class="all-sessions cards" aria-busy=move || (table.status() == PageStatus::Loading).to_string()>
                <caption>{move || text::caption(table.matching(), total.get(), "sessions")}</caption>
                <thead>
                    <tr>
                        <SelectPageHeader table=table />
                        {caps
                            .session_columns
                            .iter()
                            .map(|&column| view! {
                                <SortHeader table=table column=column sortable=caps.session_sorts.contains(&column) />
                            })
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
        {move || match table.status() {
            PageStatus::Loading => view! {
                <p class="loading" role="status">{tr!(loading.sessions)}</p>
            }
            .into_any(),
            PageStatus::Failed(message) => view! {
                <ErrorNotice message=message />
                <button type="button" on:click=move |_| table.reload()>{tr!(common.try_again)}</button>
            }
            .into_any(),
            PageStatus::Ready => ().into_any(),
        }}
        <TablePager table=table />
        {dialog}
        <BulkHost bulk=table.bulk on_close=move |changed| table.close_bulk(changed, reload) />
    }
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
    let label = tr!(
        sessions.row_label,
        device = session.device().to_string(),
        who = user.label().to_string()
    );
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
            />
        </tr>
    }
}
