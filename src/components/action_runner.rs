//! Sending one action and saying how it went, shared by every page with action buttons.

use super::ErrorNotice;
use crate::connector::Action;
use crate::state::AppState;
use crate::transport::BrowserTransport;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The outcome of the last action, shown above the table it acted on.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Done(String),
    Failed(String),
}

/// Runs actions one at a time. `busy` is set before anything is sent, so buttons bound to it
/// are disabled at once and a double click sends one request.
#[derive(Clone, Copy)]
pub struct ActionRunner {
    pub busy: RwSignal<bool>,
    pub outcome: RwSignal<Option<Outcome>>,
    state: AppState,
}

impl ActionRunner {
    /// A runner for the current page (it reads the connection from context).
    pub fn new() -> Self {
        ActionRunner {
            busy: RwSignal::new(false),
            outcome: RwSignal::new(None),
            state: expect_context::<AppState>(),
        }
    }

    /// Sends `action` on `who` (a name for the notice) unless one is in flight, then calls
    /// `after`, whatever the outcome, so the page can re-read what the server now says.
    pub fn run(self, action: Action, who: String, after: impl FnOnce() + 'static) {
        let state = self.state;
        if self.busy.get_untracked() {
            return;
        }
        let Some(connection) = state.connection.get_untracked() else {
            return;
        };
        self.busy.set(true);
        spawn_local(async move {
            let result = connection
                .connector()
                .perform(&BrowserTransport, &action)
                .await;
            let _ = self.busy.try_set(false);
            let outcome = match result {
                Ok(()) => Outcome::Done(action.done_message(&who)),
                Err(err) => {
                    if err.needs_reconnect() {
                        state.disconnect(Some(err.message()));
                    }
                    Outcome::Failed(err.message())
                }
            };
            let logged = match &outcome {
                Outcome::Done(_) => "Done".to_string(),
                Outcome::Failed(message) => format!("Failed: {message}"),
            };
            state.log_activity(action.name(), &[who], logged);
            let _ = self.outcome.try_set(Some(outcome));
            after();
        });
    }
}

impl Default for ActionRunner {
    fn default() -> Self {
        Self::new()
    }
}

/// The notice of the last action's outcome.
#[component]
pub fn OutcomeNotice(outcome: RwSignal<Option<Outcome>>) -> impl IntoView {
    move || {
        outcome.get().map(|o| match o {
            Outcome::Done(message) => {
                view! { <p class="notice ok" role="status">{message}</p> }.into_any()
            }
            Outcome::Failed(message) => view! { <ErrorNotice message=message /> }.into_any(),
        })
    }
}
