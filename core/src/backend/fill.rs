//! For a backend whose user list carries counts but no sessions: reading each user's sessions
//! in turn, a few at a time, handing each user over as it comes, so that a page showing
//! sessions fills while the admin already uses it.

use super::run::SINGLES_IN_FLIGHT;
use super::{Api, ApiError, Transport};
use crate::model::{User, UserId};

/// How far reading the users' sessions got.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FillProgress {
    /// Users whose sessions were read, or could not be.
    pub read: usize,
    pub total: usize,
    /// Users whose sessions could not be read.
    pub failed: usize,
}

impl FillProgress {
    /// Whether every user has been read (or given up on).
    pub fn done(&self) -> bool {
        self.read >= self.total
    }
}

/// Reads the sessions of each of `users`, `SINGLES_IN_FLIGHT` at a time, handing each user as
/// read to `got` and the progress to `progress`. Refused credentials (or a page that went away)
/// end it with that error; any other error counts the user as failed and goes on.
pub async fn fill_sessions<B: Api, T: Transport>(
    backend: &B,
    transport: &T,
    users: &[UserId],
    got: &dyn Fn(User),
    progress: &dyn Fn(FillProgress),
) -> Result<(), ApiError> {
    let mut state = FillProgress {
        total: users.len(),
        ..FillProgress::default()
    };
    progress(state);
    for group in users.chunks(SINGLES_IN_FLIGHT) {
        let read =
            futures::future::join_all(group.iter().map(|id| backend.user(transport, id, &|_| {})))
                .await;
        for user in read {
            state.read += 1;
            match user {
                Ok(user) => got(user),
                Err(err) if err.needs_reconnect() || err == ApiError::Cancelled => return Err(err),
                Err(_) => state.failed += 1,
            }
        }
        progress(state);
    }
    Ok(())
}

#[cfg(all(test, feature = "authsessions"))]
mod tests {
    use super::*;
    use crate::backend::authsessions::AuthSessions;
    use crate::backend::testing::{answer, ok, Scripted};
    use crate::backend::{Credentials, HttpRequest};
    use futures::executor::block_on;
    use std::cell::RefCell;

    fn api() -> AuthSessions {
        AuthSessions::new("https://x/api/admin", Credentials::BearerToken("t".into()))
    }

    #[test]
    fn every_user_is_read_once_four_at_a_time_and_failures_are_counted() {
        let transport = Scripted::new(|request: &HttpRequest, _| {
            Ok(if request.url.contains("/user-sessions/bad") {
                answer(500, r#"{"Error": "err_Internal", "Message": "x"}"#)
            } else {
                ok(r#"{"Items": [], "TotalCount": 0}"#)
            })
        });
        let ids: Vec<UserId> = (0..10)
            .map(|i| {
                if i == 3 {
                    "bad".into()
                } else {
                    format!("u{i}").into()
                }
            })
            .collect();
        let seen = RefCell::new(Vec::new());
        let steps = RefCell::new(Vec::new());
        block_on(fill_sessions(
            &api(),
            &transport,
            &ids,
            &|user| seen.borrow_mut().push(user.id),
            &|p| steps.borrow_mut().push(p),
        ))
        .unwrap();
        assert_eq!(seen.borrow().len(), 9);
        assert!(transport.most_in_flight.get() <= SINGLES_IN_FLIGHT);
        let last = *steps.borrow().last().unwrap();
        assert_eq!(
            last,
            FillProgress {
                read: 10,
                total: 10,
                failed: 1
            }
        );
        assert!(last.done());
        assert_eq!(
            steps.borrow()[0].read,
            0,
            "the first report comes before any read"
        );
    }

    #[test]
    fn refused_credentials_stop_it() {
        let transport = Scripted::new(|_: &HttpRequest, _| {
            Ok(answer(
                401,
                r#"{"Error": "err_Unauthorized", "Message": "x"}"#,
            ))
        });
        let ids: Vec<UserId> = (0..10).map(|i| format!("u{i}").into()).collect();
        let ended = block_on(fill_sessions(&api(), &transport, &ids, &|_| {}, &|_| {}));
        assert!(ended.unwrap_err().needs_reconnect());
        assert!(
            transport.sent.borrow().len() <= SINGLES_IN_FLIGHT,
            "no more rounds"
        );
    }
}
