//! Deterministic, realistic demo data: the same `--demo-users N` always gives the same people,
//! devices and states; dates are laid out backwards from the moment of seeding.

use super::db::{Container, Device, NewSession, NewUser, Runtime, Session, SyncStatus};
use crate::clock;
use crate::rng::Rng;
use chrono::{DateTime, Duration, Utc};

const FIRST_NAMES: &[&str] = &[
    "Amara", "Ben", "Chloé", "Dmitri", "Elena", "Farah", "Gustavo", "Hana", "Ibrahim", "Jana",
    "Kwame", "Lena", "Mateo", "Nadia", "Oliver", "Priya", "Quentin", "Rosa", "Sipho", "Tomás",
    "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zoë", "Aiden", "Bianca", "Carlos", "Daniela",
    "Emeka", "Fatima", "Georg", "Helena", "Isaac", "Jasmine", "Kenji", "Lucía", "Marek", "Nomvula",
    "Omar", "Paula", "Rahul", "Sofia", "Thabo", "Ursula", "Vikram", "Willem", "Yara", "Zanele",
];

const LAST_NAMES: &[&str] = &[
    "Adeyemi",
    "Bakker",
    "Castillo",
    "Dlamini",
    "Eriksson",
    "Fischer",
    "García",
    "Haddad",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Lindqvist",
    "Mokoena",
    "Nakamura",
    "O'Brien",
    "Petrov",
    "Quispe",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Uddin",
    "van der Merwe",
    "Walsh",
    "Xu",
    "Yilmaz",
    "Zhang",
    "Abbott",
    "Botha",
    "Chen",
    "Dubois",
    "Evans",
    "Ferreira",
    "Gupta",
    "Hughes",
    "Ito",
    "Jovanović",
    "Kim",
    "Larsen",
    "Müller",
    "Nguyen",
    "Okafor",
    "Patel",
    "Reyes",
    "Singh",
    "Torres",
];

/// Platforms with their share of sessions (out of 100) and the device labels seen on each.
const PLATFORMS: &[(&str, u64, &[&str])] = &[
    (
        "IOS",
        38,
        &[
            "Apple iPhone14,5",
            "Apple iPhone15,2",
            "Apple iPad13,1",
            "Apple iPhone12,8",
        ],
    ),
    (
        "ANDROID",
        37,
        &[
            "Samsung SM-G991B",
            "Google Pixel 7",
            "Zebra TC52",
            "Sony C6903",
        ],
    ),
    ("CHROME", 13, &["Chrome"]),
    (
        "WINDOWS",
        7,
        &["Windows 11 Desktop", "Microsoft Surface Pro 9"],
    ),
    ("MACOS", 3, &["Mac mini", "MacBook Pro"]),
    ("LINUX", 2, &["Linux Desktop"]),
];

const BUNDLE_ID: &str = "com.example.fieldservice";
const DAY_SECONDS: i64 = 86_400;
/// Dates spread over the last 18 months.
const HISTORY_DAYS: u64 = 548;

/// The demo users and their sessions for `count` users, dated relative to `now`; with
/// `sessions`, exactly that many sessions (the extra ones dealt to the users in turn).
pub fn generate(
    count: u32,
    sessions_wanted: Option<u32>,
    now: DateTime<Utc>,
) -> (Vec<NewUser>, Vec<NewSession>) {
    let mut rng = Rng::new(0x0005_EED0_F205_7E12);
    let mut users = Vec::with_capacity(count as usize);
    let mut sessions = Vec::new();
    for _ in 0..count {
        let id = rng.uuid();
        let first = *rng.pick(FIRST_NAMES);
        let last = *rng.pick(LAST_NAMES);
        let name = format!("{first} {last}");
        let email = format!("{}.{}@example.com", slug(first), slug(last));
        // Some users are locked (an employee who left); some never enrolled at all.
        let locked = rng.chance(7);
        let session_count = match rng.below(100) {
            0..=9 => 0,
            10..=54 => 1,
            55..=79 => 2,
            80..=91 => 3,
            _ => 4,
        };
        let updated_at = clock::format(now - days(&mut rng, HISTORY_DAYS));
        for _ in 0..session_count {
            let session = demo_session(&mut rng, locked, now);
            sessions.push(NewSession {
                user_id: id.clone(),
                session,
            });
        }
        users.push(NewUser {
            id,
            name,
            email,
            locked,
            updated_at,
        });
    }
    if let Some(wanted) = sessions_wanted.map(|n| n as usize) {
        sessions.truncate(wanted);
        let mut turn = users.iter().cycle();
        while sessions.len() < wanted {
            let Some(user) = turn.next() else { break };
            let session = demo_session(&mut rng, user.locked, now);
            sessions.push(NewSession {
                user_id: user.id.clone(),
                session,
            });
        }
    }
    (users, sessions)
}

