//! A transport for native tests: it answers from a script, records what was sent and how long
//! the code asked to sleep (without sleeping), and counts how many requests were in flight at
//! once.

use super::http::{HttpRequest, HttpResponse, Transport, TransportError};
use std::cell::{Cell, RefCell};

/// Answers requests from a script: `answer(request, index of the request)`.
pub struct Scripted<F: Fn(&HttpRequest, usize) -> Result<HttpResponse, TransportError>> {
    answer: F,
    pub sent: RefCell<Vec<HttpRequest>>,
    pub slept: RefCell<Vec<u32>>,
    in_flight: Cell<usize>,
    pub most_in_flight: Cell<usize>,
}

impl<F: Fn(&HttpRequest, usize) -> Result<HttpResponse, TransportError>> Scripted<F> {
    pub fn new(answer: F) -> Self {
        Scripted {
            answer,
            sent: RefCell::default(),
            slept: RefCell::default(),
            in_flight: Cell::new(0),
            most_in_flight: Cell::new(0),
        }
    }

    /// The URLs sent, in order.
    pub fn urls(&self) -> Vec<String> {
        self.sent.borrow().iter().map(|r| r.url.clone()).collect()
    }
}

impl<F: Fn(&HttpRequest, usize) -> Result<HttpResponse, TransportError>> Transport for Scripted<F> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let index = self.sent.borrow().len();
        self.sent.borrow_mut().push(request.clone());
        self.in_flight.set(self.in_flight.get() + 1);
        self.most_in_flight
            .set(self.most_in_flight.get().max(self.in_flight.get()));
        // Let the other requests of the same round start before this one answers.
        YieldOnce(false).await;
        self.in_flight.set(self.in_flight.get() - 1);
        (self.answer)(&request, index)
    }

    async fn sleep(&self, millis: u32) {
        self.slept.borrow_mut().push(millis);
    }
}

/// A future that is pending once, then ready.
struct YieldOnce(bool);

impl std::future::Future for YieldOnce {
    type Output = ();

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        if self.0 {
            std::task::Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            std::task::Poll::Pending
        }
    }
}

/// A 2xx answer with `body`.
pub fn ok(body: &str) -> HttpResponse {
    HttpResponse {
        status: 200,
        body: body.to_string(),
    }
}

/// An answer with `status` and `body`.
pub fn answer(status: u16, body: &str) -> HttpResponse {
    HttpResponse {
        status,
        body: body.to_string(),
    }
}
