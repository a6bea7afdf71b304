//! The connect screen: base URL and credentials, checked with one cheap request.

use crate::components::ErrorNotice;
use crate::config::{fetch_presets, Preset};
use crate::connector::Credentials;
use crate::state::{AppState, Connection};
use crate::transport::BrowserTransport;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

/// The two ways JourneyApps accepts credentials.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthKind {
    NamedToken,
    Basic,
}

/// What the admin typed.
#[derive(Clone, Debug, PartialEq)]
pub struct ConnectForm {
    pub base_url: String,
    pub auth: AuthKind,
    pub token: String,
    pub user: String,
    pub password: String,
}

/// Validates the form into a connection, or says in plain words what is missing.
pub fn connection_from_form(form: &ConnectForm) -> Result<Connection, String> {
    let base_url = form.base_url.trim().trim_end_matches('/').to_string();
    if base_url.is_empty() {
        return Err("Enter the base URL from the deployment's Manage API page.".into());
    }
    if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
        return Err("The base URL must start with https://".into());
    }
    if base_url.contains('?') || base_url.contains('#') {
        return Err("The base URL ends at the deployment id: remove everything after it.".into());
    }
    let credentials = match form.auth {
        AuthKind::NamedToken => Credentials::NamedToken(form.token.trim().to_string()),
        AuthKind::Basic => {
            // The Basic user name is the backend deployment id, the last part of the base URL.
            let user = match form.user.trim() {
                "" => base_url.rsplit('/').next().unwrap_or_default().to_string(),
                typed => typed.to_string(),
            };
            Credentials::Basic {
                user,
                password: form.password.clone(),
            }
        }
    };
    if credentials.is_blank() {
        return Err(match form.auth {
            AuthKind::NamedToken => "Enter the Named Token.".into(),
            AuthKind::Basic => "Enter the API password.".into(),
        });
    }
    Ok(Connection {
        base_url,
        credentials,
    })
}

