//! Why a backend call failed, in the categories the console reacts to differently, each with
//! a message in plain words that never repeats a secret.

/// Why a backend call failed.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// 401: the credentials were refused; the console returns to the connect screen.
    Unauthorized { detail: String },
    /// The console's own session on the backend ended (revoked, logged out, or expired past
    /// refreshing): why, in words. The console returns to the connect screen.
    SessionEnded { why: &'static str },
    /// JourneyApps' 404 ACCOUNT_NOT_FOUND: no deployment with the id in the base URL.
    AccountNotFound { detail: String },
    /// The user or session does not exist (any more).
    NotFound { detail: String },
    /// 429: over the backend's rate limit, even after waiting and retrying.
    RateLimited,
    /// Another documented error with its type (the backend's code) and detail.
    Backend {
        status: u16,
        kind: String,
        detail: String,
    },
    /// An answer that is not what this API sends: wrong URL, a proxy page, broken JSON.
    Unexpected {
        status: u16,
        what: String,
        /// The API expected, "a JourneyApps API", and how to check the base URL.
        api: &'static str,
        url_hint: &'static str,
    },
    /// No HTTP answer at all.
    Network { detail: String },
    /// The page that asked was left, so the console called the request off.
    Cancelled,
    /// The console is not connected to any backend.
    NotConnected,
    /// This backend does not offer the operation.
    Unsupported,
}

impl ApiError {
    /// The message shown to the admin, in plain words.
    pub fn message(&self) -> String {
        match self {
            // The backend's own detail is left out: it may describe the credentials it saw.
            ApiError::Unauthorized { .. } => {
                "The backend refused these credentials (401). Check the token or password.".into()
            }
            ApiError::SessionEnded { why } => why.to_string(),
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
            ApiError::Unexpected {
                status,
                what,
                api,
                url_hint,
            } => format!(
                "This does not look like {api} (HTTP {status}: {what}). Check that {url_hint}."
            ),
            ApiError::Network { detail } => format!(
                "Could not reach the backend ({detail}). Check the URL and your network. If the \
                 URL is right, the backend may not allow calls from a browser (CORS): serve the \
                 console through Roster's proxy, which calls the backend for it."
            ),
            ApiError::Cancelled => "The request was called off.".to_string(),
            ApiError::NotConnected => "Not connected to a backend.".to_string(),
            ApiError::Unsupported => "This backend does not offer that.".to_string(),
        }
    }

    /// What a target whose answer was lost says in the results: that it may have run, and the
    /// cause in a few words.
    pub fn lost_answer(&self) -> String {
        let cause = self.lost_cause().unwrap_or_else(|| self.message());
        format!("No usable answer came back ({cause}), so it may have run.")
    }

    /// Why an answer was lost, in a few words of the transport's or the backend's own (None:
    /// the error's message says it).
    pub fn lost_cause(&self) -> Option<String> {
        match self {
            ApiError::Network { detail } => Some(detail.clone()),
            ApiError::Unexpected { status, what, .. } => Some(format!("HTTP {status}, {what}")),
            ApiError::Backend { status, kind, .. } => {
                Some(format!("HTTP {status} {}", readable_kind(kind)))
            }
            _ => None,
        }
    }

    /// Whether a request that changes something may have run although it ended in this error:
    /// its answer was lost, broken, or a server error came back. Such a target's outcome is
    /// unknown until read back, and it is never sent again on its own.
    pub fn may_have_run(&self) -> bool {
        match self {
            ApiError::Network { .. } => true,
            ApiError::Unexpected { status, .. } | ApiError::Backend { status, .. } => {
                (200..300).contains(status) || *status >= 500
            }
            _ => false,
        }
    }

    /// Whether the console should forget the credentials and show the connect screen.
    pub fn needs_reconnect(&self) -> bool {
        matches!(
            self,
            ApiError::Unauthorized { .. } | ApiError::SessionEnded { .. }
        )
    }
}

/// Why one target of a batch failed, in plain words: "Object not found: No user u-9".
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
pub fn readable_kind(kind: &str) -> String {
    kind.replace('_', " ").to_lowercase().replace("api", "API")
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(
            operation_failure("OBJECT_NOT_FOUND", "No user u-9"),
            "Object not found: No user u-9"
        );
        assert_eq!(operation_failure("NOT_EXECUTED", " "), "Not executed");
    }

    #[test]
    fn lost_broken_and_server_errors_may_have_run() {
        let unexpected = |status| ApiError::Unexpected {
            status,
            what: String::new(),
            api: "",
            url_hint: "",
        };
        let backend = |status| ApiError::Backend {
            status,
            kind: "X".into(),
            detail: String::new(),
        };
        assert!(ApiError::Network {
            detail: "reset".into()
        }
        .may_have_run());
        assert!(
            unexpected(200).may_have_run(),
            "it ran; its answer is broken"
        );
        assert!(backend(500).may_have_run() && unexpected(502).may_have_run());
        assert!(!backend(400).may_have_run() && !backend(422).may_have_run());
        assert!(!unexpected(404).may_have_run(), "not this API: nothing ran");
        for refused in [
            ApiError::RateLimited,
            ApiError::Unauthorized {
                detail: String::new(),
            },
            ApiError::Cancelled,
        ] {
            assert!(!refused.may_have_run());
        }
    }

    #[test]
    fn a_refusal_never_repeats_what_the_backend_said_about_the_credentials() {
        let err = ApiError::Unauthorized {
            detail: "token s3cret is wrong".into(),
        };
        assert!(!err.message().contains("s3cret"));
    }
}
