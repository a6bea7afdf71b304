//! PORTOS demo data: the sessions of a chain of shops, the same for the same size on every
//! machine. Each shop has cash registers and PDAs (sale devices, at most one session each), a
//! back-office PC that several people sign in on, and now and then a service tool; its cashiers
//! are names (many Slovak) or numeric codes like the seed's `999`. Sessions are from minutes to
//! months old; the old ones have long expired but were never revoked, which is what an admin
//! cleans up.

use super::instant::{self, Ticks};
use super::store::Session;
use crate::rng::Rng;
use chrono::{DateTime, Utc};

const FIRST_NAMES: &[&str] = &[
    "Ján",
    "Mária",
    "Peter",
    "Zuzana",
    "Lukáš",
    "Katarína",
    "Tomáš",
    "Jana",
    "Michal",
    "Eva",
    "Martin",
    "Lucia",
    "Juraj",
    "Veronika",
    "Ľubomír",
    "Monika",
    "Štefan",
    "Andrea",
    "Dávid",
    "Simona",
    "Anna",
    "Marek",
    "Ivana",
    "Radoslav",
    "Petra",
    "Oliver",
    "Nina",
    "Adam",
    "Laura",
];

const LAST_NAMES: &[&str] = &[
    "Novák",
    "Horváth",
    "Kováč",
    "Varga",
    "Tóth",
    "Nagy",
    "Baláž",
    "Szabó",
    "Molnár",
    "Lukáč",
    "Šimko",
    "Krajčír",
    "Polák",
    "Kollár",
    "Oravec",
    "Ďurica",
    "Zelený",
    "Hudák",
    "Kučera",
    "Čierny",
    "Müller",
    "Fischer",
    "Weber",
    "Kim",
    "Rossi",
];

/// Tools a technician signs in from.
const TOOLS: &[&str] = &["PortosTool", "Servis-NB", "Inventory-Scanner"];

const SECOND: Ticks = 10_000_000;
const MINUTE: Ticks = 60 * SECOND;
const HOUR: Ticks = 60 * MINUTE;
const DAY: Ticks = 24 * HOUR;
/// How long a session lasts from its last access; tools stay signed in for weeks.
const SESSION_LIFETIME: Ticks = 12 * HOUR;
const TOOL_LIFETIME: Ticks = 30 * DAY;

/// A moment `age` before `now`, with 0, 2, 3 or 7 fractional digits as real servers send.
fn moment_before(rng: &mut Rng, now: Ticks, age: Ticks) -> Ticks {
    let whole = (now - age).div_euclid(SECOND) * SECOND;
    let fraction = match rng.below(6) {
        0 => 0,
        1 => rng.below(100) as i64 * 100_000,
        2..=4 => rng.below(1000) as i64 * 10_000,
        _ => rng.below(SECOND as u64) as i64,
    };
    whole + fraction
}

/// A span from 0 to `max` ticks.
fn up_to(rng: &mut Rng, max: Ticks) -> Ticks {
    rng.below(max.max(1) as u64) as i64
}

/// One shop's people: some cashiers go by a code, most by name.
fn cashiers(rng: &mut Rng, shop: u64) -> Vec<String> {
    let count = 4 + rng.below(9);
    (0..count)
        .map(|n| {
            if rng.chance(30) {
                format!("{}", 100 + shop * 20 + n)
            } else {
                format!("{} {}", rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES))
            }
        })
        .collect()
}

/// How old a session is and how long ago it was last used: a third are in use now, the rest
/// ended today, days or months ago.
fn ages(rng: &mut Rng) -> (Ticks, Ticks) {
    let started = match rng.below(100) {
        0..=39 => 5 * MINUTE + up_to(rng, 11 * HOUR),
        40..=64 => 12 * HOUR + up_to(rng, 36 * HOUR),
        65..=84 => 2 * DAY + up_to(rng, 28 * DAY),
        _ => 30 * DAY + up_to(rng, 170 * DAY),
    };
    let idle = if started < 12 * HOUR {
        up_to(rng, 30 * MINUTE)
    } else {
        // Used for a while after it started, then left.
        started - up_to(rng, (started / 3).min(10 * HOUR))
    };
    (started, idle.min(started))
}

