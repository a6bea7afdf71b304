//! `/users/{id}`: one user, its sessions (or devices), and the actions the backend offers on
//! them.

use super::{capabilities, require_connection};
use crate::client::{use_client, use_requests};
use crate::components::{
    waiting_text, ActionDialog, ActionRunner, BulkHost, EnrollmentDialog, ErrorNotice, LockDialog,
    OutcomeNotice, SessionCells,
};
use crate::routes::Route;
use crate::task::Load;
use crate::text;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use roster_core::backend::{Api, ApiError, Capabilities, LoadEvent};
use roster_core::bulk::BulkRun;
use roster_core::model::action::{Action, ActionKind, Scope};
use roster_core::model::{enrollment, Session, User, UserId};
use roster_core::table::Column;

/// Which confirmation is open.
#[derive(Clone, Debug, PartialEq)]
enum Dialog {
    Lock,
    /// A new enrollment code; closing it re-reads the user to show any device it enrolled.
    Enroll,
    /// An action on the user, or on one of its sessions, confirmed in proportion to its risk.
    Action(Option<Box<Session>>, Action),
}

/// One user's page: header, actions, sessions.
#[component]
pub fn UserPage() -> impl IntoView {
    require_connection();
    let requests = use_requests();
    let params = use_params_map();
    let user_id = move || UserId::from(params.read().get("id").unwrap_or_default());
    let runner = ActionRunner::new();
    let waiting = RwSignal::new(None::<u32>);

    let user = Load::new(move || {
        let id = user_id();
        async move {
            let events = move |event| {
                if let LoadEvent::Waiting { millis } = event {
                    let _ = waiting.try_set(Some(millis));
                }
            };
            let user = requests
                .read(move |backend, transport| async move {
                    backend.user(&transport, &id, &events).await
                })
                .await;
            let _ = waiting.try_set(None);
            user
        }
    });

    let body = move || {
        match user.get() {
        None => view! {
            <p class="loading" role="status">{tr!(user.loading)}</p>
            {move || waiting.get().map(|ms| view! { <p class="notice" role="status">{waiting_text(ms)}</p> })}
        }
        .into_any(),
        Some(Err(ApiError::NotFound { .. })) => view! {
            <ErrorNotice message=tr!(user.gone) />
            <p><a href=Route::Users.href()>{tr!(user.back)}</a></p>
        }
        .into_any(),
        Some(Err(err)) => view! {
            <ErrorNotice message=text::error(&err) />
            <button on:click=move |_| user.reload()>{tr!(common.try_again)}</button>
        }
        .into_any(),
        Some(Ok(found)) => match capabilities() {
            Some(caps) => view! {
                <UserDetails
                    user=found
                    caps=caps
                    runner=runner
                    refresh=Callback::new(move |_| user.reload())
                />
            }
            .into_any(),
            None => ().into_any(),
        },
    }
    };

    view! {
        <section class="page">
            <p class="crumbs"><a href=Route::Users.href()>{tr!(sections.users)}</a></p>
            <OutcomeNotice runner=runner />
            {body}
        </section>
    }
}

