#![cfg(feature = "ssr")]
//! Roster under sustained mixed load, and while Axiom goes away and comes back: it
//! keeps answering, never with a 5xx, never hangs, recovers by itself, and the audit
//! trail holds exactly one entry per change, failures included.

mod common;

use common::*;
use roster::local_axiom::FULL_ACCESS_TOKEN;
use std::{
    net::SocketAddr,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};
use tokio::{net::TcpListener, task::AbortHandle};

/// No single answer may take longer than this: past it, Roster is hanging.
const HANG: Duration = Duration::from_secs(10);

fn http() -> reqwest::Client {
    reqwest::Client::builder().timeout(HANG).build().unwrap()
}

/// Calls a server function as the hydrated page does.
async fn call(
    http: &reqwest::Client,
    base: &str,
    function: &str,
    form: &[(&str, &str)],
) -> (u16, String) {
    let answer = http
        .post(format!("{base}/api/{function}"))
        .header("accept", "application/json")
        .header("origin", base)
        .form(form)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{function} did not answer: {e}"));
    (answer.status().as_u16(), answer.text().await.unwrap())
}

async fn page(http: &reqwest::Client, base: &str, path: &str) -> (u16, String) {
    let answer = http
        .get(format!("{base}{path}"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{path} did not answer: {e}"));
    (answer.status().as_u16(), answer.text().await.unwrap())
}

/// The audit trail's CSV lines (header left out), each as its action and result.
async fn audit(base: &str) -> Vec<(String, String, String)> {
    let (status, csv) = page(&http(), base, "/audit.csv").await;
    assert_eq!(status, 200);
    csv.lines()
        .skip(1)
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            (
                cells[5].to_owned(),
                cells[9].to_owned(),
                cells[10..].join(","),
            )
        })
        .collect()
}

