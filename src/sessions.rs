//! Server-side sessions: where they are stored (SQLite by default, Redis to share them
//! between replicas), how the cookie is set, and the PAT sealed inside them with an
//! AEAD, so neither store ever holds a usable token.

use crate::{axiom::User, config::SessionConfig, secret::Secret};
use async_trait::async_trait;
use base64::{engine::general_purpose::STANDARD, Engine};
use chacha20poly1305::{
    aead::{Aead, AeadCore, KeyInit, OsRng},
    XChaCha20Poly1305, XNonce,
};
use serde::{Deserialize, Serialize};
use std::{
    path::Path,
    time::{SystemTime, UNIX_EPOCH},
};
use tower_sessions::{
    cookie::SameSite,
    session::{Id, Record},
    session_store::{self, ExpiredDeletion},
    Expiry, Session, SessionManagerLayer, SessionStore,
};
use tower_sessions_redis_store::{fred::prelude::*, RedisStore};
use tower_sessions_sqlx_store::SqliteStore;

/// The session key under which the signed-in person is kept.
const PERSON_KEY: &str = "person";

/// What a session remembers about who signed in.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct StoredPerson {
    user: User,
    /// The PAT, encrypted with the session key (see [`PatCipher`]).
    sealed_pat: String,
    /// Unix seconds, for the absolute lifetime.
    signed_in_at: u64,
}

/// Encrypts PATs for storage. XChaCha20-Poly1305 with a random nonce per seal.
#[derive(Clone)]
pub struct PatCipher(XChaCha20Poly1305);

impl std::fmt::Debug for PatCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PatCipher([redacted])")
    }
}

impl PatCipher {
    pub fn new(key: &[u8; 32]) -> Self {
        Self(XChaCha20Poly1305::new(key.into()))
    }

    /// The key from `SESSION_KEY` (base64 or hex of 32 bytes), or else from the key
    /// file, which is created (mode 0600) with a random key on first start.
    pub fn load(configured: Option<&Secret>, key_file: &Path) -> Result<Self, String> {
        if let Some(key) = configured {
            return decode_key(key.expose())
                .map(|key| Self::new(&key))
                .ok_or_else(|| "SESSION_KEY: expected 32 bytes, base64 or hex encoded".to_owned());
        }
        if let Ok(text) = std::fs::read_to_string(key_file) {
            return decode_key(text.trim())
                .map(|key| Self::new(&key))
                .ok_or_else(|| format!("the session key file {} is damaged", key_file.display()));
        }
        let key: [u8; 32] = XChaCha20Poly1305::generate_key(&mut OsRng).into();
        write_private_file(key_file, STANDARD.encode(key).as_bytes()).map_err(|e| {
            format!(
                "cannot create the session key file {}: {e}",
                key_file.display()
            )
        })?;
        Ok(Self::new(&key))
    }

    pub fn seal(&self, pat: &Secret) -> String {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let ciphertext = self
            .0
            .encrypt(&nonce, pat.expose().as_bytes())
            .expect("encrypting a short string cannot fail");
        let mut sealed = nonce.to_vec();
        sealed.extend(ciphertext);
        STANDARD.encode(sealed)
    }

    /// The PAT, if `sealed` was sealed with this key and not tampered with.
    pub fn open(&self, sealed: &str) -> Option<Secret> {
        let bytes = STANDARD.decode(sealed).ok()?;
        if bytes.len() < 24 {
            return None;
        }
        let (nonce, ciphertext) = bytes.split_at(24);
        let plain = self.0.decrypt(XNonce::from_slice(nonce), ciphertext).ok()?;
        String::from_utf8(plain).ok().map(Secret::new)
    }
}

fn decode_key(text: &str) -> Option<[u8; 32]> {
    let bytes = if text.len() == 64 && text.chars().all(|c| c.is_ascii_hexdigit()) {
        (0..32)
            .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok())
            .collect::<Option<Vec<u8>>>()?
    } else {
        STANDARD.decode(text).ok()?
    };
    bytes.try_into().ok()
}

fn write_private_file(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(contents)
}

/// The configured session store: one type for the router, whichever backend it is.
#[derive(Clone, Debug)]
pub enum Store {
    Sqlite(SqliteStore),
    Redis(RedisStore<Pool>),
}

