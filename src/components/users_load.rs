//! Loading every user of the connected backend, for the pages that list them: progress while
//! it runs, a visible wait on rate limiting, the error with a retry, and a notice when part of
//! the data could not be read. Refused credentials end the connection (the client does that).

use super::{remember_users, ErrorNotice};
use crate::browser;
use crate::client::use_requests;
use crate::task::Load;
use leptos::prelude::*;
use roster_core::backend::{Api, LoadEvent, UsersLoad};

/// What the progress line says while users load.
pub fn progress_text(loaded: usize, total: Option<u64>) -> String {
    let tag = crate::locale::tag();
    let n = |n: u64| crate::locale::number(n, tag);
    match total {
        Some(total) => tr!(
            loading.users_of,
            loaded = n(loaded as u64),
            total = n(total)
        ),
        None if loaded == 0 => tr!(loading.users),
        None => tr!(loading.users_so_far, loaded = n(loaded as u64)),
    }
}

/// What the notice says while a request waits out a 429 or a passing server error.
pub fn waiting_text(millis: u32) -> String {
    tr!(loading.waiting, seconds = millis.div_ceil(1000))
}

/// Loads the users and shows `loaded` with them once they are in, and with a callback that
/// loads them again (after a bulk action).
#[component]
pub fn UsersLoader<V: IntoView + 'static>(
    loaded: impl Fn(UsersLoad, Callback<()>) -> V + Send + Sync + 'static,
) -> impl IntoView {
    let requests = use_requests();
    let progress = RwSignal::new((0usize, None::<u64>));
    let waiting = RwSignal::new(None::<u32>);
    let users = Load::new(move || async move {
        let events = move |event: LoadEvent| match event {
            LoadEvent::Progress { loaded, total } => {
                let _ = waiting.try_set(None);
                let _ = progress.try_set((loaded, total));
            }
            LoadEvent::Waiting { millis } => {
                let _ = waiting.try_set(Some(millis));
            }
        };
        let load =
            requests
                .read(move |backend, transport| async move {
                    backend.load_users(&transport, &events).await
                })
                .await;
        if let Ok(load) = &load {
            browser::mark("users-loaded");
            remember_users(&load.users);
        }
        load
    });

    move || match users.get() {
        None => {
            let (loaded, total) = progress.get();
            view! {
                <p class="loading" role="status">{progress_text(loaded, total)}</p>
                {move || waiting.get().map(|ms| view! {
                    <p class="notice" role="status">{waiting_text(ms)}</p>
                })}
            }
            .into_any()
        }
        Some(Err(err)) => view! {
            <ErrorNotice message=crate::text::error(&err) />
            <button on:click=move |_| users.reload()>{tr!(common.try_again)}</button>
        }
        .into_any(),
        Some(Ok(load)) => {
            let notice = load.notice.clone().map(|message| {
                view! { <p class="notice" role="status">{message}</p> }
            });
            view! {
                {notice}
                {loaded(load, Callback::new(move |_| users.reload()))}
            }
            .into_any()
        }
    }
}
