//! Which backend the console talks to and how it proves who it is: the kinds it knows, the
//! credentials, and the connect form's checks.

use super::capabilities::{AuthMethod, Capabilities};
use base64::Engine;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The kinds of backend the console knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Kind {
    /// JourneyApps Backend API v4.
    #[default]
    #[serde(rename = "journeyapps")]
    JourneyApps,
    /// PORTOS, a point-of-sale system's sessions API.
    #[cfg(feature = "portos")]
    #[serde(rename = "portos")]
    Portos,
    /// An "authenticated sessions" admin API.
    #[cfg(feature = "authsessions")]
    #[serde(rename = "authsessions")]
    AuthSessions,
    /// An Apache Usergrid application's users and devices.
    #[cfg(feature = "usergrid")]
    #[serde(rename = "usergrid")]
    Usergrid,
}

impl Kind {
    /// Every kind in this build, in the order the connect screen lists them.
    pub const ALL: &'static [Kind] = &[
        Kind::JourneyApps,
        #[cfg(feature = "portos")]
        Kind::Portos,
        #[cfg(feature = "authsessions")]
        Kind::AuthSessions,
        #[cfg(feature = "usergrid")]
        Kind::Usergrid,
    ];

    /// The name in `config.json` and in stored connections.
    pub fn key(self) -> &'static str {
        match self {
            Kind::JourneyApps => "journeyapps",
            #[cfg(feature = "portos")]
            Kind::Portos => "portos",
            #[cfg(feature = "authsessions")]
            Kind::AuthSessions => "authsessions",
            #[cfg(feature = "usergrid")]
            Kind::Usergrid => "usergrid",
        }
    }

    /// The kind `config.json` names, if the console knows it.
    pub fn parse(key: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.key() == key.trim())
    }

    /// What backends of this kind can do.
    pub fn capabilities(self) -> &'static Capabilities {
        match self {
            Kind::JourneyApps => &super::journeyapps::CAPABILITIES,
            #[cfg(feature = "portos")]
            Kind::Portos => &super::portos::CAPABILITIES,
            #[cfg(feature = "authsessions")]
            Kind::AuthSessions => &super::authsessions::CAPABILITIES,
            #[cfg(feature = "usergrid")]
            Kind::Usergrid => &super::usergrid::CAPABILITIES,
        }
    }
}

/// How the console proves who it is to a backend.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub enum Credentials {
    /// A JourneyApps Named Token, sent as `Bearer O:<token>`.
    NamedToken(String),
    /// HTTP Basic: for JourneyApps the backend deployment id and the API password.
    Basic { user: String, password: String },
    /// A PORTOS login, used once to sign in and never kept: it cannot be saved.
    #[serde(skip)]
    PortosLogin {
        user: String,
        password: String,
        device: String,
    },
    /// A PORTOS session's tokens, which the console refreshes before they expire.
    PortosSession {
        token_id: String,
        refresh_token: String,
    },
    /// A bearer token, sent as `Bearer <token>`.
    BearerToken(String),
    /// A Usergrid grant, used to get a token and never kept: it cannot be saved. (A client
    /// secret stays in memory while the tab lives, to get a new token when one expires.)
    #[serde(skip)]
    UsergridGrant(UsergridGrant),
    /// A Usergrid token and when it expires (Unix seconds), once the server said.
    UsergridToken {
        token: String,
        expires_at: Option<i64>,
    },
}

/// The two ways Usergrid grants a token.
#[derive(Clone, PartialEq)]
pub enum UsergridGrant {
    Password { username: String, password: String },
    Client { id: String, secret: String },
}

