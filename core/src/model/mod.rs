//! The domain every backend maps into and every page shows: users, their sessions (devices),
//! typed ids, and the actions an admin takes on them with the rules of where each applies.

pub mod action;
pub mod activity;
pub mod enrollment;
pub mod time;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Declares a typed id: a string the backend chose, never confused with another kind of id.
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// The id as the backend sent it.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                $name(id.to_string())
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                $name(id)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    };
}

id_type!(
    /// A user's id as the backend knows it.
    UserId
);
id_type!(
    /// A session's id as the backend knows it.
    SessionId
);

/// An app user with the sessions (devices) it has or had.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct User {
    pub id: UserId,
    /// From the app's data model; None when the backend has no name for this user.
    pub display_name: Option<String>,
    pub last_connected_at: Option<DateTime<Utc>>,
    pub enrolled: bool,
    pub locked: bool,
    /// An operator (an administrator of the product): signing one out is confirmed by typing.
    pub operator: bool,
    /// How many sessions the backend says the user has, where it lists users without them.
    pub session_count: Option<usize>,
    /// The sign-in name and e-mail, where the backend has them apart from the display name.
    pub username: Option<String>,
    pub email: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub modified_at: Option<DateTime<Utc>>,
    /// Whether the account is activated, where the backend says.
    pub activated: Option<bool>,
    /// Administratively disabled: it cannot sign in (Usergrid's lock).
    pub disabled: bool,
    pub sessions: Vec<Session>,
}

/// Where a user stands, as the users table shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UserStatus {
    Enrolled,
    NotEnrolled,
    Locked,
    /// An account that may sign in (backends with accounts rather than enrollment).
    Active,
    NotActivated,
    Disabled,
}

impl UserStatus {
    /// The words shown in the status column.
    pub fn label(self) -> &'static str {
        match self {
            UserStatus::Enrolled => "Enrolled",
            UserStatus::NotEnrolled => "Not enrolled",
            UserStatus::Locked => "Locked",
            UserStatus::Active => "Active",
            UserStatus::NotActivated => "Not activated",
            UserStatus::Disabled => "Disabled",
        }
    }

    /// A CSS-friendly name, for the status badge.
    pub fn css_class(self) -> &'static str {
        match self {
            UserStatus::Enrolled => "enrolled",
            UserStatus::NotEnrolled => "not-enrolled",
            UserStatus::Locked => "locked",
            UserStatus::Active => "enrolled",
            UserStatus::NotActivated => "not-enrolled",
            UserStatus::Disabled => "locked",
        }
    }

    /// The value of this status in the URL.
    pub fn key(self) -> &'static str {
        match self {
            UserStatus::Enrolled => "enrolled",
            UserStatus::NotEnrolled => "not_enrolled",
            UserStatus::Locked => "locked",
            UserStatus::Active => "active",
            UserStatus::NotActivated => "not_activated",
            UserStatus::Disabled => "disabled",
        }
    }
}

impl User {
    /// Locked (or disabled) wins over enrolled: such a user's devices are being signed out.
    /// Where the backend has activation, an account is active or not activated.
    pub fn status(&self) -> UserStatus {
        if self.locked {
            UserStatus::Locked
        } else if self.disabled {
            UserStatus::Disabled
        } else if self.activated == Some(false) {
            UserStatus::NotActivated
        } else if self.activated == Some(true) {
            UserStatus::Active
        } else if self.enrolled {
            UserStatus::Enrolled
        } else {
            UserStatus::NotEnrolled
        }
    }

    /// The name to show: the display name, or the id when there is none.
    pub fn label(&self) -> &str {
        self.display_name
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or(self.id.as_str())
    }

    /// Whether `typed` confirms a destructive action on this user: the id, or the display name
    /// (ignoring case and surrounding spaces).
    pub fn confirms(&self, typed: &str) -> bool {
        let typed = typed.trim();
        !typed.is_empty()
            && (self.id == typed
                || self
                    .display_name
                    .as_deref()
                    .is_some_and(|name| name.trim().to_lowercase() == typed.to_lowercase()))
    }

