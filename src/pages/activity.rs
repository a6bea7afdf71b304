//! `/activity`: every action run from this browser, newest first, with a CSV export.

use crate::browser;
use crate::model::activity::activity_csv;
use crate::model::{csv, time};
use crate::state::AppState;
use leptos::prelude::*;

/// The activity log kept on this device.
#[component]
pub fn ActivityPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let export = move |_| {
        let text = state.activity.with(|log| activity_csv(log));
        browser::download("roster-activity.csv", &text);
    };
    let now = chrono::Utc::now();
    view! {
        <section class="page">
            <h1>"Activity on this device"</h1>
            <p class="hint">
                "Every action run from this browser, single or bulk. It is kept in this browser \
                 only (localStorage), for the last 500 actions."
            </p>
            <div class="actions">
                <button type="button" id="export-csv" on:click=export>"Export CSV"</button>
            </div>
            <div class="table-wrap">
                <table class="activity">
                    <caption>{move || format!("{} actions", state.activity.with(Vec::len))}</caption>
                    <thead>
                        <tr>
                            <th scope="col">"When"</th>
                            <th scope="col">"Action"</th>
                            <th scope="col">"Targets"</th>
                            <th scope="col">"Outcome"</th>
                            <th scope="col">"Backend"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || state.activity.with(|log| {
                            log.iter()
                                .map(|entry| view! {
                                    <tr>
                                        <td title=csv::timestamp(Some(entry.at))>{time::relative(Some(entry.at), now)}</td>
                                        <td>{entry.action.clone()}</td>
                                        <td class="targets">{entry.targets_text()}</td>
                                        <td class="outcome">{entry.outcome.clone()}</td>
                                        <td class="mono">{entry.backend.clone()}</td>
                                    </tr>
                                })
                                .collect_view()
                        })}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
