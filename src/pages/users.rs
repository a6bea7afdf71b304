//! The users of the connected backend, all loaded, in one table.

use crate::components::ErrorNotice;
use crate::connector::journeyapps::{path_segment, LoadEvent, UsersLoad};
use crate::model::{time, User};
use crate::state::AppState;
use crate::transport::BrowserTransport;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// What the progress line says while users load.
pub fn progress_text(loaded: usize, total: Option<u64>) -> String {
    match total {
        Some(total) => format!("Loading users… {loaded} of {total}"),
        None if loaded == 0 => "Loading users…".to_string(),
        None => format!("Loading users… {loaded} so far"),
    }
}

/// `/users`: every user with status, sessions, platforms and last connection.
#[component]
pub fn UsersPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let navigate = use_navigate();
    let progress = RwSignal::new((0usize, None::<u64>));
    let waiting = RwSignal::new(None::<u32>);

    let users = LocalResource::new(move || {
        let connection = state.connection.get();
        async move {
            let connection = connection?;
            let events = move |event: LoadEvent| match event {
                LoadEvent::Progress { loaded, total } => {
                    waiting.set(None);
                    progress.set((loaded, total));
                }
                LoadEvent::Waiting { millis } => waiting.set(Some(millis)),
            };
            Some(
                connection
                    .connector()
                    .load_users(&BrowserTransport, &events)
                    .await,
            )
        }
    });

    Effect::new(move |_| match users.get() {
        // Refused credentials send the admin back to connect, saying why.
        Some(Some(Err(err))) if err.needs_reconnect() => state.disconnect(Some(err.message())),
        // Names are remembered for the user pages, which load one user without its name.
        Some(Some(Ok(load))) => state.display_names.set(
            load.users
                .iter()
                .filter_map(|u| Some((u.id.clone(), u.display_name.clone()?)))
                .collect(),
        ),
        _ => {}
    });
    // Without a connection the connect screen is the only way on.
    Effect::new(move |_| {
        if state.connection.get().is_none() {
            navigate("/", Default::default());
        }
    });

    let body = move || match users.get() {
        None => {
            let (loaded, total) = progress.get();
            view! {
                <p class="loading" role="status">{progress_text(loaded, total)}</p>
                {move || waiting.get().map(|ms| view! {
                    <p class="notice" role="status">
                        {format!("The backend is busy or rate limiting; trying again in {} s…", ms.div_ceil(1000))}
                    </p>
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
        Some(Some(Ok(load))) => view! { <UsersTable load=load /> }.into_any(),
    };

    view! {
        <section class="page">
            <h1>"Users"</h1>
            {body}
        </section>
    }
}

/// The users table itself.
#[component]
fn UsersTable(load: UsersLoad) -> impl IntoView {
    let now = chrono::Utc::now();
    let count = load.users.len();
    let names_notice = load.names_error.map(|err| {
        view! {
            <p class="notice" role="status">
                {format!("Display names are unavailable, so users are shown by id. {}", err.message())}
            </p>
        }
    });
    view! {
        {names_notice}
        <div class="table-wrap">
            <table class="users">
                <caption>{format!("{count} users")}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"User id"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col" class="num">"Sessions"</th>
                        <th scope="col">"Platforms"</th>
                        <th scope="col">"Last connected"</th>
                    </tr>
                </thead>
                <tbody>
                    {load.users.into_iter().map(|user| view! { <UserRow user=user now=now /> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn UserRow(user: User, now: chrono::DateTime<chrono::Utc>) -> impl IntoView {
    let status = user.status();
    view! {
        <tr>
            <td>
                <a href=format!("/users/{}", path_segment(&user.id))>{user.label().to_string()}</a>
            </td>
            <td class="mono">{user.id.clone()}</td>
            <td>
                <span class=format!("badge {}", status.css_class())>{status.label()}</span>
            </td>
            <td class="num">{user.sessions.len()}</td>
            <td>{user.platforms().join(", ")}</td>
            <td title=time::exact_local_and_utc(user.last_connected_at)>
                {time::relative(user.last_connected_at, now)}
            </td>
        </tr>
    }
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
}
