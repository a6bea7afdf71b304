//! The confirmations in front of each user and session action, in proportion to its risk:
//! a plain confirmation to sign devices out, a typed one (the user's id or name) to wipe data.

use super::Modal;
use crate::connector::Action;
use crate::model::{Session, SessionState, User};
use leptos::prelude::*;

/// The text field where the admin types the user's id or name before a wipe.
#[component]
fn TypedConfirmation(user: User, typed: RwSignal<String>) -> impl IntoView {
    view! {
        <label for="confirm-typed">
            "Type the user id "
            <code>{user.id.clone()}</code>
            {user.display_name.clone().map(|name| format!(" or the name “{name}”"))}
            " to confirm"
        </label>
        <input
            id="confirm-typed"
            autocomplete="off"
            spellcheck="false"
            prop:value=move || typed.get()
            on:input=move |ev| typed.set(event_target_value(&ev))
        />
    }
}

/// The Cancel and confirm buttons of every dialog.
#[component]
fn DialogButtons(
    #[prop(into)] confirm_label: Signal<String>,
    #[prop(into)] enabled: Signal<bool>,
    danger: bool,
    #[prop(into)] on_confirm: Callback<()>,
    #[prop(into)] on_close: Callback<()>,
) -> impl IntoView {
    view! {
        <div class="dialog-buttons">
            <button type="button" on:click=move |_| on_close.run(())>"Cancel"</button>
            <button
                type="button"
                class=if danger { "danger confirm" } else { "primary confirm" }
                prop:disabled=move || !enabled.get()
                on:click=move |_| on_confirm.run(())
            >
                {move || confirm_label.get()}
            </button>
        </div>
    }
}

/// Lock a user, optionally wiping app data on every device (then typed confirmation).
#[component]
pub fn LockDialog(
    user: User,
    #[prop(into)] busy: Signal<bool>,
    /// Called with `wipe`.
    #[prop(into)]
    on_confirm: Callback<bool>,
    #[prop(into)] on_close: Callback<()>,
) -> impl IntoView {
    let wipe = RwSignal::new(false);
    let typed = RwSignal::new(String::new());
    let confirmed = {
        let user = user.clone();
        Signal::derive(move || !busy.get() && (!wipe.get() || user.confirms(&typed.get())))
    };
    let devices = user.sessions.len();
    let typed_user = user.clone();
    view! {
        <Modal title=format!("Lock {}", user.label()) on_close=on_close>
            <p>
                {format!(
                    "{} will be signed out on all {devices} device(s) and cannot sign in until unlocked.",
                    user.label(),
                )}
            </p>
            <label class="check">
                <input
                    type="checkbox"
                    id="lock-wipe"
                    prop:checked=move || wipe.get()
                    on:change=move |ev| wipe.set(event_target_checked(&ev))
                />
                "Also wipe app data on all devices"
            </label>
            <Show when=move || wipe.get()>
                <p class="warning">
                    "Wiping permanently deletes the app's data on every device, including anything "
                    "not yet uploaded. This cannot be undone."
                </p>
                <TypedConfirmation user=typed_user.clone() typed=typed />
            </Show>
            <DialogButtons
                confirm_label=Signal::derive(move || {
                    if wipe.get() { "Lock and wipe".to_string() } else { "Lock".to_string() }
                })
                enabled=confirmed
                danger=true
                on_confirm=move |_| on_confirm.run(wipe.get_untracked())
                on_close=on_close
            />
        </Modal>
    }
}

/// Confirms an action on one device: a wipe needs the typed confirmation and says it cannot be
/// undone; a re-authentication deletes nothing, so a plain confirmation does.
#[component]
pub fn SessionActionDialog(
    user: User,
    session: Session,
    /// `WipeSession` or `ReAuthenticateSession` on this session.
    action: Action,
    #[prop(into)] busy: Signal<bool>,
    #[prop(into)] on_confirm: Callback<()>,
    #[prop(into)] on_close: Callback<()>,
) -> impl IntoView {
    let device = session.label.unwrap_or_else(|| "this device".into());
    let who = user.label().to_string();
    let typed = RwSignal::new(String::new());
    let needs_typing = action.destroys_data();
    let (title, explanation, confirm_label) = if needs_typing {
        (
            format!("Wipe {device}"),
            format!(
                "This permanently deletes all app data on {device} of {who}, including anything \
                 not yet uploaded, when it next connects. This cannot be undone."
            ),
            "Wipe device",
        )
    } else {
        (
            format!("Re-authenticate {device}"),
            format!("{who} must sign in again on {device}. No data is deleted."),
            "Re-authenticate",
        )
    };
    let confirmed = {
        let user = user.clone();
        Signal::derive(move || !busy.get() && (!needs_typing || user.confirms(&typed.get())))
    };
    view! {
        <Modal title=title on_close=on_close>
            <p class:warning=needs_typing>{explanation}</p>
            {needs_typing.then(|| view! { <TypedConfirmation user=user.clone() typed=typed /> })}
            <DialogButtons
                confirm_label=confirm_label.to_string()
                enabled=confirmed
                danger=needs_typing
                on_confirm=on_confirm
                on_close=on_close
            />
        </Modal>
    }
}

/// A session's Re-authenticate and Wipe buttons; `on_action` opens the confirmation. Each is
/// disabled while an action is in flight or when it would change nothing.
#[component]
pub fn SessionActionButtons(
    user_id: String,
    session: Session,
    #[prop(into)] busy: Signal<bool>,
    #[prop(into)] on_action: Callback<Action>,
) -> impl IntoView {
    let session_id = session.id.clone();
    let reauthenticate = Action::ReAuthenticateSession {
        user_id: user_id.clone(),
        session_id: session_id.clone(),
    };
    let wipe = Action::WipeSession {
        user_id,
        session_id,
    };
    let already_reset = session.state == SessionState::Reset;
    let signed_out = matches!(session.state, SessionState::Locked | SessionState::Reset);
    view! {
        <td>
            <div class="row-actions">
            <button
                class="reauthenticate"
                prop:disabled=move || busy.get() || signed_out
                on:click=move |_| on_action.run(reauthenticate.clone())
            >
                "Re-authenticate…"
            </button>
            <button
                class="danger wipe"
                prop:disabled=move || busy.get() || already_reset
                on:click=move |_| on_action.run(wipe.clone())
            >
                "Wipe…"
            </button>
            </div>
        </td>
    }
}
