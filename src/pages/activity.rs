//! `/activity`: every action run from this browser, newest first, with a CSV export.

use crate::activity::use_activity;
use crate::browser;
use crate::text;
use leptos::prelude::*;
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
            <h1>{tr!(activity.title)}</h1>
            <p class="hint">{tr!(activity.hint)}</p>
            <div class="actions">
                <button type="button" id="export-csv" on:click=export>{tr!(common.export_csv)}</button>
            </div>
            <div class="table-wrap">
                <table class="activity">
                    <caption>{move || text::count(log.entries.with(Vec::len) as u64, "actions")}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{tr!(activity.when)}</th>
                            <th scope="col">{tr!(activity.action)}</th>
                            <th scope="col">{tr!(activity.targets)}</th>
                            <th scope="col">{tr!(bulk.outcome)}</th>
                            <th scope="col">{tr!(activity.backend)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || log.entries.with(|entries| {
                            entries.iter()
                                .map(|entry| view! {
                                    <tr>
                                        <td title=text::exact(Some(entry.at))>{crate::clock::relative(Some(entry.at))}</td>
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
