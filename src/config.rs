//! Roster's configuration, read once at start-up from the environment (and `.env`).

use crate::secret::Secret;
use std::{fmt, net::SocketAddr, path::PathBuf};

/// Everything Roster needs to start, parsed and checked.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where Roster listens (`LEPTOS_SITE_ADDR`).
    pub site_addr: SocketAddr,
    /// Which Axiom Roster manages.
    pub backend: Backend,
    /// Where Roster keeps its files, the local Axiom's database among them (`ROSTER_DATA_DIR`).
    pub data_dir: PathBuf,
    /// The origin browsers use to reach Roster, when it differs from the `Host` it sees
    /// (behind a proxy): `PUBLIC_URL`, reduced to scheme, host and port.
    pub public_origin: Option<String>,
    /// Who may manage users (`ADMIN_ACCESS`).
    pub admin_access: AdminAccess,
    /// Sessions: where they live, how long they last, how the cookie is set.
    pub sessions: SessionConfig,
    /// `USER_CACHE_SECONDS` (default 10; 0 turns it off): how long the org's user list
    /// is reused before it is fetched again.
    pub user_cache_seconds: u32,
    /// `AUDIT_RETENTION_DAYS` (default 0: keep every entry): audit entries older than
    /// this many days are deleted, hourly.
    pub audit_retention_days: u32,
}

/// `ADMIN_ACCESS`: who may see and change the org's users.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AdminAccess {
    /// Anyone who can reach Roster (it binds to loopback unless told otherwise, and is
    /// meant to sit behind a VPN).
    #[default]
    Network,
    /// Only a signed-in person whose Axiom role is owner or admin.
    SignedInAdmins,
}

/// How sessions are kept.
#[derive(Clone, Debug)]
pub struct SessionConfig {
    /// `SESSION_STORE`: `redis://…` for Redis; otherwise a SQLite file in the data folder.
    pub redis_url: Option<Secret>,
    /// `SESSION_KEY`: 32 bytes (base64 or hex) to encrypt PATs at rest; when unset, a key
    /// file in the data folder, made on first start.
    pub key: Option<Secret>,
    /// `COOKIE_SECURE=false` allows the cookie over plain HTTP to hosts other than localhost.
    pub cookie_secure: bool,
    /// `SESSION_IDLE_MINUTES` (default 480): signed out after this long without a request.
    pub idle_minutes: u32,
    /// `SESSION_LIFETIME_MINUTES` (default 1440): signed out this long after signing in.
    pub lifetime_minutes: u32,
    /// `SIGN_IN_ATTEMPTS_PER_MINUTE` (default 5): sign-in attempts per client address.
    pub sign_in_attempts_per_minute: u32,
}

/// The Axiom that Roster talks to.
#[derive(Debug, Clone)]
pub enum Backend {
    /// No `AXIOM_TOKEN`: Roster starts the embedded local Axiom and uses its credentials.
    /// `LOCAL_AXIOM_SEED_USERS` grows its org to that many users (for benchmarks).
    Local { seed_users: Option<usize> },
    /// A real (or separately run) Axiom.
    Remote {
        url: String,
        token: Secret,
        org_id: Option<String>,
    },
}

/// A setting that stops start-up, naming the variable and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub variable: &'static str,
    pub problem: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.variable, self.problem)
    }
}

impl std::error::Error for ConfigError {}

const DEFAULT_AXIOM_URL: &str = "https://api.axiom.co";

