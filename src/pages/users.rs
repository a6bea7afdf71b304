//! The users of the connected backend, all loaded, in one table.

use crate::components::ErrorNotice;
use crate::connector::journeyapps::{LoadEvent, UsersLoad};
use crate::model::users_view::{platforms_of, status_key, SortKey, UsersView, STATUSES};
use crate::model::{time, User};
use crate::state::AppState;
use crate::transport::BrowserTransport;
use crate::url::{encode_component, query_string};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

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

/// The query parameters that make up a [`UsersView`].
const VIEW_PARAMS: [&str; 6] = ["q", "status", "platform", "idle", "sort", "dir"];

/// The users table with its search, filters and sortable columns, all kept in the URL.
#[component]
fn UsersTable(load: UsersLoad) -> impl IntoView {
    let now = chrono::Utc::now();
    let total = load.users.len();
    let platforms = platforms_of(&load.users);
    let users = StoredValue::new(load.users);
    let query = use_query_map();
    let current = Memo::new(move |_| {
        let pairs: Vec<(&str, String)> = VIEW_PARAMS
            .iter()
            .filter_map(|k| query.with(|q| q.get(k)).map(|v| (*k, v)))
            .collect();
        UsersView::from_query(pairs.iter().map(|(k, v)| (*k, v.as_str())))
    });
    let navigate = use_navigate();
    // Replacing the history entry: typing a search should not leave one entry per keystroke.
    let show = Callback::new(move |view: UsersView| {
        let query = query_string(&view.to_query());
        let url = if query.is_empty() {
            "/users".to_string()
        } else {
            format!("/users?{query}")
        };
        navigate(
            &url,
            NavigateOptions {
                replace: true,
                ..Default::default()
            },
        );
    });
    let change = move |edit: fn(&mut UsersView, String)| {
        move |ev: leptos::ev::Event| {
            let mut view = current.get_untracked();
            edit(&mut view, event_target_value(&ev));
            show.run(view);
        }
    };
    let shown = Memo::new(move |_| {
        let view = current.get();
        users.with_value(|all| {
            view.apply(all, now)
                .into_iter()
                .cloned()
                .collect::<Vec<User>>()
        })
    });
    let names_notice = load.names_error.map(|err| {
        view! {
            <p class="notice" role="status">
                {format!("Display names are unavailable, so users are shown by id. {}", err.message())}
            </p>
        }
    });
    let header = move |key: SortKey, label: &'static str, numeric: bool| {
        let sorted = move || current.with(|v| (v.sort == key).then_some(v.descending));
        view! {
            <th
                scope="col"
                class:num=numeric
                aria-sort=move || match sorted() {
                    Some(true) => "descending",
                    Some(false) => "ascending",
                    None => "none",
                }
            >
                <button
                    class="sort"
                    data-sort=key.key()
                    on:click=move |_| show.run(current.get_untracked().sorted_by(key))
                >
                    {label}
                    <span aria-hidden="true">
                        {move || match sorted() {
                            Some(true) => " ▼",
                            Some(false) => " ▲",
                            None => "",
                        }}
                    </span>
                </button>
            </th>
        }
    };
    view! {
        {names_notice}
        <div class="filters" role="search">
            <label>
                "Search"
                <input
                    id="user-search"
                    type="search"
                    placeholder="Name or id"
                    prop:value=move || current.with(|v| v.search.clone())
                    on:input=change(|v, text| v.search = text)
                />
            </label>
            <label>
                "Status"
                <select
                    id="status-filter"
                    prop:value=move || current.with(|v| v.status.map(status_key).unwrap_or_default())
                    on:change=change(|v, text| {
                        v.status = STATUSES.into_iter().find(|s| status_key(*s) == text)
                    })
                >
                    <option value="">"Any"</option>
                    {STATUSES
                        .map(|s| view! { <option value=status_key(s)>{s.label()}</option> })
                        .to_vec()}
                </select>
            </label>
            <label>
                "Platform"
                <select
                    id="platform-filter"
                    prop:value=move || current.with(|v| v.platform.clone().unwrap_or_default())
                    on:change=change(|v, text| v.platform = (!text.is_empty()).then_some(text))
                >
                    <option value="">"Any"</option>
                    {platforms
                        .into_iter()
                        .map(|p| view! { <option value=p.clone()>{p.clone()}</option> })
                        .collect_view()}
                </select>
            </label>
            <label>
                "Not connected for more than (days)"
                <input
                    id="idle-filter"
                    type="number"
                    min="0"
                    inputmode="numeric"
                    prop:value=move || current.with(|v| v.idle_days.map(|d| d.to_string()).unwrap_or_default())
                    on:input=change(|v, text| v.idle_days = text.trim().parse().ok())
                />
            </label>
        </div>
        <div class="table-wrap">
            <table class="users">
                <caption>
                    {move || match shown.with(Vec::len) {
                        n if n == total => format!("{total} users"),
                        n => format!("{n} of {total} users"),
                    }}
                </caption>
                <thead>
                    <tr>
                        {header(SortKey::Name, "Name", false)}
                        {header(SortKey::Id, "User id", false)}
                        {header(SortKey::Status, "Status", false)}
                        {header(SortKey::Sessions, "Sessions", true)}
                        {header(SortKey::Platforms, "Platforms", false)}
                        {header(SortKey::LastConnected, "Last connected", false)}
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        shown
                            .get()
                            .into_iter()
                            .map(|user| view! { <UserRow user=user now=now /> })
                            .collect_view()
                    }}
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
                <a href=format!("/users/{}", encode_component(&user.id))>{user.label().to_string()}</a>
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
