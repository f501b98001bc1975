//! The org's user list and role options, kept for a few seconds and fetched once for
//! everyone waiting. `GET /v2/users` returns the whole org every time, so without this
//! every page view would move the whole list; with it, a burst of page views costs one
//! upstream call. The roles on offer (`GET /v2/roles`) are kept the same way, since
//! every users page offers them in each row.

use crate::{
    axiom::{AxiomError, RoleRef, User},
    directory::Directory,
};
use std::{
    future::Future,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

/// One value from Axiom, shared for `ttl`, with concurrent fetches coalesced.
#[derive(Debug)]
struct Shared<T> {
    ttl: Duration,
    state: Mutex<State<T>>,
    /// Held by the one request fetching; the others wait here, then read its result.
    fetching: tokio::sync::Mutex<()>,
}

#[derive(Debug)]
struct State<T> {
    value: Option<(Instant, Arc<T>)>,
    /// Counts finished fetches, so waiters know whether one finished while they waited.
    fetches: u64,
    last_failure: Option<AxiomError>,
}

impl<T: Clone> Shared<T> {
    fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            state: Mutex::new(State {
                value: None,
                fetches: 0,
                last_failure: None,
            }),
            fetching: tokio::sync::Mutex::new(()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn fresh(&self, state: &State<T>) -> Option<Arc<T>> {
        let (at, value) = state.value.as_ref()?;
        (at.elapsed() < self.ttl).then(|| value.clone())
    }

    /// The value, from the cache while fresh, else from `fetch`; concurrent callers
    /// share one fetch and its result, success or failure.
    async fn get<F, Fut>(&self, fetch: F) -> Result<Arc<T>, AxiomError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, AxiomError>>,
    {
        let seen = {
            let state = self.lock();
            if let Some(value) = self.fresh(&state) {
                return Ok(value);
            }
            state.fetches
        };
        let _fetching = self.fetching.lock().await;
        {
            let state = self.lock();
            if state.fetches != seen {
                // A fetch finished while this request waited: use its outcome.
                if let Some((at, value)) = &state.value {
                    if state.last_failure.is_none()
                        && (self.ttl.is_zero() || at.elapsed() < self.ttl)
                    {
                        return Ok(value.clone());
                    }
                }
                if let Some(error) = &state.last_failure {
                    return Err(error.clone());
                }
            }
        }
        let result = fetch().await;
        let mut state = self.lock();
        state.fetches += 1;
        match result {
            Ok(value) => {
                let value = Arc::new(value);
                state.value = Some((Instant::now(), value.clone()));
                state.last_failure = None;
                Ok(value)
            }
            Err(error) => {
                state.last_failure = Some(error.clone());
                Err(error)
            }
        }
    }

    fn invalidate(&self) {
        self.lock().value = None;
    }

    fn apply(&self, change: impl FnOnce(&mut T)) {
        let mut state = self.lock();
        if let Some((_, value)) = state.value.as_mut() {
            change(Arc::make_mut(value));
        }
    }
}

#[derive(Debug)]
pub struct UserListCache {
    users: Shared<Directory>,
    roles: Shared<Vec<RoleRef>>,
}

impl UserListCache {
    /// `ttl` zero turns caching off (every read fetches; concurrent reads still share).
    pub fn new(ttl: Duration) -> Self {
        Self {
            users: Shared::new(ttl),
            roles: Shared::new(ttl),
        }
    }

    /// The user list, from the cache while fresh, else from `fetch`; concurrent
    /// callers share one fetch and its result, success or failure.
    pub async fn get<F, Fut>(&self, fetch: F) -> Result<Arc<Directory>, AxiomError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Vec<User>, AxiomError>>,
    {
        // Preparing the list (folding, for search and sort) is part of the one fetch.
        self.users
            .get(|| async { fetch().await.map(Directory::new) })
            .await
    }

    /// The roles on offer, kept like the list.
    pub async fn role_options<F, Fut>(&self, fetch: F) -> Arc<Vec<RoleRef>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Vec<RoleRef>>,
    {
        let fetched = self.roles.get(|| async { Ok(fetch().await) }).await;
        fetched.unwrap_or_default()
    }

    /// Forgets the list and the roles, so the next read fetches them (the Refresh
    /// button).
    pub fn invalidate(&self) {
        self.users.invalidate();
        self.roles.invalidate();
    }

    /// Applies a change made through Roster to the cached list at once.
    pub fn apply(&self, change: impl FnOnce(&mut Vec<User>)) {
        self.users.apply(|directory| directory.edit(change));
    }

    /// Puts a created or changed user in the list (replacing one with the same id).
    pub fn upsert(&self, user: &User) {
        self.apply(|users| match users.iter_mut().find(|u| u.id == user.id) {
            Some(existing) => *existing = user.clone(),
            None => users.push(user.clone()),
        });
    }

    pub fn remove(&self, id: &str) {
        self.apply(|users| users.retain(|u| u.id != id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::axiom::{RoleRef, Unavailable};
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn user(id: &str) -> User {
        User {
            id: id.into(),
            name: id.into(),
            email: format!("{id}@example.com"),
            role: RoleRef {
                id: "user".into(),
                name: "User".into(),
            },
        }
    }

    #[tokio::test]
    async fn concurrent_reads_share_one_fetch() {
        let cache = Arc::new(UserListCache::new(Duration::from_secs(10)));
        let calls = Arc::new(AtomicUsize::new(0));
        let reads = (0..200).map(|_| {
            let (cache, calls) = (cache.clone(), calls.clone());
            tokio::spawn(async move {
                cache
                    .get(|| async move {
                        calls.fetch_add(1, Ordering::SeqCst);
                        tokio::task::yield_now().await;
                        Ok(vec![user("a")])
                    })
                    .await
            })
        });
        for read in reads.collect::<Vec<_>>() {
            assert_eq!(read.await.unwrap().unwrap().len(), 1);
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn waiters_share_a_failure_instead_of_retrying_one_by_one() {
        let cache = Arc::new(UserListCache::new(Duration::from_secs(10)));
        let calls = Arc::new(AtomicUsize::new(0));
        let reads: Vec<_> = (0..50)
            .map(|_| {
                let (cache, calls) = (cache.clone(), calls.clone());
                tokio::spawn(async move {
                    cache
                        .get(|| async move {
                            calls.fetch_add(1, Ordering::SeqCst);
                            tokio::task::yield_now().await;
                            Err(AxiomError::Unavailable(Unavailable::Status(503)))
                        })
                        .await
                })
            })
            .collect();
        for read in reads {
            assert!(read.await.unwrap().is_err());
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        // The next read after the failure tries again.
        let users = cache.get(|| async { Ok(vec![user("b")]) }).await.unwrap();
        assert_eq!(users[0].id, "b");
    }

    #[tokio::test]
    async fn changes_apply_at_once_and_refresh_refetches() {
        let cache = UserListCache::new(Duration::from_secs(10));
        cache.get(|| async { Ok(vec![user("a")]) }).await.unwrap();
        cache.upsert(&user("b"));
        let mut renamed = user("a");
        renamed.name = "Ada".into();
        cache.upsert(&renamed);
        cache.remove("b");
        let unused = || async { panic!("the cache is fresh") };
        let users = cache.get(unused).await.unwrap();
        assert_eq!(
            users.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(),
            ["Ada"]
        );
        cache.invalidate();
        let users = cache.get(|| async { Ok(vec![user("c")]) }).await.unwrap();
        assert_eq!(users[0].id, "c");
    }

    #[tokio::test]
    async fn a_zero_ttl_always_fetches() {
        let cache = UserListCache::new(Duration::ZERO);
        cache.get(|| async { Ok(vec![user("a")]) }).await.unwrap();
        let users = cache.get(|| async { Ok(vec![user("b")]) }).await.unwrap();
        assert_eq!(users[0].id, "b");
    }
}
