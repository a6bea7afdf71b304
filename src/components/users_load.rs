//! Loading every user of the connected backend, for the pages that list them: progress while
//! it runs, a visible wait on rate limiting, the error with a retry, and back to the connect
//! screen if the credentials are refused.

use super::ErrorNotice;
use crate::browser;
use crate::connector::journeyapps::{LoadEvent, UsersLoad};
use crate::model::User;
use crate::state::AppState;
use crate::transport::BrowserTransport;
use leptos::prelude::*;
use std::collections::HashMap;

/// What the progress line says while users load.
pub fn progress_text(loaded: usize, total: Option<u64>) -> String {
    match total {
        Some(total) => format!("Loading users… {loaded} of {total}"),
        None if loaded == 0 => "Loading users…".to_string(),
        None => format!("Loading users… {loaded} so far"),
    }
}

/// What the notice says while a read waits out a 429 or a passing server error.
pub fn waiting_text(millis: u32) -> String {
    format!(
        "The backend is busy or rate limiting; trying again in {} s…",
        millis.div_ceil(1000)
    )
}

/// Loads the users and shows `loaded` with them once they are in, and with a callback that
/// loads them again (after a bulk action).
#[component]
pub fn UsersLoader<V: IntoView + 'static>(
    loaded: impl Fn(UsersLoad, Callback<()>) -> V + Send + Sync + 'static,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let progress = RwSignal::new((0usize, None::<u64>));
    let waiting = RwSignal::new(None::<u32>);
    let users = LocalResource::new(move || {
        let connection = state.connection.get();
        async move {
            let connection = connection?;
            let events = move |event: LoadEvent| match event {
                LoadEvent::Progress { loaded, total } => {
                    let _ = waiting.try_set(None);
                    let _ = progress.try_set((loaded, total));
                }
                LoadEvent::Waiting { millis } => {
                    let _ = waiting.try_set(Some(millis));
                }
            };
            let load = connection
                .connector()
                .load_users(&BrowserTransport, &events)
                .await;
            if load.is_ok() {
                browser::mark("users-loaded");
            }
            Some(load)
        }
    });

    // Read by reference (`get()` would copy every user); act once the read is over.
    Effect::new(move |_| {
        let (refused, names) = users.with(|result| match result {
            Some(Some(Err(err))) if err.needs_reconnect() => (Some(err.message()), None),
            Some(Some(Ok(load))) => (None, Some(display_names(&load.users))),
            _ => (None, None),
        });
        // Refused credentials send the admin back to connect, saying why.
        if let Some(reason) = refused {
            state.disconnect(Some(reason));
        }
        // Names are remembered for the user pages, which load one user without its name.
        if let Some(names) = names {
            state.display_names.set(names);
        }
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
        Some(None) => ().into_any(),
        Some(Some(Err(err))) => view! {
            <ErrorNotice message=err.message() />
            <button on:click=move |_| users.refetch()>"Try again"</button>
        }
        .into_any(),
        Some(Some(Ok(load))) => loaded(load, Callback::new(move |_| users.refetch())).into_any(),
    }
}

/// Display names by user id.
fn display_names(users: &[User]) -> HashMap<String, String> {
    users
        .iter()
        .filter_map(|u| Some((u.id.clone(), u.display_name.clone()?)))
        .collect()
}

/// A notice when display names could not be loaded; the users are still shown, by id.
pub fn names_notice(load: &UsersLoad) -> Option<impl IntoView> {
    load.names_error.as_ref().map(|err| {
        view! {
            <p class="notice" role="status">
                {format!("Display names are unavailable, so users are shown by id. {}", err.message())}
            </p>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_says_how_far_loading_got() {
        assert_eq!(progress_text(0, None), "Loading users…");
        assert_eq!(
            progress_text(2000, Some(10_000)),
            "Loading users… 2000 of 10000"
        );
        assert_eq!(progress_text(1000, None), "Loading users… 1000 so far");
    }

    #[test]
    fn the_wait_is_said_in_whole_seconds() {
        assert!(waiting_text(1000).contains("in 1 s"));
        assert!(waiting_text(1500).contains("in 2 s"));
    }
}
