//! A bulk action from confirmation to results: the confirmation names the count and the first
//! targets (a wipe needs the count typed), then a progress bar with cancel, then each target's
//! outcome, "retry the failed ones" and a CSV of the results. Targets whose answer was lost
//! are read back before the results are shown, so a retry sends only what did not happen.

use super::{ErrorNotice, Modal};
use crate::activity::use_activity;
use crate::browser;
use crate::client::use_requests;
use crate::task::Tasks;
use crate::text;
use leptos::prelude::*;
use roster_core::backend::run::{run_bulk, settle_unknowns, BulkEnd, BulkEvent};
use roster_core::bulk::{BulkRun, Progress, TargetOutcome};
use roster_core::model::action::{ActionKind, Scope};
use std::cell::Cell;
use std::rc::Rc;

/// Targets named in the confirmation.
const NAMED_IN_CONFIRMATION: usize = 5;
/// Result rows shown (failures first); the CSV has them all.
const RESULT_ROWS: usize = 200;

/// Where the dialog is.
#[derive(Clone, Debug, PartialEq)]
enum Stage {
    Confirm,
    Running,
    /// Reading back the targets whose answer was lost.
    Settling,
    /// The run, how it ended, and whether answers were lost.
    Ended(BulkRun, BulkEnd, bool),
}

