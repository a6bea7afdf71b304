//! `/activity`: every action run from this browser, newest first, with a CSV export.

use crate::activity::use_activity;
use crate::browser;
use crate::text;
use leptos::prelude::*;
use roster_core::model::activity::{activity_csv, Entry};

/// How many targets an entry names before the rest fold away.
const TARGETS_SHOWN: usize = 3;

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
                <table class="activity cards">
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
                            entries.iter().map(|entry| view! { <EntryRow entry=entry.clone() /> }).collect_view()
                        })}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// One action of the log. Each cell names its column: on a tablet the rows become cards.
#[component]
fn EntryRow(entry: Entry) -> impl IntoView {
    view! {
        <tr>
            <td data-label=tr_static!(activity.when) title=text::exact(Some(entry.at))>
                {crate::clock::relative(Some(entry.at))}
            </td>
            <td data-label=tr_static!(activity.action)>{entry.action.clone()}</td>
            <td data-label=tr_static!(activity.targets) class="targets"><Targets entry=entry.clone() /></td>
            <td data-label=tr_static!(bulk.outcome) class="outcome">{entry.outcome.clone()}</td>
            <td data-label=tr_static!(activity.backend) class="mono" title=entry.backend.clone()>
                {entry.backend.clone()}
            </td>
        </tr>
    }
}

/// An entry's targets: the first few by name and the rest behind "and N more", so one bulk run
/// over hundreds of users stays one line of the log until the admin opens it.
#[component]
fn Targets(entry: Entry) -> impl IntoView {
    let (first, rest, unnamed) = entry.targets_folded(TARGETS_SHOWN);
    let first = first.join("; ");
    let folded = rest.len() + unnamed;
    if folded == 0 {
        return first.into_any();
    }
    let rest = rest.join("; ");
    let unnamed = (unnamed > 0).then(|| tr!(bulk.and_more, more = unnamed));
    view! {
        {first}
        <details class="more-targets">
            <summary>{tr!(bulk.and_more, more = folded)}</summary>
            <p>{rest}{unnamed.map(|more| format!(" {more}"))}</p>
        </details>
    }
    .into_any()
}
