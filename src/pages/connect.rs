//! The connect screen: which kind of backend, its base URL and the credentials that kind asks
//! for, checked with one cheap request.

use crate::client::{check, use_client};
use crate::components::ErrorNotice;
use crate::config::fetch_presets;
use crate::routes::Route;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use roster_core::backend::{ApiError, AuthMethod, ConnectForm, Connection, Field, Kind};
use roster_core::config::Preset;

/// The first screen: where the admin says which backend to administer.
#[component]
pub fn ConnectPage() -> impl IntoView {
    let client = use_client();
    let navigate = use_navigate();
    let kind = RwSignal::new(Kind::default());
    let base_url = RwSignal::new(String::new());
    let method = RwSignal::new(kind.get_untracked().capabilities().auth_methods[0]);
    let user = RwSignal::new(String::new());
    let secret = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let remember = RwSignal::new(false);
    let presets = RwSignal::new(Vec::<Preset>::new());
    let capabilities = move || kind.get().capabilities();

    // A kind asks for its own credentials: switching resets the choice to its first way.
    let choose_kind = move |chosen: Kind| {
        kind.set(chosen);
        method.set(chosen.capabilities().auth_methods[0]);
    };
    let choose_preset = move |preset: &Preset| {
        choose_kind(preset.kind);
        base_url.set(preset.base_url.clone());
    };

    spawn_local(async move {
        match fetch_presets().await {
            Ok(found) => {
                if let (Some(first), true) =
                    (found.presets.first(), base_url.get_untracked().is_empty())
                {
                    choose_preset(first);
                }
                presets.set(found.presets);
                error.set(found.skipped);
            }
            Err(message) => error.set(Some(message)),
        }
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let form = ConnectForm {
            kind: kind.get_untracked(),
            base_url: base_url.get_untracked(),
            method: method.get_untracked(),
            user: user.get_untracked(),
            secret: secret.get_untracked(),
        };
        let connection = match form.connection() {
            Ok(connection) => connection,
            Err(message) => {
                error.set(Some(message));
                return;
            }
        };
        busy.set(true);
        error.set(None);
        let navigate = navigate.clone();
        spawn_local(async move {
            let checked = check(&connection).await;
            busy.set(false);
            match checked {
                Ok(()) => {
                    let home = connection.kind.capabilities().sections[0];
                    client.connect(connection, remember.get_untracked());
                    navigate(&Route::of(home).path(), Default::default());
                }
                Err(err) => error.set(Some(explain(&err, &connection))),
            }
        });
    };

    let preset_picker = move || {
        let list = presets.get();
        (list.len() > 1).then(|| {
            let options = list.clone();
            view! {
                <label for="preset">"Backend"</label>
                <select
                    id="preset"
                    on:change=move |ev| {
                        let picked: usize = event_target_value(&ev).parse().unwrap_or(0);
                        if let Some(preset) = options.get(picked) {
                            choose_preset(preset);
                        }
                    }
                >
                    {list
                        .into_iter()
                        .enumerate()
                        .map(|(i, p)| view! { <option value=i.to_string()>{p.name}</option> })
                        .collect_view()}
                </select>
            }
        })
    };

    view! {
        <section class="card connect">
            <h1>"Connect to a backend"</h1>
            {move || client.notice.get().map(|message| view! { <ErrorNotice message=message /> })}
            <form on:submit=submit novalidate>
                {preset_picker}
                <label for="kind">"Kind of backend"</label>
                <select
                    id="kind"
                    prop:value=move || kind.get().key()
                    on:change=move |ev| {
                        if let Some(chosen) = Kind::parse(&event_target_value(&ev)) {
                            choose_kind(chosen);
                        }
                    }
                >
                    {Kind::ALL
                        .iter()
                        .map(|k| view! { <option value=k.key()>{k.capabilities().name}</option> })
                        .collect_view()}
                </select>
                <label for="base-url">"Base URL"</label>
                <input
                    id="base-url"
                    type="url"
                    inputmode="url"
                    autocomplete="url"
                    spellcheck="false"
                    placeholder=move || capabilities().base_url_placeholder
                    prop:value=move || base_url.get()
                    on:input=move |ev| base_url.set(event_target_value(&ev))
                />
                <p class="hint">{move || capabilities().base_url_hint}</p>
                {move || {
                    let methods = capabilities().auth_methods;
                    (methods.len() > 1).then(|| view! {
                        <fieldset class="choice">
                            <legend>"Authentication"</legend>
                            {methods
                                .iter()
                                .map(|&m| view! {
                                    <label>
                                        <input
                                            type="radio"
                                            name="auth"
                                            id=format!("auth-{}", m.key())
                                            prop:checked=move || method.get() == m
                                            on:change=move |_| {
                                                method.set(m);
                                                secret.set(String::new());
                                            }
                                        />
                                        {m.label()}
                                    </label>
                                })
                                .collect_view()}
                        </fieldset>
                    })
                }}
                {move || view! { <CredentialFields method=method.get() user=user secret=secret /> }}
                <label class="check">
                    <input
                        type="checkbox"
                        id="remember"
                        prop:checked=move || remember.get()
                        on:change=move |ev| remember.set(event_target_checked(&ev))
                    />
                    "Remember on this device"
                </label>
                <button type="submit" class="primary" prop:disabled=move || busy.get()>
                    {move || if busy.get() { "Connecting…" } else { "Connect" }}
                </button>
                {move || error.get().map(|message| view! { <ErrorNotice message=message /> })}
            </form>
            <p class="hint">
                {move || if remember.get() {
                    "Credentials will be kept in this browser (localStorage) until you disconnect. Only do this on a device you alone use."
                } else {
                    "Credentials stay in this tab only (sessionStorage) and are forgotten when it closes."
                }}
            </p>
        </section>
    }
}

/// What a failed check says: for a backend that cannot be reached, also the exact command that
/// serves the console through Roster's proxy (for backends that send no CORS headers).
fn explain(err: &ApiError, connection: &Connection) -> String {
    match err {
        ApiError::Network { .. } => format!(
            "{} Run: roster-proxy --upstream {} --kind {} (from `cargo build --release -p \
             roster-sandbox`, in target/release/), then open the console it serves.",
            err.message(),
            connection.base_url,
            connection.kind.key()
        ),
        _ => err.message(),
    }
}

/// The fields `method` asks for: a user name where it has one, and the secret, which is never
/// shown on screen.
#[component]
fn CredentialFields(
    method: AuthMethod,
    user: RwSignal<String>,
    secret: RwSignal<String>,
) -> impl IntoView {
    let field = |f: Field, value: RwSignal<String>, hidden: bool| {
        view! {
            <label for=f.id>{f.label}</label>
            <input
                id=f.id
                type=if hidden { "password" } else { "text" }
                autocomplete=f.autocomplete
                spellcheck="false"
                placeholder=f.placeholder
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        }
    };
    view! {
        {method.user_field().map(|f| field(f, user, false))}
        {field(method.secret_field(), secret, true)}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use roster_core::backend::Credentials;

    #[test]
    fn an_unreachable_backend_is_told_the_exact_proxy_command() {
        let connection = Connection {
            kind: Kind::JourneyApps,
            base_url: "https://x.backend.eu.journeyapps.com/api/v4/dep".into(),
            credentials: Credentials::NamedToken("s3cret".into()),
        };
        let unreachable = ApiError::Network {
            detail: "Failed to fetch".into(),
        };
        let said = explain(&unreachable, &connection);
        assert!(said.contains(
            "roster-proxy --upstream https://x.backend.eu.journeyapps.com/api/v4/dep --kind journeyapps"
        ), "{said}");
        assert!(!said.contains("s3cret"));
        assert_eq!(
            explain(&ApiError::RateLimited, &connection),
            ApiError::RateLimited.message()
        );
    }
}
