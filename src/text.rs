//! What the native core decides, said in the admin's language: its fixed words (column
//! headers, states, action names, the connect form's labels), counts with their plural rules,
//! captions, outcomes and errors. The core keeps English for its own tests and the CSV files;
//! every text on screen comes through here or `tr!`.

use crate::locale;
use chrono::{DateTime, Utc};
use roster_core::backend::error::readable_kind;
use roster_core::backend::fill::FillProgress;
use roster_core::backend::ApiError;
use roster_core::bulk::{BulkRun, Progress};
use roster_core::model::action::{Action, ActionKind};
use roster_core::table::PagePosition;

/// A fixed text of the core in the admin's language; None for a text with no translation.
pub fn said_exactly(english: &str) -> Option<&'static str> {
    Some(match english {
        "API password" => tr_static!(core.api_password),
        "Actions" => tr_static!(core.actions),
        "Activated" => tr_static!(core.activated),
        "Administrator (user name and password)" => tr_static!(core.auth_ug_password),
        "Application" => tr_static!(core.application),
        "Authentication" => tr_static!(core.authentication),
        "Base URL" => tr_static!(core.base_url),
        "Basic (deployment id and API password)" => tr_static!(core.auth_basic),
        "Bearer token" => tr_static!(core.bearer_token),
        "Client id" => tr_static!(core.client_id),
        "Client id and secret" => tr_static!(core.auth_ug_client),
        "Client secret" => tr_static!(core.client_secret),
        "Container" => tr_static!(core.container),
        "Created" => tr_static!(core.created),
        "Deactivate" => tr_static!(core.deactivate),
        "Deactivate…" => tr_static!(core.deactivate_button),
        "Deactivating ends every token of each user at once: they are signed out everywhere and \
         cannot sign in until their account is activated again." => tr_static!(core.deactivate_warning),
        "Device" => tr_static!(core.device),
        "Device id" => tr_static!(core.device_id),
        "Device name" => tr_static!(core.device_name),
        "Device, device id, user name or id" => tr_static!(core.session_search_ja),
        "Devices" => tr_static!(core.devices),
        "Disable" => tr_static!(core.disable),
        "Disabled" => tr_static!(core.disabled),
        "Disable…" => tr_static!(core.disable_button),
        "E-mail" => tr_static!(core.email),
        "Enable" => tr_static!(core.enable),
        "Enrolled" => tr_static!(core.enrolled),
        "Enter the API password." => tr_static!(core.missing_api_password),
        "Enter the Named Token." => tr_static!(core.missing_named_token),
        "Enter the bearer token." => tr_static!(core.missing_bearer),
        "Enter the client id and the client secret." => tr_static!(core.missing_client),
        "Enter the user name and the password." => tr_static!(core.missing_password),
        "Environment" => tr_static!(core.environment),
        "Environments" => tr_static!(core.environments),
        "Expires" => tr_static!(core.expires),
        "Idle session policy" => tr_static!(core.policy_idle),
        "Last access" => tr_static!(core.last_access),
        "Last access more than (days)" => tr_static!(core.days_last_access),
        "Last authenticated" => tr_static!(core.last_authenticated),
        "Last authenticated more than (days)" => tr_static!(core.days_last_authenticated),
        "Last connected" => tr_static!(core.last_connected),
        "Last full sync" => tr_static!(core.last_full_sync),
        "Last updated" => tr_static!(core.last_updated),
        "Last updated more than (days)" => tr_static!(core.days_last_updated),
        "Lock" => tr_static!(core.lock),
        "Lock and wipe" => tr_static!(core.lock_and_wipe),
        "Lock and wipe…" => tr_static!(core.lock_and_wipe_button),
        "Locked" => tr_static!(core.locked),
        "Lock…" => tr_static!(core.lock_button),
        "Modified" => tr_static!(core.modified),
        "Name" => tr_static!(core.name),
        "Name or guid" => tr_static!(core.user_search_as),
        "Name or id" => tr_static!(core.user_search_ja),
        "Named Token" => tr_static!(core.named_token),
        "Never enrolled" => tr_static!(core.never_enrolled),
        "Not enrolled" => tr_static!(core.not_enrolled),
        "Not activated" => tr_static!(core.not_activated),
        "Active" => tr_static!(core.active),
        "Unknown" => tr_static!(core.unknown_state),
        "Operating system" => tr_static!(core.operating_system),
        "Operator" => tr_static!(core.operator),
        "Password" => tr_static!(core.password),
        "Platform" => tr_static!(core.platform),
        "Platforms" => tr_static!(core.platforms),
        "Re-authenticate" => tr_static!(core.reauthenticate),
        "Re-authenticate session" => tr_static!(core.reauthenticate_session),
        "Re-authenticate…" => tr_static!(core.reauthenticate_button),
        "Re-authentication policy" => tr_static!(core.policy_reauthenticate),
        "Reset (wipe pending)" => tr_static!(core.reset),
        "Revoke" => tr_static!(core.revoke),
        "Revoke session" => tr_static!(core.revoke_session),
        "Revokes every session not updated for more than N days; whoever uses it must sign in \
         again. No data is deleted." => tr_static!(core.policy_stale_explanation),
        "Revokes every session whose device has not been used for more than N days; whoever \
         uses it must sign in again. No data is deleted." => tr_static!(core.policy_idle_explanation),
        "Revoke…" => tr_static!(core.revoke_button),
        "Roster console" => tr_static!(core.roster_console),
        "Runtime" => tr_static!(core.runtime),
        "Server address" => tr_static!(core.server_address),
        "Session id" => tr_static!(core.session_id),
        "Sessions" => tr_static!(core.sessions),
        "Shown on the deployment's Manage API page." => tr_static!(core.base_url_hint_ja),
        "Sign out everywhere" => tr_static!(core.revoke_tokens),
        "Sign out everywhere…" => tr_static!(core.revoke_tokens_button),
        "Signed out" => tr_static!(core.signed_out),
        "Signs out every enrolled device whose user last signed in on it more than N days ago; \
         they must sign in again. No data is deleted." => {
            tr_static!(core.policy_reauthenticate_explanation)
        }
        "Smartphone" => tr_static!(core.smartphone),
        "Stale session policy" => tr_static!(core.policy_stale),
        "Started" => tr_static!(core.started),
        "State" => tr_static!(core.state),
        "Status" => tr_static!(core.status),
        "Taken from the base URL if left empty" => tr_static!(core.from_base_url),
        "The PORTOS server's address." => tr_static!(core.base_url_hint_portos),
        "The admin API's base, ending in /api/admin." => tr_static!(core.base_url_hint_as),
        "The application's address: the server, then the organization and the application." => {
            tr_static!(core.base_url_hint_ug)
        }
        "This permanently deletes app data on the devices, including anything not yet \
         uploaded. It cannot be undone." => tr_static!(core.wipe_warning),
        "Unlock" => tr_static!(core.unlock),
        "Unlock…" => tr_static!(core.unlock_button),
        "User" => tr_static!(core.user),
        "User (backend deployment id)" => tr_static!(core.basic_user),
        "User id" => tr_static!(core.user_id),
        "User name" => tr_static!(core.user_name),
        "User name and password" => tr_static!(core.auth_login),
        "User or smartphone" => tr_static!(core.session_search_as),
        "Username" => tr_static!(core.username),
        "Wipe session" => tr_static!(core.wipe_session),
        "Wipe…" => tr_static!(core.wipe_button),
        "Words of the name, username or e-mail" => tr_static!(core.user_search_ug),
        "devices" => tr_static!(core.devices_lower),
        "enrolled sessions" => tr_static!(core.enrolled_sessions),
        "sessions" => tr_static!(core.sessions_lower),
        "users" => tr_static!(core.users_lower),
        "were last authenticated" => tr_static!(core.were_last_authenticated),
        "were last updated" => tr_static!(core.were_last_updated),
        "were last used" => tr_static!(core.were_last_used),
        "Read back: done" => tr_static!(core.seen_done),
        "Read back: not done" => tr_static!(core.seen_not_done),
        "Read back: it no longer exists" => tr_static!(core.seen_gone),
        "Already gone" => tr_static!(core.already_gone),
        "The base URL must start with https://" => tr_static!(core.url_scheme),
        "The base URL ends at its path: remove everything after it." => tr_static!(core.url_path),
        "Choose one of the offered ways to sign in." => tr_static!(core.choose_method),
        "This console's own session was revoked, so the console is signed out. Sign in again \
         to go on." => tr_static!(core.own_session_revoked),
        "The console's session on the PORTOS server has ended (revoked elsewhere, or expired \
         more than a day ago). Sign in again to go on." => tr_static!(core.portos_session_ended),
        "The Usergrid token has expired or was revoked. Sign in again to go on." => {
            tr_static!(core.usergrid_token_ended)
        }
        "a JourneyApps API" => tr_static!(core.api_ja),
        "a PORTOS server" => tr_static!(core.api_portos),
        "an authenticated-sessions admin API" => tr_static!(core.api_as),
        "a Usergrid application" => tr_static!(core.api_ug),
        "the base URL ends in /api/v4/<backend deployment id>" => tr_static!(core.hint_ja),
        "the address is the PORTOS server's, without /sessions or /api" => tr_static!(core.hint_portos),
        "the base URL ends in /api/admin" => tr_static!(core.hint_as),
        "the base URL ends in /<organization>/<application>" => tr_static!(core.hint_ug),
        "" => "",
        _ => return None,
    })
}