impl Config {
    /// Reads the process environment, after loading `.env` if there is one.
    pub fn from_env() -> Result<Self, ConfigError> {
        match dotenvy::dotenv() {
            Ok(_) => {}
            Err(e) if e.not_found() => {}
            Err(e) => {
                return Err(ConfigError {
                    variable: ".env",
                    problem: format!("the file could not be read: {e}"),
                })
            }
        }
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Parses settings from any source of variables, so tests need not touch the
    /// process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());

        let site_addr = match get("LEPTOS_SITE_ADDR") {
            None => SocketAddr::from(([127, 0, 0, 1], 3000)),
            Some(raw) => raw.trim().parse().map_err(|_| ConfigError {
                variable: "LEPTOS_SITE_ADDR",
                problem: format!("{raw:?} is not an address and port such as 127.0.0.1:3000"),
            })?,
        };

        let data_dir = PathBuf::from(get("ROSTER_DATA_DIR").unwrap_or_else(|| "data".into()));

        let public_origin = get("PUBLIC_URL")
            .map(|raw| {
                origin_of(raw.trim()).ok_or_else(|| ConfigError {
                    variable: "PUBLIC_URL",
                    problem: format!("{raw:?} is not an http:// or https:// URL"),
                })
            })
            .transpose()?;

        let org_id = get("AXIOM_ORG_ID").map(|v| v.trim().to_owned());
        let url = get("AXIOM_URL").map(|v| v.trim().trim_end_matches('/').to_owned());
        if let Some(url) = &url {
            check_url(url)?;
        }
        let backend = match get("AXIOM_TOKEN") {
            None if url.is_some() => {
                return Err(ConfigError {
                    variable: "AXIOM_TOKEN",
                    problem: "AXIOM_URL is set but AXIOM_TOKEN is not; set a token for that \
                              Axiom, or unset AXIOM_URL to use the embedded local Axiom"
                        .into(),
                })
            }
            None => Backend::Local {
                seed_users: get("LOCAL_AXIOM_SEED_USERS")
                    .map(|raw| {
                        raw.trim().parse().map_err(|_| ConfigError {
                            variable: "LOCAL_AXIOM_SEED_USERS",
                            problem: format!("{raw:?} is not a whole number"),
                        })
                    })
                    .transpose()?,
            },
            Some(token) => {
                let token = token.trim();
                if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
                    return Err(ConfigError {
                        variable: "AXIOM_TOKEN",
                        problem: "the token contains spaces or control characters".into(),
                    });
                }
                if token.starts_with("xapt-") && org_id.is_none() {
                    return Err(ConfigError {
                        variable: "AXIOM_ORG_ID",
                        problem: "AXIOM_TOKEN is a personal access token, which needs the \
                                  organization id in AXIOM_ORG_ID"
                            .into(),
                    });
                }
                Backend::Remote {
                    url: url.unwrap_or_else(|| DEFAULT_AXIOM_URL.into()),
                    token: Secret::new(token),
                    org_id,
                }
            }
        };

        let admin_access = match get("ADMIN_ACCESS").as_deref().map(str::trim) {
            None | Some("network") => AdminAccess::Network,
            Some("signed-in-admins") => AdminAccess::SignedInAdmins,
            Some(other) => {
                return Err(ConfigError {
                    variable: "ADMIN_ACCESS",
                    problem: format!("{other:?} is neither \"network\" nor \"signed-in-admins\""),
                })
            }
        };

        // A whole number from the environment; `zero_ok` for settings where 0 means off.
        let whole = |variable: &'static str, default: u32, zero_ok: bool| match get(variable) {
            None => Ok(default),
            Some(raw) => raw
                .trim()
                .parse()
                .ok()
                .filter(|n| zero_ok || *n > 0)
                .ok_or(ConfigError {
                    variable,
                    problem: if zero_ok {
                        format!("{raw:?} is not a whole number")
                    } else {
                        format!("{raw:?} is not a positive whole number")
                    },
                }),
        };
        let positive = |variable: &'static str, default: u32| whole(variable, default, false);
        let redis_url = match get("SESSION_STORE") {
            None => None,
            Some(url) if url.trim() == "sqlite" => None,
            Some(url) if url.starts_with("redis://") || url.starts_with("rediss://") => {
                Some(Secret::new(url.trim()))
            }
            Some(_) => {
                return Err(ConfigError {
                    variable: "SESSION_STORE",
                    problem: "expected a redis:// or rediss:// URL, or \"sqlite\"".into(),
                })
            }
        };
        let cookie_secure = match get("COOKIE_SECURE").as_deref().map(str::trim) {
            None | Some("true") => true,
            Some("false") => false,
            Some(other) => {
                return Err(ConfigError {
                    variable: "COOKIE_SECURE",
                    problem: format!("{other:?} is neither true nor false"),
                })
            }
        };
        let sessions = SessionConfig {
            redis_url,
            key: get("SESSION_KEY").map(|k| Secret::new(k.trim())),
            cookie_secure,
            idle_minutes: positive("SESSION_IDLE_MINUTES", 8 * 60)?,
            lifetime_minutes: positive("SESSION_LIFETIME_MINUTES", 24 * 60)?,
            sign_in_attempts_per_minute: positive("SIGN_IN_ATTEMPTS_PER_MINUTE", 5)?,
        };

        let user_cache_seconds = whole("USER_CACHE_SECONDS", 10, true)?;
        let audit_retention_days = whole("AUDIT_RETENTION_DAYS", 0, true)?;

        Ok(Self {
            site_addr,
            backend,
            data_dir,
            public_origin,
            admin_access,
            sessions,
            user_cache_seconds,
            audit_retention_days,
        })
    }
}

/// `https://host:port` from a URL that may carry a path.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split('/').next()?;
    let valid = matches!(scheme, "http" | "https")
        && !host.is_empty()
        && !host.contains(|c: char| c.is_whitespace() || c == '@');
    valid.then(|| {
        format!(
            "{}://{}",
            scheme.to_ascii_lowercase(),
            host.to_ascii_lowercase()
        )
    })
}

