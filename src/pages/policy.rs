//! `/policy`: the policy the backend's capabilities name (e.g. "re-authenticate sessions whose
//! last authentication is more than N days old"), previewed from the server's current data,
//! then run as one bulk action. Where every user is loaded the preview is decided here; a
//! backend that filters on the server counts the sessions (and lists the first page) itself,
//! and they are read in full only to run.

use super::{capabilities, require_connection};
use crate::client::{use_client, use_requests};
use crate::components::gather::all_sessions;
use crate::components::table::{CellView, Pager};
use crate::components::{use_session_fill, BulkHost, ErrorNotice, FillStatus, UsersLoader};
use crate::routes::Route;
use crate::task::{Load, Tasks};
use crate::{locale, text};
use chrono::Utc;
use leptos::prelude::*;
use roster_core::backend::{Api, UsersLoad};
use roster_core::bulk::BulkRun;
use roster_core::model::{Session, User, UserId};
use roster_core::policy::{count_by, Policy};
use roster_core::table::server::PageAt;
use roster_core::table::{Column, PagePosition, TableView, PAGE_SIZE};

/// `/policy`: previews and runs the backend's policy.
#[component]
pub fn PolicyPage() -> impl IntoView {
    require_connection();
    let Some(caps) = capabilities() else {
        return ().into_any();
    };
    let Some(policy) = caps.policy else {
        return view! {
            <section class="page">
                <h1>{tr!(sections.policy)}</h1>
                <ErrorNotice message=tr!(policy.none) />
            </section>
        }
        .into_any();
    };
    let body = if caps.sessions_on_server {
        view! { <ServerPolicy policy=policy /> }.into_any()
    } else {
        view! {
            <UsersLoader loaded=move |load, reload| view! {
                <LocalPolicy policy=policy load=load reload=reload />
            } />
        }
        .into_any()
    };
    view! {
        <section class="page">
            <h1>{text::said(policy.title)}</h1>
            <p class="hint">{text::said(policy.explanation)}</p>
            {body}
        </section>
    }
    .into_any()
}

/// The days field, what the policy covers for them, and the button that runs it.
#[component]
fn PolicyControls(
    policy: &'static Policy,
    days: RwSignal<u32>,
    /// How many sessions it covers, once known.
    #[prop(into)]
    count: Signal<Option<u64>>,
    #[prop(into)] busy: Signal<bool>,
    #[prop(into)] on_run: Callback<()>,
) -> impl IntoView {
    view! {
        <div class="filters">
            <label>
                {text::said(policy.days_label)}
                <input
                    id="policy-days"
                    type="number"
                    min="0"
                    inputmode="numeric"
                    prop:value=move || days.get().to_string()
                    on:input=move |ev| {
                        if let Ok(n) = event_target_value(&ev).trim().parse() {
                            days.set(n);
                        }
                    }
                />
            </label>
        </div>
        <p id="policy-count" role="status">
            {move || match count.get() {
                Some(n) => tr!(
                    policy.summary,
                    sessions = text::count(n, policy.noun),
                    phrase = text::said(policy.age_phrase),
                    days = days.get()
                ),
                None => tr!(policy.counting),
            }}
        </p>
        <div class="actions">
            <button
                type="button"
                class="primary"
                id="policy-run"
                prop:disabled=move || busy.get() || count.get().unwrap_or(0) == 0
                on:click=move |_| on_run.run(())
            >
                {move || format!("{} {}…", text::said(policy.verb), text::count(count.get().unwrap_or(0), "sessions"))}
            </button>
        </div>
    }
}

