//! `/policy`: the policy the backend's capabilities name (e.g. "re-authenticate sessions whose
//! last authentication is more than N days old"), previewed from the server's current data,
//! then run as one bulk action.

use super::{capabilities, require_connection};
use crate::components::table::{CellView, Pager};
use crate::components::{BulkHost, ErrorNotice, UsersLoader};
use chrono::Utc;
use leptos::prelude::*;
use roster_core::backend::UsersLoad;
use roster_core::bulk::BulkRun;
use roster_core::model::{Session, User};
use roster_core::policy::{count_by_platform, Policy};
use roster_core::table::sessions::SessionColumn;
use roster_core::table::{page_bounds, Column, PAGE_SIZE};

/// The columns of the preview.
const PREVIEW_COLUMNS: [SessionColumn; 3] = [
    SessionColumn::User,
    SessionColumn::Device,
    SessionColumn::Platform,
];

/// `/policy`: loads every user, then previews and runs the policy.
#[component]
pub fn PolicyPage() -> impl IntoView {
    require_connection();
    let Some(policy) = capabilities().and_then(|caps| caps.policy) else {
        return view! {
            <section class="page">
                <h1>"Policy"</h1>
                <ErrorNotice message="This backend has no policy the console can run." />
            </section>
        }
        .into_any();
    };
    view! {
        <section class="page">
            <h1>{policy.title}</h1>
            <p class="hint">{policy.explanation}</p>
            <UsersLoader loaded=move |load, reload| view! {
                <PolicyPreview policy=policy load=load reload=reload />
            } />
        </section>
    }
    .into_any()
}

/// The matching sessions for the chosen N: count, by platform, the list, and the run.
#[component]
fn PolicyPreview(policy: &'static Policy, load: UsersLoad, reload: Callback<()>) -> impl IntoView {
    let now = Utc::now();
    let users = StoredValue::new(load.users);
    let days = RwSignal::new(policy.default_days);
    let found = Memo::new(move |_| {
        let days = days.get();
        users.with_value(|all| policy.sessions(all, days, now))
    });
    let count = Signal::derive(move || found.with(Vec::len));
    let page = RwSignal::new(0usize);
    let bulk = RwSignal::new(None::<BulkRun>);
    let run = move |_| {
        let run = found.with_untracked(|found| users.with_value(|all| policy.run(all, found)));
        bulk.set(Some(run));
    };
    let platforms = move || {
        found
            .with(|found| users.with_value(|all| count_by_platform(all, found)))
            .into_iter()
            .map(|(platform, n)| view! { <li>{format!("{platform}: {n}")}</li> })
            .collect_view()
    };
    let row = move |user: &User, session: &Session| {
        let cells = PREVIEW_COLUMNS
            .iter()
            .chain([&policy.age])
            .map(|column| view! { <CellView cell=column.cell(user, session) now=now /> })
            .collect_view();
        view! { <tr data-session=session.id.to_string()>{cells}</tr> }
    };
    view! {
        <div class="filters">
            <label>
                {policy.days_label}
                <input
                    id="policy-days"
                    type="number"
                    min="0"
                    inputmode="numeric"
                    prop:value=move || days.get().to_string()
                    on:input=move |ev| {
                        if let Ok(n) = event_target_value(&ev).trim().parse() {
                            days.set(n);
                            page.set(0);
                        }
                    }
                />
            </label>
        </div>
        <p id="policy-count" role="status">{move || policy.summary(count.get(), days.get())}</p>
        <ul class="by-platform">{platforms}</ul>
        <div class="actions">
            <button
                type="button"
                class="primary"
                id="policy-run"
                prop:disabled=move || count.get() == 0
                on:click=run
            >
                {move || format!("{} {} sessions…", policy.verb, count.get())}
            </button>
        </div>
        <div class="table-wrap">
            <table class="policy-sessions">
                <caption>"Sessions the policy applies to"</caption>
                <thead>
                    <tr>
                        {PREVIEW_COLUMNS
                            .iter()
                            .chain([&policy.age])
                            .map(|c| view! { <th scope="col">{c.header()}</th> })
                            .collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        let (start, end) = page_bounds(count.get(), page.get(), PAGE_SIZE);
                        found.with(|found| users.with_value(|all| {
                            found[start..end]
                                .iter()
                                .filter_map(|&(u, s)| {
                                    let user = all.get(u)?;
                                    Some(row(user, user.sessions.get(s)?))
                                })
                                .collect_view()
                        }))
                    }}
                </tbody>
            </table>
        </div>
        <Pager len=count page=page />
        <BulkHost bulk=bulk on_close=move |changed| {
            bulk.set(None);
            if changed {
                reload.run(());
            }
        } />
    }
}
