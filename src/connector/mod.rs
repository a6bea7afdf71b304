//! Backends behind one interface: a connector turns domain requests into HTTP requests and HTTP
//! responses into domain values or typed errors. Connectors are pure Rust over [`Transport`], so
//! they are tested natively against the documented examples.

pub mod journeyapps;

use base64::Engine;
use std::fmt;

/// HTTP methods the connectors use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

/// A request as a connector describes it; the transport sends it.
#[derive(Clone, PartialEq)]
pub struct HttpRequest {
    pub method: Method,
    pub url: String,
    pub authorization: String,
    /// A JSON body, sent with `Content-Type: application/json`.
    pub json_body: Option<String>,
}

// The Authorization header is a secret: never printed, even in debug output.
impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("authorization", &"<redacted>")
            .field("json_body", &self.json_body)
            .finish()
    }
}

/// What came back: the status and the body as text.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpResponse {
    pub status: u16,
    pub body: String,
}

/// The request never got an HTTP answer (network down, CORS refused, bad URL).
#[derive(Clone, Debug, PartialEq)]
pub struct TransportError(pub String);

/// Sends requests and waits; the browser implementation lives in `crate::transport`.
// The app runs on one browser thread, so the futures need not be Send.
#[allow(async_fn_in_trait)]
pub trait Transport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError>;
    /// Waits before a retry.
    async fn sleep(&self, millis: u32);
    /// A number in 0..1 that spreads retries out; fixed unless the transport has randomness.
    fn jitter(&self) -> f64 {
        0.5
    }
}

/// How the console proves who it is to a backend.
#[derive(Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Credentials {
    /// A JourneyApps Named Token, sent as `Bearer O:<token>`.
    NamedToken(String),
    /// HTTP Basic: for JourneyApps the backend deployment id and the API password.
    Basic { user: String, password: String },
}

// Secrets never reach a log line: Debug shows only which kind of credential it is.
impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::NamedToken(_) => f.write_str("NamedToken(<redacted>)"),
            Credentials::Basic { user, .. } => write!(f, "Basic({user}, <redacted>)"),
        }
    }
}

impl Credentials {
    /// The value of the `Authorization` header.
    pub fn authorization(&self) -> String {
        match self {
            Credentials::NamedToken(token) => {
                // The Manage API page shows the bare token; the header wants it after "O:".
                let token = token.trim();
                let token = token.strip_prefix("O:").unwrap_or(token);
                format!("Bearer O:{token}")
            }
            Credentials::Basic { user, password } => {
                let pair = format!("{}:{}", user.trim(), password);
                format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(pair)
                )
            }
        }
    }

    /// True when nothing usable was entered.
    pub fn is_blank(&self) -> bool {
        match self {
            Credentials::NamedToken(token) => token.trim().trim_start_matches("O:").is_empty(),
            Credentials::Basic { user, password } => user.trim().is_empty() || password.is_empty(),
        }
    }
}

/// Why a backend call failed, in the categories the console reacts to differently.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// 401: the credentials were refused; the console returns to the connect screen.
    Unauthorized { detail: String },
    /// 404 ACCOUNT_NOT_FOUND: no deployment with the id in the base URL.
    AccountNotFound { detail: String },
    /// 404 OBJECT_NOT_FOUND: the user or session does not exist (any more).
    NotFound { detail: String },
    /// 429: over the backend's rate limit, even after waiting and retrying.
    RateLimited,
    /// Another documented error (400, 404 ROUTE_ERROR, 422, 500…) with its type and detail.
    Backend {
        status: u16,
        kind: String,
        detail: String,
    },
    /// An answer that is not what this API sends: wrong URL, a proxy page, broken JSON.
    Unexpected { status: u16, what: String },
    /// No HTTP answer at all.
    Network { detail: String },
}

impl ApiError {
    /// The message shown to the admin, in plain words.
    pub fn message(&self) -> String {
        match self {
            // The backend's own detail is left out: it may describe the credentials it saw.
            ApiError::Unauthorized { .. } => {
                "The backend refused these credentials (401). Check the token or password.".into()
            }
            ApiError::AccountNotFound { .. } => "No deployment has the id in this base URL (404). \
                 Copy the base URL again from the deployment's Manage API page."
                .to_string(),
            ApiError::NotFound { detail } => {
                format!("Not found: it may have been deleted. {detail}")
            }
            ApiError::RateLimited => "The backend is receiving too many requests (429) and still \
                 refused after waiting. Wait a minute and try again."
                .to_string(),
            ApiError::Backend {
                status,
                kind,
                detail,
            } => {
                format!(
                    "The backend answered {status} {}: {detail}",
                    readable_kind(kind)
                )
            }
            ApiError::Unexpected { status, what } => format!(
                "This does not look like a JourneyApps API (HTTP {status}: {what}). Check that the \
                 base URL ends in /api/v4/<backend deployment id>."
            ),
            ApiError::Network { detail } => format!(
                "Could not reach the backend ({detail}). Check the URL and your network. If the \
                 URL is right, the backend may not allow calls from a browser (CORS): it must \
                 allow this console's origin, or Roster must be served from the API's own origin."
            ),
        }
    }

    /// Whether the console should forget the credentials and show the connect screen.
    pub fn needs_reconnect(&self) -> bool {
        matches!(self, ApiError::Unauthorized { .. })
    }
}