/// Header, actions, sessions table and the open dialog of a loaded user: only what `caps`
/// offers. `refresh` re-reads the user after an action.
#[component]
pub fn UserDetails(
    user: User,
    caps: &'static Capabilities,
    runner: ActionRunner,
    refresh: Callback<()>,
) -> impl IntoView {
    let busy = runner.busy;
    let dialog = RwSignal::new(None::<Dialog>);
    let status = user.status();
    let who = user.label().to_string();
    // Whatever happened, the dialog closes and the page shows what the server now says.
    let run = move |action: Action, who: String| {
        runner.run(action, who, move || {
            let _ = dialog.try_set(None);
            refresh.run(());
        })
    };
    let lockable = caps.offers(ActionKind::Lock) || caps.offers(ActionKind::LockAndWipe);
    let can_lock = ActionKind::Lock.on_user(&user).is_some();
    // The user's other actions: those that give access back are sent at once, the rest are
    // confirmed first. Lock (with its wipe) has a dialog of its own.
    let user_actions = caps
        .actions_on(Scope::User)
        .filter(|kind| !matches!(kind, ActionKind::Lock | ActionKind::LockAndWipe))
        .map(|kind| {
            let action = kind.on_user(&user);
            let (applies, who) = (action.is_some(), who.clone());
            view! {
                <button
                    id=kind.key()
                    class:danger=kind.typed()
                    prop:disabled=move || busy.get() || !applies
                    on:click=move |_| {
                        let Some(action) = action.clone() else { return };
                        if kind.unconfirmed() {
                            run(action, who.clone());
                        } else {
                            dialog.set(Some(Dialog::Action(None, action)));
                        }
                    }
                >
                    {text::said(kind.button())}
                </button>
            }
        })
        .collect_view();
    let can_enroll = enrollment::applies_to(&user);
    // Every session at once (revoke them all): the console's own stays out of it.
    let bulk = RwSignal::new(None::<BulkRun>);
    let own = use_client().own_session();
    let for_all = caps
        .actions_on(Scope::Session)
        .filter(|kind| kind.offered_for_all_sessions())
        .map(|kind| {
            let run = BulkRun::for_sessions(kind, user.sessions.iter().map(|s| (&user, s)))
                .own_session_last(own.as_ref(), false);
            let applies = !run.targets.is_empty();
            view! {
                <button
                    class="danger"
                    id=format!("all-{}", kind.key())
                    prop:disabled=move || busy.get() || !applies
                    on:click=move |_| bulk.set(Some(run.clone()))
                >
                    {if caps.sessions_noun == "devices" {
                        tr!(user.revoke_every_device)
                    } else {
                        tr!(user.revoke_every_session)
                    }}
                </button>
            }
        })
        .collect_view();
    let open_dialog = {
        let user = user.clone();
        move || {
            let user = user.clone();
            let who = user.label().to_string();
            let close = move |_| dialog.set(None);
            dialog.get().map(move |open| match open {
                Dialog::Lock => {
                    let id = user.id.clone();
                    view! {
                        <LockDialog
                            user=user.clone()
                            can_wipe=caps.offers(ActionKind::LockAndWipe)
                            busy=busy
                            on_confirm=move |wipe| run(Action::Lock { user: id.clone(), wipe }, who.clone())
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
                            refresh.run(());
                        }
                    />
                }
                .into_any(),
                Dialog::Action(session, action) => view! {
                    <ActionDialog
                        user=user.clone()
                        session=session.map(|s| *s)
                        action=action.clone()
                        busy=busy
                        on_confirm=move |_| run(action.clone(), who.clone())
                        on_close=close
                    />
                }
                .into_any(),
            })
        }
    };
    let open_session_action = Callback::new(move |(session, action): (Session, Action)| {
        dialog.set(Some(Dialog::Action(Some(Box::new(session)), action)))
    });
    view! {
        <header class="user-header">
            <h1 title=who.clone()>{who.clone()}</h1>
            <p class="mono">{user.id.to_string()}</p>
            <span class=format!("badge {}", status.css_class())>{text::said(status.label())}</span>
        </header>
        <AccountFacts user=user.clone() />
        <div class="actions">
            {lockable.then(|| view! {
                <button
                    class="danger"
                    id="lock"
                    prop:disabled=move || busy.get() || !can_lock
                    on:click=move |_| dialog.set(Some(Dialog::Lock))
                >
                    {text::said("Lock…")}
                </button>
            })}
            {user_actions}
            {caps.enrollment.then(|| view! {
                <button
                    id="enroll"
                    prop:disabled=move || busy.get() || !can_enroll
                    title=(!can_enroll).then(|| tr!(user.unlock_first))
                    on:click=move |_| dialog.set(Some(Dialog::Enroll))
                >
                    {tr!(enroll.new_token)}
                </button>
            })}
            {for_all}
        </div>
        <UserSessions user=user.clone() caps=caps busy=busy on_action=open_session_action />
        {open_dialog}
        <BulkHost bulk=bulk on_close=move |changed| {
            bulk.set(None);
            if changed {
                refresh.run(());
            }
        } />
    }
}

/// Every session of the user, with the columns and per-device actions the backend offers.
#[component]
fn UserSessions(
    user: User,
    caps: &'static Capabilities,
    busy: RwSignal<bool>,
    on_action: Callback<(Session, Action)>,
) -> impl IntoView {
    let count = user.sessions.len();
    let columns = caps.user_session_columns;
    let noun = caps.sessions_noun;
    let rows = user
        .sessions
        .iter()
        .map(|session| {
            view! {
                <tr data-session=session.id.to_string()>
                    <SessionCells
                        user=user.clone()
                        session=session.clone()
                        columns=columns
                        caps=caps
                        busy=busy
                        on_action=on_action
                    />
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="sessions cards">
                <caption>{text::count(count as u64, noun)}</caption>
                <thead>
                    <tr>
                        {columns
                            .iter()
                            .map(|c| view! { <th scope="col">{text::said(c.header())}</th> })
                            .collect_view()}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// What the backend says about the account beyond its name, where it says it: username,
/// e-mail, created and modified (relative times kept true as the clock moves).
#[component]
fn AccountFacts(user: User) -> impl IntoView {
    let texts = [("Username", user.username), ("E-mail", user.email)]
        .into_iter()
        .filter_map(|(label, value)| {
            let value = value?;
            Some(view! { <dt>{text::said(label)}</dt><dd>{value}</dd> }.into_any())
        });
    let times = [("Created", user.created_at), ("Modified", user.modified_at)]
        .into_iter()
        .filter_map(|(label, at)| {
            let at = at?;
            Some(
                view! {
                    <dt>{text::said(label)}</dt>
                    <dd title=text::exact(Some(at))>{crate::clock::relative(Some(at))}</dd>
                }
                .into_any(),
            )
        });
    let facts: Vec<_> = texts.chain(times).collect();
    (!facts.is_empty()).then(|| view! { <dl class="facts">{facts}</dl> })
}