/// The sessions a policy covers, a page of them.
#[component]
fn PreviewTable(policy: &'static Policy, rows: Vec<(User, Session)>) -> impl IntoView {
    let columns = move || policy.preview.iter().chain([&policy.age]);
    let rows = rows
        .into_iter()
        .map(|(user, session)| {
            let cells = columns()
                .map(|column| view! { <CellView cell=column.cell(&user, &session) /> })
                .collect_view();
            view! { <tr data-session=session.id.to_string()>{cells}</tr> }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="policy-sessions">
                <caption>{tr!(policy.caption)}</caption>
                <thead>
                    <tr>
                        {columns().map(|c| view! { <th scope="col">{text::said(c.header())}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// The policy over every loaded user: count, by platform (or environment), the list, the run.
/// Where the user list carries no sessions, they are read first (the run waits for them).
#[component]
fn LocalPolicy(policy: &'static Policy, load: UsersLoad, reload: Callback<()>) -> impl IntoView {
    let now = Utc::now();
    let with_sessions = capabilities().is_none_or(|caps| caps.users_with_sessions);
    let to_fill: Vec<UserId> = load
        .users
        .iter()
        .filter(|u| !with_sessions && u.session_total() > 0)
        .map(|u| u.id.clone())
        .collect();
    let users = RwSignal::new(load.users);
    let fill = (!to_fill.is_empty()).then(|| {
        use_session_fill(to_fill, move |fresh: User| {
            let _ = users.try_update(|all| {
                if let Some(user) = all.iter_mut().find(|u| u.id == fresh.id) {
                    user.sessions = fresh.sessions;
                }
            });
        })
    });
    let filling = Signal::derive(move || fill.is_some_and(|p| p.get().is_none_or(|p| !p.done())));
    let days = RwSignal::new(policy.default_days);
    let found = Memo::new(move |_| {
        let days = days.get();
        users.with(|all| policy.sessions(all, days, now))
    });
    let count = Signal::derive(move || Some(found.with(Vec::len) as u64));
    let page = RwSignal::new(0usize);
    Effect::new(move |_| {
        days.track();
        page.set(0);
    });
    let bulk = RwSignal::new(None::<BulkRun>);
    let run = move |_| {
        let run = found.with_untracked(|found| users.with_untracked(|all| policy.run(all, found)));
        bulk.set(Some(run));
    };
    let groups = move || {
        found
            .with(|found| users.with(|all| count_by(policy.group_by, all, found)))
            .into_iter()
            .map(|(value, n)| view! { <li>{format!("{value}: {}", locale::number(n as u64, locale::tag()))}</li> })
            .collect_view()
    };
    let position =
        Signal::derive(move || PagePosition::local(found.with(Vec::len), page.get(), PAGE_SIZE));
    let rows = move || {
        let position = position.get();
        found.with(|found| {
            users.with(|all| {
                found[position.first.saturating_sub(1) as usize..position.last as usize]
                    .iter()
                    .filter_map(|&(u, s)| {
                        let user = all.get(u)?;
                        Some((user.clone(), user.sessions.get(s)?.clone()))
                    })
                    .collect::<Vec<_>>()
            })
        })
    };
    view! {
        {fill.map(|progress| view! { <FillStatus progress=progress /> })}
        <PolicyControls policy=policy days=days count=count busy=filling on_run=run />
        <ul class="by-group">{groups}</ul>
        {move || view! { <PreviewTable policy=policy rows=rows() /> }}
        <Pager
            position=position
            on_turn=move |forward: bool| page.update(|p| *p = if forward { *p + 1 } else { p.saturating_sub(1) })
        />
        <BulkHost bulk=bulk on_close=move |changed| {
            bulk.set(None);
            if changed {
                reload.run(());
            }
        } />
    }
}

/// The policy on a backend that filters on the server: the count and the first page come from
/// it, and every covered session is read only to run.
#[component]
fn ServerPolicy(policy: &'static Policy) -> impl IntoView {
    let client = use_client();
    let requests = use_requests();
    let now = Utc::now();
    let days = RwSignal::new(policy.default_days);
    let bulk = RwSignal::new(None::<BulkRun>);
    let gathering = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let count = Load::new(move || {
        let view = policy.view(days.get());
        requests.read(move |backend, transport| async move {
            backend.count_sessions(&transport, &view, now).await
        })
    });
    let first_page = Load::new(move || {
        let view = policy.view(days.get());
        requests.read(move |backend, transport| async move {
            backend
                .query_sessions(&transport, &view, &PageAt::Start, now)
                .await
        })
    });
    let counted = Signal::derive(move || count.get().and_then(Result::ok));
    let scope = Tasks::here();
    let run = move |_| {
        error.set(None);
        let view = policy.view(days.get_untracked());
        scope.spawn(async move {
            match all_sessions(requests, view, now, gathering).await {
                Ok(load) => {
                    error.set(load.notice);
                    let own = client.own_session();
                    let run = BulkRun::for_sessions(
                        policy.action,
                        load.rows.iter().map(|row| (&row.user, &row.session)),
                    )
                    .own_session_last(own.as_ref(), false);
                    bulk.set(Some(run));
                }
                Err(err) => error.set(Some(text::error(&err))),
            }
        });
    };
    let preview = move || match first_page.get() {
        None => view! { <p class="loading" role="status">{tr!(loading.sessions)}</p> }.into_any(),
        Some(Err(err)) => view! { <ErrorNotice message=text::error(&err) /> }.into_any(),
        Some(Ok(page)) => {
            let shown = page.items.len() as u64;
            let more = counted.get().is_some_and(|n| n > shown);
            let all =
                Route::Sessions.href_with_query(&policy.view(days.get_untracked()).to_query());
            let rows = page
                .items
                .into_iter()
                .map(|row| (row.user, row.session))
                .collect();
            view! {
                <PreviewTable policy=policy rows=rows />
                {more.then(|| view! {
                    <p class="hint">
                        {tr!(policy.first_shown, shown = shown)}
                        " "
                        <a href=all>{tr!(policy.see_all)}</a>
                    </p>
                })}
            }
            .into_any()
        }
    };
    view! {
        <PolicyControls
            policy=policy
            days=days
            count=counted
            busy=Signal::derive(move || gathering.with(Option::is_some))
            on_run=run
        />
        {move || count.get().and_then(Result::err).map(|err| view! { <ErrorNotice message=text::error(&err) /> })}
        {move || gathering.get().map(|text| view! { <p class="loading" role="status">{text}</p> })}
        {move || error.get().map(|message| view! { <ErrorNotice message=message /> })}
        {preview}
        <BulkHost bulk=bulk on_close=move |changed| {
            bulk.set(None);
            if changed {
                count.reload();
                first_page.reload();
            }
        } />
    }
}