/// Polls `check` every 50 ms until it holds, failing after `within`.
async fn eventually<F, Fut>(within: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + within;
    while !check().await {
        assert!(
            Instant::now() < deadline,
            "{what} did not happen within {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn mixed_load_for_a_bounded_time_gets_no_5xx_and_loses_no_audit_entry() {
    let seconds: u64 = std::env::var("ROSTER_LOAD_TEST_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let axiom = local_axiom().await;
    let roster = roster_for(&axiom).await;
    let until = Instant::now() + Duration::from_secs(seconds);
    let views = Arc::new(AtomicUsize::new(0));
    let changes = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..6)
        .map(|worker| {
            let (base, views, changes) = (roster.base.clone(), views.clone(), changes.clone());
            tokio::spawn(async move {
                let http = http();
                let paths = [
                    "/",
                    "/?q=a",
                    "/?role=user&sort=-email",
                    "/?page=2",
                    "/audit",
                ];
                let mut round = 0usize;
                while Instant::now() < until {
                    round += 1;
                    let path = paths[round % paths.len()];
                    let (status, body) = page(&http, &base, path).await;
                    assert!(status < 500, "{path}: {status}");
                    assert!(!body.contains("could not be loaded"), "{path}: {body}");
                    views.fetch_add(1, Ordering::Relaxed);
                    if !round.is_multiple_of(4) {
                        continue;
                    }
                    // A change: invite someone, then remove them again.
                    let email = format!("load-{worker}-{round}@example.com");
                    let (status, answer) = call(
                        &http,
                        &base,
                        "create_user",
                        &[
                            ("name", "Load Test"),
                            ("email", &email),
                            ("role", "user"),
                            ("back", "/"),
                        ],
                    )
                    .await;
                    assert_eq!(status, 200, "{answer}");
                    assert!(answer.contains("Invited"), "{answer}");
                    changes.fetch_add(1, Ordering::Relaxed);
                    // The answer names the invited person, not their id: the list has it.
                    let (_, list) = page(&http, &base, &format!("/?q={email}")).await;
                    let id = list
                        .split("href=\"/users/")
                        .nth(1)
                        .and_then(|rest| rest.split('"').next())
                        .unwrap_or_else(|| panic!("{email} is listed"))
                        .to_owned();
                    let (status, answer) =
                        call(&http, &base, "delete_user", &[("id", &id), ("back", "/")]).await;
                    assert_eq!(status, 200, "{answer}");
                    assert!(answer.contains("Removed"), "{answer}");
                    changes.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.unwrap();
    }
    let (views, changes) = (
        views.load(Ordering::Relaxed),
        changes.load(Ordering::Relaxed),
    );
    eprintln!("{seconds} s: {views} page views and {changes} changes");
    assert!(views > 0 && changes > 0);
    let entries = audit(&roster.base).await;
    assert_eq!(entries.len(), changes, "one audit entry per change");
    assert!(entries.iter().all(|(action, result, _)| {
        matches!(action.as_str(), "invite" | "removal") && result == "ok"
    }));
}

/// A TCP relay to the local Axiom that can be taken away (every connection cut, new
/// ones refused) and brought back on the same port.
struct Relay {
    addr: SocketAddr,
    upstream: SocketAddr,
    tasks: Arc<Mutex<Vec<AbortHandle>>>,
}

impl Relay {
    async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind(LOOPBACK_ANY_PORT).await.unwrap();
        let relay = Self {
            addr: listener.local_addr().unwrap(),
            upstream,
            tasks: Arc::default(),
        };
        relay.serve(listener);
        relay
    }

    fn serve(&self, listener: TcpListener) {
        let (upstream, tasks) = (self.upstream, self.tasks.clone());
        let accept = tokio::spawn({
            let tasks = tasks.clone();
            async move {
                while let Ok((mut inbound, _)) = listener.accept().await {
                    let connection = tokio::spawn(async move {
                        if let Ok(mut outbound) = tokio::net::TcpStream::connect(upstream).await {
                            let _ =
                                tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                        }
                    });
                    tasks.lock().unwrap().push(connection.abort_handle());
                }
            }
        });
        tasks.lock().unwrap().push(accept.abort_handle());
    }

    fn go_away(&self) {
        for task in self.tasks.lock().unwrap().drain(..) {
            task.abort();
        }
    }

    async fn come_back(&self) {
        let listener = TcpListener::bind(self.addr)
            .await
            .expect("the relay's port again");
        self.serve(listener);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn axiom_going_away_and_coming_back_gets_banners_then_recovery() {
    let axiom = local_axiom().await;
    let upstream: SocketAddr = axiom
        .running
        .base_url()
        .trim_start_matches("http://")
        .parse()
        .unwrap();
    let relay = Relay::start(upstream).await;
    let client = client_for(&format!("http://{}", relay.addr), FULL_ACCESS_TOKEN);
    // A one-second cache, so the outage shows on pages within a second.
    let roster = roster_with_client(client, &[("USER_CACHE_SECONDS", "1")]).await;
    let base = roster.base.clone();
    let http = http();
    let invite = |email: &'static str| {
        let (http, base) = (http.clone(), base.clone());
        async move {
            call(
                &http,
                &base,
                "create_user",
                &[
                    ("name", "Outage Test"),
                    ("email", email),
                    ("role", "user"),
                    ("back", "/"),
                ],
            )
            .await
        }
    };

    let (_, before) = page(&http, &base, "/").await;
    assert!(before.contains("ada@example.com"));
    assert_eq!(page(&http, &base, "/readyz").await.0, 200);

    relay.go_away();
    // Page views and changes while Axiom is gone, from several clients at once: every
    // one answers (within HANG, or the request fails the test), none with a 5xx.
    let load: Vec<_> = (0..4)
        .map(|_| {
            let (http, base) = (http.clone(), base.clone());
            tokio::spawn(async move {
                for path in ["/", "/?q=ada", "/users/usr_nobody", "/audit"] {
                    let (status, _) = page(&http, &base, path).await;
                    assert!(status < 500, "{path}: {status}");
                }
            })
        })
        .collect();
    let mut refused = 0;
    for email in [
        "gone-1@example.com",
        "gone-2@example.com",
        "gone-3@example.com",
    ] {
        let (status, answer) = invite(email).await;
        assert_eq!(status, 200, "{answer}");
        assert!(answer.contains("FormFailed"), "{answer}");
        assert!(answer.contains("Unavailable"), "{answer}");
        refused += 1;
    }
    for task in load {
        task.await.unwrap();
    }
    eventually(HANG, "the users page showing the outage", || async {
        let (status, body) = page(&http, &base, "/").await;
        status == 200
            && body.contains("The users could not be loaded")
            && body.contains("Try again")
    })
    .await;
    assert_eq!(page(&http, &base, "/readyz").await.0, 503);

    relay.come_back().await;
    // No restart, no click: the next fetch after the cache period finds Axiom again.
    eventually(Duration::from_secs(15), "recovery", || async {
        page(&http, &base, "/").await.1.contains("ada@example.com")
    })
    .await;
    eventually(Duration::from_secs(15), "readiness", || async {
        page(&http, &base, "/readyz").await.0 == 200
    })
    .await;
    let (_, answer) = invite("back-again@example.com").await;
    assert!(answer.contains("Invited"), "{answer}");

    let entries = audit(&base).await;
    let failures: Vec<_> = entries
        .iter()
        .filter(|(_, result, _)| result == "failed")
        .collect();
    assert_eq!(failures.len(), refused, "{entries:?}");
    assert!(failures
        .iter()
        .all(|(action, _, reason)| action == "invite" && reason.contains("Axiom")));
    assert_eq!(
        entries[0].1, "ok",
        "the invite after recovery, newest first"
    );
    assert_eq!(entries.len(), refused + 1);
}
