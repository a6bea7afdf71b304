//! `/sessions`: every session of every user in one table, the helpdesk's "find the device"
//! view, with the per-session actions of the user page.

use super::require_connection;
use crate::browser;
use crate::components::table::{
    edit_view, first_page_on_change, page_bounds, use_url_view, DaysFilter, Pager, PlatformFilter,
    SearchFilter, SelectCell, SelectPageHeader, Selection, SelectionBar, SortHeader, PAGE_SIZE,
};
use crate::components::{
    names_notice, ActionRunner, BulkDialog, OutcomeNotice, ReloadAfterBulk, SessionActionButtons,
    SessionActionDialog, UsersLoader,
};
use crate::connector::journeyapps::UsersLoad;
use crate::connector::Action;
use crate::model::bulk::BulkRun;
use crate::model::sessions_view::{sessions_csv, SessionAt, SessionSortKey, SessionsView, STATES};
use crate::model::users_view::platforms_of;
use crate::model::{session_label, time, Session, SessionState, User};
use crate::state::AppState;
use crate::transport::BrowserTransport;
use crate::url::encode_component;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// `/sessions`: loads every user, then lists their sessions.
#[component]
pub fn SessionsPage() -> impl IntoView {
    require_connection();
    view! {
        <section class="page">
            <h1>"Sessions"</h1>
            <UsersLoader loaded=|load, reload| view! { <SessionsTable load=load reload=reload /> } />
        </section>
    }
}

/// An action waiting for its confirmation: on which user's session.
#[derive(Clone, Debug, PartialEq)]
struct Pending {
    user: usize,
    session: Session,
    action: Action,
}

/// The action of a bulk run on `session` of `user`, or None when it would change nothing.
fn bulk_action(wipe: bool, user: &User, session: &Session) -> Option<(Action, String)> {
    let (user_id, session_id) = (user.id.clone(), session.id.clone());
    let action = match (wipe, &session.state) {
        (true, SessionState::Reset) => return None,
        (true, _) => Action::WipeSession {
            user_id,
            session_id,
        },
        (false, SessionState::Enrolled) => Action::ReAuthenticateSession {
            user_id,
            session_id,
        },
        (false, _) => return None,
    };
    Some((action, session_label(user, session)))
}

