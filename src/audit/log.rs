//! The audit table in SQLite (`audit.db` in the data folder) and how entries get there.
//! An entry is written before the answer goes back, so a change the person saw
//! succeed is always on record.

use super::{Action, AuditEntry, AuditPage, AuditQuery, NETWORK_ACTOR, PAGE_SIZE};
use crate::{axiom::User, errors::AppError, server::AppState};
use sqlx::{sqlite::SqliteConnectOptions, QueryBuilder, Sqlite, SqlitePool};
use std::{net::SocketAddr, path::Path};

#[derive(Clone, Debug)]
pub struct AuditLog {
    pool: SqlitePool,
}

/// What a change was, before it is known who made it and how it ended.
#[derive(Clone, Debug)]
pub struct Change {
    pub action: Action,
    pub target: String,
    pub target_id: String,
    pub detail: String,
    /// Who acted, when the session does not say it yet (a sign-in): `Some(None)` is
    /// the network.
    pub actor: Option<Option<User>>,
}

impl Change {
    pub fn new(action: Action) -> Self {
        Self {
            action,
            target: String::new(),
            target_id: String::new(),
            detail: String::new(),
            actor: None,
        }
    }

    /// The target as "Name <email>", by what is known of them.
    pub fn about(mut self, id: &str, name: &str, email: &str) -> Self {
        self.target_id = id.to_owned();
        self.target = match (name.is_empty(), email.is_empty()) {
            (false, false) => format!("{name} <{email}>"),
            (true, false) => email.to_owned(),
            (false, true) => name.to_owned(),
            (true, true) => id.to_owned(),
        };
        self
    }

    pub fn about_user(self, user: &User) -> Self {
        self.about(&user.id, &user.name, &user.email)
    }

    pub fn detail(mut self, detail: String) -> Self {
        self.detail = detail;
        self
    }

    pub fn by(mut self, actor: Option<User>) -> Self {
        self.actor = Some(actor);
        self
    }
}

/// A stored row, before its action is parsed back.
#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    at: String,
    actor: String,
    actor_name: String,
    client_address: String,
    action: String,
    target: String,
    target_id: String,
    detail: String,
    succeeded: bool,
    reason: String,
}

impl From<Row> for AuditEntry {
    fn from(row: Row) -> Self {
        Self {
            id: row.id,
            at: row.at,
            actor: row.actor,
            actor_name: row.actor_name,
            client_address: row.client_address,
            // Only this module writes the column, always with `as_str`.
            action: Action::parse(&row.action).unwrap_or(Action::SignIn),
            target: row.target,
            target_id: row.target_id,
            detail: row.detail,
            succeeded: row.succeeded,
            reason: row.reason,
        }
    }
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    client_address TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    target_id TEXT NOT NULL,
    detail TEXT NOT NULL,
    succeeded INTEGER NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_by_action ON audit (action, id);
";

impl AuditLog {
    /// Opens (creating if needed) `audit.db` in `data_dir`.
    pub async fn open(data_dir: &Path) -> Result<Self, String> {
        std::fs::create_dir_all(data_dir)
            .map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
        let path = data_dir.join("audit.db");
        let options = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
            // Every committed entry survives a crash of Roster; WAL keeps this cheap.
            .synchronous(sqlx::sqlite::SqliteSynchronous::Normal)
            .busy_timeout(std::time::Duration::from_secs(5));
        let pool = SqlitePool::connect_with(options)
            .await
            .map_err(|e| format!("cannot open the audit trail {}: {e}", path.display()))?;
        sqlx::raw_sql(SCHEMA)
            .execute(&pool)
            .await
            .map_err(|e| format!("cannot prepare the audit trail: {e}"))?;
        Ok(Self { pool })
    }

