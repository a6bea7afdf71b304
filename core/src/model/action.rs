//! What an admin does to a user or one of its sessions, and the one set of rules of where each
//! action applies. The single buttons, the bulk runs and the policies all ask these rules, so
//! a button is enabled exactly where a bulk run would include the target.

use super::{Session, SessionId, User, UserId};

/// An action on one target, with the ids the backend needs.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Sign the user out everywhere and refuse new sign-ins; with `wipe`, delete app data too.
    Lock {
        user: UserId,
        wipe: bool,
    },
    /// Let a locked user sign in again.
    Unlock {
        user: UserId,
    },
    /// Delete the app data on one device at its next connection.
    WipeSession {
        user: UserId,
        session: SessionId,
    },
    /// Send one device back to the login screen; its data stays.
    ReAuthenticateSession {
        user: UserId,
        session: SessionId,
    },
    /// End one session: its token stops working at once.
    RevokeSession {
        user: UserId,
        session: SessionId,
    },
    /// Refuse the account's sign-ins (and its tokens) until enabled again.
    Disable {
        user: UserId,
    },
    Enable {
        user: UserId,
    },
    /// Turn the account off: not activated any more, every token ended.
    Deactivate {
        user: UserId,
    },
    /// End every token the user has: signed out everywhere, may sign in again.
    RevokeTokens {
        user: UserId,
    },
}

/// How an action that was carried out went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Performed {
    /// It was done now.
    Done,
    /// There was nothing left to do (say, the session was already gone): why, in words.
    AlreadyDone(&'static str),
}

/// What an action is done to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    User,
    Session,
}

/// An action without its target: what a button, a bulk run or a policy offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActionKind {
    Lock,
    LockAndWipe,
    Unlock,
    WipeSession,
    ReAuthenticateSession,
    RevokeSession,
    Disable,
    Enable,
    Deactivate,
    RevokeTokens,
}

impl ActionKind {
    /// Whether it acts on a user or on one session.
    pub fn scope(self) -> Scope {
        match self {
            ActionKind::Lock
            | ActionKind::LockAndWipe
            | ActionKind::Unlock
            | ActionKind::Disable
            | ActionKind::Enable
            | ActionKind::Deactivate
            | ActionKind::RevokeTokens => Scope::User,
            ActionKind::WipeSession
            | ActionKind::ReAuthenticateSession
            | ActionKind::RevokeSession => Scope::Session,
        }
    }