/// The first screen: where the admin says which backend to administer.
#[component]
pub fn ConnectPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let navigate = use_navigate();
    let base_url = RwSignal::new(String::new());
    let auth = RwSignal::new(AuthKind::NamedToken);
    let token = RwSignal::new(String::new());
    let user = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let remember = RwSignal::new(false);
    let presets = RwSignal::new(Vec::<Preset>::new());

    spawn_local(async move {
        match fetch_presets().await {
            Ok(found) => {
                if let (Some(first), true) = (found.first(), base_url.get_untracked().is_empty()) {
                    base_url.set(first.base_url.clone());
                }
                presets.set(found);
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
            base_url: base_url.get_untracked(),
            auth: auth.get_untracked(),
            token: token.get_untracked(),
            user: user.get_untracked(),
            password: password.get_untracked(),
        };
        let connection = match connection_from_form(&form) {
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
            let checked = connection.connector().check(&BrowserTransport).await;
            busy.set(false);
            match checked {
                Ok(()) => {
                    state.connect(connection, remember.get_untracked());
                    navigate("/users", Default::default());
                }
                Err(err) => error.set(Some(err.message())),
            }
        });
    };

    let preset_picker = move || {
        let list = presets.get();
        (list.len() > 1).then(|| {
            view! {
                <label for="preset">"Backend"</label>
                <select
                    id="preset"
                    on:change=move |ev| base_url.set(event_target_value(&ev))
                >
                    {list
                        .into_iter()
                        .map(|p| view! { <option value=p.base_url.clone()>{p.name}</option> })
                        .collect_view()}
                </select>
            }
        })
    };

    view! {
        <section class="card connect">
            <h1>"Connect to a JourneyApps backend"</h1>
            {move || state.notice.get().map(|message| view! { <ErrorNotice message=message /> })}
            <form on:submit=submit novalidate>
                {preset_picker}
                <label for="base-url">"Base URL"</label>
                <input
                    id="base-url"
                    type="url"
                    inputmode="url"
                    autocomplete="url"
                    spellcheck="false"
                    placeholder="https://….journeyapps.com/api/v4/<backend deployment id>"
                    prop:value=move || base_url.get()
                    on:input=move |ev| base_url.set(event_target_value(&ev))
                />
                <p class="hint">"Shown on the deployment's Manage API page."</p>
                <fieldset class="choice">
                    <legend>"Authentication"</legend>
                    <label>
                        <input
                            type="radio"
                            name="auth"
                            id="auth-token"
                            prop:checked=move || auth.get() == AuthKind::NamedToken
                            on:change=move |_| auth.set(AuthKind::NamedToken)
                        />
                        "Named Token"
                    </label>
                    <label>
                        <input
                            type="radio"
                            name="auth"
                            id="auth-basic"
                            prop:checked=move || auth.get() == AuthKind::Basic
                            on:change=move |_| auth.set(AuthKind::Basic)
                        />
                        "Basic (deployment id and API password)"
                    </label>
                </fieldset>
                <Show
                    when=move || auth.get() == AuthKind::NamedToken
                    fallback=move || {
                        view! {
                            <label for="basic-user">"User (backend deployment id)"</label>
                            <input
                                id="basic-user"
                                autocomplete="username"
                                spellcheck="false"
                                placeholder="Taken from the base URL if left empty"
                                prop:value=move || user.get()
                                on:input=move |ev| user.set(event_target_value(&ev))
                            />
                            <label for="basic-password">"API password"</label>
                            <input
                                id="basic-password"
                                type="password"
                                autocomplete="current-password"
                                prop:value=move || password.get()
                                on:input=move |ev| password.set(event_target_value(&ev))
                            />
                        }
                    }
                >
                    <label for="token">"Named Token"</label>
                    <input
                        id="token"
                        type="password"
                        autocomplete="off"
                        spellcheck="false"
                        prop:value=move || token.get()
                        on:input=move |ev| token.set(event_target_value(&ev))
                    />
                </Show>
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

#[cfg(test)]
mod tests {
    use super::*;

    fn form(base_url: &str, auth: AuthKind) -> ConnectForm {
        ConnectForm {
            base_url: base_url.into(),
            auth,
            token: "tok".into(),
            user: String::new(),
            password: "pw".into(),
        }
    }

    #[test]
    fn trims_the_base_url_and_keeps_the_token() {
        let c = connection_from_form(&form(
            " https://x.example/api/v4/dep/ ",
            AuthKind::NamedToken,
        ))
        .unwrap();
        assert_eq!(c.base_url, "https://x.example/api/v4/dep");
        assert_eq!(c.credentials, Credentials::NamedToken("tok".into()));
    }

    #[test]
    fn basic_user_defaults_to_the_deployment_id() {
        let c = connection_from_form(&form("https://x.example/api/v4/533bda", AuthKind::Basic))
            .unwrap();
        assert_eq!(
            c.credentials,
            Credentials::Basic {
                user: "533bda".into(),
                password: "pw".into()
            }
        );
    }

    #[test]
    fn says_what_is_missing() {
        assert!(connection_from_form(&form("", AuthKind::NamedToken))
            .unwrap_err()
            .contains("base URL"));
        assert!(connection_from_form(&form("ftp://x", AuthKind::NamedToken))
            .unwrap_err()
            .contains("https"));
        assert!(
            connection_from_form(&form("https://x/api/v4/d?k=1", AuthKind::NamedToken)).is_err()
        );
        let mut no_token = form("https://x/api/v4/d", AuthKind::NamedToken);
        no_token.token = "  ".into();
        assert_eq!(
            connection_from_form(&no_token).unwrap_err(),
            "Enter the Named Token."
        );
        let mut no_password = form("https://x/api/v4/d", AuthKind::Basic);
        no_password.password.clear();
        assert_eq!(
            connection_from_form(&no_password).unwrap_err(),
            "Enter the API password."
        );
    }
}