fn check_url(url: &str) -> Result<(), ConfigError> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => Ok(()),
        _ => Err(ConfigError {
            variable: "AXIOM_URL",
            problem: format!("{url:?} is not an http:// or https:// URL"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn no_token_means_the_local_axiom_on_the_default_address() {
        let config = parse(&[]).unwrap();
        assert!(matches!(
            config.backend,
            Backend::Local { seed_users: None }
        ));
        assert_eq!(config.site_addr.to_string(), "127.0.0.1:3000");
        assert_eq!(config.data_dir, PathBuf::from("data"));
    }

    #[test]
    fn a_token_means_real_axiom_by_default() {
        let config = parse(&[("AXIOM_TOKEN", "xaat-abc")]).unwrap();
        match config.backend {
            Backend::Remote { url, token, org_id } => {
                assert_eq!(url, "https://api.axiom.co");
                assert_eq!(token.expose(), "xaat-abc");
                assert_eq!(org_id, None);
            }
            Backend::Local { .. } => panic!("expected a remote backend"),
        }
    }

    #[test]
    fn a_bad_address_names_the_variable() {
        let err = parse(&[("LEPTOS_SITE_ADDR", "localhost")]).unwrap_err();
        assert_eq!(err.variable, "LEPTOS_SITE_ADDR");
        assert!(err.to_string().contains("\"localhost\""));
    }

    #[test]
    fn a_url_without_a_token_is_refused() {
        let err = parse(&[("AXIOM_URL", "http://127.0.0.1:8787")]).unwrap_err();
        assert_eq!(err.variable, "AXIOM_TOKEN");
    }

    #[test]
    fn a_url_must_be_http() {
        let err = parse(&[("AXIOM_TOKEN", "xaat-a"), ("AXIOM_URL", "api.axiom.co")]).unwrap_err();
        assert_eq!(err.variable, "AXIOM_URL");
    }

    #[test]
    fn the_public_url_is_reduced_to_its_origin() {
        let config = parse(&[("PUBLIC_URL", "https://Roster.example.com/admin/")]).unwrap();
        assert_eq!(
            config.public_origin.as_deref(),
            Some("https://roster.example.com")
        );
        let err = parse(&[("PUBLIC_URL", "roster.example.com")]).unwrap_err();
        assert_eq!(err.variable, "PUBLIC_URL");
    }

    #[test]
    fn session_and_access_settings_are_checked() {
        let config = parse(&[]).unwrap();
        assert_eq!(config.admin_access, AdminAccess::Network);
        assert!(config.sessions.cookie_secure);
        assert_eq!(
            (
                config.sessions.idle_minutes,
                config.sessions.lifetime_minutes
            ),
            (480, 1440)
        );
        let config = parse(&[
            ("ADMIN_ACCESS", "signed-in-admins"),
            ("COOKIE_SECURE", "false"),
            ("SESSION_STORE", "redis://127.0.0.1:6379"),
            ("SESSION_IDLE_MINUTES", "30"),
        ])
        .unwrap();
        assert_eq!(config.admin_access, AdminAccess::SignedInAdmins);
        assert!(!config.sessions.cookie_secure);
        assert!(config.sessions.redis_url.is_some());
        assert_eq!(config.sessions.idle_minutes, 30);
        for (variable, value) in [
            ("ADMIN_ACCESS", "everyone"),
            ("COOKIE_SECURE", "maybe"),
            ("SESSION_STORE", "memcached://x"),
            ("SESSION_LIFETIME_MINUTES", "0"),
        ] {
            assert_eq!(parse(&[(variable, value)]).unwrap_err().variable, variable);
        }
    }

    #[test]
    fn a_personal_token_needs_an_org() {
        let err = parse(&[("AXIOM_TOKEN", "xapt-a")]).unwrap_err();
        assert_eq!(err.variable, "AXIOM_ORG_ID");
        let config = parse(&[("AXIOM_TOKEN", "xapt-a"), ("AXIOM_ORG_ID", "acme")]).unwrap();
        assert!(matches!(
            config.backend,
            Backend::Remote {
                org_id: Some(_),
                ..
            }
        ));
    }

    #[test]
    fn errors_and_debug_output_never_show_the_token() {
        let config = parse(&[("AXIOM_TOKEN", "xaat-topsecret")]).unwrap();
        assert!(!format!("{config:?}").contains("topsecret"));
        let err = parse(&[("AXIOM_TOKEN", "xaat top secret")]).unwrap_err();
        assert!(!err.to_string().contains("top secret"));
    }
}