    /// The action's name, for the activity log, bulk results and dialog titles.
    pub fn name(self) -> &'static str {
        match self {
            ActionKind::Lock => "Lock",
            ActionKind::LockAndWipe => "Lock and wipe",
            ActionKind::Unlock => "Unlock",
            ActionKind::WipeSession => "Wipe session",
            ActionKind::ReAuthenticateSession => "Re-authenticate session",
            ActionKind::RevokeSession => "Revoke session",
            ActionKind::Disable => "Disable",
            ActionKind::Enable => "Enable",
            ActionKind::Deactivate => "Deactivate",
            ActionKind::RevokeTokens => "Sign out everywhere",
        }
    }

    /// The words on a button that opens its confirmation.
    pub fn button(self) -> &'static str {
        match self {
            ActionKind::Lock => "Lock…",
            ActionKind::LockAndWipe => "Lock and wipe…",
            ActionKind::Unlock => "Unlock…",
            ActionKind::WipeSession => "Wipe…",
            ActionKind::ReAuthenticateSession => "Re-authenticate…",
            ActionKind::RevokeSession => "Revoke…",
            ActionKind::Disable => "Disable…",
            ActionKind::Enable => "Enable",
            ActionKind::Deactivate => "Deactivate…",
            ActionKind::RevokeTokens => "Sign out everywhere…",
        }
    }

    /// A name for element ids and classes (`bulk-lock-wipe`, `button.wipe`).
    pub fn key(self) -> &'static str {
        match self {
            ActionKind::Lock => "lock",
            ActionKind::LockAndWipe => "lock-wipe",
            ActionKind::Unlock => "unlock",
            ActionKind::WipeSession => "wipe",
            ActionKind::ReAuthenticateSession => "reauthenticate",
            ActionKind::RevokeSession => "revoke",
            ActionKind::Disable => "disable",
            ActionKind::Enable => "enable",
            ActionKind::Deactivate => "deactivate",
            ActionKind::RevokeTokens => "revoke-tokens",
        }
    }

    /// Whether a user's page offers it on every session of the user at once: revoking them all
    /// is how a backend without a lock signs someone out everywhere.
    pub fn offered_for_all_sessions(self) -> bool {
        self == ActionKind::RevokeSession
    }

    /// True when the action deletes data for good: it is confirmed by typing.
    pub fn destroys_data(self) -> bool {
        matches!(self, ActionKind::LockAndWipe | ActionKind::WipeSession)
    }

    /// Whether it is always confirmed by typing: it deletes data for good, or cuts a user off
    /// for good (deactivate ends every token and the account's activation).
    pub fn typed(self) -> bool {
        self.destroys_data() || self == ActionKind::Deactivate
    }

    /// Whether confirming it on `user` (or one of their sessions) asks for typing: it is typed
    /// anyway, or it acts on an operator, whose sessions run the product.
    pub fn confirmed_by_typing(self, user: &User) -> bool {
        self.typed() || user.operator
    }

    /// What a bulk confirmation warns of, for an action that cannot simply be undone.
    pub fn warning(self) -> Option<&'static str> {
        match self {
            ActionKind::LockAndWipe | ActionKind::WipeSession => Some(
                "This permanently deletes app data on the devices, including anything not yet \
                 uploaded. It cannot be undone.",
            ),
            ActionKind::Deactivate => Some(
                "Deactivating ends every token of each user at once: they are signed out \
                 everywhere and cannot sign in until their account is activated again.",
            ),
            _ => None,
        }
    }

    /// Whether the tables offer it on many users at once: deactivating is done one user at a
    /// time.
    pub fn in_bulk(self) -> bool {
        self != ActionKind::Deactivate
    }

    /// Whether it is sent without a confirmation: it gives access back, nothing is lost.
    pub fn unconfirmed(self) -> bool {
        matches!(self, ActionKind::Unlock | ActionKind::Enable)
    }

    /// The action on `user`, or None where it does not apply: locking a locked user, unlocking
    /// an unlocked one, or any session action.
    pub fn on_user(self, user: &User) -> Option<Action> {
        let id = || user.id.clone();
        match self {
            // Locking again would change nothing: a locked user's devices are already signed
            // out, and the wipe of a lock only reaches ENROLLED sessions.
            ActionKind::Lock if !user.locked => Some(Action::Lock {
                user: id(),
                wipe: false,
            }),
            ActionKind::LockAndWipe if !user.locked => Some(Action::Lock {
                user: id(),
                wipe: true,
            }),
            ActionKind::Unlock if user.locked => Some(Action::Unlock { user: id() }),
            ActionKind::Disable if !user.disabled => Some(Action::Disable { user: id() }),
            ActionKind::Enable if user.disabled => Some(Action::Enable { user: id() }),
            ActionKind::Deactivate if user.activated != Some(false) => {
                Some(Action::Deactivate { user: id() })
            }
            // Tokens can always be ended; a user without any loses nothing.
            ActionKind::RevokeTokens => Some(Action::RevokeTokens { user: id() }),
            _ => None,
        }
    }

    /// The action on `session` of `user`, or None where it does not apply: re-authenticating
    /// a device that is already signed out, wiping one already waiting for its wipe, or any
    /// user action.
    pub fn on_session(self, user: &User, session: &Session) -> Option<Action> {
        let (user, session_id) = (user.id.clone(), session.id.clone());
        match self {
            ActionKind::ReAuthenticateSession if session.state.may_be_signed_in() => {
                Some(Action::ReAuthenticateSession {
                    user,
                    session: session_id,
                })
            }
            ActionKind::RevokeSession if session.state.may_be_signed_in() => {
                Some(Action::RevokeSession {
                    user,
                    session: session_id,
                })
            }
            ActionKind::WipeSession if session.state != super::SessionState::Reset => {
                Some(Action::WipeSession {
                    user,
                    session: session_id,
                })
            }
            _ => None,
        }
    }
}

/// What reading a target back says about an action whose answer was lost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seen {
    /// Its effect is there: it ran (or something else did the same).
    Done,
    /// Its effect is not there: it did not run.
    NotDone,
    /// The session it was on no longer exists.
    Gone,
}

