//! A new enrollment code for one user: the QR code, the token, copy buttons, a countdown, a
//! full-screen mode for tablets, and "Enrolled on …" as soon as a device uses the code.

use super::{ErrorNotice, Modal};
use crate::activity::{page_left_text, use_activity};
use crate::browser;
use crate::client::use_requests;
use crate::task::{self, Tasks};
use crate::text;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use roster_core::backend::Api;
use roster_core::model::enrollment::{self, EnrollmentToken, Spoken, LIFETIME_SECS};
use roster_core::model::User;
use std::time::Duration;

/// How often the user is re-read while the code is shown.
const POLL_EVERY: Duration = Duration::from_secs(2);
/// Polling goes on this long after expiry, for a device that scanned in the last seconds.
const GRACE_SECS: i64 = 4;

/// A token as received, with when it runs out by this browser's clock.
#[derive(Clone, Debug, PartialEq)]
struct Issued {
    token: EnrollmentToken,
    expires_at: DateTime<Utc>,
    qr_svg: Option<String>,
}

/// Requests a code as it opens; "Generate new" requests another once it expires or is used.
#[component]
pub fn EnrollmentDialog(user: User, #[prop(into)] on_close: Callback<()>) -> impl IntoView {
    let requests = use_requests();
    let log = use_activity();
    let user_id = StoredValue::new(user.id.clone());
    let who = StoredValue::new(user.label().to_string());
    let issued = RwSignal::new(None::<Result<Issued, String>>);
    let requesting = RwSignal::new(false);
    let now = RwSignal::new(Utc::now());
    // Sessions already ENROLLED when the code was shown, and any enrolled since.
    let known = StoredValue::new(enrollment::enrolled_ids(&user));
    let enrolled = RwSignal::new(None::<String>);
    let poll_error = RwSignal::new(None::<String>);
    let poll_in_flight = StoredValue::new(false);
    let fullscreen = RwSignal::new(false);

    // Requests, polls and copies stop when the dialog closes.
    let scope = Tasks::here();
    let request = move || {
        if requesting.get_untracked() {
            return;
        }
        requesting.set(true);
        enrolled.set(None);
        let id = user_id.get_value();
        scope.spawn(async move {
            let sending = log.sending(tr!(enroll.new_token), vec![who.get_value()], page_left_text);
            let result = requests
                .write(move |backend, transport| async move {
                    backend.enrollment_token(&transport, &id).await
                })
                .await;
            sending.answered(match &result {
                Ok(_) => tr!(enroll.issued),
                Err(err) => tr!(outcome.failed, message = text::error(err)),
            });
            let result = match result {
                Ok(token) => Ok(Issued {
                    qr_svg: enrollment::qr_svg(&token.url),
                    expires_at: Utc::now() + chrono::Duration::seconds(LIFETIME_SECS),
                    token,
                }),
                Err(err) => Err(text::error(&err)),
            };
            now.set(Utc::now());
            issued.set(Some(result));
            requesting.set(false);
        });
    };

    let poll = move || {
        let live = issued.with_untracked(|i| match i {
            Some(Ok(i)) => enrollment::remaining_secs(i.expires_at, Utc::now()) > -GRACE_SECS,
            _ => false,
        });
        if !live || poll_in_flight.get_value() {
            return;
        }
        poll_in_flight.set_value(true);
        let id = user_id.get_value();
        scope.spawn(async move {
            let result = requests
                .read(move |backend, transport| async move {
                    backend.user(&transport, &id, &|_| {}).await
                })
                .await;
            poll_in_flight.set_value(false);
            match result {
                Ok(user) => {
                    poll_error.set(None);
                    let found =
                        known.with_value(|known| enrollment::new_enrollment(known, &user).cloned());
                    if let Some(session) = found {
                        known.update_value(|k| {
                            k.insert(session.id.clone());
                        });
                        let said = match enrollment::enrolled_on(&session) {
                            Some(on) => tr!(enroll.enrolled_on, on = on.to_string()),
                            None => tr!(enroll.enrolled),
                        };
                        enrolled.set(Some(said));
                    }
                }
                // Refused credentials have already ended the connection.
                Err(err) if err.needs_reconnect() => {}
                Err(err) => poll_error.set(Some(text::error(&err))),
            }
        });
    };

    request();
    task::every(Duration::from_secs(1), move || now.set(Utc::now()));
    task::every(POLL_EVERY, poll);

    let body = move || {
        match issued.get() {
        None => view! { <p class="loading" role="status">{tr!(enroll.requesting)}</p> }
            .into_any(),
        Some(Err(message)) => view! {
            <ErrorNotice message=message />
            <button type="button" prop:disabled=move || requesting.get() on:click=move |_| request()>
                {tr!(common.try_again)}
            </button>
        }
        .into_any(),
        Some(Ok(issued)) => view! {
            <EnrollmentCode issued=issued now=now enrolled=enrolled requesting=requesting on_renew=request />
        }
        .into_any(),
    }
    };
    view! {
        <Modal title=tr!(enroll.title, who = user.label().to_string()) on_close=on_close fullscreen=fullscreen>
            {body}
            {move || poll_error.get().map(|message| view! {
                <p class="hint">{tr!(enroll.poll_failed, message = message)}</p>
            })}
            <div class="dialog-buttons">
                <button
                    type="button"
                    id="fullscreen"
                    aria-pressed=move || fullscreen.get().to_string()
                    on:click=move |_| fullscreen.update(|f| *f = !*f)
                >
                    {move || if fullscreen.get() { tr!(enroll.exit_full_screen) } else { tr!(enroll.full_screen) }}
                </button>
                <button type="button" class="primary" on:click=move |_| on_close.run(())>{tr!(enroll.done)}</button>
            </div>
        </Modal>
    }
}

