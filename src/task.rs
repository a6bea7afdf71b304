//! Async work that belongs to a component: the one way the console starts a task, a timer or a
//! read. Whatever is started here stops when the component that started it is disposed (the
//! admin left the page, a dialog closed, the language changed), so no task ever reads a signal
//! of a component that is gone. Leptos' raw `spawn_local`, timers and resources are refused by
//! clippy (`clippy.toml`) everywhere but here.

use leptos::prelude::*;
use std::future::Future;
use std::time::Duration;

/// The tasks of one component. Made while the component is built, so that a task started
/// later (from a click or a callback, when some inner part of the view is current) still
/// belongs to the whole component and not to that part.
#[derive(Clone, Copy)]
pub struct Tasks {
    /// Gone with the component: no task is started for a component already disposed.
    owner: StoredValue<Option<Owner>>,
}

impl Tasks {
    /// The tasks of the component being built.
    pub fn here() -> Tasks {
        Tasks {
            owner: StoredValue::new(Owner::current()),
        }
    }

    /// Runs `task` until it ends or the component is disposed, whichever comes first: then the
    /// task is dropped at the await it is waiting on and runs no further. Nothing is started
    /// for a component that is already gone.
    pub fn spawn(self, task: impl Future<Output = ()> + 'static) {
        let Some(Some(owner)) = self.owner.try_get_value() else {
            return;
        };
        #[allow(clippy::disallowed_methods)] // the one place a task is started
        owner.with(|| leptos::task::spawn_local_scoped_with_cancellation(task));
    }
}

/// Calls `tick` every `period` while the component being built lives.
pub fn every(period: Duration, tick: impl Fn() + 'static) {
    #[allow(clippy::disallowed_methods)] // the one place a timer is started
    let handle = set_interval_with_handle(tick, period).ok();
    on_cleanup(move || {
        if let Some(handle) = handle {
            handle.clear();
        }
    });
}

/// A value read asynchronously for the component being built: read when the component is
/// built, again whenever a signal `fetch` reads before its first await changes, and on
/// [`Load::reload`]. A read still out when the next one starts, or when the component goes, is
/// dropped, so an old answer never overwrites a newer one. The last value stays while the next
/// is read.
pub struct Load<T: 'static> {
    value: RwSignal<Option<T>>,
    reading: RwSignal<bool>,
    again: Trigger,
}

impl<T: 'static> Clone for Load<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: 'static> Copy for Load<T> {}

impl<T: Send + Sync + 'static> Load<T> {
    /// Reads with `fetch` now and whenever it must (see [`Load`]).
    pub fn new<Fut>(fetch: impl Fn() -> Fut + 'static) -> Self
    where
        Fut: Future<Output = T> + 'static,
    {
        let value = RwSignal::new(None);
        let reading = RwSignal::new(true);
        let again = Trigger::new();
        // Each run of the effect has an owner of its own, cleaned up when it runs again or
        // goes: the read it started goes with it.
        Effect::new(move |_| {
            again.track();
            let read = fetch();
            reading.set(true);
            Tasks::here().spawn(async move {
                let answer = read.await;
                value.set(Some(answer));
                reading.set(false);
            });
        });
        Load {
            value,
            reading,
            again,
        }
    }

    /// Runs `f` on the last value read, None before the first (tracked).
    pub fn with<R>(&self, f: impl FnOnce(&Option<T>) -> R) -> R {
        self.value.with(f)
    }

    /// Whether a read is out (tracked).
    pub fn reading(&self) -> bool {
        self.reading.get()
    }

    /// Reads again.
    pub fn reload(&self) {
        self.again.notify();
    }
}

impl<T: Clone + Send + Sync + 'static> Load<T> {
    /// The last value read, None before the first (tracked).
    pub fn get(&self) -> Option<T> {
        self.value.get()
    }
}
