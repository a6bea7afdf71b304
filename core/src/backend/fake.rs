//! A test-only backend kind with fewer capabilities than JourneyApps: no lock, no enrollment,
//! no server batch; it can only sign one session out. Its tests drive it through [`Backend`]
//! to show that the interface, the action rules and the bulk runner carry any backend.
//!
//! Its HTTP is made up: `GET /people`, `GET /people/{id}`, and
//! `POST /people/{id}/sessions/{id}/sign-out`.

use super::capabilities::{AuthMethod, Capabilities, Section};
use super::http::{encode_component, HttpRequest, HttpResponse, Method, Transport};
use super::read::{read, send_once};
use super::{Api, ApiError, LoadEvent, UsersLoad};
use crate::model::action::{Action, ActionKind, Performed};
use crate::model::{Session, SessionState, User, UserId};
use crate::table::sessions::SessionColumn;
use crate::table::users::UserColumn;
use serde_json::Value;

/// Users and sessions, and one action: sign a session out.
pub const CAPABILITIES: Capabilities = Capabilities {
    name: "Test backend",
    base_url_placeholder: "https://people.example",
    base_url_label: "Base URL",
    base_url_hint: "Any URL.",
    auth_methods: &[AuthMethod::NamedToken],
    sections: &[Section::Users, Section::Sessions, Section::Activity],
    user_columns: &[UserColumn::Name, UserColumn::Id, UserColumn::Sessions],
    user_sorts: &[UserColumn::Name],
    user_filters: &[],
    user_search: "Name",
    user_statuses: &[],
    session_columns: &[
        SessionColumn::User,
        SessionColumn::Device,
        SessionColumn::State,
        SessionColumn::Actions,
    ],
    session_sorts: &[SessionColumn::User],
    session_search: "Device",
    session_filters: &[],
    session_csv_columns: &[SessionColumn::UserId, SessionColumn::SessionId],
    session_states: &[],
    environments: &[],
    user_session_columns: &[
        SessionColumn::Device,
        SessionColumn::State,
        SessionColumn::Actions,
    ],
    sessions_noun: "sessions",
    actions: &[ActionKind::ReAuthenticateSession],
    enrollment: false,
    server_batch: false,
    sessions_on_server: false,
    users_on_server: false,
    users_with_sessions: true,
    policy: None,
};

/// The test backend at `base_url`.
#[derive(Clone, Debug)]
pub struct Fake {
    pub base_url: String,
}

impl Fake {
    fn get(&self, path: &str) -> HttpRequest {
        HttpRequest {
            method: Method::Get,
            url: format!("{}{path}", self.base_url),
            authorization: Some("Bearer test".into()),
            json_body: None,
        }
    }
}

fn error_of(response: &HttpResponse) -> ApiError {
    match response.status {
        401 => ApiError::Unauthorized {
            detail: String::new(),
        },
        404 => ApiError::NotFound {
            detail: response.body.clone(),
        },
        429 => ApiError::RateLimited,
        status => ApiError::Backend {
            status,
            kind: "ERROR".into(),
            detail: response.body.clone(),
        },
    }
}

fn parse_person(value: &Value) -> User {
    let text = |v: &Value, name: &str| v.get(name).and_then(Value::as_str).map(str::to_string);
    User {
        id: text(value, "id").unwrap_or_default().into(),
        display_name: text(value, "name"),
        sessions: value
            .get("sessions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|s| Session {
                id: text(s, "id").unwrap_or_default().into(),
                state: SessionState::parse(&text(s, "state").unwrap_or_default()),
                label: text(s, "device"),
                ..Session::default()
            })
            .collect(),
        ..User::default()
    }
}