// Secrets never reach a log line: Debug shows only which kind of credential it is.
impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::NamedToken(_) => f.write_str("NamedToken(<redacted>)"),
            Credentials::Basic { user, .. } => write!(f, "Basic({user}, <redacted>)"),
            Credentials::PortosLogin { user, device, .. } => {
                write!(f, "PortosLogin({user}, <redacted>, {device})")
            }
            Credentials::PortosSession { .. } => f.write_str("PortosSession(<redacted>)"),
            Credentials::BearerToken(_) => f.write_str("BearerToken(<redacted>)"),
            Credentials::UsergridGrant(UsergridGrant::Password { username, .. }) => {
                write!(f, "UsergridPassword({username}, <redacted>)")
            }
            Credentials::UsergridGrant(UsergridGrant::Client { id, .. }) => {
                write!(f, "UsergridClient({id}, <redacted>)")
            }
            Credentials::UsergridToken { .. } => f.write_str("UsergridToken(<redacted>)"),
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
            Credentials::PortosSession { token_id, .. } => format!("Bearer {token_id}"),
            Credentials::UsergridToken { token, .. } => format!("Bearer {token}"),
            // A grant is the body of the token request, not a header.
            Credentials::UsergridGrant(_) => String::new(),
            Credentials::BearerToken(token) => {
                // A token pasted with its scheme is sent once with it.
                let token = token.trim();
                let token = token.strip_prefix("Bearer ").unwrap_or(token).trim();
                format!("Bearer {token}")
            }
            // A login is not sent as a header: it is the body of the login request.
            Credentials::PortosLogin { .. } => String::new(),
        }
    }

    /// True when nothing usable was entered.
    pub fn is_blank(&self) -> bool {
        match self {
            Credentials::NamedToken(token) => token.trim().trim_start_matches("O:").is_empty(),
            Credentials::Basic { user, password } => user.trim().is_empty() || password.is_empty(),
            Credentials::PortosLogin {
                user,
                password,
                device,
            } => user.trim().is_empty() || password.is_empty() || device.trim().is_empty(),
            Credentials::PortosSession { token_id, .. } => token_id.is_empty(),
            Credentials::BearerToken(token) => {
                token.trim().trim_start_matches("Bearer ").trim().is_empty()
            }
            Credentials::UsergridGrant(UsergridGrant::Password { username, password }) => {
                username.trim().is_empty() || password.is_empty()
            }
            Credentials::UsergridGrant(UsergridGrant::Client { id, secret }) => {
                id.trim().is_empty() || secret.is_empty()
            }
            Credentials::UsergridToken { token, .. } => token.is_empty(),
        }
    }
}

/// A backend and the credentials for it: what the console keeps while connected.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Connection {
    /// Connections saved before kinds existed are JourneyApps ones.
    #[serde(default)]
    pub kind: Kind,
    pub base_url: String,
    pub credentials: Credentials,
}

/// What the admin typed on the connect screen.
#[derive(Clone, Debug, PartialEq)]
pub struct ConnectForm {
    pub kind: Kind,
    pub base_url: String,
    pub method: AuthMethod,
    pub user: String,
    pub secret: String,
    /// The method's extra field (PORTOS' device name), when it has one.
    pub extra: String,
}

