//! HTTP as the backends describe it: a request to send, the answer, and the transport that
//! sends it (the browser's `fetch` in the app, reqwest in the benchmarks, a script in tests).

use std::fmt;

/// HTTP methods the backends use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    /// Whether the request only reads: a read may be resent, a write never is unless the
    /// answer proves it did not run.
    pub fn is_read(self) -> bool {
        self == Method::Get
    }
}

/// A request as a backend describes it; the transport sends it.
#[derive(Clone, PartialEq)]
pub struct HttpRequest {
    pub method: Method,
    pub url: String,
    /// The `Authorization` header, when the request carries credentials.
    pub authorization: Option<String>,
    /// A JSON body, sent with `Content-Type: application/json`.
    pub json_body: Option<String>,
}

// The Authorization header is a secret: never printed, even in debug output.
impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field(
                "authorization",
                &self.authorization.as_ref().map(|_| "<redacted>"),
            )
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

impl HttpResponse {
    /// Whether the status is 2xx.
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// The request never got an HTTP answer.
#[derive(Clone, Debug, PartialEq)]
pub enum TransportError {
    /// Network down, CORS refused, bad URL: the words the browser gave.
    Failed(String),
    /// The page that sent it was left, so the console called it off.
    Aborted,
}

/// Sends requests and waits between retries.
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

/// Encodes everything but the unreserved characters of RFC 3986, so any text is safe as one
/// path segment or one query value.
pub fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Decodes `%XX` sequences back into the text they encode; None if one is broken or the
/// bytes are not UTF-8.
pub fn decode_component(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'%' {
            let hex = text.get(at + 1..at + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            at += 3;
        } else {
            out.push(bytes[at]);
            at += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// `key=value&…` with every value encoded.
pub fn query_string(pairs: &[(&str, String)]) -> String {
    let encoded: Vec<String> = pairs
        .iter()
        .map(|(key, value)| format!("{key}={}", encode_component(value)))
        .collect();
    encoded.join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_all_but_unreserved_characters() {
        assert_eq!(
            encode_component("c8c8c4f8-5013_11e7.a~b"),
            "c8c8c4f8-5013_11e7.a~b"
        );
        assert_eq!(encode_component("a/b c?d&e=f"), "a%2Fb%20c%3Fd%26e%3Df");
        assert_eq!(encode_component("é"), "%C3%A9");
    }

    #[test]
    fn decoding_undoes_encoding_and_refuses_broken_escapes() {
        for text in ["a/b c?d&e=f", "é;:%", ""] {
            assert_eq!(
                decode_component(&encode_component(text)).as_deref(),
                Some(text)
            );
        }
        for broken in ["%", "%4", "%zz", "%FF", "a%é"] {
            assert_eq!(decode_component(broken), None, "{broken}");
        }
    }

    #[test]
    fn builds_a_query_string() {
        let pairs = [
            ("q", "ann lee".to_string()),
            ("sort", "last_connected".to_string()),
        ];
        assert_eq!(query_string(&pairs), "q=ann%20lee&sort=last_connected");
        assert_eq!(query_string(&[]), "");
    }

    #[test]
    fn the_authorization_header_never_shows_in_debug_output() {
        let request = HttpRequest {
            method: Method::Get,
            url: "https://x/users".into(),
            authorization: Some("Bearer O:s3cret".into()),
            json_body: None,
        };
        let text = format!("{request:?}");
        assert!(
            !text.contains("s3cret") && text.contains("<redacted>"),
            "{text}"
        );
    }
}