fn demo_session(rng: &mut Rng, user_locked: bool, now: DateTime<Utc>) -> Session {
    let (platform, labels) = pick_platform(rng);
    let label = (*rng.pick(labels)).to_string();
    // Old containers report neither a runtime version nor sync status, and some no creation date.
    let old_container = rng.chance(15);
    let created = now - days(rng, HISTORY_DAYS);
    let authenticated = between(rng, created, now);
    let connected = between(rng, authenticated, now);
    let state = if user_locked {
        if rng.chance(40) {
            "RESET"
        } else {
            "LOCKED"
        }
    } else {
        match rng.below(100) {
            0..=69 => "ENROLLED",
            70..=87 => "LOCKED",
            88..=95 => "RESET",
            _ => "NEVER_ENROLLED",
        }
    };
    let signed_out = match state {
        "LOCKED" | "RESET" => Some(clock::format(between(rng, authenticated, connected))),
        _ => None,
    };
    let (container_version, runtime, sync_status) = if old_container {
        (format!("19.{}.{}", rng.below(12), rng.below(5)), None, None)
    } else {
        let sync = between(rng, authenticated, connected);
        (
            format!("{}.{}.{}", 20 + rng.below(5), rng.below(12), rng.below(5)),
            Some(Runtime {
                version: format!("4.{}.{}", 82 + rng.below(10), rng.below(8)),
            }),
            Some(SyncStatus {
                last_full_sync: clock::format(sync),
            }),
        )
    };
    let created_at = (!old_container || rng.chance(50)).then(|| clock::format(created));
    Session {
        id: rng.uuid(),
        state: state.into(),
        last_authenticated_at: created_at.as_ref().map(|_| clock::format(authenticated)),
        created_at,
        signed_out_at: signed_out,
        last_connected_at: Some(clock::format(connected)),
        container: Container {
            version: Some(container_version),
            bundle_id: Some(BUNDLE_ID.into()),
            platform: Some(platform.into()),
        },
        runtime,
        device: Device {
            id: Some(rng.device_id()),
        },
        label: Some(label),
        sync_status,
    }
}

