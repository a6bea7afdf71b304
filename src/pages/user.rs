//! `/users/{id}`: one user, its sessions, and the actions on them.

use super::require_connection;
use crate::components::{
    waiting_text, ActionRunner, EnrollmentDialog, ErrorNotice, LockDialog, OutcomeNotice,
    SessionActionButtons, SessionActionDialog,
};
use crate::connector::journeyapps::LoadEvent;
use crate::connector::{Action, ApiError};
use crate::model::{time, Session, User};
use crate::state::AppState;
use crate::transport::BrowserTransport;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// Which confirmation is open.
#[derive(Clone, Debug, PartialEq)]
enum Dialog {
    Lock,
    /// A new enrollment code; closing it re-reads the user to show any device it enrolled.
    Enroll,
    /// An action on this session, confirmed in proportion to its risk.
    Session(Box<Session>, Action),
}

/// One user's page: header, actions, sessions.
#[component]
pub fn UserPage() -> impl IntoView {
    require_connection();
    let state = expect_context::<AppState>();
    let params = use_params_map();
    let user_id = move || params.read().get("id").unwrap_or_default();
    let runner = ActionRunner::new();
    let busy = runner.busy;
    let dialog = RwSignal::new(None::<Dialog>);
    let waiting = RwSignal::new(None::<u32>);

    let user = LocalResource::new(move || {
        let (id, connection) = (user_id(), state.connection.get());
        async move {
            let events = move |event| {
                if let LoadEvent::Waiting { millis } = event {
                    let _ = waiting.try_set(Some(millis));
                }
            };
            let connection = connection?;
            let mut user = connection
                .connector()
                .user(&BrowserTransport, &id, &events)
                .await;
            let _ = waiting.try_set(None);
            if let Ok(user) = &mut user {
                user.display_name = state
                    .display_names
                    .with_untracked(|n| n.get(&user.id).cloned());
                // Opened directly, before the users list: ask the data model for the name. If
                // that fails the page still works, showing the id.
                if user.display_name.is_none() {
                    user.display_name = connection
                        .connector()
                        .display_name(&BrowserTransport, &id)
                        .await
                        .ok()
                        .flatten();
                }
            }
            Some(user)
        }
    });

    // Whatever happened, the dialog closes and the page shows what the server now says.
    let run = move |action: Action, who: String| {
        runner.run(action, who, move || {
            let _ = dialog.try_set(None);
            user.refetch();
        })
    };

    let body = move || {
        match user.get() {
        None => view! {
            <p class="loading" role="status">"Loading the user…"</p>
            {move || waiting.get().map(|ms| view! { <p class="notice" role="status">{waiting_text(ms)}</p> })}
        }
        .into_any(),
        Some(None) => ().into_any(),
        Some(Some(Err(ApiError::NotFound { .. }))) => view! {
            <ErrorNotice message="This user no longer exists." />
            <p><a href="/users">"Back to the users"</a></p>
        }
        .into_any(),
        Some(Some(Err(err))) => view! {
            <ErrorNotice message=err.message() />
            <button on:click=move |_| user.refetch()>"Try again"</button>
        }
        .into_any(),
        Some(Some(Ok(found))) => view! {
            <UserDetails user=found busy=busy dialog=dialog run=run refresh=move || user.refetch() />
        }
        .into_any(),
    }
    };

    view! {
        <section class="page">
            <p class="crumbs"><a href="/users">"Users"</a></p>
            <OutcomeNotice outcome=runner.outcome />
            {body}
        </section>
    }
}