    /// The distinct platforms of this user's sessions, sorted.
    pub fn platforms(&self) -> Vec<&str> {
        distinct(self.sessions.iter().filter_map(|s| s.platform.as_deref()))
    }

    /// The distinct names of this user's devices, sorted.
    pub fn devices(&self) -> Vec<&str> {
        distinct(self.sessions.iter().filter_map(|s| s.label.as_deref()))
    }

    /// The distinct environments of this user's devices, sorted.
    pub fn environments(&self) -> Vec<&str> {
        distinct(
            self.sessions
                .iter()
                .filter_map(|s| s.environment.as_deref()),
        )
    }

    /// How many sessions the user has: as the backend counted them, or as loaded.
    pub fn session_total(&self) -> usize {
        self.session_count.unwrap_or(self.sessions.len())
    }

    /// The session with `id`, if the user still has it.
    pub fn session(&self, id: &SessionId) -> Option<&Session> {
        self.sessions.iter().find(|s| &s.id == id)
    }
}

/// The distinct values of `values`, sorted.
fn distinct<'a>(values: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut values: Vec<&str> = values.collect();
    values.sort_unstable();
    values.dedup();
    values
}

/// "Ann Lee – Pixel 7": a session named for result tables and the activity log.
pub fn session_label(user: &User, session: &Session) -> String {
    format!("{} – {}", user.label(), session.device())
}

/// One device that is or was signed in as a user.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Session {
    pub id: SessionId,
    pub state: SessionState,
    pub created_at: Option<DateTime<Utc>>,
    pub last_authenticated_at: Option<DateTime<Utc>>,
    pub signed_out_at: Option<DateTime<Utc>>,
    pub last_connected_at: Option<DateTime<Utc>>,
    pub platform: Option<String>,
    pub container_version: Option<String>,
    pub bundle_id: Option<String>,
    pub runtime_version: Option<String>,
    pub device_id: Option<String>,
    pub label: Option<String>,
    pub last_full_sync: Option<DateTime<Utc>>,
    /// Where the device works, for point-of-sale backends (BackOffice, CashRegister, PDA…).
    pub environment: Option<String>,
    /// How the session was authenticated (Bearer…).
    pub auth_type: Option<String>,
    /// When the session ends unless renewed.
    pub expires_at: Option<DateTime<Utc>>,
    /// The app (and its version) the session is signed in with.
    pub application: Option<String>,
}

impl Session {
    /// The device's name for sentences: its label, or "unnamed device".
    pub fn device(&self) -> &str {
        self.label
            .as_deref()
            .filter(|l| !l.trim().is_empty())
            .unwrap_or("unnamed device")
    }
}

/// A session's state; values the console does not know are kept and shown as sent.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum SessionState {
    Enrolled,
    Locked,
    Reset,
    NeverEnrolled,
    /// Signed in, for backends whose sessions exist only while signed in.
    Active,
    /// Not sent at all.
    #[default]
    Unknown,
    Other(String),
}

impl SessionState {
    /// Reads the wire value (`ENROLLED`, `LOCKED`, …).
    pub fn parse(value: &str) -> SessionState {
        match value {
            "ENROLLED" => SessionState::Enrolled,
            "LOCKED" => SessionState::Locked,
            "RESET" => SessionState::Reset,
            "NEVER_ENROLLED" => SessionState::NeverEnrolled,
            "ACTIVE" => SessionState::Active,
            "" => SessionState::Unknown,
            other => SessionState::Other(other.to_string()),
        }
    }

    /// The wire value, as the API sends it and the URL names it.
    pub fn wire(&self) -> &str {
        match self {
            SessionState::Enrolled => "ENROLLED",
            SessionState::Locked => "LOCKED",
            SessionState::Reset => "RESET",
            SessionState::NeverEnrolled => "NEVER_ENROLLED",
            SessionState::Active => "ACTIVE",
            SessionState::Unknown => "",
            SessionState::Other(value) => value,
        }
    }