/// The sessions table with its filters, paging and per-session actions.
#[component]
fn SessionsTable(load: UsersLoad, reload: Callback<()>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let now = Utc::now();
    let platforms = platforms_of(&load.users);
    let notice = names_notice(&load);
    let users = RwSignal::new(load.users);
    let (current, show) = use_url_view::<SessionsView>("/sessions");
    let change = move |edit| edit_view(current, show, edit);
    let shown = Memo::new(move |_| {
        let view = current.get();
        users.with(|all| view.positions(all, now))
    });
    let total =
        Memo::new(move |_| users.with(|all| all.iter().map(|u| u.sessions.len()).sum::<usize>()));
    let matching = Signal::derive(move || shown.with(Vec::len));
    let page = first_page_on_change(current);
    let runner = ActionRunner::new();
    let pending = RwSignal::new(None::<Pending>);

    // After an action only its user is re-read, and put back in place: the rest of the list
    // and the admin's page stay as they were.
    let refresh_user = move |position: usize| {
        let Some(connection) = state.connection.get_untracked() else {
            return;
        };
        // The page may have been left while the action ran.
        let Some(mut old) = users
            .try_with_untracked(|all| all.get(position).cloned())
            .flatten()
        else {
            return;
        };
        spawn_local(async move {
            if let Ok(mut fresh) = connection
                .connector()
                .user(&BrowserTransport, &old.id, &|_| {})
                .await
            {
                fresh.display_name = old.display_name.take();
                let _ = users.try_update(|all| {
                    if let Some(slot) = all.get_mut(position) {
                        *slot = fresh;
                    }
                });
            }
        });
    };
    let confirm = move |_| {
        let Some(Pending { user, action, .. }) = pending.get_untracked() else {
            return;
        };
        let who = users.with_untracked(|all| all.get(user).map(|u| u.label().to_string()));
        runner.run(action, who.unwrap_or_default(), move || {
            let _ = pending.try_set(None);
            refresh_user(user);
        });
    };
    let dialog = move || {
        pending.get().and_then(|p| {
            let user = users.with_untracked(|all| all.get(p.user).cloned())?;
            Some(view! {
                <SessionActionDialog
                    user=user
                    session=p.session
                    action=p.action
                    busy=runner.busy
                    on_confirm=confirm
                    on_close=move |_| pending.set(None)
                />
            })
        })
    };
    let header = move |column, label| view! { <SortHeader current show column label /> };
    let selection: Selection<SessionAt> = RwSignal::new(Default::default());
    let page_keys = Signal::derive(move || {
        let (start, end) = page_bounds(matching.get(), page.get(), PAGE_SIZE);
        shown.with(|shown| shown[start..end].to_vec())
    });
    let bulk = RwSignal::new(None::<BulkRun>);
    let open_bulk = move |wipe: bool| {
        let run = users.with_untracked(|all| {
            let mut picked: Vec<SessionAt> = selection.get_untracked().into_iter().collect();
            picked.sort_unstable();
            BulkRun::new(
                picked
                    .into_iter()
                    .filter_map(|(u, s)| bulk_action(wipe, &all[u], &all[u].sessions[s])),
            )
        });
        bulk.set(Some(run));
    };
    let export = move |_| {
        let csv = shown.with(|shown| users.with(|all| sessions_csv(all, shown)));
        browser::download("roster-sessions.csv", &csv);
    };
    let nothing_ticked = move || selection.with(|s| s.is_empty());
    view! {
        {notice}
        <OutcomeNotice outcome=runner.outcome />
        <div class="filters" role="search">
            <SearchFilter
                id="session-search"
                placeholder="Device, device id, user name or id"
                text=Signal::derive(move || current.with(|v| v.search.clone()))
                on_input=change(|v, text| v.search = text)
            />
            <label>
                "State"
                <select
                    id="state-filter"
                    prop:value=move || current.with(|v| v.state.as_ref().map(|s| s.wire().to_string()).unwrap_or_default())
                    on:change=change(|v, text| v.state = STATES.into_iter().find(|s| s.wire() == text))
                >
                    <option value="">"Any"</option>
                    {STATES
                        .into_iter()
                        .map(|s| view! { <option value=s.wire().to_string()>{s.label().to_string()}</option> })
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
            <DaysFilter
                id="auth-filter"
                label="Not authenticated for more than (days)"
                days=Signal::derive(move || current.with(|v| v.auth_days))
                on_input=change(|v, text| v.auth_days = text.trim().parse().ok())
            />
        </div>
        <SelectionBar
            selected=Signal::derive(move || selection.with(|s| s.len()))
            matching=matching
            on_select_all=move |_| selection.set(shown.get_untracked().into_iter().collect())
            on_clear=move |_| selection.update(|s| s.clear())
        >
            <button type="button" id="bulk-reauthenticate" prop:disabled=nothing_ticked
                on:click=move |_| open_bulk(false)>"Re-authenticate…"</button>
            <button type="button" class="danger" id="bulk-wipe" prop:disabled=nothing_ticked
                on:click=move |_| open_bulk(true)>"Wipe…"</button>
            <button type="button" class="quiet" id="export-csv" on:click=export>"Export CSV"</button>
        </SelectionBar>
        <div class="table-wrap">
            <table class="all-sessions">
                <caption>
                    {move || match (matching.get(), total.get()) {
                        (n, total) if n == total => format!("{total} sessions"),
                        (n, total) => format!("{n} of {total} sessions"),
                    }}
                </caption>
                <thead>
                    <tr>
                        <SelectPageHeader selection=selection page_keys=page_keys />
                        {header(SessionSortKey::User, "User")}
                        {header(SessionSortKey::Device, "Device")}
                        {header(SessionSortKey::State, "State")}
                        <th scope="col">"Actions"</th>
                        {header(SessionSortKey::Platform, "Platform")}
                        {header(SessionSortKey::LastConnected, "Last connected")}
                        {header(SessionSortKey::LastAuthenticated, "Last authenticated")}
                        <th scope="col">"Device id"</th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        let (start, end) = page_bounds(matching.get(), page.get(), PAGE_SIZE);
                        let rows = shown.with(|shown| shown[start..end].to_vec());
                        users.with(|all| {
                            rows.into_iter()
                                .map(|(u, s)| {
                                    let user = &all[u];
                                    view! {
                                        <SessionRow
                                            selection=selection
                                            session_position=s
                                            user_position=u
                                            user=user
                                            session=user.sessions[s].clone()
                                            now=now
                                            busy=runner.busy
                                            pending=pending
                                        />
                                    }
                                })
                                .collect_view()
                        })
                    }}
                </tbody>
            </table>
        </div>
        <Pager len=matching page=page />
        {dialog}
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

/// One session, its user linked, and its actions.
#[component]
fn SessionRow<'a>(
    selection: Selection<SessionAt>,
    session_position: usize,
    user_position: usize,
    user: &'a User,
    session: Session,
    now: DateTime<Utc>,
    busy: RwSignal<bool>,
    pending: RwSignal<Option<Pending>>,
) -> impl IntoView {
    let open = {
        let session = session.clone();
        move |action| {
            pending.set(Some(Pending {
                user: user_position,
                session: session.clone(),
                action,
            }))
        }
    };
    let when =
        move |at| view! { <td title=time::exact_local_and_utc(at)>{time::relative(at, now)}</td> };
    view! {
        <tr data-session=session.id.clone()>
            <SelectCell
                selection=selection
                key=(user_position, session_position)
                label=format!("{} of {}", session.label.clone().unwrap_or_default(), user.label())
            />
            <td>
                <a href=format!("/users/{}", encode_component(&user.id))>{user.label().to_string()}</a>
            </td>
            <td>{session.label.clone().unwrap_or_default()}</td>
            <td class="state">{session.state.label().to_string()}</td>
            <SessionActionButtons user_id=user.id.clone() session=session.clone() busy=busy on_action=open />
            <td>{session.platform.clone().unwrap_or_default()}</td>
            {when(session.last_connected_at)}
            {when(session.last_authenticated_at)}
            <td class="mono">{session.device_id.clone().unwrap_or_default()}</td>
        </tr>
    }
}