impl Api for Fake {
    fn capabilities(&self) -> &'static Capabilities {
        &CAPABILITIES
    }

    fn credentials(&self) -> super::Credentials {
        super::Credentials::NamedToken("test".into())
    }

    async fn check<T: Transport>(&self, transport: &T) -> Result<(), ApiError> {
        read(transport, self.get("/people"), &|_| {}, error_of)
            .await
            .map(|_| ())
    }

    async fn load_users<T: Transport>(
        &self,
        transport: &T,
        events: &dyn Fn(LoadEvent),
    ) -> Result<UsersLoad, ApiError> {
        let response = read(transport, self.get("/people"), events, error_of).await?;
        let body: Value = serde_json::from_str(&response.body).unwrap_or_default();
        let users = body
            .as_array()
            .into_iter()
            .flatten()
            .map(parse_person)
            .collect();
        Ok(UsersLoad {
            users,
            notice: None,
        })
    }

    async fn user<T: Transport>(
        &self,
        transport: &T,
        id: &UserId,
        events: &dyn Fn(LoadEvent),
    ) -> Result<User, ApiError> {
        let path = format!("/people/{}", encode_component(id.as_str()));
        let response = read(transport, self.get(&path), events, error_of).await?;
        let body: Value = serde_json::from_str(&response.body).unwrap_or_default();
        Ok(parse_person(&body))
    }

    async fn perform<T: Transport>(
        &self,
        transport: &T,
        action: &Action,
    ) -> Result<Performed, ApiError> {
        let Action::ReAuthenticateSession { user, session } = action else {
            return Err(ApiError::Unsupported);
        };
        let path = format!(
            "/people/{}/sessions/{}/sign-out",
            encode_component(user.as_str()),
            encode_component(session.as_str())
        );
        let request = HttpRequest {
            method: Method::Post,
            ..self.get(&path)
        };
        send_once(transport, request, error_of)
            .await
            .map(|_| Performed::Done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::run::{run_bulk, send_action, settle_unknowns, BulkEnd, SINGLES_IN_FLIGHT};
    use crate::backend::testing::{answer, ok, Scripted};
    use crate::backend::{Backend, TransportError};
    use crate::bulk::{BulkRun, TargetOutcome};
    use crate::model::action::Scope;
    use futures::executor::block_on;
    use std::cell::Cell;

    /// Ten people; person i has an enrolled session "s{i}" and a signed-out one "old{i}".
    const PEOPLE: usize = 10;

    fn people() -> String {
        let people: Vec<Value> = (0..PEOPLE)
            .map(|i| {
                serde_json::json!({"id": format!("p{i}"), "name": format!("Person {i}"), "sessions": [
                    {"id": format!("s{i}"), "state": "ENROLLED", "device": "Till"},
                    {"id": format!("old{i}"), "state": "LOCKED"}
                ]})
            })
            .collect();
        Value::Array(people).to_string()
    }

    fn backend() -> Backend {
        Backend::Fake(Fake {
            base_url: "https://people.example".into(),
        })
    }

    /// The people, read through the interface.
    fn loaded() -> Vec<User> {
        let transport = Scripted::new(|_, _| Ok(ok(&people())));
        block_on(backend().load_users(&transport, &|_| {}))
            .unwrap()
            .users
    }

    /// A run signing out every session the rules allow.
    fn sign_out_everyone(users: &[User]) -> BulkRun {
        BulkRun::for_sessions(
            ActionKind::ReAuthenticateSession,
            users
                .iter()
                .flat_map(|u| u.sessions.iter().map(move |s| (u, s))),
        )
    }

    fn outcome<'a>(run: &'a BulkRun, session: &str) -> &'a TargetOutcome {
        let target = run
            .targets
            .iter()
            .find(|t| t.action.session().unwrap() == session);
        &target.unwrap().outcome
    }

    #[test]
    fn it_offers_only_what_it_can_do() {
        let backend = backend();
        let caps = backend.capabilities();
        assert!(caps.offers(ActionKind::ReAuthenticateSession));
        for kind in [
            ActionKind::Lock,
            ActionKind::LockAndWipe,
            ActionKind::Unlock,
            ActionKind::WipeSession,
        ] {
            assert!(!caps.offers(kind), "{kind:?}");
        }
        assert_eq!(caps.actions_on(Scope::User).count(), 0);
        assert!(!caps.enrollment && !caps.server_batch && caps.policy.is_none());

        // What it cannot do is refused without a request.
        let transport = Scripted::new(|_, _| Ok(answer(204, "")));
        let lock = Action::Lock {
            user: "p0".into(),
            wipe: false,
        };
        assert_eq!(
            block_on(backend.perform(&transport, &lock)),
            Err(ApiError::Unsupported)
        );
        assert_eq!(
            block_on(backend.enrollment_token(&transport, &"p0".into())),
            Err(ApiError::Unsupported)
        );
        assert_eq!(
            block_on(backend.perform_batch(&transport, &[&lock])),
            Err(ApiError::Unsupported)
        );
        assert!(transport.sent.borrow().is_empty());
    }

    #[test]
    fn the_rules_pick_the_signed_in_sessions() {
        let users = loaded();
        assert_eq!(users.len(), PEOPLE);
        assert_eq!(users[3].label(), "Person 3");
        let run = sign_out_everyone(&users);
        assert_eq!(
            run.targets.len(),
            PEOPLE,
            "signed-out sessions are left out"
        );
        assert!(run
            .targets
            .iter()
            .all(|t| t.action.session().unwrap().as_str().starts_with('s')));
        assert_eq!(run.targets[0].label, "Person 0 – Till");
    }

    #[test]
    fn a_bulk_run_is_a_few_single_requests_at_a_time_each_with_its_outcome() {
        let mut run = sign_out_everyone(&loaded());
        let transport = Scripted::new(|request: &HttpRequest, _| {
            assert_eq!(request.method, Method::Post);
            Ok(if request.url.contains("/s4/") {
                answer(404, "no such session")
            } else {
                answer(204, "")
            })
        });
        let end = block_on(run_bulk(&backend(), &transport, &mut run, &|_| {}, &|| {
            false
        }));
        assert_eq!(end, BulkEnd::Finished);
        assert_eq!(transport.sent.borrow().len(), PEOPLE, "each target once");
        let most = transport.most_in_flight.get();
        assert!(
            most > 1 && most <= SINGLES_IN_FLIGHT,
            "{most} requests in flight at once"
        );
        assert!(
            matches!(outcome(&run, "s4"), TargetOutcome::Failed(m) if m.contains("no such session"))
        );
        assert_eq!(run.progress().done, PEOPLE - 1);
    }

    #[test]
    fn refused_requests_are_resent_after_a_wait_and_lost_answers_never_are() {
        let mut run = sign_out_everyone(&loaded());
        let refused_once = Cell::new(false);
        let transport = Scripted::new(|request: &HttpRequest, _| {
            if request.url.contains("/s1/") && !refused_once.replace(true) {
                return Ok(answer(429, ""));
            }
            if request.url.contains("/s2/") {
                return Err(TransportError::Failed("connection reset".into()));
            }
            Ok(answer(204, ""))
        });
        let end = block_on(run_bulk(&backend(), &transport, &mut run, &|_| {}, &|| {
            false
        }));
        assert_eq!(end, BulkEnd::Finished);
        let sent_to = |session: &str| {
            transport
                .urls()
                .iter()
                .filter(|u| u.contains(&format!("/{session}/")))
                .count()
        };
        assert_eq!(sent_to("s1"), 2, "refused, so it did not run: sent again");
        assert_eq!(sent_to("s2"), 1, "its answer was lost: it may have run");
        assert_eq!(outcome(&run, "s1"), &TargetOutcome::Done);
        assert!(
            matches!(outcome(&run, "s2"), TargetOutcome::Unknown(m) if m.contains("connection reset"))
        );
        assert!(transport.slept.borrow()[0] >= 1000, "at least a second");
        assert!(
            run.retry_failed().targets.is_empty(),
            "an unknown is never retried"
        );
    }

    /// The people as `GET /people/{id}` answers after a run: person `i` signed out where
    /// `signed_out(i)`, person 3 gone, person 4 not readable.
    fn read_back(request: &HttpRequest, signed_out: fn(usize) -> bool) -> HttpResponse {
        let id = request.url.rsplit('/').next().unwrap_or_default();
        let i: usize = id.trim_start_matches('p').parse().unwrap();
        match i {
            3 => answer(404, "no such person"),
            4 => answer(500, "database down"),
            _ => {
                let state = if signed_out(i) { "LOCKED" } else { "ENROLLED" };
                ok(&serde_json::json!({"id": id, "name": format!("Person {i}"),
                    "sessions": [{"id": format!("s{i}"), "state": state}]})
                .to_string())
            }
        }
    }

    #[test]
    fn lost_answers_are_settled_by_reading_the_targets_back() {
        let mut run = sign_out_everyone(&loaded());
        let lost = Scripted::new(|_, _| Err(TransportError::Failed("reset".into())));
        block_on(run_bulk(&backend(), &lost, &mut run, &|_| {}, &|| false));
        assert_eq!(run.progress().unknown, PEOPLE);

        // Even-numbered people were signed out before the answers were lost.
        let reads =
            Scripted::new(|request: &HttpRequest, _| Ok(read_back(request, |i| i % 2 == 0)));
        block_on(settle_unknowns(&backend(), &reads, &mut run)).unwrap();
        assert!(
            reads.sent.borrow().iter().all(|r| r.method == Method::Get),
            "reads only"
        );
        let mut users_read = reads.urls();
        users_read.sort();
        users_read.dedup();
        assert_eq!(
            users_read.len(),
            PEOPLE,
            "one read per user (the 500 is retried)"
        );
        assert!(reads.most_in_flight.get() <= SINGLES_IN_FLIGHT);
        assert_eq!(outcome(&run, "s2"), &TargetOutcome::Done);
        assert_eq!(
            outcome(&run, "s1"),
            &TargetOutcome::Failed("Read back: not done".into())
        );
        assert!(
            matches!(outcome(&run, "s3"), TargetOutcome::Failed(m) if m.contains("no longer exists"))
        );
        assert!(
            matches!(outcome(&run, "s4"), TargetOutcome::Unknown(_)),
            "unreadable stays unknown"
        );
        let retry = run.retry_failed();
        let retried: Vec<String> = retry
            .targets
            .iter()
            .map(|t| t.action.session().unwrap().to_string())
            .collect();
        assert_eq!(
            retried,
            ["s1", "s3", "s5", "s7", "s9"],
            "only what did not run"
        );

        let refused = Scripted::new(|_, _| Ok(answer(401, "")));
        let mut run = sign_out_everyone(&loaded());
        block_on(run_bulk(&backend(), &lost, &mut run, &|_| {}, &|| false));
        assert!(block_on(settle_unknowns(&backend(), &refused, &mut run))
            .unwrap_err()
            .needs_reconnect());
    }

    #[test]
    fn refused_credentials_stop_the_run_and_cancel_stops_between_rounds() {
        let mut run = sign_out_everyone(&loaded());
        let transport = Scripted::new(|_: &HttpRequest, index| {
            Ok(if index == 5 {
                answer(401, "")
            } else {
                answer(204, "")
            })
        });
        let end = block_on(run_bulk(&backend(), &transport, &mut run, &|_| {}, &|| {
            false
        }));
        assert!(matches!(end, BulkEnd::Stopped(ref e) if e.needs_reconnect()));
        let p = run.progress();
        assert_eq!(transport.sent.borrow().len(), 2 * SINGLES_IN_FLIGHT);
        assert_eq!((p.done, p.failed), (2 * SINGLES_IN_FLIGHT - 1, 0));
        assert_eq!(
            p.total - p.finished(),
            PEOPLE - p.done,
            "the rest were not sent"
        );

        let mut run = sign_out_everyone(&loaded());
        let rounds = Cell::new(0);
        let transport = Scripted::new(|_, _| Ok(answer(204, "")));
        let end = block_on(run_bulk(&backend(), &transport, &mut run, &|_| {}, &|| {
            rounds.replace(rounds.get() + 1) == 1
        }));
        assert_eq!(end, BulkEnd::Cancelled);
        assert_eq!(run.progress().done, SINGLES_IN_FLIGHT, "one round ran");
    }

    #[test]
    fn a_button_waits_out_a_refusal_and_sends_nothing_twice_otherwise() {
        let action = ActionKind::ReAuthenticateSession
            .on_session(&loaded()[0], &loaded()[0].sessions[0])
            .unwrap();
        let transport = Scripted::new(|_: &HttpRequest, index| {
            Ok(if index < 2 {
                answer(429, "")
            } else {
                answer(204, "")
            })
        });
        let waits = std::cell::RefCell::new(Vec::new());
        let sent = block_on(send_action(&backend(), &transport, &action, &|e| {
            waits.borrow_mut().push(e)
        }));
        assert_eq!(sent, Ok(Performed::Done));
        assert_eq!(transport.sent.borrow().len(), 3);
        assert_eq!(waits.borrow().len(), 2);

        let lost = Scripted::new(|_, _| Err(TransportError::Failed("reset".into())));
        let sent = block_on(send_action(&backend(), &lost, &action, &|_| {}));
        assert!(matches!(sent, Err(ApiError::Network { .. })));
        assert_eq!(lost.sent.borrow().len(), 1);
    }
}