/// `count` sessions, dated backwards from `now`.
pub fn generate(count: u32, now: DateTime<Utc>) -> Vec<Session> {
    let now = instant::ticks(now);
    let mut rng = Rng::new(0x5EED_0001);
    let mut sessions = Vec::with_capacity(count as usize);
    let (mut registers, mut pdas) = (0u64, 0u64);
    let mut shop = 0u64;
    while sessions.len() < count as usize {
        shop += 1;
        let people = cashiers(&mut rng, shop);
        let mut devices: Vec<(String, &str)> = Vec::new();
        for _ in 0..2 + rng.below(7) {
            registers += 1;
            if rng.chance(85) {
                devices.push((format!("P{registers:02}"), "CashRegister"));
            }
        }
        for _ in 0..1 + rng.below(4) {
            pdas += 1;
            if rng.chance(70) {
                devices.push((format!("PDA{pdas:02}"), "PDA"));
            }
        }
        let back_office = match shop {
            1 => "BackOffice".to_string(),
            n => format!("BackOffice-{n:02}"),
        };
        for _ in 0..1 + rng.below(3) {
            devices.push((back_office.clone(), "BackOffice"));
        }
        if rng.chance(25) {
            devices.push((rng.pick(TOOLS).to_string(), "Tool"));
        }
        for (device, env) in devices {
            if sessions.len() == count as usize {
                break;
            }
            let user = match env {
                // The manager's code is on the back office and the tools of every shop.
                "BackOffice" | "Tool" if rng.chance(40) => "999".to_string(),
                _ => rng.pick(&people).clone(),
            };
            let (started, idle) = ages(&mut rng);
            let started_at = moment_before(&mut rng, now, started);
            let last_access_at = moment_before(&mut rng, now, idle).max(started_at);
            let lifetime = if env == "Tool" {
                TOOL_LIFETIME
            } else {
                SESSION_LIFETIME
            };
            sessions.push(Session {
                // 32 characters like the seed's `soZIt6uj62fzs8ep4UvnNSxRXFryUiq3`.
                session_id: rng.text(32),
                user_name: user,
                device_name: device,
                env_name: env.to_string(),
                auth_type: "Bearer".to_string(),
                started_at,
                expires_at: last_access_at + lifetime,
                last_access_at,
                version: 1 + rng.below(12) as i64,
            });
        }
    }
    sessions
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_000, 0).unwrap()
    }

    #[test]
    fn the_same_size_gives_the_same_sessions() {
        assert_eq!(generate(300, now()), generate(300, now()));
        assert_eq!(generate(300, now())[..100], generate(100, now())[..]);
    }

    #[test]
    fn sale_devices_have_at_most_one_session_and_ids_are_unique() {
        let sessions = generate(20_000, now());
        assert_eq!(sessions.len(), 20_000);
        let mut sale_devices = HashSet::new();
        let mut ids = HashSet::new();
        for s in &sessions {
            assert!(ids.insert(&s.session_id), "{}", s.session_id);
            if matches!(s.env_name.as_str(), "CashRegister" | "PDA") {
                assert!(sale_devices.insert(&s.device_name), "{}", s.device_name);
            }
            assert!(s.started_at <= s.last_access_at && s.last_access_at < s.expires_at);
        }
    }

    #[test]
    fn the_demo_has_every_kind_of_device_user_and_age() {
        let sessions = generate(300, now());
        let now = instant::ticks(now());
        let envs: HashSet<&str> = sessions.iter().map(|s| s.env_name.as_str()).collect();
        assert_eq!(
            envs,
            HashSet::from(["BackOffice", "CashRegister", "PDA", "Tool"])
        );
        assert!(sessions.iter().any(|s| s.user_name == "999"));
        assert!(sessions.iter().any(|s| s.user_name.contains(' ')));
        assert!(sessions.iter().any(|s| now - s.started_at < HOUR));
        assert!(sessions.iter().any(|s| now - s.started_at > 60 * DAY));
        assert!(sessions.iter().any(|s| s.expires_at > now));
        let digits: HashSet<usize> = sessions
            .iter()
            .map(|s| {
                let text = instant::format(s.started_at);
                text.split_once('.').map_or(0, |(_, f)| f.len() - 1)
            })
            .collect();
        assert!(
            digits.contains(&0) && digits.contains(&7) && digits.len() >= 4,
            "{digits:?}"
        );
    }
}