/// Why one operation of a batch failed, in plain words: "object not found: No user u-9".
pub fn operation_failure(kind: &str, detail: &str) -> String {
    let kind = readable_kind(kind);
    let mut words = kind.chars();
    let kind: String = words
        .next()
        .map(|first| first.to_uppercase().chain(words).collect())
        .unwrap_or_default();
    if detail.trim().is_empty() {
        kind
    } else {
        format!("{kind}: {detail}")
    }
}

/// `INVALID_API_REQUEST` → "invalid API request".
fn readable_kind(kind: &str) -> String {
    kind.replace('_', " ").to_lowercase().replace("api", "API")
}

/// Something an admin does to a user or one of its sessions.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Sign the user out everywhere and refuse new sign-ins; with `wipe`, delete app data too.
    Lock { user_id: String, wipe: bool },
    /// Let a locked user sign in again.
    Unlock { user_id: String },
    /// Delete the app data on one device at its next connection.
    WipeSession { user_id: String, session_id: String },
    /// Send one device back to the login screen; its data stays.
    ReAuthenticateSession { user_id: String, session_id: String },
}

impl Action {
    /// True when the action deletes data for good: the console asks for a typed confirmation.
    pub fn destroys_data(&self) -> bool {
        matches!(
            self,
            Action::Lock { wipe: true, .. } | Action::WipeSession { .. }
        )
    }

    /// The action's name, for the activity log and bulk results.
    pub fn name(&self) -> &'static str {
        match self {
            Action::Lock { wipe: false, .. } => "Lock",
            Action::Lock { wipe: true, .. } => "Lock and wipe",
            Action::Unlock { .. } => "Unlock",
            Action::WipeSession { .. } => "Wipe session",
            Action::ReAuthenticateSession { .. } => "Re-authenticate session",
        }
    }

    /// What happened, for the notice after success; `who` names the user.
    pub fn done_message(&self, who: &str) -> String {
        match self {
            Action::Lock { wipe: false, .. } => {
                format!("Locked {who}: every device is signed out.")
            }
            Action::Lock { wipe: true, .. } => {
                format!("Locked {who}: every device is signed out and its app data will be wiped.")
            }
            Action::Unlock { .. } => format!("Unlocked {who}: they can sign in again."),
            Action::WipeSession { .. } => {
                format!("The device of {who} will be wiped when it next connects.")
            }
            Action::ReAuthenticateSession { .. } => {
                format!("The device of {who} must sign in again.")
            }
        }
    }
}

/// What a backend can do; the console offers only these actions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Capabilities {
    pub lock_user: bool,
    pub wipe_session: bool,
    pub reauthenticate_session: bool,
    pub enrollment_token: bool,
    pub batch: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_token_header_adds_the_prefix_once() {
        assert_eq!(
            Credentials::NamedToken("abc".into()).authorization(),
            "Bearer O:abc"
        );
        assert_eq!(
            Credentials::NamedToken(" O:abc ".into()).authorization(),
            "Bearer O:abc"
        );
    }

    #[test]
    fn basic_header_is_base64_of_user_and_password() {
        let creds = Credentials::Basic {
            user: "533bda53".into(),
            password: "p:ss".into(),
        };
        // base64("533bda53:p:ss")
        assert_eq!(creds.authorization(), "Basic NTMzYmRhNTM6cDpzcw==");
    }

    #[test]
    fn secrets_never_show_in_debug_output() {
        let token = Credentials::NamedToken("s3cret-token".into());
        let basic = Credentials::Basic {
            user: "dep".into(),
            password: "s3cret-pw".into(),
        };
        let request = HttpRequest {
            method: Method::Get,
            url: "https://x/users".into(),
            authorization: token.authorization(),
            json_body: None,
        };
        for text in [
            format!("{token:?}"),
            format!("{basic:?}"),
            format!("{request:?}"),
        ] {
            assert!(!text.contains("s3cret"), "{text}");
        }
    }

    #[test]
    fn blank_credentials_are_detected() {
        assert!(Credentials::NamedToken(" O: ".into()).is_blank());
        assert!(Credentials::Basic {
            user: "dep".into(),
            password: String::new()
        }
        .is_blank());
        assert!(!Credentials::NamedToken("t".into()).is_blank());
    }

    #[test]
    fn only_wipes_destroy_data() {
        let user_id = || "u".to_string();
        let session_id = || "s".to_string();
        assert!(Action::Lock {
            user_id: user_id(),
            wipe: true
        }
        .destroys_data());
        assert!(Action::WipeSession {
            user_id: user_id(),
            session_id: session_id()
        }
        .destroys_data());
        assert!(!Action::Lock {
            user_id: user_id(),
            wipe: false
        }
        .destroys_data());
        assert!(!Action::Unlock { user_id: user_id() }.destroys_data());
        let reauth = Action::ReAuthenticateSession {
            user_id: user_id(),
            session_id: session_id(),
        };
        assert!(!reauth.destroys_data());
        assert_eq!(
            reauth.done_message("Ann Lee"),
            "The device of Ann Lee must sign in again."
        );
    }

    #[test]
    fn messages_are_plain_words() {
        let err = ApiError::Backend {
            status: 422,
            kind: "INVALID_VALUE".into(),
            detail: "User is locked".into(),
        };
        assert_eq!(
            err.message(),
            "The backend answered 422 invalid value: User is locked"
        );
        assert!(ApiError::Network { detail: "x".into() }
            .message()
            .contains("CORS"));
        assert!(ApiError::Unauthorized {
            detail: String::new()
        }
        .needs_reconnect());
        assert!(!ApiError::RateLimited.needs_reconnect());
    }
}
