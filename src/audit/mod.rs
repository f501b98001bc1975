//! The audit trail: every change made through Roster and every sign-in, who made it,
//! from where, and how it ended. The entries live in SQLite on the server (`log`); this
//! module holds what the `/audit` page shows and the server function that reads it.

#[cfg(feature = "ssr")]
mod log;

#[cfg(feature = "ssr")]
pub use log::{record, to_csv, AuditLog, Change};

use crate::{
    directory::{encode, query_string},
    errors::AppError,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Entries per page of `/audit`.
pub const PAGE_SIZE: usize = 50;

/// What was done. The `as_str` names are what the table, the URL and the CSV hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    SignIn,
    Invite,
    RoleChange,
    Removal,
    Rename,
}

impl Action {
    pub const ALL: [Action; 5] = [
        Action::SignIn,
        Action::Invite,
        Action::RoleChange,
        Action::Removal,
        Action::Rename,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignIn => "sign-in",
            Self::Invite => "invite",
            Self::RoleChange => "role-change",
            Self::Removal => "removal",
            Self::Rename => "rename",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::SignIn => "Sign-in",
            Self::Invite => "Invite",
            Self::RoleChange => "Role change",
            Self::Removal => "Removal",
            Self::Rename => "Rename",
        }
    }
}

/// The actor of an entry made without a signed-in person (`ADMIN_ACCESS=network`, or a
/// failed sign-in); the client address says where it came from.
pub const NETWORK_ACTOR: &str = "network";

/// One line of the audit trail. No field ever holds a credential (see `log::scrub`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    /// RFC 3339, UTC, to the second.
    pub at: String,
    /// The signed-in person's email, or [`NETWORK_ACTOR`].
    pub actor: String,
    pub actor_name: String,
    pub client_address: String,
    pub action: Action,
    /// Who the action was about, as the admin knows them ("Name <email>"), or an id.
    pub target: String,
    pub target_id: String,
    /// What changed, e.g. "role: admin".
    pub detail: String,
    pub succeeded: bool,
    /// Why it failed, in the words the person was shown (Axiom's reason included).
    pub reason: String,
}

impl AuditEntry {
    /// "Ada Lovelace <ada@…>" or "network (127.0.0.1)".
    pub fn actor_label(&self) -> String {
        if self.actor == NETWORK_ACTOR {
            format!("{NETWORK_ACTOR} ({})", self.client_address)
        } else if self.actor_name.is_empty() {
            self.actor.clone()
        } else {
            format!("{} <{}>", self.actor_name, self.actor)
        }
    }

    /// The time as people read it: "2026-12-04 19:40:01 UTC".
    pub fn when(&self) -> String {
        format!(
            "{} UTC",
            self.at.trim_end_matches('Z').replacen('T', " ", 1)
        )
    }
}

/// Which entries `/audit` shows, as in its URL (`?action=&actor=&result=&page=`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    pub action: Option<Action>,
    /// Case-insensitive part of the actor's email, name or address.
    pub actor: String,
    /// `Some(true)`: successes only; `Some(false)`: failures only.
    pub succeeded: Option<bool>,
    /// 1-based.
    pub page: usize,
}

impl AuditQuery {
    /// Reads the query from URL parameters; missing or malformed ones take defaults.
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            action: get("action").and_then(|a| Action::parse(&a)),
            actor: get("actor").unwrap_or_default().trim().to_owned(),
            succeeded: match get("result").as_deref() {
                Some("ok") => Some(true),
                Some("failed") => Some(false),
                _ => None,
            },
            page: get("page")
                .and_then(|p| p.parse().ok())
                .filter(|p| *p >= 1)
                .unwrap_or(1),
        }
    }

    /// The URL query string, leaving out defaults and, if `with_page` is false, the page.
    pub fn to_query_string(&self, with_page: bool) -> String {
        let mut parts = Vec::new();
        if let Some(action) = self.action {
            parts.push(format!("action={}", action.as_str()));
        }
        if !self.actor.is_empty() {
            parts.push(format!("actor={}", encode(&self.actor)));
        }
        match self.succeeded {
            Some(true) => parts.push("result=ok".to_owned()),
            Some(false) => parts.push("result=failed".to_owned()),
            None => {}
        }
        if with_page && self.page > 1 {
            parts.push(format!("page={}", self.page));
        }
        query_string(&parts)
    }
}

/// One page of `/audit`, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// Entries matching the filters, on every page.
    pub matching: u64,
    pub page: usize,
    pub pages: usize,
}

/// One page of the audit trail, for whoever may manage users.
#[server(prefix = "/api", endpoint = "audit_entries")]
pub async fn audit_entries(query: AuditQuery) -> Result<AuditPage, AppError> {
    let state = crate::server::AppState::from_context()?;
    crate::account::require_admin(&state).await?;
    state.audit.page(&query).await.map_err(|e| {
        tracing::error!(error = %e, "could not read the audit trail");
        AppError::AuditUnavailable
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_round_trips_through_the_url() {
        let query = AuditQuery {
            action: Some(Action::RoleChange),
            actor: "ada lovelace".into(),
            succeeded: Some(false),
            page: 3,
        };
        let url = query.to_query_string(true);
        assert_eq!(
            url,
            "?action=role-change&actor=ada%20lovelace&result=failed&page=3"
        );
        let parsed = AuditQuery::from_params(|key| {
            url.trim_start_matches('?').split('&').find_map(|pair| {
                let (k, v) = pair.split_once('=')?;
                (k == key).then(|| v.replace("%20", " "))
            })
        });
        assert_eq!(parsed, query);
        assert_eq!(AuditQuery::default().to_query_string(true), "");
        let junk = AuditQuery::from_params(|key| Some(format!("junk-{key}")));
        assert_eq!((junk.action, junk.succeeded, junk.page), (None, None, 1));
    }

    #[test]
    fn entries_read_as_people_expect() {
        let mut entry = AuditEntry {
            id: 1,
            at: "2026-12-04T19:40:01Z".into(),
            actor: NETWORK_ACTOR.into(),
            actor_name: String::new(),
            client_address: "10.0.0.7".into(),
            action: Action::Invite,
            target: String::new(),
            target_id: String::new(),
            detail: String::new(),
            succeeded: true,
            reason: String::new(),
        };
        assert_eq!(entry.when(), "2026-12-04 19:40:01 UTC");
        assert_eq!(entry.actor_label(), "network (10.0.0.7)");
        entry.actor = "ada@example.com".into();
        entry.actor_name = "Ada".into();
        assert_eq!(entry.actor_label(), "Ada <ada@example.com>");
    }
}