    pub async fn append(&self, entry: &AuditEntry) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO audit (at, actor, actor_name, client_address, action, target, \
             target_id, detail, succeeded, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&entry.at)
        .bind(scrub(&entry.actor))
        .bind(scrub(&entry.actor_name))
        .bind(&entry.client_address)
        .bind(entry.action.as_str())
        .bind(scrub(&entry.target))
        .bind(scrub(&entry.target_id))
        .bind(scrub(&entry.detail))
        .bind(entry.succeeded)
        .bind(scrub(&entry.reason))
        .execute(&self.pool)
        .await
        .map(|_| ())
    }

    /// One page of the entries matching `query`, newest first.
    pub async fn page(&self, query: &AuditQuery) -> Result<AuditPage, sqlx::Error> {
        let mut count = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM audit");
        filter(&mut count, query);
        let matching: i64 = count.build_query_scalar().fetch_one(&self.pool).await?;
        let matching = matching.max(0) as u64;
        let pages = (matching as usize).div_ceil(PAGE_SIZE).max(1);
        let page = query.page.clamp(1, pages);
        let mut select = QueryBuilder::<Sqlite>::new("SELECT * FROM audit");
        filter(&mut select, query);
        select
            .push(" ORDER BY id DESC LIMIT ")
            .push_bind(PAGE_SIZE as i64)
            .push(" OFFSET ")
            .push_bind(((page - 1) * PAGE_SIZE) as i64);
        let rows: Vec<Row> = select.build_query_as().fetch_all(&self.pool).await?;
        Ok(AuditPage {
            entries: rows.into_iter().map(AuditEntry::from).collect(),
            matching,
            page,
            pages,
        })
    }

