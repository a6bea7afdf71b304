//! Sending one action from a button and saying how it went, shared by every page with action
//! buttons.

use super::{waiting_text, ErrorNotice};
use crate::activity::{page_left_text, use_activity, ActivityLog};
use crate::client::{use_requests, Requests};
use crate::task::Tasks;
use crate::text;
use leptos::prelude::*;
use roster_core::backend::run::send_action;
use roster_core::backend::LoadEvent;
use roster_core::model::action::{Action, Performed};

/// The outcome of the last action, shown above what it acted on.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Done(String),
    Failed(String),
    /// The answer was lost: it may or may not have run.
    Unknown(String),
}

/// Runs actions one at a time. `busy` is set before anything is sent, so buttons bound to it
/// are disabled at once and a double click sends one request.
#[derive(Clone, Copy)]
pub struct ActionRunner {
    pub busy: RwSignal<bool>,
    pub outcome: RwSignal<Option<Outcome>>,
    /// Set while a refused (429) request waits to be sent again.
    pub waiting: RwSignal<Option<u32>>,
    requests: Requests,
    log: ActivityLog,
    /// The page its sends belong to: they stop with it.
    scope: Tasks,
}

impl ActionRunner {
    /// A runner for the page being built.
    pub fn new() -> Self {
        ActionRunner {
            busy: RwSignal::new(false),
            outcome: RwSignal::new(None),
            waiting: RwSignal::new(None),
            requests: use_requests(),
            log: use_activity(),
            scope: Tasks::here(),
        }
    }

    /// Sends `action` on `who` (a name for the notice) unless one is in flight, then calls
    /// `after`, whatever the outcome, so the page can re-read what the server now says. If the
    /// page goes before the answer comes, the log says the outcome is unknown.
    pub fn run(self, action: Action, who: String, after: impl FnOnce() + 'static) {
        if self.busy.get_untracked() {
            return;
        }
        self.busy.set(true);
        let waiting = self.waiting;
        let name = text::said(action.name());
        self.scope.spawn(async move {
            let sending = self
                .log
                .sending(name.clone(), vec![who.clone()], page_left_text);
            let events = move |event| {
                if let LoadEvent::Waiting { millis } = event {
                    waiting.set(Some(millis));
                }
            };
            let sent = action.clone();
            let result = self
                .requests
                .write(move |backend, transport| async move {
                    send_action(&backend, &transport, &sent, &events).await
                })
                .await;
            self.busy.set(false);
            waiting.set(None);
            let outcome = match result {
                Ok(Performed::Done) => Outcome::Done(text::done(&action, &who)),
                Ok(Performed::AlreadyDone(why)) => Outcome::Done(tr!(
                    outcome.already_done,
                    action = name.clone(),
                    who = who.clone(),
                    why = text::said(why)
                )),
                Err(err) if err.may_have_run() => Outcome::Unknown(tr!(
                    outcome.lost,
                    action = name.clone(),
                    who = who.clone(),
                    lost = text::lost_answer(&err)
                )),
                Err(err) => Outcome::Failed(text::error(&err)),
            };
            let logged = match &outcome {
                Outcome::Done(_) => tr!(outcome.done),
                Outcome::Failed(message) => tr!(outcome.failed, message = message.clone()),
                Outcome::Unknown(message) => tr!(outcome.unknown, message = message.clone()),
            };
            sending.answered(logged);
            self.outcome.set(Some(outcome));
            after();
        });
    }
}

impl Default for ActionRunner {
    fn default() -> Self {
        Self::new()
    }
}

/// The notice of the last action's outcome, and of a wait before it is sent again.
#[component]
pub fn OutcomeNotice(runner: ActionRunner) -> impl IntoView {
    view! {
        {move || runner.waiting.get().map(|ms| view! {
            <p class="notice" role="status">{waiting_text(ms)}</p>
        })}
        {move || {
            runner.outcome.get().map(|o| match o {
                Outcome::Done(message) => {
                    view! { <p class="notice ok" role="status">{message}</p> }.into_any()
                }
                Outcome::Failed(message) => view! { <ErrorNotice message=message /> }.into_any(),
                Outcome::Unknown(message) => {
                    view! { <p class="notice unknown" role="status">{message}</p> }.into_any()
                }
            })
        }}
    }
}