/// Confirms and runs `run`. `on_close` says whether anything changed on the server, so the
/// page re-reads only then.
#[component]
pub fn BulkDialog(run: BulkRun, #[prop(into)] on_close: Callback<bool>) -> impl IntoView {
    let requests = use_requests();
    let log = use_activity();
    let count = run.targets.len();
    let name = text::said(run.name());
    let warning = run.warning().map(text::said);
    let operators = run.on_operators();
    let by_typing = run.confirmed_by_typing();
    let noun = match run.targets.first().map(|t| t.action.kind().scope()) {
        Some(Scope::User) => "users",
        _ => "sessions",
    };
    let first_targets: Vec<String> = run
        .targets
        .iter()
        .take(NAMED_IN_CONFIRMATION)
        .map(|t| t.label.clone())
        .collect();
    let stage = RwSignal::new(Stage::Confirm);
    let progress = RwSignal::new(run.progress());
    let waiting = RwSignal::new(None::<u32>);
    let cancel = StoredValue::new(false);
    let typed = RwSignal::new(String::new());
    let initial = StoredValue::new(run);
    // Whether any run of this dialog changed something on the server.
    let changed = StoredValue::new(false);

    // Runs in the background, as long as the dialog is open: if it goes (a disconnect, the
    // browser's Back), the run stops at once and the log says which outcomes are not known.
    let scope = Tasks::here();
    let start = move |run: BulkRun| {
        cancel.set_value(false);
        progress.set(run.progress());
        stage.set(Stage::Running);
        scope.spawn(async move {
            let mut run = run;
            let labels: Vec<String> = run.targets.iter().map(|t| t.label.clone()).collect();
            let name = tr!(bulk.log_name, name = text::said(run.name()));
            let last = Rc::new(Cell::new(run.progress()));
            let interrupted = {
                let last = last.clone();
                move || {
                    tr!(
                        bulk.log_interrupted,
                        summary = text::progress_summary(&last.get())
                    )
                }
            };
            let events = move |event| match event {
                BulkEvent::Progress(p) => {
                    waiting.set(None);
                    progress.set(p);
                    last.set(p);
                }
                BulkEvent::Waiting { millis } => waiting.set(Some(millis)),
            };
            let cancelled = move || cancel.get_value();
            let ran = requests
                .write(move |backend, transport| async move {
                    let sending = log.sending(name, labels, interrupted);
                    let end = run_bulk(&backend, &transport, &mut run, &events, &cancelled).await;
                    Ok((run, end, sending))
                })
                .await;
            // Not connected any more: nothing was sent.
            let Ok((mut run, end, sending)) = ran else {
                return;
            };
            if let BulkEnd::Stopped(err) = &end {
                requests.client().refused(err);
            }
            let lost = !run.unknown().is_empty();
            if lost {
                stage.set(Stage::Settling);
                let (settled, refused) = requests
                    .read(move |backend, transport| async move {
                        let settled = settle_unknowns(&backend, &transport, &mut run).await;
                        Ok((run, settled.err()))
                    })
                    .await
                    .unwrap_or_default();
                if let Some(err) = refused {
                    requests.client().refused(&err);
                }
                run = settled;
            }
            changed.update_value(|c| *c |= run.changed_anything());
            let outcome = match &end {
                BulkEnd::Stopped(err) => tr!(
                    bulk.log_stopped,
                    summary = text::summary(&run),
                    error = text::error(err)
                ),
                BulkEnd::Cancelled => tr!(bulk.log_cancelled, summary = text::summary(&run)),
                BulkEnd::Finished => text::summary(&run),
            };
            sending.answered(outcome);
            waiting.set(None);
            stage.set(Stage::Ended(run, end, lost));
        });
    };

    // While a run goes on the dialog stays open (Escape included): Cancel stops it cleanly.
    let close = Callback::new(move |_| {
        if stage.with_untracked(|s| !matches!(s, Stage::Running | Stage::Settling)) {
            on_close.run(changed.get_value());
        }
    });
    let confirmed =
        Signal::derive(move || !by_typing || typed.with(|t| t.trim() == count.to_string()));
    let title = format!("{name}: {}", text::count(count as u64, noun));
    let body = move || {
        match stage.get() {
        // Every ticked row was already as asked (e.g. "Unlock" on unlocked users).
        Stage::Confirm if count == 0 => view! {
            <p>{tr!(bulk.nothing)}</p>
            <div class="dialog-buttons">
                <button type="button" class="primary" on:click=move |_| close.run(())>{tr!(common.close)}</button>
            </div>
        }
        .into_any(),
        Stage::Confirm => {
            let more = count.saturating_sub(first_targets.len());
            view! {
                <p>{format!("{name}: {}.", text::count(count as u64, noun))}</p>
                <ul class="bulk-targets">
                    {first_targets.iter().map(|t| view! { <li>{t.clone()}</li> }).collect_view()}
                    {(more > 0).then(|| view! { <li>{tr!(bulk.and_more, more = more)}</li> })}
                </ul>
                {warning.clone().map(|text| view! { <p class="warning">{text}</p> })}
                {(operators > 0).then(|| view! {
                    <p class="warning" id="bulk-operators">
                        {operator_warning(operators, noun)}
                    </p>
                })}
                {by_typing.then(|| view! {
                    <label for="bulk-confirm-count">{tr!(bulk.type_count, count = count)}</label>
                    <input
                        id="bulk-confirm-count"
                        inputmode="numeric"
                        autocomplete="off"
                        prop:value=move || typed.get()
                        on:input=move |ev| typed.set(event_target_value(&ev))
                    />
                })}
                <div class="dialog-buttons">
                    <button type="button" on:click=move |_| close.run(())>{tr!(common.cancel)}</button>
                    <button
                        type="button"
                        class=if by_typing { "danger confirm" } else { "primary confirm" }
                        prop:disabled=move || !confirmed.get()
                        on:click=move |_| start(initial.get_value())
                    >
                        {format!("{name} {count}")}
                    </button>
                </div>
            }
            .into_any()
        }
        Stage::Running => view! {
            <ProgressBar progress=progress />
            {move || waiting.get().map(|ms| view! {
                <p class="notice" role="status">
                    {tr!(bulk.waiting, seconds = ms.div_ceil(1000))}
                </p>
            })}
            <div class="dialog-buttons">
                <button
                    type="button"
                    id="bulk-cancel"
                    on:click=move |_| cancel.set_value(true)
                >
                    {tr!(bulk.cancel_chunk)}
                </button>
            </div>
        }
        .into_any(),
        Stage::Settling => view! {
            <ProgressBar progress=progress />
            <p class="notice" role="status" id="bulk-settling">
                {tr!(bulk.settling)}
            </p>
        }
        .into_any(),
        Stage::Ended(run, end, lost) => {
            let failed = run.progress().failed;
            let retry = run.retry_failed();
            let csv = run.results_csv();
            view! {
                <ProgressBar progress=Signal::stored(run.progress()) />
                {lost.then(|| view! { <p class="notice" id="bulk-lost">{lost_answers_text(&run)}</p> })}
                {match end {
                    BulkEnd::Finished => view! { <p class="notice ok" role="status" id="bulk-summary">{tr!(bulk.finished, summary = text::summary(&run))}</p> }.into_any(),
                    BulkEnd::Cancelled => view! { <p class="notice" role="status" id="bulk-summary">{tr!(bulk.cancelled, summary = text::summary(&run))}</p> }.into_any(),
                    BulkEnd::Stopped(err) => view! { <ErrorNotice message=tr!(bulk.stopped, summary = text::summary(&run), error = text::error(&err)) /> }.into_any(),
                }}
                <BulkResults run=run />
                <div class="dialog-buttons">
                    <button
                        type="button"
                        id="bulk-download"
                        on:click=move |_| {
                            browser::download("roster-bulk-results.csv", browser::CSV, &csv);
                        }
                    >
                        {tr!(bulk.download)}
                    </button>
                    {(failed > 0).then(|| view! {
                        <button
                            type="button"
                            id="bulk-retry"
                            on:click=move |_| start(retry.clone())
                        >
                            {tr!(bulk.retry, failed = failed)}
                        </button>
                    })}
                    <button type="button" class="primary" id="bulk-close" on:click=move |_| close.run(())>
                        {tr!(common.close)}
                    </button>
                </div>
            }
            .into_any()
        }
    }
    };
    view! {
        <Modal title=title on_close=close>
            {body}
        </Modal>
    }
}