impl Seen {
    /// How it was settled, for the results.
    pub fn how(self) -> &'static str {
        match self {
            Seen::Done => "Read back: done",
            Seen::NotDone => "Read back: not done",
            Seen::Gone => "Read back: it no longer exists",
        }
    }
}

impl Action {
    /// Whether `user`, as read now, shows this action's effect: a locked user was locked, a
    /// session that is signed out was re-authenticated, one waiting for its wipe was wiped.
    pub fn seen_in(&self, user: &User) -> Seen {
        let session = |id: &SessionId| user.session(id);
        let seen = |done: bool| if done { Seen::Done } else { Seen::NotDone };
        match self {
            Action::Lock { .. } => seen(user.locked),
            Action::Unlock { .. } => seen(!user.locked),
            Action::Disable { .. } => seen(user.disabled),
            Action::Enable { .. } => seen(!user.disabled),
            Action::Deactivate { .. } => seen(user.activated == Some(false)),
            // Tokens ended leave no trace to read; sending it again is harmless, so it counts
            // as not done and may be retried.
            Action::RevokeTokens { .. } => Seen::NotDone,
            Action::WipeSession { session: id, .. } => {
                session(id).map_or(Seen::Gone, |s| seen(s.state == super::SessionState::Reset))
            }
            Action::ReAuthenticateSession { session: id, .. } => {
                session(id).map_or(Seen::Gone, |s| seen(!s.state.may_be_signed_in()))
            }
            // A revoked session is gone: that is the effect.
            Action::RevokeSession { session: id, .. } => {
                session(id).map_or(Seen::Done, |s| seen(!s.state.may_be_signed_in()))
            }
        }
    }

