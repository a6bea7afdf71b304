//! Demo data of the authenticated-sessions API: ordinary users and operators, each with a few
//! sessions on phones and browsers, the same for the same size on every machine. Some values
//! are the seed's odd ones (`"Smartphone": "-"`, `"OperatingSystem": "Other- v. "`, nulls).
//! Most sessions last two days from their last update, some are remembered for 90; a few end
//! within the hour, so moving the sandbox clock ends them; some users have none active left.

use super::store::{Session, User};
use crate::rng::Rng;
use chrono::{DateTime, Utc};

const FIRST_NAMES: &[&str] = &[
    "anna",
    "marco",
    "giulia",
    "luca",
    "sofia",
    "paolo",
    "chiara",
    "davide",
    "elena",
    "matteo",
    "sara",
    "andrea",
    "francesca",
    "simone",
    "laura",
    "nicola",
    "martina",
    "stefano",
];
const LAST_NAMES: &[&str] = &[
    "rossi", "bianchi", "ferrari", "esposito", "romano", "colombo", "ricci", "marino", "greco",
    "bruno", "gallo", "conti", "costa", "fontana",
];
/// What the devices report, odd values included (None is a null).
const SMARTPHONES: &[Option<&str>] = &[
    Some("Samsung SM-G991B"),
    Some("Apple iPhone 13"),
    Some("Google Pixel 7"),
    Some("Xiaomi Redmi Note 10"),
    Some("-"),
    None,
];
const SYSTEMS: &[Option<&str>] = &[
    Some("Android v. 13"),
    Some("iOS v. 17.1"),
    Some("Windows v. 10"),
    Some("Other- v. "),
    None,
];
const APPLICATIONS: &[Option<&str>] = &[
    Some("Field App v. 3.2.1"),
    Some("Field App v. 3.1.0"),
    Some("Web Console v. 5.0"),
    Some("Other- v. "),
    None,
];

const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;
/// The first session's ID, as a database that has lived a while would have.
const FIRST_ID: i64 = 100;

/// `count` users and their sessions, dated backwards from `now`.
pub fn generate(count: u32, now: DateTime<Utc>) -> (Vec<User>, Vec<Session>) {
    let now = now.timestamp();
    let mut rng = Rng::new(0x5EED_0003);
    let mut users = Vec::with_capacity(count as usize);
    let mut sessions = Vec::new();
    for n in 0..i64::from(count) {
        let is_operator = rng.chance(12);
        let name = format!("{}.{}", rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES));
        let user = User {
            guid: rng.uuid(),
            user_id: n + 1,
            // A number keeps the names apart; operators say what they are.
            user_name: if is_operator {
                format!("op.{name}{}", n + 1)
            } else {
                format!("{name}{}", n + 1)
            },
            is_operator,
        };
        for _ in 0..rng.below(5) {
            let last_updated = now - rng.below(60 * DAY as u64) as i64;
            let lasts = match rng.below(10) {
                0..=5 => 2 * DAY,
                6..=8 => 90 * DAY,
                // Ends within the hour from now.
                _ => now - last_updated + 60 + rng.below(HOUR as u64) as i64,
            };
            sessions.push(Session {
                id: FIRST_ID + sessions.len() as i64,
                user_guid: user.guid.clone(),
                last_updated,
                expiration_date: last_updated + lasts,
                smartphone: rng.pick(SMARTPHONES).map(str::to_string),
                operating_system: rng.pick(SYSTEMS).map(str::to_string),
                application: rng.pick(APPLICATIONS).map(str::to_string),
                revoked: rng.chance(10),
            });
        }
        users.push(user);
    }
    (users, sessions)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_000, 0).unwrap()
    }

    #[test]
    fn the_same_size_gives_the_same_data_with_every_kind_of_value() {
        let (users, sessions) = generate(200, now());
        assert_eq!(generate(200, now()), (users.clone(), sessions.clone()));
        assert!(users.iter().any(|u| u.is_operator) && users.iter().any(|u| !u.is_operator));
        let now = now().timestamp();
        let active = |s: &&Session| !s.revoked && s.expiration_date > now;
        assert!(sessions
            .iter()
            .filter(active)
            .any(|s| s.expiration_date < now + HOUR + 61));
        assert!(sessions
            .iter()
            .filter(active)
            .any(|s| now - s.last_updated > 30 * DAY));
        assert!(sessions
            .iter()
            .any(|s| s.smartphone.as_deref() == Some("-")));
        assert!(sessions
            .iter()
            .any(|s| s.operating_system.as_deref() == Some("Other- v. ")));
        assert!(sessions.iter().any(|s| s.application.is_none()));
        let with_active: std::collections::HashSet<&str> = sessions
            .iter()
            .filter(active)
            .map(|s| s.user_guid.as_str())
            .collect();
        assert!(
            with_active.len() < users.len(),
            "some users have none active"
        );
    }
}
