//! What a backend can do, declared once per kind: the pages, columns, filters and actions the
//! console offers for it, how the connect screen asks for its credentials, and whether the
//! server can run batches or answer queries itself. Pages read this; they never name a kind.

use crate::model::action::{ActionKind, Scope};
use crate::model::{SessionState, UserStatus};
use crate::policy::Policy;
use crate::table::sessions::{SessionColumn, SessionFilter};
use crate::table::users::{UserColumn, UserFilter};

/// A section of the console, in the top bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Users,
    Sessions,
    Policy,
    Activity,
}

/// A text field of the connect screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    /// The element id (tests and labels use it).
    pub id: &'static str,
    pub label: &'static str,
    pub placeholder: &'static str,
    /// The browser's autocomplete hint.
    pub autocomplete: &'static str,
    /// What the field holds before the admin types.
    pub value: &'static str,
}

/// A way the connect screen asks for credentials.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthMethod {
    /// A JourneyApps Named Token.
    NamedToken,
    /// HTTP Basic: JourneyApps' backend deployment id and API password.
    Basic,
    /// PORTOS' login: user name, password and the name this console signs in as. The password
    /// is used once, for the login; the session's tokens are kept instead.
    PortosLogin,
    /// A bearer token, sent as `Authorization: Bearer <token>`.
    BearerToken,
    /// Usergrid's password grant: an administrator's user name and password, used once for
    /// a token.
    UsergridPassword,
    /// Usergrid's client credentials grant: the application's client id and secret.
    UsergridClient,
}

impl AuthMethod {
    /// The name in element ids (`auth-basic`).
    pub fn key(self) -> &'static str {
        match self {
            AuthMethod::NamedToken => "token",
            AuthMethod::Basic => "basic",
            AuthMethod::PortosLogin => "login",
            AuthMethod::BearerToken => "bearer",
            AuthMethod::UsergridPassword => "password",
            AuthMethod::UsergridClient => "client",
        }
    }

    /// The choice as the connect screen offers it.
    pub fn label(self) -> &'static str {
        match self {
            AuthMethod::NamedToken => "Named Token",
            AuthMethod::Basic => "Basic (deployment id and API password)",
            AuthMethod::PortosLogin => "User name and password",
            AuthMethod::BearerToken => "Bearer token",
            AuthMethod::UsergridPassword => "Administrator (user name and password)",
            AuthMethod::UsergridClient => "Client id and secret",
        }
    }

    /// The user name field, for methods that have one.
    pub fn user_field(self) -> Option<Field> {
        match self {
            AuthMethod::NamedToken | AuthMethod::BearerToken => None,
            AuthMethod::Basic => Some(Field {
                id: "basic-user",
                label: "User (backend deployment id)",
                placeholder: "Taken from the base URL if left empty",
                autocomplete: "username",
                value: "",
            }),
            AuthMethod::UsergridPassword => Some(Field {
                id: "ug-user",
                label: "User name",
                placeholder: "",
                autocomplete: "username",
                value: "",
            }),
            AuthMethod::UsergridClient => Some(Field {
                id: "client-id",
                label: "Client id",
                placeholder: "",
                autocomplete: "off",
                value: "",
            }),
            AuthMethod::PortosLogin => Some(Field {
                id: "login-user",
                label: "User name",
                placeholder: "",
                autocomplete: "username",
                value: "",
            }),
        }
    }

    /// A third field some ways ask for: PORTOS' device name, the name the console's session
    /// shows among the others.
    pub fn extra_field(self) -> Option<Field> {
        match self {
            AuthMethod::PortosLogin => Some(Field {
                id: "device-name",
                label: "Device name",
                placeholder: "",
                autocomplete: "off",
                value: "Roster console",
            }),
            _ => None,
        }
    }

    /// The secret's field: always a password field, never shown on screen.
    pub fn secret_field(self) -> Field {
        match self {
            AuthMethod::NamedToken => Field {
                id: "token",
                label: "Named Token",
                placeholder: "",
                autocomplete: "off",
                value: "",
            },
            AuthMethod::Basic => Field {
                id: "basic-password",
                label: "API password",
                placeholder: "",
                autocomplete: "current-password",
                value: "",
            },
            AuthMethod::UsergridPassword => Field {
                id: "ug-password",
                label: "Password",
                placeholder: "",
                autocomplete: "current-password",
                value: "",
            },
            AuthMethod::UsergridClient => Field {
                id: "client-secret",
                label: "Client secret",
                placeholder: "",
                autocomplete: "off",
                value: "",
            },
            AuthMethod::BearerToken => Field {
                id: "bearer-token",
                label: "Bearer token",
                placeholder: "",
                autocomplete: "off",
                value: "",
            },
            AuthMethod::PortosLogin => Field {
                id: "login-password",
                label: "Password",
                placeholder: "",
                autocomplete: "current-password",
                value: "",
            },
        }
    }

    /// What to say when the secret is missing.
    pub fn missing_secret(self) -> &'static str {
        match self {
            AuthMethod::NamedToken => "Enter the Named Token.",
            AuthMethod::Basic => "Enter the API password.",
            AuthMethod::PortosLogin => "Enter the user name and the password.",
            AuthMethod::BearerToken => "Enter the bearer token.",
            AuthMethod::UsergridPassword => "Enter the user name and the password.",
            AuthMethod::UsergridClient => "Enter the client id and the client secret.",
        }
    }
}

