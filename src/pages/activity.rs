//! `/activity`: every action run from this browser, newest first, with a CSV export.

use crate::activity::use_activity;
use crate::browser;
use leptos::prelude::*;
use roster_core::csv;
use roster_core::model::activity::activity_csv;

/// The activity log kept on this device.
#[component]
pub fn ActivityPage() -> impl IntoView {
    let log = use_activity();
    let export = move |_| {
        let text = log.entries.with(|entries| activity_csv(entries));
        browser::download("roster-activity.csv", browser::CSV, &text);
    };
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
                    <caption>{move || format!("{} actions", log.entries.with(Vec::len))}</caption>
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
                        {move || log.entries.with(|entries| {
                            entries.iter()
                                .map(|entry| view! {
                                    <tr>
                                        <td title=csv::timestamp(Some(entry.at))>{crate::clock::relative(Some(entry.at))}</td>
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
