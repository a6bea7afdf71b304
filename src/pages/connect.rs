//! The connect screen: which kind of backend, its address and the credentials that kind asks
//! for, proved by signing in (one cheap request, or a login whose password is used once).

use crate::client::{sign_in, use_client};
use crate::components::ErrorNotice;
use crate::config::fetch_presets;
use crate::routes::{use_go, Route};
use crate::task::Tasks;
use crate::text;
use leptos::prelude::*;
use roster_core::backend::{ApiError, AuthMethod, ConnectForm, Credentials, Field, Kind};
use roster_core::config::Preset;

/// The first screen: where the admin says which backend to administer.
#[component]
pub fn ConnectPage() -> impl IntoView {
    let client = use_client();
    let go = use_go();
    let kind = RwSignal::new(Kind::default());
    let base_url = RwSignal::new(String::new());
    let method = RwSignal::new(kind.get_untracked().capabilities().auth_methods[0]);
    let user = RwSignal::new(String::new());
    let secret = RwSignal::new(String::new());
    let extra = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let remember = RwSignal::new(false);
    let presets = RwSignal::new(Vec::<Preset>::new());
    let capabilities = move || kind.get().capabilities();

    // A kind asks for its own credentials: switching resets the choice to its first way.
    let choose_method = move |chosen: AuthMethod| {
        method.set(chosen);
        secret.set(String::new());
        extra.set(
            chosen
                .extra_field()
                .map(|f| f.value)
                .unwrap_or_default()
                .into(),
        );
    };
    let choose_kind = move |chosen: Kind| {
        kind.set(chosen);
        choose_method(chosen.capabilities().auth_methods[0]);
    };
    let choose_preset = move |preset: &Preset| {
        choose_kind(preset.kind);
        base_url.set(preset.base_url.clone());
    };

    let scope = Tasks::here();
    scope.spawn(async move {
        match fetch_presets().await {
            Ok(found) => {
                if let (Some(first), true) =
                    (found.presets.first(), base_url.get_untracked().is_empty())
                {
                    choose_preset(first);
                }
                presets.set(found.presets);
                // Arriving late must not wipe what a submit already said.
                if found.skipped.is_some() {
                    error.set(found.skipped);
                }
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
            extra: extra.get_untracked(),
        };
        let connection = match form.connection() {
            Ok(connection) => connection,
            Err(message) => {
                error.set(Some(text::form_error(&message)));
                return;
            }
        };
        busy.set(true);
        error.set(None);
        let go = go.clone();
        // The typed password is not needed any more: a login uses it once, here.
        if matches!(connection.credentials, Credentials::PortosLogin { .. }) {
            secret.set(String::new());
        }
        scope.spawn(async move {
            let (kind, base_url) = (connection.kind, connection.base_url.clone());
            let signed_in = sign_in(connection).await;
            busy.set(false);
            match signed_in {
                Ok((kept, backend)) => {
                    client.connect(kept, backend, remember.get_untracked());
                    go.to(&Route::of(kind.capabilities().sections[0]));
                }
                Err(err) => error.set(Some(explain(&err, kind, &base_url))),
            }
        });
    };

    let preset_picker = move || {
        let list = presets.get();
        (list.len() > 1).then(|| {
            let options = list.clone();
            view! {
                <label for="preset">{tr!(activity.backend)}</label>
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
            <h1>{tr!(connect.title)}</h1>
            {move || client.notice.get().map(|message| view! { <ErrorNotice message=message /> })}
            <form on:submit=submit novalidate>
                {preset_picker}
                <label for="kind">{tr!(connect.kind)}</label>
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
                <label for="base-url">{move || text::said(capabilities().base_url_label)}</label>
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
                <p class="hint">{move || text::said(capabilities().base_url_hint)}</p>
                {move || {
                    let methods = capabilities().auth_methods;
                    (methods.len() > 1).then(|| view! {
                        <fieldset class="choice">
                            <legend>{text::said("Authentication")}</legend>
                            {methods
                                .iter()
                                .map(|&m| view! {
                                    <label>
                                        <input
                                            type="radio"
                                            name="auth"
                                            id=format!("auth-{}", m.key())
                                            prop:checked=move || method.get() == m
                                            on:change=move |_| choose_method(m)
                                        />
                                        {text::said(m.label())}
                                    </label>
                                })
                                .collect_view()}
                        </fieldset>
                    })
                }}
                {move || view! {
                    <CredentialFields method=method.get() user=user secret=secret extra=extra />
                }}
                <label class="check">
                    <input
                        type="checkbox"
                        id="remember"
                        prop:checked=move || remember.get()
                        on:change=move |ev| remember.set(event_target_checked(&ev))
                    />
                    {tr!(connect.remember)}
                </label>
                <button type="submit" class="primary" prop:disabled=move || busy.get()>
                    {move || if busy.get() { tr!(connect.connecting) } else { tr!(connect.connect) }}
                </button>
                {move || error.get().map(|message| view! { <ErrorNotice message=message /> })}
            </form>
            <p class="hint">
                {move || if remember.get() {
                    tr!(connect.kept)
                } else {
                    tr!(connect.tab_only)
                }}
            </p>
        </section>
    }
}

/// What a failed sign-in says: for a backend that cannot be reached, also the exact command
/// that serves the console through Roster's proxy (for backends that send no CORS headers).
fn explain(err: &ApiError, kind: Kind, base_url: &str) -> String {
    match err {
        ApiError::Network { .. } => format!(
            "{} {}",
            text::error(err),
            tr!(
                connect.proxy,
                command = format!("roster-proxy --upstream {base_url} --kind {}", kind.key())
            )
        ),
        _ => text::error(err),
    }
}

/// The fields `method` asks for: a user name where it has one, the secret, which is never
/// shown on screen, and a third where it has one (a device name).
#[component]
fn CredentialFields(
    method: AuthMethod,
    user: RwSignal<String>,
    secret: RwSignal<String>,
    extra: RwSignal<String>,
) -> impl IntoView {
    let field = |f: Field, value: RwSignal<String>, hidden: bool| {
        view! {
            <label for=f.id>{text::said(f.label)}</label>
            <input
                id=f.id
                type=if hidden { "password" } else { "text" }
                autocomplete=f.autocomplete
                spellcheck="false"
                placeholder=text::said(f.placeholder)
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        }
    };
    view! {
        {method.user_field().map(|f| field(f, user, false))}
        {field(method.secret_field(), secret, true)}
        {method.extra_field().map(|f| field(f, extra, false))}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreachable_backend_is_told_the_exact_proxy_command() {
        let base_url = "https://x.backend.eu.journeyapps.com/api/v4/dep";
        let unreachable = ApiError::Network {
            detail: "Failed to fetch".into(),
        };
        let said = explain(&unreachable, Kind::JourneyApps, base_url);
        assert!(said.contains(
            "roster-proxy --upstream https://x.backend.eu.journeyapps.com/api/v4/dep --kind journeyapps"
        ), "{said}");
        assert_eq!(
            explain(&ApiError::RateLimited, Kind::JourneyApps, base_url),
            text::error(&ApiError::RateLimited)
        );
    }
}
