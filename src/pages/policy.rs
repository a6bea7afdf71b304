//! `/policy`: "re-authenticate sessions whose last authentication is more than N days old",
//! previewed from the server's current data, then run as one bulk action.

use super::require_connection;
use crate::components::table::{page_bounds, Pager, PAGE_SIZE};
use crate::components::{BulkDialog, ReloadAfterBulk, UsersLoader};
use crate::connector::journeyapps::UsersLoad;
use crate::model::bulk::BulkRun;
use crate::model::policy::{count_by_platform, reauthentications, stale_sessions, DEFAULT_DAYS};
use crate::model::time;
use crate::url::encode_component;
use chrono::Utc;
use leptos::prelude::*;

/// `/policy`: loads every user, then previews and runs the policy.
#[component]
pub fn PolicyPage() -> impl IntoView {
    require_connection();
    view! {
        <section class="page">
            <h1>"Re-authentication policy"</h1>
            <p class="hint">
                "Signs out every enrolled device whose user last signed in on it more than N days \
                 ago; they must sign in again. No data is deleted."
            </p>
            <UsersLoader loaded=|load, reload| view! { <PolicyPreview load=load reload=reload /> } />
        </section>
    }
}

/// The matching sessions for the chosen N: count, by platform, the list, and the run.
#[component]
fn PolicyPreview(load: UsersLoad, reload: Callback<()>) -> impl IntoView {
    let now = Utc::now();
    let users = StoredValue::new(load.users);
    let days = RwSignal::new(DEFAULT_DAYS);
    let found = Memo::new(move |_| {
        let days = days.get();
        users.with_value(|all| stale_sessions(all, days, now))
    });
    let count = Signal::derive(move || found.with(Vec::len));
    let page = RwSignal::new(0usize);
    let bulk = RwSignal::new(None::<BulkRun>);
    let run = move |_| {
        let run = found.with_untracked(|found| {
            users.with_value(|all| BulkRun::new(reauthentications(all, found)))
        });
        bulk.set(Some(run));
    };
    let platforms = move || {
        found
            .with(|found| users.with_value(|all| count_by_platform(all, found)))
            .into_iter()
            .map(|(platform, n)| view! { <li>{format!("{platform}: {n}")}</li> })
            .collect_view()
    };
    view! {
        <div class="filters">
            <label>
                "Last authenticated more than (days)"
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
        <p id="policy-count" role="status">
            {move || format!(
                "{} enrolled sessions were last authenticated more than {} days ago.",
                count.get(),
                days.get()
            )}
        </p>
        <ul class="by-platform">{platforms}</ul>
        <div class="actions">
            <button
                type="button"
                class="primary"
                id="policy-run"
                prop:disabled=move || count.get() == 0
                on:click=run
            >
                {move || format!("Re-authenticate {} sessions…", count.get())}
            </button>
        </div>
        <div class="table-wrap">
            <table class="policy-sessions">
                <caption>"Sessions the policy applies to"</caption>
                <thead>
                    <tr>
                        <th scope="col">"User"</th>
                        <th scope="col">"Device"</th>
                        <th scope="col">"Platform"</th>
                        <th scope="col">"Last authenticated"</th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        let (start, end) = page_bounds(count.get(), page.get(), PAGE_SIZE);
                        found.with(|found| users.with_value(|all| {
                            found[start..end]
                                .iter()
                                .map(|&(u, s)| {
                                    let (user, session) = (&all[u], &all[u].sessions[s]);
                                    view! {
                                        <tr data-session=session.id.clone()>
                                            <td>
                                                <a href=format!("/users/{}", encode_component(&user.id))>
                                                    {user.label().to_string()}
                                                </a>
                                            </td>
                                            <td>{session.label.clone().unwrap_or_default()}</td>
                                            <td>{session.platform.clone().unwrap_or_default()}</td>
                                            <td title=time::exact_local_and_utc(session.last_authenticated_at)>
                                                {time::relative(session.last_authenticated_at, now)}
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect_view()
                        }))
                    }}
                </tbody>
            </table>
        </div>
        <Pager len=count page=page />
        {move || bulk.get().map(|run| view! {
            <BulkDialog run=run on_close=move |_| bulk.set(None) on_done=|_| {} />
        })}
        <ReloadAfterBulk bulk=bulk reload=reload />
    }
}
