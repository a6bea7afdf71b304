//! Enrollment tokens: how long one lasts, what the countdown shows and says, whether its link
//! may be clickable, the QR code, and spotting the device it enrolled.

use super::{Session, SessionId, SessionState, User};
use chrono::{DateTime, Utc};
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use std::collections::HashSet;

/// JourneyApps tokens are valid for five minutes from issue.
pub const LIFETIME_SECS: i64 = 300;

/// A token as issued: the digits to type and the URL a device scans.
#[derive(Clone, Debug, PartialEq)]
pub struct EnrollmentToken {
    pub token: String,
    pub url: String,
}

/// Whether `user` may be given an enrollment code: not while locked (the API refuses it).
pub fn applies_to(user: &User) -> bool {
    !user.locked
}

/// Whole seconds left until `expires_at`, rounded up: a fresh token shows 5:00, not 4:59.
pub fn remaining_secs(expires_at: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    let millis = (expires_at - now).num_milliseconds();
    millis.div_euclid(1000) + i64::from(millis.rem_euclid(1000) > 0)
}

/// The visible countdown, `m:ss`, never below `0:00`.
pub fn countdown_text(remaining_secs: i64) -> String {
    let secs = remaining_secs.max(0);
    format!("{}:{:02}", secs / 60, secs % 60)
}

/// A moment of the countdown a screen reader is told of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spoken {
    /// More than a minute left: nothing to say.
    Nothing,
    OneMinuteLeft,
    ThirtySecondsLeft,
    Expired,
}

/// What a screen reader hears about the countdown. It only changes at one minute, 30 seconds
/// and expiry, so a polite live region speaks three times, not every second.
pub fn spoken_countdown(remaining_secs: i64) -> Spoken {
    match remaining_secs {
        s if s <= 0 => Spoken::Expired,
        s if s <= 30 => Spoken::ThirtySecondsLeft,
        s if s <= 60 => Spoken::OneMinuteLeft,
        _ => Spoken::Nothing,
    }
}

/// Whether `url` may be rendered as a link: only `https:`, or plain `http:` on the origin the
/// console itself is served from (the sandbox). Anything else is shown as text, never followed.
pub fn linkable(url: &str, own_origin: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    if lower.starts_with("https://") {
        return origin_of(&lower).len() > "https://".len();
    }
    lower.starts_with("http://")
        && own_origin.to_ascii_lowercase().starts_with("http://")
        && origin_of(&lower) == own_origin.to_ascii_lowercase().trim_end_matches('/')
}

/// `scheme://host[:port]` of an absolute URL.
fn origin_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let end = url[after_scheme..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| after_scheme + i);
    &url[..end]
}

/// The QR code of `text` as an SVG document: dark on light whatever the theme, with the quiet
/// zone scanners need. None if the text is too long for a QR code.
pub fn qr_svg(text: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    Some(
        code.render::<svg::Color>()
            .min_dimensions(256, 256)
            .dark_color(svg::Color("#000000"))
            .light_color(svg::Color("#ffffff"))
            .quiet_zone(true)
            .build(),
    )
}

/// The ids of a user's ENROLLED sessions, to compare later polls against.
pub fn enrolled_ids(user: &User) -> HashSet<SessionId> {
    user.sessions
        .iter()
        .filter(|s| s.state == SessionState::Enrolled)
        .map(|s| s.id.clone())
        .collect()
}

/// The first ENROLLED session of `user` that was not among `known`: a device just enrolled.
pub fn new_enrollment<'a>(known: &HashSet<SessionId>, user: &'a User) -> Option<&'a Session> {
    user.sessions
        .iter()
        .find(|s| s.state == SessionState::Enrolled && !known.contains(&s.id))
}