/// Everything the console may offer for one kind of backend.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Capabilities {
    /// The product, as the connect screen names it.
    pub name: &'static str,
    /// What the connect screen calls the address: "Base URL", "Server address".
    pub base_url_label: &'static str,
    /// The address field's placeholder and the hint under it.
    pub base_url_placeholder: &'static str,
    pub base_url_hint: &'static str,
    /// The ways to sign in, the first preselected.
    pub auth_methods: &'static [AuthMethod],
    /// The sections of the top bar, the first being where the console opens.
    pub sections: &'static [Section],
    /// The users table's columns, those it can be sorted by, its filters and what its search
    /// matches (the placeholder says it).
    pub user_columns: &'static [UserColumn],
    pub user_sorts: &'static [UserColumn],
    pub user_filters: &'static [UserFilter],
    pub user_search: &'static str,
    /// The statuses the users table's status filter lists.
    pub user_statuses: &'static [UserStatus],
    /// The all-sessions table's columns, those it can be sorted by, its filters, what its
    /// search matches, and its CSV columns.
    pub session_columns: &'static [SessionColumn],
    pub session_sorts: &'static [SessionColumn],
    pub session_filters: &'static [SessionFilter],
    pub session_search: &'static str,
    pub session_csv_columns: &'static [SessionColumn],
    /// The environments the environment filter lists.
    pub environments: &'static [&'static str],
    /// The states the sessions table's state filter lists.
    pub session_states: &'static [SessionState],
    /// The columns of one user's sessions on the user page, and what they are called there
    /// ("sessions", "devices").
    pub user_session_columns: &'static [SessionColumn],
    pub sessions_noun: &'static str,
    /// The actions offered, on users and on sessions, single and bulk.
    pub actions: &'static [ActionKind],
    /// Whether a user can be given an enrollment code (QR).
    pub enrollment: bool,
    /// Whether the server runs many actions in one request.
    pub server_batch: bool,
    /// Whether the server filters, sorts and pages the sessions listing itself.
    pub sessions_on_server: bool,
    /// Whether the server filters, sorts and pages the users listing itself.
    pub users_on_server: bool,
    /// Whether the user listing carries each user's sessions; when not, the pages that show
    /// sessions read each user's in turn.
    pub users_with_sessions: bool,
    /// The policy of the policy section.
    pub policy: Option<&'static Policy>,
}

impl Capabilities {
    /// Whether `kind` is offered.
    pub fn offers(&self, kind: ActionKind) -> bool {
        self.actions.contains(&kind)
    }

    /// The offered actions on `scope` (users or sessions), in order.
    pub fn actions_on(&self, scope: Scope) -> impl Iterator<Item = ActionKind> + '_ {
        self.actions
            .iter()
            .copied()
            .filter(move |kind| kind.scope() == scope)
    }

    /// Whether the top bar has `section`.
    pub fn has(&self, section: Section) -> bool {
        self.sections.contains(&section)
    }

    /// Whether the users table offers `filter`.
    pub fn user_filter(&self, filter: UserFilter) -> bool {
        self.user_filters.contains(&filter)
    }

    /// Whether the sessions table offers `filter`.
    pub fn session_filter(&self, filter: SessionFilter) -> bool {
        self.session_filters.contains(&filter)
    }
}