/// One issued code: QR, token, link, countdown and what happened to it.
#[component]
fn EnrollmentCode(
    issued: Issued,
    now: RwSignal<DateTime<Utc>>,
    enrolled: RwSignal<Option<String>>,
    requesting: RwSignal<bool>,
    on_renew: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let expires_at = issued.expires_at;
    let remaining = move || enrollment::remaining_secs(expires_at, now.get());
    let expired = move || remaining() <= 0;
    let spent = move || expired() || enrolled.with(Option::is_some);
    let copied = RwSignal::new(String::new());
    let scope = Tasks::here();
    let copy = move |text: String, link: bool| {
        move |_| {
            let text = text.clone();
            scope.spawn(async move {
                let said = match (browser::copy_text(&text).await, link) {
                    (Ok(()), false) => tr!(enroll.token_copied),
                    (Ok(()), true) => tr!(enroll.link_copied),
                    (Err(()), false) => tr!(enroll.token_not_copied),
                    (Err(()), true) => tr!(enroll.link_not_copied),
                };
                copied.set(said);
            });
        }
    };
    let url = issued.token.url.clone();
    let link = if enrollment::linkable(&url, &browser::own_origin()) {
        view! { <a href=url.clone() target="_blank" rel="noopener noreferrer">{url.clone()}</a> }
            .into_any()
    } else {
        view! { <span>{url.clone()}</span> }.into_any()
    };
    let qr = match issued.qr_svg {
        Some(svg) => view! {
            <div class="qr" role="img" aria-label=tr!(enroll.qr) inner_html=svg></div>
        }
        .into_any(),
        None => view! {
            <p class="notice">{tr!(enroll.too_long)}</p>
        }
        .into_any(),
    };
    view! {
        <div class="enrollment" class:spent=spent>
            {qr}
            <div class="enrollment-info">
                <p class="token-label">{tr!(enroll.token)}</p>
                <p class="token mono" id="enrollment-token">{issued.token.token.clone()}</p>
                <p class="countdown">
                    <span role="timer" id="countdown">{move || enrollment::countdown_text(remaining())}</span>
                    {move || if expired() { tr!(enroll.expired_suffix) } else { tr!(enroll.left_suffix) }}
                </p>
                <p class="visually-hidden" aria-live="polite">
                    {move || match enrollment::spoken_countdown(remaining()) {
                        Spoken::Expired => tr!(enroll.spoken_expired),
                        Spoken::ThirtySecondsLeft => tr!(enroll.spoken_30),
                        Spoken::OneMinuteLeft => tr!(enroll.spoken_60),
                        Spoken::Nothing => String::new(),
                    }}
                </p>
                <p class="enrollment-url">{tr!(enroll.link)} " " {link}</p>
                <div class="actions">
                    <button type="button" id="copy-token" on:click=copy(issued.token.token.clone(), false)>
                        {tr!(enroll.copy_token)}
                    </button>
                    <button type="button" id="copy-link" on:click=copy(url, true)>{tr!(enroll.copy_link)}</button>
                </div>
                <p class="hint" role="status">{move || copied.get()}</p>
            </div>
        </div>
        {move || enrolled.get().map(|message| view! {
            <p class="notice ok" role="status" id="enrolled">{message}</p>
        })}
        <Show when=spent>
            <p>
                {move || if expired() { tr!(enroll.code_expired) } else { tr!(enroll.code_used) }}
                " "
                <button
                    type="button"
                    id="generate-new"
                    class="primary"
                    prop:disabled=move || requesting.get()
                    on:click=move |_| on_renew()
                >
                    {tr!(enroll.generate_new)}
                </button>
            </p>
        </Show>
    }
}