impl ConnectForm {
    /// Checks the form into a connection, or says in plain words what is missing.
    pub fn connection(&self) -> Result<Connection, String> {
        let capabilities = self.kind.capabilities();
        let base_url = self.base_url.trim().trim_end_matches('/').to_string();
        if base_url.is_empty() {
            return Err(format!(
                "Enter the base URL. {}",
                capabilities.base_url_hint
            ));
        }
        if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
            return Err("The base URL must start with https://".into());
        }
        if base_url.contains('?') || base_url.contains('#') {
            return Err("The base URL ends at its path: remove everything after it.".into());
        }
        if !capabilities.auth_methods.contains(&self.method) {
            return Err("Choose one of the offered ways to sign in.".into());
        }
        let credentials = match self.method {
            AuthMethod::NamedToken => Credentials::NamedToken(self.secret.trim().to_string()),
            AuthMethod::Basic => {
                // The Basic user name is the backend deployment id, the last part of the URL.
                let user = match self.user.trim() {
                    "" => base_url.rsplit('/').next().unwrap_or_default().to_string(),
                    typed => typed.to_string(),
                };
                Credentials::Basic {
                    user,
                    password: self.secret.clone(),
                }
            }
            AuthMethod::BearerToken => Credentials::BearerToken(self.secret.trim().to_string()),
            AuthMethod::UsergridPassword => Credentials::UsergridGrant(UsergridGrant::Password {
                username: self.user.trim().to_string(),
                password: self.secret.clone(),
            }),
            AuthMethod::UsergridClient => Credentials::UsergridGrant(UsergridGrant::Client {
                id: self.user.trim().to_string(),
                secret: self.secret.trim().to_string(),
            }),
            AuthMethod::PortosLogin => Credentials::PortosLogin {
                user: self.user.trim().to_string(),
                password: self.secret.clone(),
                device: self.extra.trim().to_string(),
            },
        };
        if credentials.is_blank() {
            return Err(self.method.missing_secret().into());
        }
        Ok(Connection {
            kind: self.kind,
            base_url,
            credentials,
        })
    }
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
        let connection = Connection {
            kind: Kind::JourneyApps,
            base_url: "https://x".into(),
            credentials: basic.clone(),
        };
        for text in [
            format!("{token:?}"),
            format!("{basic:?}"),
            format!("{connection:?}"),
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
    fn kinds_round_trip_and_old_connections_are_journeyapps() {
        for &kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.key()), Some(kind));
        }
        assert_eq!(Kind::parse("mainframe"), None);
        let old = r#"{"base_url":"https://x/api/v4/d","credentials":{"NamedToken":"t"}}"#;
        let connection: Connection = serde_json::from_str(old).unwrap();
        assert_eq!(connection.kind, Kind::JourneyApps);
        let saved = serde_json::to_string(&connection).unwrap();
        assert!(saved.contains(r#""kind":"journeyapps""#), "{saved}");
    }

    fn form(base_url: &str, method: AuthMethod) -> ConnectForm {
        ConnectForm {
            kind: Kind::JourneyApps,
            base_url: base_url.into(),
            method,
            user: String::new(),
            secret: "tok".into(),
            extra: String::new(),
        }
    }

    #[test]
    fn trims_the_base_url_and_keeps_the_token() {
        let c = form(" https://x.example/api/v4/dep/ ", AuthMethod::NamedToken)
            .connection()
            .unwrap();
        assert_eq!(c.base_url, "https://x.example/api/v4/dep");
        assert_eq!(c.credentials, Credentials::NamedToken("tok".into()));
        assert_eq!(c.kind, Kind::JourneyApps);
    }

    #[test]
    fn basic_user_defaults_to_the_deployment_id() {
        let c = form("https://x.example/api/v4/533bda", AuthMethod::Basic)
            .connection()
            .unwrap();
        assert_eq!(
            c.credentials,
            Credentials::Basic {
                user: "533bda".into(),
                password: "tok".into()
            }
        );
    }

    #[test]
    fn a_portos_login_is_never_saved_and_its_session_is_kept_redacted() {
        let login = ConnectForm {
            kind: Kind::Portos,
            base_url: "https://pos.example/portos".into(),
            method: AuthMethod::PortosLogin,
            user: " admin ".into(),
            secret: "p4ss".into(),
            extra: "Roster console".into(),
        }
        .connection()
        .unwrap();
        assert_eq!(
            login.credentials,
            Credentials::PortosLogin {
                user: "admin".into(),
                password: "p4ss".into(),
                device: "Roster console".into()
            }
        );
        assert!(
            serde_json::to_string(&login).is_err(),
            "a password is never stored"
        );
        assert!(!format!("{login:?}").contains("p4ss"));
        let session = Connection {
            credentials: Credentials::PortosSession {
                token_id: "t0k3n".into(),
                refresh_token: "r3fresh".into(),
            },
            ..login
        };
        assert_eq!(session.credentials.authorization(), "Bearer t0k3n");
        let saved = serde_json::to_string(&session).unwrap();
        assert_eq!(serde_json::from_str::<Connection>(&saved).unwrap(), session);
        assert!(!format!("{session:?}").contains("t0k3n"));
        let mut no_device = ConnectForm {
            kind: Kind::Portos,
            base_url: "https://pos.example".into(),
            method: AuthMethod::PortosLogin,
            user: "admin".into(),
            secret: "p".into(),
            extra: " ".into(),
        };
        assert!(no_device.connection().is_err());
        no_device.method = AuthMethod::NamedToken;
        assert!(
            no_device.connection().is_err(),
            "PORTOS offers only its login"
        );
    }

    #[test]
    fn says_what_is_missing() {
        let error = |f: ConnectForm| f.connection().unwrap_err();
        assert!(error(form("", AuthMethod::NamedToken)).contains("base URL"));
        assert!(error(form("ftp://x", AuthMethod::NamedToken)).contains("https"));
        assert!(form("https://x/api/v4/d?k=1", AuthMethod::NamedToken)
            .connection()
            .is_err());
        let mut no_token = form("https://x/api/v4/d", AuthMethod::NamedToken);
        no_token.secret = "  ".into();
        assert_eq!(error(no_token), "Enter the Named Token.");
        let mut no_password = form("https://x/api/v4/d", AuthMethod::Basic);
        no_password.secret.clear();
        assert_eq!(error(no_password), "Enter the API password.");
    }
}
