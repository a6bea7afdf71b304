//! For a backend whose user list carries no sessions: the pages that show sessions read them
//! user by user (a few at a time) and fill while the admin already uses them, with a progress
//! bar and a count.

use crate::client::use_requests;
use crate::task::Tasks;
use leptos::prelude::*;
use roster_core::backend::fill::{fill_sessions, FillProgress};
use roster_core::model::{User, UserId};

/// Reads the sessions of `users` for the page being built, handing each user as read to
/// `got`. What it says about its progress, to show with [`FillStatus`].
pub fn use_session_fill(
    users: Vec<UserId>,
    got: impl Fn(User) + Clone + 'static,
) -> RwSignal<Option<FillProgress>> {
    let requests = use_requests();
    let progress = RwSignal::new(None);
    Tasks::here().spawn(async move {
        let _ = requests
            .read(move |backend, transport| async move {
                let report = move |p| progress.set(Some(p));
                fill_sessions(&backend, &transport, &users, &got, &report).await
            })
            .await;
    });
    progress
}

/// The progress of a fill: a bar and a line while it runs, a notice if some could not be read.
#[component]
pub fn FillStatus(progress: RwSignal<Option<FillProgress>>) -> impl IntoView {
    move || {
        progress.get().and_then(|p| {
            let text = crate::text::fill(&p);
            if !p.done() {
                Some(
                    view! {
                        <div class="fill" role="status">
                            <progress max=p.total.max(1).to_string() value=p.read.to_string()></progress>
                            <span id="fill-progress">{text}</span>
                        </div>
                    }
                    .into_any(),
                )
            } else if p.failed > 0 {
                Some(view! { <p class="notice" role="status">{text}</p> }.into_any())
            } else {
                None
            }
        })
    }
}