/// Header, actions, sessions table and the open dialog, for a loaded user.
#[component]
fn UserDetails(
    user: User,
    busy: RwSignal<bool>,
    dialog: RwSignal<Option<Dialog>>,
    run: impl Fn(Action, String) + Copy + Send + Sync + 'static,
    refresh: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let status = user.status();
    let who = user.label().to_string();
    let (id, locked) = (user.id.clone(), user.locked);
    let close = move |_| dialog.set(None);
    let open_dialog = {
        let user = user.clone();
        move || {
            let user = user.clone();
            let who = who.clone();
            dialog.get().map(move |open| {
                match open {
                    Dialog::Lock => {
                        let (who, user_id) = (who.clone(), user.id.clone());
                        view! {
                            <LockDialog
                                user=user.clone()
                                busy=busy
                                on_confirm=move |wipe| run(Action::Lock { user_id: user_id.clone(), wipe }, who.clone())
                                on_close=close
                            />
                        }
                        .into_any()
                    }
                    Dialog::Enroll => view! {
                        <EnrollmentDialog
                            user=user.clone()
                            on_close=move |_| {
                                dialog.set(None);
                                refresh();
                            }
                        />
                    }
                    .into_any(),
                    Dialog::Session(session, action) => view! {
                        <SessionActionDialog
                            user=user.clone()
                            session=*session
                            action=action.clone()
                            busy=busy
                            on_confirm=move |_| run(action.clone(), who.clone())
                            on_close=close
                        />
                    }
                    .into_any(),
                }
            })
        }
    };
    let unlock_who = user.label().to_string();
    let unlock_id = id.clone();
    view! {
        <header class="user-header">
            <h1>{user.label().to_string()}</h1>
            <p class="mono">{id.clone()}</p>
            <span class=format!("badge {}", status.css_class())>{status.label()}</span>
        </header>
        <div class="actions">
            <button
                class="danger"
                id="lock"
                prop:disabled=move || busy.get() || locked
                on:click=move |_| dialog.set(Some(Dialog::Lock))
            >
                "Lock…"
            </button>
            <button
                id="unlock"
                prop:disabled=move || busy.get() || !locked
                on:click=move |_| run(Action::Unlock { user_id: unlock_id.clone() }, unlock_who.clone())
            >
                "Unlock"
            </button>
            <button
                id="enroll"
                prop:disabled=move || busy.get() || locked
                title=locked.then_some("Unlock the user before enrolling a device")
                on:click=move |_| dialog.set(Some(Dialog::Enroll))
            >
                "New enrollment token"
            </button>
        </div>
        <SessionsTable user_id=id.clone() sessions=user.sessions.clone() busy=busy dialog=dialog />
        {open_dialog}
    }
}

/// Every session of the user with its per-device actions.
#[component]
fn SessionsTable(
    user_id: String,
    sessions: Vec<Session>,
    busy: RwSignal<bool>,
    dialog: RwSignal<Option<Dialog>>,
) -> impl IntoView {
    let now = chrono::Utc::now();
    let count = sessions.len();
    let when =
        move |at| view! { <td title=time::exact_local_and_utc(at)>{time::relative(at, now)}</td> };
    let rows = sessions
        .into_iter()
        .map(|session| {
            let open = {
                let session = session.clone();
                move |action| dialog.set(Some(Dialog::Session(Box::new(session.clone()), action)))
            };
            view! {
                <tr data-session=session.id.clone()>
                    <td class="state">{session.state.label().to_string()}</td>
                    <td>{session.label.clone().unwrap_or_default()}</td>
                    <SessionActionButtons
                        user_id=user_id.clone()
                        session=session.clone()
                        busy=busy
                        on_action=open
                    />
                    <td>{session.platform.clone().unwrap_or_default()}</td>
                    <td>{session.container_version.clone().unwrap_or_default()}</td>
                    <td>{session.runtime_version.clone().unwrap_or_default()}</td>
                    <td class="mono">{session.device_id.clone().unwrap_or_default()}</td>
                    {when(session.created_at)}
                    {when(session.last_authenticated_at)}
                    {when(session.last_connected_at)}
                    {when(session.signed_out_at)}
                    {when(session.last_full_sync)}
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="sessions">
                <caption>{format!("{count} sessions")}</caption>
                <thead>
                    <tr>
                        <th scope="col">"State"</th>
                        <th scope="col">"Device"</th>
                        <th scope="col">"Actions"</th>
                        <th scope="col">"Platform"</th>
                        <th scope="col">"Container"</th>
                        <th scope="col">"Runtime"</th>
                        <th scope="col">"Device id"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col">"Last authenticated"</th>
                        <th scope="col">"Last connected"</th>
                        <th scope="col">"Signed out"</th>
                        <th scope="col">"Last full sync"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
