#![cfg(feature = "ssr")]
//! Sessions over HTTP: sign-in cycles the id, sign-out ends it, the limit holds, and
//! neither store (SQLite, Redis) ever holds a PAT.

mod common;

use common::*;
use roster::{
    axiom::{RoleRef, User},
    secret::Secret,
    sessions::{PatCipher, Sessions},
};
use std::{net::TcpListener, process::Command, sync::Arc};

const PAT: &str = "xapt-local-alan-user";

#[tokio::test]
async fn signing_in_cycles_the_session_id_and_signing_out_ends_it() {
    let axiom = local_axiom().await;
    let roster = roster_for(&axiom).await;
    let mut browser = Browser::new(&roster.base);

    // A planted (made-up) session id is not adopted.
    browser.cookie = Some("roster_session=planted-by-an-attacker".into());
    let answer = browser.sign_in(PAT).await;
    assert!(answer.contains("SignedIn"), "{answer}");
    let first = browser.cookie.clone().expect("a session cookie");
    assert_ne!(first, "roster_session=planted-by-an-attacker");

    // Signing in again gives a new id, and the old one is gone.
    browser.sign_in(PAT).await;
    let second = browser.cookie.clone().unwrap();
    assert_ne!(first, second);
    let mut replay = Browser::new(&roster.base);
    replay.cookie = Some(first);
    let who = replay.call("current_user", &[]).await.text().await.unwrap();
    assert_eq!(who, "null", "the old id signs nobody in");

    let who = browser
        .call("current_user", &[])
        .await
        .text()
        .await
        .unwrap();
    assert!(who.contains("alan@example.com"), "{who}");
    assert!(!who.contains(PAT));

    browser.call("sign_out", &[]).await;
    let mut replay = Browser::new(&roster.base);
    replay.cookie = Some(second);
    let who = replay.call("current_user", &[]).await.text().await.unwrap();
    assert_eq!(
        who, "null",
        "a replayed cookie after sign-out signs nobody in"
    );
}