/// A fixed text of the core in the admin's language (as it is where no translation exists:
/// a product's name, a value from the backend).
pub fn said(english: &str) -> String {
    said_exactly(english).map_or_else(|| english.to_string(), str::to_string)
}

/// [`said`] for a text the core fixed at compile time, with no copy: what every cell of a
/// table asks for (a column's name, a state), hundreds of times a render.
pub fn said_static(english: &'static str) -> &'static str {
    said_exactly(english).unwrap_or(english)
}

/// What the connect form's check said is missing or wrong.
pub fn form_error(english: &str) -> String {
    match english.strip_prefix("Enter the base URL. ") {
        Some(hint) => tr!(connect.enter_base_url, hint = said(hint)),
        None => said(english),
    }
}

/// `n` with its noun, in the language's number format and plural form: "1 user",
/// "5 používateľov", "12.345 Sitzungen". Nouns: users, sessions, devices, views, actions.
pub fn count(n: u64, noun: &str) -> String {
    let num = locale::number(n, locale::tag());
    match noun {
        "users" => tr!(count.users, count = n, n = num),
        "sessions" => tr!(count.sessions, count = n, n = num),
        "devices" => tr!(count.devices, count = n, n = num),
        "views" => tr!(count.views, count = n, n = num),
        "actions" => tr!(count.actions, count = n, n = num),
        "enrolled sessions" => tr!(count.enrolled_sessions, count = n, n = num),
        _ => format!("{num} {}", said(noun)),
    }
}

/// "12 users" or "3 of 12 users": how many rows a view shows of how many, as far as known.
pub fn caption(shown: Option<u64>, total: Option<u64>, noun: &str) -> String {
    match (shown, total) {
        (Some(shown), Some(total)) if shown != total => tr!(
            table.some_of,
            shown = locale::number(shown, locale::tag()),
            all = count(total, noun)
        ),
        (Some(shown), _) => count(shown, noun),
        (None, _) => tr!(table.matching, what = said(noun)),
    }
}

/// "Rows 101–200 of 3,412" (without the total when the server does not say it).
pub fn position(p: &PagePosition) -> String {
    let tag = locale::tag();
    let (first, last) = (locale::number(p.first, tag), locale::number(p.last, tag));
    match p.total {
        Some(total) => tr!(
            table.rows_of,
            first = first,
            last = last,
            total = locale::number(total, tag)
        ),
        None => tr!(table.rows, first = first, last = last),
    }
}

/// "3 minutes ago", or "never" for no time, in the admin's language.
pub fn relative(at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    match at {
        // Within the minute: Intl would say "now", which reads like a clock.
        Some(at) if roster_core::model::time::distance(at, now).0 == 0 => tr!(time.just_now),
        Some(at) => locale::relative(at, now, locale::tag()),
        None => tr!(time.never),
    }
}

/// The exact time for a tooltip: local in the admin's language, then UTC.
pub fn exact(at: Option<DateTime<Utc>>) -> String {
    match at {
        Some(at) => format!(
            "{} · {}",
            locale::date_time(at, locale::tag()),
            roster_core::model::time::exact_utc(at)
        ),
        None => tr!(time.no_value),
    }
}

/// The error, in plain words in the admin's language; never a secret.
pub fn error(err: &ApiError) -> String {
    match err {
        ApiError::Unauthorized { .. } => tr!(errors.unauthorized),
        ApiError::SessionEnded { why } => said(why),
        ApiError::AccountNotFound { .. } => tr!(errors.account_not_found),
        ApiError::NotFound { detail } => tr!(errors.not_found, detail = detail.clone()),
        ApiError::RateLimited => tr!(errors.rate_limited),
        // The backend's own words (its error code and detail) stay as they came.
        ApiError::Backend {
            status,
            kind,
            detail,
        } => tr!(
            errors.backend,
            status = *status,
            kind = readable_kind(kind),
            detail = detail.clone()
        ),
        ApiError::Unexpected {
            status,
            what,
            api,
            url_hint,
        } => tr!(
            errors.unexpected,
            api = said(api),
            status = *status,
            what = what.clone(),
            hint = said(url_hint)
        ),
        ApiError::Network { detail } => tr!(errors.network, detail = detail.clone()),
        ApiError::Cancelled => tr!(errors.cancelled),
        ApiError::NotConnected => tr!(errors.not_connected),
        ApiError::Unsupported => tr!(errors.unsupported),
    }
}

/// What a target whose answer was lost says: that it may have run, and why in a few words.
pub fn lost_answer(err: &ApiError) -> String {
    let cause = err.lost_cause().unwrap_or_else(|| error(err));
    tr!(errors.lost_answer, cause = cause)
}

/// The confirmation of `kind` on `who` (and their `device`, for a session): the title, the
/// explanation and the confirm button's words.
pub fn confirmation(kind: ActionKind, who: &str, device: &str) -> (String, String, String) {
    let (w, d) = (who.to_string(), device.to_string());
    match kind {
        ActionKind::WipeSession => (
            tr!(confirm.wipe_title, device = d.clone()),
            tr!(confirm.wipe_body, device = d, who = w),
            tr!(confirm.wipe_button),
        ),
        ActionKind::ReAuthenticateSession => (
            tr!(confirm.reauthenticate_title, device = d.clone()),
            tr!(confirm.reauthenticate_body, device = d, who = w),
            said("Re-authenticate"),
        ),
        ActionKind::RevokeSession => (
            tr!(confirm.revoke_title, device = d.clone()),
            tr!(confirm.revoke_body, device = d, who = w),
            said("Revoke"),
        ),
        ActionKind::Lock | ActionKind::LockAndWipe => (
            tr!(confirm.lock_title, who = w.clone()),
            tr!(confirm.lock_body, who = w),
            said(kind.name()),
        ),
        ActionKind::Unlock => (
            tr!(confirm.unlock_title, who = w.clone()),
            tr!(confirm.unlock_body, who = w),
            said("Unlock"),
        ),
        ActionKind::Disable => (
            tr!(confirm.disable_title, who = w.clone()),
            tr!(confirm.disable_body, who = w),
            said("Disable"),
        ),
        ActionKind::Enable => (
            tr!(confirm.enable_title, who = w.clone()),
            tr!(confirm.unlock_body, who = w),
            said("Enable"),
        ),
        ActionKind::Deactivate => (
            tr!(confirm.deactivate_title, who = w.clone()),
            tr!(confirm.deactivate_body, who = w),
            said("Deactivate"),
        ),
        ActionKind::RevokeTokens => (
            tr!(confirm.revoke_tokens_title, who = w.clone()),
            tr!(confirm.revoke_tokens_body, who = w),
            said("Sign out everywhere"),
        ),
    }
}

/// What a done `action` on `who` says.
pub fn done(action: &Action, who: &str) -> String {
    let w = who.to_string();
    match action.kind() {
        ActionKind::Lock => tr!(done.lock, who = w),
        ActionKind::LockAndWipe => tr!(done.lock_and_wipe, who = w),
        ActionKind::Unlock => tr!(done.unlock, who = w),
        ActionKind::WipeSession => tr!(done.wipe, who = w),
        ActionKind::ReAuthenticateSession => tr!(done.reauthenticate, who = w),
        ActionKind::RevokeSession => tr!(done.revoke, who = w),
        ActionKind::Disable => tr!(done.disable, who = w),
        ActionKind::Enable => tr!(done.enable, who = w),
        ActionKind::Deactivate => tr!(done.deactivate, who = w),
        ActionKind::RevokeTokens => tr!(done.revoke_tokens, who = w),
    }
}

/// A bulk run's outcome in one line: "998 done, 2 failed, 1 unknown, 3 not sent".
pub fn summary(run: &BulkRun) -> String {
    progress_summary(&run.progress())
}

/// [`summary`] of a run's progress.
pub fn progress_summary(p: &Progress) -> String {
    let tag = locale::tag();
    let n = |n: usize| locale::number(n as u64, tag);
    let mut text = tr!(bulk.done_failed, done = n(p.done), failed = n(p.failed));
    if p.unknown > 0 {
        text.push_str(&tr!(bulk.and_unknown, unknown = n(p.unknown)));
    }
    let pending = p.total.saturating_sub(p.finished());
    if pending > 0 {
        text.push_str(&tr!(bulk.and_not_sent, pending = n(pending)));
    }
    text
}

/// How far reading the sessions user by user has got.
pub fn fill(p: &FillProgress) -> String {
    let tag = locale::tag();
    let (read, total) = (
        locale::number(p.read as u64, tag),
        locale::number(p.total as u64, tag),
    );
    match (p.done(), p.failed) {
        (false, _) => tr!(fill.reading, read = read, total = total),
        (true, 0) => tr!(fill.all_read, total = total),
        (true, failed) => tr!(
            fill.some_failed,
            failed = locale::number(failed as u64, tag),
            total = total
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use roster_core::backend::Kind;
    use roster_core::table::sessions::SessionColumn;
    use roster_core::table::users::UserColumn;
    use roster_core::table::Column;

    /// Every fixed text any backend's capabilities put on screen has a translation: a new
    /// label in the core fails here until `said_exactly` and `locales/*.json` have it.
    #[test]
    fn every_fixed_text_of_every_backend_is_translated() {
        let mut texts: Vec<&str> = Vec::new();
        for kind in Kind::ALL {
            let c = kind.capabilities();
            texts.extend([
                c.base_url_label,
                c.base_url_hint,
                c.user_search,
                c.session_search,
            ]);
            texts.push(c.sessions_noun);
            for m in c.auth_methods {
                texts.extend([m.label(), m.missing_secret()]);
                let fields = [m.user_field(), m.extra_field(), Some(m.secret_field())];
                for f in fields.into_iter().flatten() {
                    texts.extend([f.label, f.placeholder, f.value]);
                }
            }
            texts.extend(c.user_statuses.iter().map(|s| s.label()));
            texts.extend(c.session_states.iter().map(|s| s.label()));
            for a in c.actions {
                texts.extend([a.name(), a.button()]);
                texts.extend(a.warning());
            }
            if let Some(p) = c.policy {
                texts.extend([
                    p.title,
                    p.explanation,
                    p.days_label,
                    p.noun,
                    p.age_phrase,
                    p.verb,
                ]);
            }
        }
        #[cfg(feature = "portos")]
        {
            use roster_core::backend::portos;
            texts.extend([
                portos::ALREADY_GONE,
                portos::OWN_SESSION_REVOKED,
                portos::SESSION_ENDED,
            ]);
        }
        #[cfg(feature = "usergrid")]
        texts.push(roster_core::backend::usergrid::TOKEN_ENDED);
        texts.extend(UserColumn::ALL.iter().map(|c| c.header()));
        texts.extend(SessionColumn::ALL.iter().map(|c| c.header()));
        let missing: Vec<&str> = texts
            .into_iter()
            .filter(|t| said_exactly(t).is_none())
            .collect();
        assert!(missing.is_empty(), "no translation for {missing:?}");
    }
}
