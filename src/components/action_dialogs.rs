//! The confirmations in front of each user and session action, in proportion to its risk:
//! a plain confirmation to sign devices out, a typed one (the user's id or name) to wipe data.

use super::Modal;
use crate::text;
use leptos::prelude::*;
use roster_core::model::action::{Action, ActionKind};
use roster_core::model::{Session, User};

/// The text field where the admin types the user's id or name before a wipe.
#[component]
fn TypedConfirmation(user: User, typed: RwSignal<String>) -> impl IntoView {
    view! {
        <label for="confirm-typed">
            {tr!(dialogs.type_id)}
            " "
            <code>{user.id.to_string()}</code>
            {user.display_name.clone().map(|name| tr!(dialogs.or_name, name = name))}
            {tr!(dialogs.to_confirm)}
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
            <button type="button" on:click=move |_| on_close.run(())>{tr!(common.cancel)}</button>
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

/// Lock a user, optionally (where the backend offers it) wiping app data on every device, then
/// with a typed confirmation.
#[component]
pub fn LockDialog(
    user: User,
    /// Whether "also wipe" is offered.
    can_wipe: bool,
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
        <Modal title=tr!(confirm.lock_title, who = user.label().to_string()) on_close=on_close>
            <p>
                {tr!(
                    dialogs.lock_body,
                    who = user.label().to_string(),
                    devices = text::count(devices as u64, "devices")
                )}
            </p>
            {can_wipe.then(|| view! {
                <label class="check">
                    <input
                        type="checkbox"
                        id="lock-wipe"
                        prop:checked=move || wipe.get()
                        on:change=move |ev| wipe.set(event_target_checked(&ev))
                    />
                    {tr!(dialogs.also_wipe)}
                </label>
            })}
            <Show when=move || wipe.get()>
                <p class="warning">
                    {tr!(dialogs.wipe_warning)}
                </p>
                <TypedConfirmation user=typed_user.clone() typed=typed />
            </Show>
            <DialogButtons
                confirm_label=Signal::derive(move || {
                    if wipe.get() { text::said("Lock and wipe") } else { text::said("Lock") }
                })
                enabled=confirmed
                danger=true
                on_confirm=move |_| on_confirm.run(wipe.get_untracked())
                on_close=on_close
            />
        </Modal>
    }
}

/// Confirms an action on a user or one of its devices, in proportion to its risk: a wipe or a
/// deactivation (or anything on an operator) needs the typed confirmation; signing a device out
/// deletes nothing, so a plain confirmation does.
#[component]
pub fn ActionDialog(
    user: User,
    /// The session it acts on, for a session action.
    #[prop(into)]
    session: Option<Session>,
    action: Action,
    #[prop(into)] busy: Signal<bool>,
    #[prop(into)] on_confirm: Callback<()>,
    #[prop(into)] on_close: Callback<()>,
) -> impl IntoView {
    let device = session
        .and_then(|s| s.label)
        .unwrap_or_else(|| tr!(dialogs.this_device));
    let who = user.label().to_string();
    let typed = RwSignal::new(String::new());
    let needs_typing = action.kind().confirmed_by_typing(&user);
    let (title, mut explanation, confirm_label) = text::confirmation(action.kind(), &who, &device);
    if user.operator {
        explanation.push(' ');
        explanation.push_str(&tr!(dialogs.operator, who = who.clone()));
    }
    let confirmed = {
        let user = user.clone();
        Signal::derive(move || !busy.get() && (!needs_typing || user.confirms(&typed.get())))
    };
    view! {
        <Modal title=title on_close=on_close>
            <p class:warning=needs_typing>{explanation}</p>
            {needs_typing.then(|| view! { <TypedConfirmation user=user.clone() typed=typed /> })}
            <DialogButtons
                confirm_label=confirm_label
                enabled=confirmed
                danger=needs_typing
                on_confirm=on_confirm
                on_close=on_close
            />
        </Modal>
    }
}

/// The action buttons of one session: each action the backend offers on sessions, disabled
/// while an action is in flight or where the action's rule says it does not apply. `on_action`
/// opens the confirmation.
#[component]
pub fn SessionActionButtons(
    user: User,
    session: Session,
    actions: Vec<ActionKind>,
    #[prop(into)] busy: Signal<bool>,
    #[prop(into)] on_action: Callback<(Session, Action)>,
    /// The column's name, for the card a row becomes on a narrow screen.
    #[prop(optional)]
    label: Option<&'static str>,
) -> impl IntoView {
    let buttons = actions
        .into_iter()
        .map(|kind| {
            let action = kind.on_session(&user, &session);
            let applies = action.is_some();
            let session = session.clone();
            view! {
                <button
                    class=if kind.destroys_data() { format!("danger {}", kind.key()) } else { kind.key().to_string() }
                    prop:disabled=move || busy.get() || !applies
                    on:click=move |_| {
                        if let Some(action) = action.clone() {
                            on_action.run((session.clone(), action));
                        }
                    }
                >
                    {text::said(kind.button())}
                </button>
            }
        })
        .collect_view();
    view! {
        <td data-label=label>
            <div class="row-actions">{buttons}</div>
        </td>
    }
}