/// What a new session is enrolled on, named as well as it can be: its label, else its
/// platform; None when it has neither.
pub fn enrolled_on(session: &Session) -> Option<&str> {
    session
        .label
        .as_deref()
        .filter(|l| !l.trim().is_empty())
        .or(session.platform.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countdown_runs_from_five_minutes_and_stops_at_zero() {
        assert_eq!(countdown_text(LIFETIME_SECS), "5:00");
        assert_eq!(countdown_text(299), "4:59");
        assert_eq!(countdown_text(61), "1:01");
        assert_eq!(countdown_text(9), "0:09");
        assert_eq!(countdown_text(0), "0:00");
        assert_eq!(countdown_text(-7), "0:00");
    }

    #[test]
    fn remaining_seconds_round_up() {
        let issued = crate::model::time::parse("2026-11-24T10:00:00Z").unwrap();
        let expires = issued + chrono::Duration::seconds(LIFETIME_SECS);
        let after = |ms| issued + chrono::Duration::milliseconds(ms);
        assert_eq!(remaining_secs(expires, after(0)), 300);
        assert_eq!(remaining_secs(expires, after(400)), 300);
        assert_eq!(remaining_secs(expires, after(1000)), 299);
        assert_eq!(remaining_secs(expires, after(299_999)), 1);
        assert_eq!(remaining_secs(expires, after(300_000)), 0);
        assert_eq!(remaining_secs(expires, after(301_500)), -1);
    }

    #[test]
    fn screen_readers_hear_three_moments_only() {
        use Spoken::*;
        let spoken: Vec<Spoken> = (-2..=LIFETIME_SECS).rev().map(spoken_countdown).collect();
        let mut changes = spoken.clone();
        changes.dedup();
        assert_eq!(
            changes,
            [Nothing, OneMinuteLeft, ThirtySecondsLeft, Expired]
        );
        assert_eq!(spoken_countdown(61), Nothing);
        assert_eq!(spoken_countdown(60), OneMinuteLeft);
        assert_eq!(spoken_countdown(31), OneMinuteLeft);
        assert_eq!(spoken_countdown(30), ThirtySecondsLeft);
        assert_eq!(spoken_countdown(1), ThirtySecondsLeft);
        assert_eq!(spoken_countdown(0), Expired);
    }

    #[test]
    fn only_https_or_the_consoles_own_http_origin_is_a_link() {
        let own = "http://127.0.0.1:8080";
        assert!(linkable("https://apps.example.com/enroll?k=1", own));
        assert!(linkable("HTTPS://apps.example.com", own));
        assert!(linkable("http://127.0.0.1:8080/sandbox/enroll?k=1", own));
        assert!(!linkable("http://127.0.0.1:8081/sandbox/enroll?k=1", own));
        assert!(!linkable("http://127.0.0.1:8080.evil.example/x", own));
        assert!(!linkable("http://apps.example.com/enroll", own));
        assert!(!linkable("javascript:alert(1)", own));
        assert!(!linkable("journeyapps://enroll?k=1", own));
        assert!(!linkable("https://", own));
        assert!(!linkable("", own));
        // An https console does not make plain http links acceptable.
        assert!(!linkable(
            "http://roster.example.com/x",
            "https://roster.example.com"
        ));
    }

    #[test]
    fn qr_code_is_an_svg_and_refuses_text_too_long_to_encode() {
        let svg = qr_svg("https://apps.example.com/enroll?h=x&k=12345678&t=j").unwrap();
        assert!(svg.contains("<svg"), "{svg}");
        assert!(svg.contains("#000000") && svg.contains("#ffffff"));
        assert!(qr_svg(&"x".repeat(5000)).is_none());
    }

    fn session(id: &str, state: SessionState, label: Option<&str>) -> Session {
        Session {
            id: id.into(),
            state,
            label: label.map(str::to_string),
            platform: Some("ANDROID".into()),
            ..Session::default()
        }
    }

    #[test]
    fn only_an_unlocked_user_can_enroll() {
        let mut user = User::default();
        assert!(applies_to(&user));
        user.locked = true;
        assert!(!applies_to(&user));
    }

    #[test]
    fn a_new_enrolled_session_is_spotted_and_named() {
        let before = User {
            id: "u".into(),
            sessions: vec![
                session("a", SessionState::Enrolled, Some("Old phone")),
                session("b", SessionState::Locked, Some("Old tablet")),
            ],
            ..User::default()
        };
        let known = enrolled_ids(&before);
        assert_eq!(known.len(), 1);
        assert_eq!(new_enrollment(&known, &before), None);

        let mut after = before.clone();
        after.sessions[1].state = SessionState::Enrolled;
        after
            .sessions
            .push(session("c", SessionState::Enrolled, Some("Tablet 7")));
        // "b" re-enrolled counts too: it was not ENROLLED when the code was shown.
        assert_eq!(
            new_enrollment(&known, &after).map(|s| s.id.as_str()),
            Some("b")
        );
        after.sessions[1].state = SessionState::Locked;
        let found = new_enrollment(&known, &after).unwrap();
        assert_eq!(enrolled_on(found), Some("Tablet 7"));
        assert_eq!(
            enrolled_on(&session("d", SessionState::Enrolled, Some(" "))),
            Some("ANDROID"),
            "a blank label gives way to the platform"
        );
    }
}