fn pick_platform(rng: &mut Rng) -> (&'static str, &'static [&'static str]) {
    let mut roll = rng.below(100);
    for &(name, share, labels) in PLATFORMS {
        if roll < share {
            return (name, labels);
        }
        roll -= share;
    }
    ("IOS", PLATFORMS[0].2)
}

fn days(rng: &mut Rng, max_days: u64) -> Duration {
    Duration::seconds(rng.below(max_days * DAY_SECONDS as u64) as i64)
}

fn between(rng: &mut Rng, from: DateTime<Utc>, to: DateTime<Utc>) -> DateTime<Utc> {
    let span = (to - from).num_seconds();
    if span <= 0 {
        return from;
    }
    from + Duration::seconds(rng.below(span as u64) as i64)
}

/// The ASCII e-mail form of a name: "Jovanović" → "jovanovic", "O'Brien" → "obrien".
fn slug(name: &str) -> String {
    name.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'á' | 'à' | 'ä' => 'a',
            'é' | 'è' | 'ë' => 'e',
            'í' => 'i',
            'ó' | 'ö' => 'o',
            'ú' | 'ü' => 'u',
            'ć' | 'č' => 'c',
            other => other,
        })
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn fixed_now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_000, 0).unwrap()
    }

    #[test]
    fn same_count_gives_same_data() {
        let (a_users, a_sessions) = generate(50, None, fixed_now());
        let (b_users, b_sessions) = generate(50, None, fixed_now());
        let ids = |u: &[NewUser]| u.iter().map(|u| u.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&a_users), ids(&b_users));
        assert_eq!(
            a_sessions.iter().map(|s| &s.session).collect::<Vec<_>>(),
            b_sessions.iter().map(|s| &s.session).collect::<Vec<_>>()
        );
    }

    #[test]
    fn covers_every_state_platform_and_the_odd_cases() {
        let now = fixed_now();
        let (users, sessions) = generate(250, None, now);
        assert_eq!(users.len(), 250);
        let states: HashSet<_> = sessions.iter().map(|s| s.session.state.as_str()).collect();
        for state in ["ENROLLED", "LOCKED", "RESET", "NEVER_ENROLLED"] {
            assert!(states.contains(state), "no {state} session");
        }
        let platforms: HashSet<_> = sessions
            .iter()
            .filter_map(|s| s.session.container.platform.as_deref())
            .collect();
        for (platform, _, _) in PLATFORMS.iter().take(3) {
            assert!(platforms.contains(platform), "no {platform} session");
        }
        assert!(
            platforms.len() > 3,
            "no platform beyond the three documented ones"
        );
        assert!(sessions.iter().any(|s| s.session.runtime.is_none()));
        assert!(sessions.iter().any(|s| s.session.sync_status.is_none()));
        assert!(users.iter().any(|u| u.locked));
        let with_sessions: HashSet<_> = sessions.iter().map(|s| s.user_id.as_str()).collect();
        assert!(users.iter().any(|u| !with_sessions.contains(u.id.as_str())));
        let per_user = |id: &str| sessions.iter().filter(|s| s.user_id == id).count();
        assert!(users.iter().all(|u| per_user(&u.id) <= 4));
    }

    #[test]
    fn dates_lie_in_the_last_18_months() {
        let now = fixed_now();
        let earliest = clock::format(now - Duration::days(HISTORY_DAYS as i64));
        let latest = clock::format(now);
        let (_, sessions) = generate(250, None, now);
        let dates = sessions.iter().flat_map(|s| {
            [
                &s.session.created_at,
                &s.session.last_connected_at,
                &s.session.last_authenticated_at,
            ]
            .into_iter()
            .flatten()
        });
        let mut seen = 0;
        for date in dates {
            assert!(date.as_str() >= earliest.as_str() && date.as_str() <= latest.as_str());
            seen += 1;
        }
        assert!(seen > 500);
        // Spread, not bunched: some within the last month and some over a year old.
        let month_ago = clock::format(now - Duration::days(30));
        let year_ago = clock::format(now - Duration::days(365));
        let connected: Vec<_> = sessions
            .iter()
            .filter_map(|s| s.session.last_connected_at.clone())
            .collect();
        assert!(connected.iter().any(|d| *d >= month_ago));
        assert!(sessions
            .iter()
            .filter_map(|s| s.session.created_at.as_ref())
            .any(|d| *d <= year_ago));
    }

    #[test]
    fn locked_users_have_no_enrolled_session() {
        let (users, sessions) = generate(250, None, fixed_now());
        for user in users.iter().filter(|u| u.locked) {
            assert!(sessions
                .iter()
                .filter(|s| s.user_id == user.id)
                .all(|s| s.session.state == "LOCKED" || s.session.state == "RESET"));
        }
    }

    #[test]
    fn emails_are_plain_ascii() {
        let (users, _) = generate(250, None, fixed_now());
        assert!(users.iter().all(|u| u.email.is_ascii()));
        assert_eq!(slug("Jovanović"), "jovanovic");
        assert_eq!(slug("van der Merwe"), "vandermerwe");
    }

    #[test]
    fn a_session_total_asked_for_is_met_exactly_over_the_same_users() {
        let (users, natural) = generate(100, None, fixed_now());
        let (more_users, more) = generate(100, Some(300), fixed_now());
        let ids = |users: &[NewUser]| users.iter().map(|u| u.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&users), ids(&more_users));
        assert_eq!(more.len(), 300);
        let sessions =
            |list: &[NewSession]| list.iter().map(|s| s.session.clone()).collect::<Vec<_>>();
        assert_eq!(
            sessions(&more[..natural.len()]),
            sessions(&natural),
            "the extra sessions come after the usual ones"
        );
        let ids: HashSet<_> = users.iter().map(|u| u.id.as_str()).collect();
        assert!(more.iter().all(|s| ids.contains(s.user_id.as_str())));
        assert_eq!(generate(100, Some(10), fixed_now()).1.len(), 10);
        assert_eq!(
            generate(0, Some(10), fixed_now()).1.len(),
            0,
            "no users, no sessions"
        );
    }

    #[test]
    fn uuids_are_unique_and_well_formed() {
        let mut rng = Rng::new(1);
        let ids: HashSet<_> = (0..10_000).map(|_| rng.uuid()).collect();
        assert_eq!(ids.len(), 10_000);
        let one = ids.iter().next().unwrap();
        let groups: Vec<usize> = one.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
    }
}