impl Store {
    /// Opens the store `SESSION_STORE` names: Redis, or the SQLite file in `data_dir`.
    /// A SQLite store also gets a task that deletes expired sessions.
    pub async fn open(config: &SessionConfig, data_dir: &Path) -> Result<Self, String> {
        match &config.redis_url {
            Some(url) => {
                let redis_config = Config::from_url(url.expose())
                    .map_err(|_| "SESSION_STORE: not a valid Redis URL".to_owned())?;
                let pool = Pool::new(redis_config, None, None, None, 4)
                    .map_err(|e| format!("SESSION_STORE: {e}"))?;
                // The connection task runs on its own; its handle is not needed.
                drop(pool.connect());
                tokio::time::timeout(std::time::Duration::from_secs(10), pool.wait_for_connect())
                    .await
                    .map_err(|_| "SESSION_STORE: Redis did not answer within 10 s".to_owned())?
                    .map_err(|e| format!("SESSION_STORE: cannot connect to Redis: {e}"))?;
                Ok(Self::Redis(RedisStore::new(pool)))
            }
            None => {
                let path = data_dir.join("sessions.db");
                std::fs::create_dir_all(data_dir)
                    .map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
                let options = sqlx::sqlite::SqliteConnectOptions::new()
                    .filename(&path)
                    .create_if_missing(true)
                    .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal);
                let pool = sqlx::SqlitePool::connect_with(options).await.map_err(|e| {
                    format!("cannot open the session store {}: {e}", path.display())
                })?;
                let store = SqliteStore::new(pool);
                store
                    .migrate()
                    .await
                    .map_err(|e| format!("cannot prepare the session store: {e}"))?;
                tokio::spawn(
                    store
                        .clone()
                        .continuously_delete_expired(tokio::time::Duration::from_secs(300)),
                );
                Ok(Self::Sqlite(store))
            }
        }
    }
}

#[async_trait]
impl SessionStore for Store {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            Self::Sqlite(store) => store.create(record).await,
            Self::Redis(store) => store.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            Self::Sqlite(store) => store.save(record).await,
            Self::Redis(store) => store.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            Self::Sqlite(store) => store.load(id).await,
            Self::Redis(store) => store.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            Self::Sqlite(store) => store.delete(id).await,
            Self::Redis(store) => store.delete(id).await,
        }
    }
}

/// The cookie: HttpOnly, SameSite=Lax, Secure unless configured off; the session is
/// saved on every request so the idle timeout counts from the last one.
pub fn layer(store: Store, config: &SessionConfig) -> SessionManagerLayer<Store> {
    SessionManagerLayer::new(store)
        .with_name("roster_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(config.cookie_secure)
        .with_always_save(true)
        .with_expiry(Expiry::OnInactivity(time::Duration::minutes(
            config.idle_minutes.into(),
        )))
}

/// Signing in, reading who is signed in, and signing out, over one session.
#[derive(Clone, Debug)]
pub struct Sessions {
    pub cipher: PatCipher,
    pub lifetime_secs: u64,
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Sessions {
    /// Starts a signed-in session, with a new id so a planted id is worthless.
    pub async fn sign_in(&self, session: &Session, user: User, pat: &Secret) -> Result<(), String> {
        session.cycle_id().await.map_err(|e| e.to_string())?;
        let person = StoredPerson {
            user,
            sealed_pat: self.cipher.seal(pat),
            signed_in_at: now_secs(),
        };
        session
            .insert(PERSON_KEY, person)
            .await
            .map_err(|e| e.to_string())
    }

    /// Who is signed in, with their PAT; `None` when nobody is, or the session is past
    /// its absolute lifetime (then it is ended), or its PAT cannot be opened.
    pub async fn current(&self, session: &Session) -> Option<(User, Secret)> {
        let person: StoredPerson = session.get(PERSON_KEY).await.ok().flatten()?;
        if now_secs().saturating_sub(person.signed_in_at) >= self.lifetime_secs {
            let _ = session.flush().await;
            return None;
        }
        let pat = self.cipher.open(&person.sealed_pat)?;
        Some((person.user, pat))
    }

    /// Remembers a new name for the signed-in person.
    pub async fn update_user(&self, session: &Session, user: User) {
        if let Ok(Some(mut person)) = session.get::<StoredPerson>(PERSON_KEY).await {
            person.user = user;
            let _ = session.insert(PERSON_KEY, person).await;
        }
    }

    /// Ends the session in the store (and its data and id here, so nothing is saved
    /// again), so a replayed cookie finds nothing.
    pub async fn sign_out(&self, session: &Session) {
        if let Err(e) = session.flush().await {
            tracing::warn!(error = %e, "could not delete a session");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_pats_open_only_with_their_key() {
        let cipher = PatCipher::new(&[7; 32]);
        let pat = Secret::new("xapt-local-alan-user");
        let sealed = cipher.seal(&pat);
        assert!(!sealed.contains("xapt"));
        assert_ne!(sealed, cipher.seal(&pat), "a fresh nonce each time");
        assert_eq!(cipher.open(&sealed), Some(pat));
        assert_eq!(PatCipher::new(&[8; 32]).open(&sealed), None);
        let mut tampered = STANDARD.decode(&sealed).unwrap();
        *tampered.last_mut().unwrap() ^= 1;
        assert_eq!(cipher.open(&STANDARD.encode(tampered)), None);
    }

    #[test]
    fn keys_come_as_base64_or_hex() {
        assert_eq!(decode_key(&"ab".repeat(32)), Some([0xab; 32]));
        assert_eq!(decode_key(&STANDARD.encode([3u8; 32])), Some([3; 32]));
        assert_eq!(decode_key("short"), None);
    }

    #[test]
    fn the_key_file_is_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("session.key");
        let first = PatCipher::load(None, &path).unwrap();
        let sealed = first.seal(&Secret::new("xapt-x"));
        let second = PatCipher::load(None, &path).unwrap();
        assert_eq!(second.open(&sealed).unwrap().expose(), "xapt-x");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