    /// Every entry matching `query` (its page aside), newest first: the CSV download.
    pub async fn matching(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, sqlx::Error> {
        let mut select = QueryBuilder::<Sqlite>::new("SELECT * FROM audit");
        filter(&mut select, query);
        select.push(" ORDER BY id DESC");
        let rows: Vec<Row> = select.build_query_as().fetch_all(&self.pool).await?;
        Ok(rows.into_iter().map(AuditEntry::from).collect())
    }

    /// Deletes the entries older than `days` days; returns how many went.
    pub async fn prune(&self, days: u32) -> Result<u64, sqlx::Error> {
        let cutoff = time::OffsetDateTime::now_utc() - time::Duration::days(days.into());
        let cutoff = rfc3339(cutoff);
        // RFC 3339 times in UTC, all written the same way, sort as text.
        let done = sqlx::query("DELETE FROM audit WHERE at < ?")
            .bind(cutoff)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// With a retention set, prunes now and then every hour, for as long as Roster runs.
    pub fn keep_for(&self, days: u32) {
        if days == 0 {
            return;
        }
        let log = self.clone();
        tokio::spawn(async move {
            let mut hourly = tokio::time::interval(std::time::Duration::from_secs(3600));
            loop {
                hourly.tick().await;
                match log.prune(days).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(deleted = n, days, "pruned the audit trail"),
                    Err(e) => tracing::error!(error = %e, "could not prune the audit trail"),
                }
            }
        });
    }
}

/// The WHERE clause for a query's filters, with every value bound, never spliced.
fn filter(sql: &mut QueryBuilder<'_, Sqlite>, query: &AuditQuery) {
    let mut glue = " WHERE ";
    if let Some(action) = query.action {
        sql.push(glue).push("action = ").push_bind(action.as_str());
        glue = " AND ";
    }
    if !query.actor.is_empty() {
        // LIKE with the wildcards in the typed text escaped: a search, not a pattern.
        let escaped = query
            .actor
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        sql.push(glue)
            .push("(actor LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\' OR actor_name LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\' OR client_address LIKE ")
            .push_bind(pattern)
            .push(" ESCAPE '\\')");
        glue = " AND ";
    }
    if let Some(succeeded) = query.succeeded {
        sql.push(glue).push("succeeded = ").push_bind(succeeded);
    }
}

/// Replaces anything shaped like an Axiom token (`xaat-…`, `xapt-…`) with
/// "[redacted]": whatever someone pastes into a name or email field, the audit trail
/// holds no credential.
pub(crate) fn scrub(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = ["xaat-", "xapt-"]
        .iter()
        .filter_map(|prefix| rest.to_ascii_lowercase().find(prefix))
        .min()
    {
        out.push_str(&rest[..start]);
        out.push_str("[redacted]");
        let token_end = rest[start..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .map_or(rest.len(), |end| start + end);
        rest = &rest[token_end..];
    }
    out.push_str(rest);
    out
}

/// Appends `change` with its actor (the signed-in person, or the network and the
/// client's address) and `result`. A failure to write is logged: the change itself
/// has already happened, and the person is told what Axiom did.
pub async fn record(change: Change, result: Result<(), &AppError>) {
    let Ok(state) = AppState::from_context() else {
        return;
    };
    let client_address = leptos_axum::extract::<axum::extract::ConnectInfo<SocketAddr>>()
        .await
        .map(|info| info.0.ip().to_string())
        .unwrap_or_else(|_| "unknown".to_owned());
    let actor = match change.actor {
        Some(actor) => actor,
        None => crate::account::signed_in().await.map(|(user, _)| user),
    };
    let (actor, actor_name) = match actor {
        Some(user) => (user.email, user.name),
        None => (NETWORK_ACTOR.to_owned(), String::new()),
    };
    let entry = AuditEntry {
        id: 0,
        at: now_rfc3339(),
        actor,
        actor_name,
        client_address,
        action: change.action,
        target: change.target,
        target_id: change.target_id,
        detail: change.detail,
        succeeded: result.is_ok(),
        reason: result.err().map(ToString::to_string).unwrap_or_default(),
    };
    if let Err(e) = state.audit.append(&entry).await {
        tracing::error!(error = %e, action = entry.action.as_str(), "could not write to the audit trail");
    }
}

fn now_rfc3339() -> String {
    rfc3339(time::OffsetDateTime::now_utc())
}

/// `2026-12-04T19:40:01Z`: to the second, in UTC.
fn rfc3339(at: time::OffsetDateTime) -> String {
    at.replace_nanosecond(0)
        .unwrap_or(at)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// The entries as CSV (RFC 4180). A cell that a spreadsheet would run as a formula
/// (starting with `=`, `+`, `-`, `@`, tab or carriage return) gets a leading `'`.
pub fn to_csv(entries: &[AuditEntry]) -> String {
    fn cell(out: &mut String, value: &str) {
        let guarded = match value.chars().next() {
            Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}"),
            _ => value.to_owned(),
        };
        if guarded.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&guarded.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&guarded);
        }
    }
    let mut out = String::from(
        "id,time,actor,actor_name,client_address,action,target,target_id,detail,result,reason\r\n",
    );
    for entry in entries {
        let id = entry.id.to_string();
        let result = if entry.succeeded { "ok" } else { "failed" };
        let cells = [
            id.as_str(),
            &entry.at,
            &entry.actor,
            &entry.actor_name,
            &entry.client_address,
            entry.action.as_str(),
            &entry.target,
            &entry.target_id,
            &entry.detail,
            result,
            &entry.reason,
        ];
        for (i, value) in cells.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            cell(&mut out, value);
        }
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: i64, action: Action, actor: &str, succeeded: bool) -> AuditEntry {
        AuditEntry {
            id,
            at: "2026-12-04T10:00:00Z".into(),
            actor: actor.into(),
            actor_name: String::new(),
            client_address: "127.0.0.1".into(),
            action,
            target: "Alan <alan@example.com>".into(),
            target_id: "usr_1".into(),
            detail: String::new(),
            succeeded,
            reason: String::new(),
        }
    }

    #[test]
    fn token_shaped_text_is_redacted() {
        assert_eq!(scrub("plain words"), "plain words");
        assert_eq!(
            scrub("a xapt-local-ada-owner b XAAT-1234_x, c"),
            "a [redacted] b [redacted], c"
        );
        assert_eq!(scrub("xaat-"), "[redacted]");
    }

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let mut e = entry(7, Action::Rename, "ada@example.com", false);
        e.detail = "name: =HYPERLINK(\"x\")".into();
        e.reason = "Axiom said: no, \"really\"\nno".into();
        e.actor_name = "-Ada".into();
        let csv = to_csv(&[e]);
        let line = csv.lines().nth(1).unwrap();
        assert!(
            line.starts_with("7,2026-12-04T10:00:00Z,ada@example.com,'-Ada,"),
            "{line}"
        );
        assert!(csv.contains("\"name: =HYPERLINK(\"\"x\"\")\""), "{csv}");
        assert!(
            csv.contains(",failed,\"Axiom said: no, \"\"really\"\"\nno\"\r\n"),
            "{csv}"
        );
    }

    #[tokio::test]
    async fn entries_are_kept_filtered_and_paged_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::open(dir.path()).await.unwrap();
        for i in 0..60 {
            let action = if i % 2 == 0 {
                Action::Invite
            } else {
                Action::Removal
            };
            let actor = if i % 3 == 0 {
                "ada@example.com"
            } else {
                NETWORK_ACTOR
            };
            log.append(&entry(0, action, actor, i % 5 != 0))
                .await
                .unwrap();
        }
        let all = log.page(&AuditQuery::default()).await.unwrap();
        assert_eq!(
            (all.matching, all.pages, all.entries.len()),
            (60, 2, PAGE_SIZE)
        );
        assert!(
            all.entries.windows(2).all(|w| w[0].id > w[1].id),
            "newest first"
        );
        let second = log
            .page(&AuditQuery {
                page: 2,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(second.entries.len(), 10);
        let invites_by_ada = AuditQuery {
            action: Some(Action::Invite),
            actor: "ADA@".into(),
            ..Default::default()
        };
        // i in 0..60 with i even and i divisible by 3: multiples of 6, ten of them.
        assert_eq!(log.page(&invites_by_ada).await.unwrap().matching, 10);
        let failures = AuditQuery {
            succeeded: Some(false),
            ..Default::default()
        };
        assert_eq!(log.matching(&failures).await.unwrap().len(), 12);
        // A LIKE wildcard typed into the filter is just a character.
        let percent = AuditQuery {
            actor: "%".into(),
            ..Default::default()
        };
        assert_eq!(log.page(&percent).await.unwrap().matching, 0);
        // A page past the end shows the last page.
        let far = log
            .page(&AuditQuery {
                page: 99,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(far.page, 2);
    }

    #[tokio::test]
    async fn pruning_deletes_only_entries_past_the_retention() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::open(dir.path()).await.unwrap();
        let mut old = entry(0, Action::Invite, NETWORK_ACTOR, true);
        old.at = rfc3339(time::OffsetDateTime::now_utc() - time::Duration::days(40));
        log.append(&old).await.unwrap();
        let mut recent = entry(0, Action::Removal, NETWORK_ACTOR, true);
        recent.at = now_rfc3339();
        log.append(&recent).await.unwrap();
        assert_eq!(log.prune(30).await.unwrap(), 1);
        let left = log.matching(&AuditQuery::default()).await.unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].action, Action::Removal);
        assert_eq!(log.prune(30).await.unwrap(), 0);
    }

    #[tokio::test]
    async fn the_trail_survives_a_restart_and_holds_no_token() {
        let dir = tempfile::tempdir().unwrap();
        {
            let log = AuditLog::open(dir.path()).await.unwrap();
            let mut e = entry(0, Action::Invite, NETWORK_ACTOR, false);
            e.target = "xapt-local-ada-owner <x@example.com>".into();
            log.append(&e).await.unwrap();
        }
        let log = AuditLog::open(dir.path()).await.unwrap();
        let entries = log.matching(&AuditQuery::default()).await.unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].target, "[redacted] <x@example.com>");
        for file in std::fs::read_dir(dir.path()).unwrap() {
            let raw = std::fs::read(file.unwrap().path()).unwrap();
            assert!(!String::from_utf8_lossy(&raw).contains("xapt-"));
        }
    }
}
