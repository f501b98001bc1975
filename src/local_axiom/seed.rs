//! The organization a fresh local Axiom starts with, and bulk users for benchmarks.

use super::store::{NewUser, Store};

/// A small, realistic org: name, email, role id and personal access token.
const PEOPLE: [(&str, &str, &str, &str); 10] = [
    (
        "Ada Lovelace",
        "ada@example.com",
        "owner",
        "xapt-local-ada-owner",
    ),
    (
        "Grace Hopper",
        "grace@example.com",
        "admin",
        "xapt-local-grace-admin",
    ),
    (
        "Alan Turing",
        "alan@example.com",
        "user",
        "xapt-local-alan-user",
    ),
    (
        "Katherine Johnson",
        "katherine@example.com",
        "user",
        "xapt-local-katherine-user",
    ),
    (
        "Linus Torvalds",
        "linus@example.com",
        "read-only",
        "xapt-local-linus-read-only",
    ),
    (
        "Margaret Hamilton",
        "margaret@example.com",
        "admin",
        "xapt-local-margaret-admin",
    ),
    (
        "Dennis Ritchie",
        "dennis@example.com",
        "rol_support_engineers",
        "xapt-local-dennis-support",
    ),
    (
        "Barbara Liskov",
        "barbara@example.com",
        "user",
        "xapt-local-barbara-user",
    ),
    (
        "Ken Thompson",
        "ken@example.com",
        "rol_billing_viewers",
        "xapt-local-ken-billing",
    ),
    (
        "Frances Allen",
        "frances@example.com",
        "none",
        "xapt-local-frances-none",
    ),
];

const FIRST_NAMES: [&str; 24] = [
    "Amara", "Bo", "Carmen", "Dmitri", "Elif", "Farah", "Gustav", "Hana", "Ines", "Jonas", "Kiran",
    "Lea", "Mateo", "Noor", "Olu", "Priya", "Quinn", "Rafael", "Sofia", "Tomás", "Uma", "Viktor",
    "Wen", "Yusuf",
];
const LAST_NAMES: [&str; 20] = [
    "Adeyemi", "Berg", "Castillo", "Dubois", "Eriksen", "Fischer", "García", "Haddad", "Ivanova",
    "Jensen", "Kowalski", "Larsen", "Moreau", "Nakamura", "Okafor", "Petrov", "Rossi", "Silva",
    "Tanaka", "Weber",
];
const BULK_ROLES: [&str; 6] = [
    "user",
    "user",
    "user",
    "read-only",
    "admin",
    "rol_support_engineers",
];

/// Seeds the small org into an empty database, then grows it to `target` users.
pub async fn seed(store: &Store, target: Option<usize>) -> Result<(), sqlx::Error> {
    if store.count_users().await? == 0 {
        let people: Vec<NewUser> = PEOPLE
            .iter()
            .map(|(name, email, role_id, pat)| NewUser {
                name,
                email,
                role_id,
                pat: Some(pat),
            })
            .collect();
        store.insert_users(&people).await?;
    }
    let Some(target) = target else { return Ok(()) };
    let existing = store.count_users().await?;
    if existing >= target {
        return Ok(());
    }
    let generated: Vec<(String, String, &str)> = (existing..target)
        .map(|n| {
            let first = FIRST_NAMES[n % FIRST_NAMES.len()];
            let last = LAST_NAMES[(n / FIRST_NAMES.len()) % LAST_NAMES.len()];
            let email = format!(
                "{}.{}.{n}@example.com",
                first.to_lowercase(),
                last.to_lowercase()
            );
            (
                format!("{first} {last}"),
                email,
                BULK_ROLES[n % BULK_ROLES.len()],
            )
        })
        .collect();
    let new_users: Vec<NewUser> = generated
        .iter()
        .map(|(name, email, role_id)| NewUser {
            name,
            email,
            role_id,
            pat: None,
        })
        .collect();
    store.insert_users(&new_users).await?;
    Ok(())
}