#[tokio::test]
async fn the_cookie_is_http_only_lax_secure_and_idles_out() {
    let axiom = local_axiom().await;
    let roster = roster_for(&axiom).await;
    let response = Browser::new(&roster.base)
        .call("sign_in", &[("token", PAT), ("next", "/")])
        .await;
    let cookie = response.headers()[reqwest::header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    for part in ["HttpOnly", "SameSite=Lax", "Secure", "Max-Age=28800"] {
        assert!(cookie.contains(part), "{cookie}");
    }
    assert!(!cookie.contains(PAT));

    let relaxed = roster_with(
        &axiom,
        &[("COOKIE_SECURE", "false"), ("SESSION_IDLE_MINUTES", "5")],
    )
    .await;
    let response = Browser::new(&relaxed.base)
        .call("sign_in", &[("token", PAT), ("next", "/")])
        .await;
    let cookie = response.headers()[reqwest::header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        !cookie.contains("Secure") && cookie.contains("Max-Age=300"),
        "{cookie}"
    );
}

#[tokio::test]
async fn a_wrong_token_gets_the_generic_answer_and_no_session() {
    let axiom = local_axiom().await;
    let roster = roster_for(&axiom).await;
    let mut browser = Browser::new(&roster.base);
    let answer = browser.sign_in("xapt-made-up").await;
    assert!(answer.contains("TokenNotAccepted"), "{answer}");
    assert!(browser.cookie.is_none(), "no session for a refused token");
}

#[tokio::test]
async fn sign_in_attempts_are_limited_per_address() {
    let axiom = local_axiom().await;
    let roster = roster_for(&axiom).await;
    let mut browser = Browser::new(&roster.base);
    for _ in 0..5 {
        let answer = browser.sign_in("xapt-wrong").await;
        assert!(answer.contains("TokenNotAccepted"), "{answer}");
    }
    let answer = browser.sign_in(PAT).await;
    assert!(
        answer.contains("TooManyAttempts"),
        "even a good token waits: {answer}"
    );
    assert!(browser.cookie.is_none());
}

#[tokio::test]
async fn a_session_past_its_lifetime_is_over() {
    let store = Arc::new(tower_sessions::MemoryStore::default());
    let session = tower_sessions::Session::new(None, store, None);
    let user = User {
        id: "usr_1".into(),
        name: "Alan".into(),
        email: "alan@example.com".into(),
        role: RoleRef {
            id: "user".into(),
            name: "User".into(),
        },
    };
    let pat = Secret::new(PAT);
    let fresh = Sessions {
        cipher: PatCipher::new(&[9; 32]),
        lifetime_secs: 3600,
    };
    fresh.sign_in(&session, user.clone(), &pat).await.unwrap();
    assert_eq!(
        fresh.current(&session).await.map(|(u, p)| (u.id, p)),
        Some(("usr_1".into(), pat))
    );
    let expired = Sessions {
        lifetime_secs: 0,
        ..fresh
    };
    assert!(expired.current(&session).await.is_none());
    assert!(session.is_empty().await, "the expired session was ended");
}

#[tokio::test]
async fn the_sqlite_store_holds_no_pat() {
    let axiom = local_axiom().await;
    let roster = roster_for(&axiom).await;
    let mut browser = Browser::new(&roster.base);
    browser.sign_in(PAT).await;
    let rows = raw_rows(&roster.dir.path().join("sessions.db")).await;
    assert_eq!(rows.len(), 1);
    assert!(
        !contains(&rows[0], PAT.as_bytes()),
        "the PAT is sealed at rest"
    );
    assert!(
        contains(&rows[0], b"alan@example.com"),
        "the session holds the person"
    );
}

async fn raw_rows(path: &std::path::Path) -> Vec<Vec<u8>> {
    use sqlx::Row;
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let rows = sqlx::query("SELECT data FROM tower_sessions")
        .fetch_all(&pool)
        .await
        .unwrap();
    rows.iter()
        .map(|row| row.get::<Vec<u8>, _>("data"))
        .collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A real `redis-server` on a free loopback port, stopped when dropped.
struct Redis {
    port: u16,
    child: std::process::Child,
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_redis() -> Redis {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("redis-server")
        .args([
            "--bind",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("redis-server is installed (make test installs it)");
    let redis = Redis { port, child };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while redis_cli(port, &["PING"]) != b"PONG\n" {
        assert!(
            std::time::Instant::now() < deadline,
            "redis-server did not start"
        );
        std::thread::yield_now();
    }
    redis
}

fn redis_cli(port: u16, args: &[&str]) -> Vec<u8> {
    Command::new("redis-cli")
        .args(["-p", &port.to_string(), "--raw"])
        .args(args)
        .output()
        .map(|out| out.stdout)
        .unwrap_or_default()
}

#[tokio::test]
async fn redis_sessions_are_shared_by_replicas_and_hold_no_pat() {
    let redis = start_redis();
    let url = format!("redis://127.0.0.1:{}", redis.port);
    let axiom = local_axiom().await;
    // Two replicas with one key, as behind a load balancer.
    let key = "ab".repeat(32);
    let vars = [
        ("SESSION_STORE", url.as_str()),
        ("SESSION_KEY", key.as_str()),
    ];
    let first = roster_with(&axiom, &vars).await;
    let second = roster_with(&axiom, &vars).await;

    let mut browser = Browser::new(&first.base);
    browser.sign_in(PAT).await;
    let mut other = Browser::new(&second.base);
    other.cookie = browser.cookie.clone();
    let who = other.call("current_user", &[]).await.text().await.unwrap();
    assert!(
        who.contains("alan@example.com"),
        "the second replica knows the session: {who}"
    );

    let keys = String::from_utf8(redis_cli(redis.port, &["KEYS", "*"])).unwrap();
    let keys: Vec<&str> = keys.lines().filter(|k| !k.is_empty()).collect();
    assert_eq!(keys.len(), 1, "{keys:?}");
    let value = redis_cli(redis.port, &["GET", keys[0]]);
    assert!(contains(&value, b"alan@example.com"));
    assert!(
        !contains(&value, PAT.as_bytes()),
        "the PAT is sealed at rest"
    );

    browser.call("sign_out", &[]).await;
    let keys = redis_cli(redis.port, &["KEYS", "*"]);
    assert!(
        String::from_utf8(keys).unwrap().trim().is_empty(),
        "sign-out deleted the session"
    );
}
