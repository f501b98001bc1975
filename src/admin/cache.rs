//! The org's user list, kept for a few seconds and fetched once for everyone waiting.
//! `GET /v2/users` returns the whole org every time, so without this every page view
//! would move the whole list; with it, a burst of page views costs one upstream call.

use crate::axiom::{AxiomError, User};
use std::{
    future::Future,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

#[derive(Debug)]
pub struct UserListCache {
    ttl: Duration,
    state: Mutex<State>,
    /// Held by the one request fetching; the others wait here, then read its result.
    fetching: tokio::sync::Mutex<()>,
}

#[derive(Debug, Default)]
struct State {
    users: Option<(Instant, Arc<Vec<User>>)>,
    /// Counts finished fetches, so waiters know whether one finished while they waited.
    fetches: u64,
    last_failure: Option<AxiomError>,
}

impl UserListCache {
    /// `ttl` zero turns caching off (every read fetches; concurrent reads still share).
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            state: Mutex::default(),
            fetching: tokio::sync::Mutex::new(()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn fresh(&self, state: &State) -> Option<Arc<Vec<User>>> {
        let (at, users) = state.users.as_ref()?;
        (at.elapsed() < self.ttl).then(|| users.clone())
    }

    /// The list, from the cache while fresh, else from `fetch`; concurrent callers share
    /// one fetch and its result, success or failure.
    pub async fn get<F, Fut>(&self, fetch: F) -> Result<Arc<Vec<User>>, AxiomError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Vec<User>, AxiomError>>,
    {
        let seen = {
            let state = self.lock();
            if let Some(users) = self.fresh(&state) {
                return Ok(users);
            }
            state.fetches
        };
        let _fetching = self.fetching.lock().await;
        {
            let state = self.lock();
            if state.fetches != seen {
                // A fetch finished while this request waited: use its outcome.
                if let Some((at, users)) = &state.users {
                    if state.last_failure.is_none()
                        && (self.ttl.is_zero() || at.elapsed() < self.ttl)
                    {
                        return Ok(users.clone());
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
            Ok(users) => {
                let users = Arc::new(users);
                state.users = Some((Instant::now(), users.clone()));
                state.last_failure = None;
                Ok(users)
            }
            Err(error) => {
                state.last_failure = Some(error.clone());
                Err(error)
            }
        }
    }

    /// Forgets the list, so the next read fetches it (the Refresh button).
    pub fn invalidate(&self) {
        self.lock().users = None;
    }

    /// Applies a change made through Roster to the cached list at once.
    pub fn apply(&self, change: impl FnOnce(&mut Vec<User>)) {
        let mut state = self.lock();
        if let Some((_, users)) = state.users.as_mut() {
            change(Arc::make_mut(users));
        }
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
