//! Usergrid demo data: users with usernames and e-mails (most with names, some without),
//! a few not activated or disabled, each with up to three devices, created over the last three
//! years; the same for the same size on every machine. Times are Unix milliseconds.

use super::store::{Device, User};
use crate::rng::Rng;
use chrono::{DateTime, Utc};

const FIRST_NAMES: &[&str] = &[
    "Ann", "Anna", "Annika", "Bruno", "Carla", "Diego", "Emma", "Felix", "Greta", "Hugo", "Ines",
    "Jonas", "Klara", "Liam", "Maya", "Noah", "Paula", "Quinn", "Rafael", "Sara", "Theo", "Vera",
    "Wanda", "Yuki", "Zara", "Joanna", "Seán", "Zoë",
];
const LAST_NAMES: &[&str] = &[
    "Andersen", "Becker", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Hansen", "Ivanova",
    "Jensen", "Kowalski", "Lopez", "Meyer", "Novak", "O'Brien", "Petrov", "Quinn", "Rossi",
    "Schmidt", "Tanaka", "Ulrich", "Varga", "Weber", "Young",
];
const DEVICES: &[&str] = &[
    "Pixel 7",
    "iPhone 14",
    "iPhone 12 mini",
    "Galaxy S23",
    "Galaxy Tab S8",
    "iPad Air",
    "Surface Go",
    "Moto G",
];

const DAY_MS: i64 = 86_400_000;

/// `count` users and their devices, dated backwards from `now`.
pub fn generate(count: u32, now: DateTime<Utc>) -> (Vec<User>, Vec<Device>) {
    let now = now.timestamp_millis();
    let mut rng = Rng::new(0x5EED_0004);
    let mut users = Vec::with_capacity(count as usize);
    let mut devices = Vec::new();
    for n in 1..=i64::from(count) {
        let first = *rng.pick(FIRST_NAMES);
        let last = *rng.pick(LAST_NAMES);
        let slug: String = format!("{first}.{last}")
            .to_lowercase()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
            .collect();
        let created = now - rng.below(3 * 365 * DAY_MS as u64) as i64;
        let modified = created + rng.below((now - created).max(1) as u64) as i64;
        let named = rng.chance(85);
        let user = User {
            uuid: rng.uuid(),
            username: format!("{slug}{n}"),
            email: Some(format!("{slug}{n}@example.com")),
            name: named.then(|| format!("{first} {last}")),
            firstname: named.then(|| first.to_string()),
            middlename: None,
            lastname: named.then(|| last.to_string()),
            picture: rng
                .chance(20)
                .then(|| format!("https://www.gravatar.com/avatar/{n:032x}")),
            activated: rng.chance(94),
            disabled: rng.chance(5),
            deactivated: None,
            created,
            modified,
        };
        for _ in 0..rng.below(4) {
            let added = created + rng.below((now - created).max(1) as u64) as i64;
            devices.push(Device {
                uuid: rng.uuid(),
                user_uuid: user.uuid.clone(),
                name: rng.pick(DEVICES).to_string(),
                created: added,
                modified: added + rng.below((now - added).max(1) as u64) as i64,
            });
        }
        users.push(user);
    }
    (users, devices)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_000, 0).unwrap()
    }

    #[test]
    fn the_same_size_gives_the_same_people_of_every_kind() {
        let (users, devices) = generate(500, now());
        assert_eq!(generate(500, now()), (users.clone(), devices.clone()));
        let names: HashSet<&str> = users.iter().map(|u| u.username.as_str()).collect();
        assert_eq!(names.len(), 500, "usernames are unique");
        assert!(users.iter().any(|u| u.name.is_none()));
        assert!(users.iter().any(|u| u.disabled) && users.iter().any(|u| !u.activated));
        assert!(users.iter().all(|u| u.created <= u.modified));
        assert!(devices.iter().all(|d| d.created <= d.modified));
        assert!(devices.len() > 500);
        // The created times are milliseconds.
        assert!(users.iter().all(|u| u.created > 1_000_000_000_000));
    }
}