/// The bulk action buttons of a selection bar: one per action the backend offers on `scope`,
/// disabled while nothing is ticked. `on_pick` builds the run from the ticked rows.
#[component]
pub fn BulkButtons(
    actions: Vec<ActionKind>,
    #[prop(into)] nothing_ticked: Signal<bool>,
    #[prop(into)] on_pick: Callback<ActionKind>,
) -> impl IntoView {
    actions
        .into_iter()
        .map(|kind| {
            view! {
                <button
                    type="button"
                    id=format!("bulk-{}", kind.key())
                    class:danger=kind.typed()
                    prop:disabled=move || nothing_ticked.get()
                    on:click=move |_| on_pick.run(kind)
                >
                    {text::said(kind.button())}
                </button>
            }
        })
        .collect_view()
}

/// The open bulk dialog of a page, if any; `on_close` gets whether the run changed anything.
#[component]
pub fn BulkHost(
    bulk: RwSignal<Option<BulkRun>>,
    #[prop(into)] on_close: Callback<bool>,
) -> impl IntoView {
    move || {
        bulk.get()
            .map(|run| view! { <BulkDialog run=run on_close=on_close /> })
    }
}

/// What the confirmation says when some targets are on operators.
fn operator_warning(operators: usize, noun: &str) -> String {
    tr!(
        bulk.operators,
        count = operators,
        n = operators,
        what = text::said(noun)
    )
}

/// What the dialog says once lost answers were read back.
fn lost_answers_text(run: &BulkRun) -> String {
    let settled = |done: bool| {
        run.targets
            .iter()
            .filter(|t| t.was_read_back() && (t.outcome == TargetOutcome::Done) == done)
            .count()
    };
    let mut text = tr!(bulk.lost, done = settled(true), not_done = settled(false));
    let unknown = run.progress().unknown;
    if unknown > 0 {
        text.push(' ');
        text.push_str(&tr!(bulk.lost_unknown, unknown = unknown));
    }
    text.push(' ');
    text.push_str(&tr!(bulk.never_twice));
    text
}

/// Done / failed / total as a bar and in words.
#[component]
fn ProgressBar(#[prop(into)] progress: Signal<Progress>) -> impl IntoView {
    view! {
        <progress
            class="bulk-progress"
            max=move || progress.get().total.max(1).to_string()
            value=move || progress.get().finished().to_string()
        ></progress>
        <p id="bulk-progress" role="status">
            {move || {
                let p = progress.get();
                match p.unknown {
                    0 => tr!(bulk.progress, done = p.done, failed = p.failed, total = p.total),
                    unknown => tr!(
                        bulk.progress_unknown,
                        done = p.done,
                        failed = p.failed,
                        unknown = unknown,
                        total = p.total
                    ),
                }
            }}
        </p>
    }
}

/// Each target's outcome, failures first.
#[component]
fn BulkResults(run: BulkRun) -> impl IntoView {
    let mut rows: Vec<_> = run.targets.iter().collect();
    rows.sort_by_key(|t| match t.outcome {
        TargetOutcome::Failed(_) => 0,
        TargetOutcome::Unknown(_) => 1,
        _ => 2,
    });
    let hidden = rows.len().saturating_sub(RESULT_ROWS);
    view! {
        <div class="table-wrap bulk-results-wrap">
            <table class="bulk-results">
                <thead>
                    <tr>
                        <th scope="col">{tr!(bulk.target)}</th>
                        <th scope="col">{tr!(bulk.outcome)}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .take(RESULT_ROWS)
                        .map(|t| {
                            let (class, text) = match (&t.outcome, t.note) {
                                (TargetOutcome::Done, None) => ("done", tr!(outcome.done)),
                                (TargetOutcome::Done, Some(note)) => ("done", tr!(outcome.done_note, note = text::said(note))),
                                (TargetOutcome::Failed(message), _) => ("failed", tr!(outcome.failed, message = text::said(message))),
                                (TargetOutcome::Unknown(message), _) => ("unknown", tr!(outcome.unknown, message = text::said(message))),
                                (TargetOutcome::Pending, _) => ("pending", tr!(outcome.not_sent)),
                            };
                            view! {
                                <tr class=class>
                                    <td>{t.label.clone()}</td>
                                    <td class="outcome">{text}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
        {(hidden > 0).then(|| view! {
            <p class="hint">{tr!(bulk.more_in_csv, hidden = hidden)}</p>
        })}
    }
}