    /// What kind of action this is.
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::Lock { wipe: false, .. } => ActionKind::Lock,
            Action::Lock { wipe: true, .. } => ActionKind::LockAndWipe,
            Action::Unlock { .. } => ActionKind::Unlock,
            Action::Disable { .. } => ActionKind::Disable,
            Action::Enable { .. } => ActionKind::Enable,
            Action::Deactivate { .. } => ActionKind::Deactivate,
            Action::RevokeTokens { .. } => ActionKind::RevokeTokens,
            Action::WipeSession { .. } => ActionKind::WipeSession,
            Action::ReAuthenticateSession { .. } => ActionKind::ReAuthenticateSession,
            Action::RevokeSession { .. } => ActionKind::RevokeSession,
        }
    }

    /// The user it is on.
    pub fn user(&self) -> &UserId {
        match self {
            Action::Lock { user, .. }
            | Action::Unlock { user }
            | Action::WipeSession { user, .. }
            | Action::ReAuthenticateSession { user, .. }
            | Action::RevokeSession { user, .. }
            | Action::Disable { user }
            | Action::Enable { user }
            | Action::Deactivate { user }
            | Action::RevokeTokens { user } => user,
        }
    }

    /// The session it is on, for a session action.
    pub fn session(&self) -> Option<&SessionId> {
        match self {
            Action::WipeSession { session, .. }
            | Action::ReAuthenticateSession { session, .. }
            | Action::RevokeSession { session, .. } => Some(session),
            _ => None,
        }
    }

    /// True when the action deletes data for good.
    pub fn destroys_data(&self) -> bool {
        self.kind().destroys_data()
    }

    /// The action's name, for the activity log and bulk results.
    pub fn name(&self) -> &'static str {
        self.kind().name()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SessionState;

    fn user(locked: bool, states: &[&str]) -> User {
        User {
            id: "u".into(),
            locked,
            sessions: states
                .iter()
                .enumerate()
                .map(|(i, state)| Session {
                    id: format!("s{i}").into(),
                    state: SessionState::parse(state),
                    ..Session::default()
                })
                .collect(),
            ..User::default()
        }
    }

    const ALL: [ActionKind; 6] = [
        ActionKind::Lock,
        ActionKind::LockAndWipe,
        ActionKind::Unlock,
        ActionKind::WipeSession,
        ActionKind::ReAuthenticateSession,
        ActionKind::RevokeSession,
    ];

    #[test]
    fn user_actions_apply_where_they_change_something() {
        let applies = |kind: ActionKind, locked| kind.on_user(&user(locked, &[])).is_some();
        for locked in [false, true] {
            assert_eq!(applies(ActionKind::Lock, locked), !locked);
            assert_eq!(applies(ActionKind::LockAndWipe, locked), !locked);
            assert_eq!(applies(ActionKind::Unlock, locked), locked);
            assert!(!applies(ActionKind::WipeSession, locked));
            assert!(!applies(ActionKind::ReAuthenticateSession, locked));
        }
        assert_eq!(
            ActionKind::LockAndWipe.on_user(&user(false, &[])),
            Some(Action::Lock {
                user: "u".into(),
                wipe: true
            })
        );
    }

    #[test]
    fn session_actions_apply_by_state() {
        let states = [
            "ENROLLED",
            "LOCKED",
            "RESET",
            "NEVER_ENROLLED",
            "ACTIVE",
            "",
            "SUSPENDED",
        ];
        let owner = user(false, &states);
        let applies = |kind: ActionKind| -> Vec<&str> {
            owner
                .sessions
                .iter()
                .zip(states)
                .filter(|(s, _)| kind.on_session(&owner, s).is_some())
                .map(|(_, state)| state)
                .collect()
        };
        assert_eq!(
            applies(ActionKind::ReAuthenticateSession),
            ["ENROLLED", "ACTIVE", "", "SUSPENDED"]
        );
        assert_eq!(
            applies(ActionKind::RevokeSession),
            applies(ActionKind::ReAuthenticateSession),
            "both end a signed-in session"
        );
        assert_eq!(
            applies(ActionKind::WipeSession),
            [
                "ENROLLED",
                "LOCKED",
                "NEVER_ENROLLED",
                "ACTIVE",
                "",
                "SUSPENDED"
            ]
        );
        for kind in [
            ActionKind::Lock,
            ActionKind::LockAndWipe,
            ActionKind::Unlock,
        ] {
            assert!(applies(kind).is_empty(), "{kind:?}");
        }
    }

    #[test]
    fn reading_back_shows_whether_an_action_ran() {
        let mut owner = user(false, &["ENROLLED", "LOCKED"]);
        let lock = ActionKind::Lock.on_user(&owner).unwrap();
        let reauth = ActionKind::ReAuthenticateSession
            .on_session(&owner, &owner.sessions[0])
            .unwrap();
        let wipe = ActionKind::WipeSession
            .on_session(&owner, &owner.sessions[1])
            .unwrap();
        for action in [&lock, &reauth, &wipe] {
            assert_eq!(action.seen_in(&owner), Seen::NotDone, "{action:?}");
        }
        owner.locked = true;
        owner.sessions[0].state = SessionState::Locked;
        owner.sessions[1].state = SessionState::Reset;
        for action in [&lock, &reauth, &wipe] {
            assert_eq!(action.seen_in(&owner), Seen::Done, "{action:?}");
        }
        assert_eq!(
            Action::Unlock { user: "u".into() }.seen_in(&owner),
            Seen::NotDone
        );
        let revoke = Action::RevokeSession {
            user: "u".into(),
            session: "s0".into(),
        };
        assert_eq!(revoke.seen_in(&owner), Seen::Done, "signed out");
        owner.sessions.clear();
        assert_eq!(reauth.seen_in(&owner), Seen::Gone);
        assert_eq!(
            revoke.seen_in(&owner),
            Seen::Done,
            "gone is what a revoke does"
        );
        assert_eq!(Seen::Gone.how(), "Read back: it no longer exists");
    }

    #[test]
    fn every_action_knows_its_kind_targets_and_risk() {
        let owner = user(false, &["ENROLLED"]);
        let session = &owner.sessions[0];
        for kind in ALL {
            let action = match kind.scope() {
                Scope::User => kind
                    .on_user(&owner)
                    .or_else(|| kind.on_user(&user(true, &[]))),
                Scope::Session => kind.on_session(&owner, session),
            }
            .unwrap();
            assert_eq!(action.kind(), kind);
            assert_eq!(action.user().as_str(), "u");
            assert_eq!(action.session().is_some(), kind.scope() == Scope::Session);
            assert_eq!(
                action.destroys_data(),
                matches!(kind, ActionKind::LockAndWipe | ActionKind::WipeSession)
            );
        }
    }
}
