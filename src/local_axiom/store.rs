//! The local Axiom's state, in SQLite.

use crate::axiom::{RoleRef, RoleWithId, User, BUILTIN_ROLES};
use sqlx::{
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow},
    Row, SqlitePool,
};
use std::path::Path;

#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
}

/// A person to add to the org: name, email, role id and, for seeded people, their PAT.
pub struct NewUser<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub role_id: &'a str,
    pub pat: Option<&'a str>,
}

/// The custom roles every local org has, besides the built-in ones.
pub const CUSTOM_ROLES: [(&str, &str, &str); 2] = [
    (
        "rol_support_engineers",
        "Support engineers",
        "Query production datasets and read monitors",
    ),
    (
        "rol_billing_viewers",
        "Billing viewers",
        "Read usage and billing",
    ),
];

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS roles (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT,
    builtin INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role_id TEXT NOT NULL REFERENCES roles(id),
    pat TEXT UNIQUE
);
";

const USER_COLUMNS: &str =
    "SELECT u.id, u.name, u.email, r.id AS role_id, r.name AS role_name FROM users u JOIN roles r ON r.id = u.role_id";

fn user_from_row(row: &SqliteRow) -> User {
    User {
        id: row.get("id"),
        name: row.get("name"),
        email: row.get("email"),
        role: RoleRef {
            id: row.get("role_id"),
            name: row.get("role_name"),
        },
    }
}

impl Store {
    pub async fn open(path: &Path) -> Result<Self, sqlx::Error> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        sqlx::raw_sql(SCHEMA).execute(&pool).await?;
        let roles = BUILTIN_ROLES
            .iter()
            .map(|(id, name)| (*id, *name, None, true))
            .chain(
                CUSTOM_ROLES
                    .iter()
                    .map(|(id, name, description)| (*id, *name, Some(*description), false)),
            );
        for (id, name, description, builtin) in roles {
            sqlx::query(
                "INSERT OR IGNORE INTO roles (id, name, description, builtin) VALUES (?, ?, ?, ?)",
            )
            .bind(id)
            .bind(name)
            .bind(description)
            .bind(builtin)
            .execute(&pool)
            .await?;
        }
        Ok(Self { pool })
    }

    pub async fn list_users(&self) -> Result<Vec<User>, sqlx::Error> {
        let rows = sqlx::query(&format!("{USER_COLUMNS} ORDER BY u.rowid"))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(user_from_row).collect())
    }

    pub async fn get_user(&self, id: &str) -> Result<Option<User>, sqlx::Error> {
        let row = sqlx::query(&format!("{USER_COLUMNS} WHERE u.id = ?"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(user_from_row))
    }

    pub async fn user_by_pat(&self, pat: &str) -> Result<Option<User>, sqlx::Error> {
        let row = sqlx::query(&format!("{USER_COLUMNS} WHERE u.pat = ?"))
            .bind(pat)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(user_from_row))
    }

    pub async fn email_taken(&self, email: &str) -> Result<bool, sqlx::Error> {
        let row = sqlx::query("SELECT 1 FROM users WHERE email = ?")
            .bind(email)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.is_some())
    }

    pub async fn role(&self, id: &str) -> Result<Option<RoleRef>, sqlx::Error> {
        let row = sqlx::query("SELECT id, name FROM roles WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|row| RoleRef {
            id: row.get("id"),
            name: row.get("name"),
        }))
    }

    /// The custom roles, with their members, as `GET /v2/rbac/roles` lists them.
    pub async fn custom_roles(&self) -> Result<Vec<RoleWithId>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT r.id, r.name, r.description, \
             (SELECT group_concat(u.id, ',') FROM users u WHERE u.role_id = r.id) AS members \
             FROM roles r WHERE r.builtin = 0 ORDER BY r.name",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|row| RoleWithId {
                id: row.get("id"),
                name: row.get("name"),
                description: row.get("description"),
                members: row
                    .get::<Option<String>, _>("members")
                    .map(|m| m.split(',').map(str::to_owned).collect())
                    .unwrap_or_default(),
            })
            .collect())
    }

    pub async fn count_users(&self) -> Result<usize, sqlx::Error> {
        let count: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
            .fetch_one(&self.pool)
            .await?;
        Ok(count as usize)
    }

    pub async fn count_owners(&self) -> Result<usize, sqlx::Error> {
        let count: i64 = sqlx::query_scalar("SELECT count(*) FROM users WHERE role_id = 'owner'")
            .fetch_one(&self.pool)
            .await?;
        Ok(count as usize)
    }

    /// Adds users in one transaction and returns their ids. A taken email fails it all.
    pub async fn insert_users(&self, users: &[NewUser<'_>]) -> Result<Vec<String>, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        let mut ids = Vec::with_capacity(users.len());
        for user in users {
            let id = new_user_id();
            sqlx::query("INSERT INTO users (id, name, email, role_id, pat) VALUES (?, ?, ?, ?, ?)")
                .bind(&id)
                .bind(user.name)
                .bind(user.email)
                .bind(user.role_id)
                .bind(user.pat)
                .execute(&mut *tx)
                .await?;
            ids.push(id);
        }
        tx.commit().await?;
        Ok(ids)
    }

    pub async fn set_role(&self, id: &str, role_id: &str) -> Result<Option<User>, sqlx::Error> {
        sqlx::query("UPDATE users SET role_id = ? WHERE id = ?")
            .bind(role_id)
            .bind(id)
            .execute(&self.pool)
            .await?;
        self.get_user(id).await
    }

    pub async fn rename(&self, id: &str, name: &str) -> Result<Option<User>, sqlx::Error> {
        sqlx::query("UPDATE users SET name = ? WHERE id = ?")
            .bind(name)
            .bind(id)
            .execute(&self.pool)
            .await?;
        self.get_user(id).await
    }

    /// Removes a user; false when there was none.
    pub async fn delete(&self, id: &str) -> Result<bool, sqlx::Error> {
        let done = sqlx::query("DELETE FROM users WHERE id = ?")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The seeded people who have a PAT: name, role name and token, for the banner.
    pub async fn people_with_tokens(&self) -> Result<Vec<(String, String, String)>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT u.name, r.name AS role_name, u.pat FROM users u JOIN roles r ON r.id = u.role_id \
             WHERE u.pat IS NOT NULL ORDER BY u.rowid",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|row| (row.get("name"), row.get("role_name"), row.get("pat")))
            .collect())
    }
}

/// Axiom's user ids look like `usr_…`; random, so ids are not guessable or reused.
fn new_user_id() -> String {
    format!("usr_{:016x}", fastrand::u64(..))
}