    /// The words shown for this state.
    pub fn label(&self) -> &str {
        match self {
            SessionState::Enrolled => "Enrolled",
            SessionState::Locked => "Locked",
            SessionState::Reset => "Reset (wipe pending)",
            SessionState::NeverEnrolled => "Never enrolled",
            SessionState::Active => "Active",
            SessionState::Unknown => "Unknown",
            SessionState::Other(value) => value,
        }
    }

    /// Whether the device may still be signed in: every state but those that say it is signed
    /// out (or never was). A state the console does not know counts as signed in, so the
    /// admin can still sign it out.
    pub fn may_be_signed_in(&self) -> bool {
        !matches!(
            self,
            SessionState::Locked | SessionState::Reset | SessionState::NeverEnrolled
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(state: &str, platform: Option<&str>) -> Session {
        Session {
            state: SessionState::parse(state),
            platform: platform.map(str::to_string),
            ..Session::default()
        }
    }

    #[test]
    fn status_prefers_locked_then_enrolled() {
        let mut user = User {
            enrolled: true,
            ..User::default()
        };
        assert_eq!(user.status(), UserStatus::Enrolled);
        user.locked = true;
        assert_eq!(user.status(), UserStatus::Locked);
        user = User::default();
        assert_eq!(user.status(), UserStatus::NotEnrolled);
    }

    #[test]
    fn label_falls_back_to_the_id() {
        let mut user = User {
            id: "u-1".into(),
            ..User::default()
        };
        assert_eq!(user.label(), "u-1");
        user.display_name = Some("  ".into());
        assert_eq!(user.label(), "u-1");
        user.display_name = Some("Ann Lee".into());
        assert_eq!(user.label(), "Ann Lee");
    }

    #[test]
    fn typed_confirmation_accepts_the_id_or_the_name_only() {
        let user = User {
            id: "c8c8c4f8".into(),
            display_name: Some("Ann Lee".into()),
            ..User::default()
        };
        assert!(user.confirms("c8c8c4f8"));
        assert!(user.confirms("  ann lee "));
        assert!(!user.confirms("C8C8C4F8"), "ids are exact");
        assert!(!user.confirms("Ann"));
        assert!(!user.confirms(""));
        let nameless = User {
            id: "u1".into(),
            ..User::default()
        };
        assert!(!nameless.confirms(" "));
        assert!(nameless.confirms("u1"));
    }

    #[test]
    fn platforms_are_distinct_and_sorted() {
        let user = User {
            sessions: vec![
                session("ENROLLED", Some("IOS")),
                session("LOCKED", Some("ANDROID")),
                session("RESET", Some("IOS")),
                session("ENROLLED", None),
            ],
            ..User::default()
        };
        assert_eq!(user.platforms(), ["ANDROID", "IOS"]);
    }

    #[test]
    fn unknown_states_are_kept_and_may_be_signed_in() {
        assert_eq!(SessionState::parse("SUSPENDED").label(), "SUSPENDED");
        assert_eq!(SessionState::parse("RESET"), SessionState::Reset);
        assert_eq!(SessionState::parse(""), SessionState::Unknown);
        let signed_in: Vec<&str> = [
            "ENROLLED",
            "LOCKED",
            "RESET",
            "NEVER_ENROLLED",
            "ACTIVE",
            "",
            "X",
        ]
        .into_iter()
        .filter(|s| SessionState::parse(s).may_be_signed_in())
        .collect();
        assert_eq!(signed_in, ["ENROLLED", "ACTIVE", "", "X"]);
        for state in [
            "ENROLLED",
            "LOCKED",
            "RESET",
            "NEVER_ENROLLED",
            "ACTIVE",
            "X",
        ] {
            assert_eq!(SessionState::parse(state).wire(), state);
        }
    }

    #[test]
    fn sessions_are_named_by_user_and_device() {
        let user = User {
            id: "u".into(),
            display_name: Some("Ben".into()),
            ..User::default()
        };
        let mut device = Session::default();
        assert_eq!(session_label(&user, &device), "Ben – unnamed device");
        device.label = Some("Pixel 7".into());
        assert_eq!(session_label(&user, &device), "Ben – Pixel 7");
    }
}
