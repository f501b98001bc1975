//! The local Axiom's fixed credentials. They are public on purpose: the local Axiom is
//! for trying Roster out, and README lists them.

/// The organization every local credential belongs to.
pub const ORG_ID: &str = "roster-local";
/// An API token holding every users permission and `rbac|read`.
pub const FULL_ACCESS_TOKEN: &str = "xaat-local-roster-full-access";
/// An API token that may only read users.
pub const READ_ONLY_TOKEN: &str = "xaat-local-roster-read-only";

/// API-token permissions the users API checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    UsersRead,
    UsersCreate,
    UsersUpdate,
    UsersDelete,
    RbacRead,
}

impl Permission {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UsersRead => "users|read",
            Self::UsersCreate => "users|create",
            Self::UsersUpdate => "users|update",
            Self::UsersDelete => "users|delete",
            Self::RbacRead => "rbac|read",
        }
    }
}

const ALL: &[Permission] = &[
    Permission::UsersRead,
    Permission::UsersCreate,
    Permission::UsersUpdate,
    Permission::UsersDelete,
    Permission::RbacRead,
];

/// The permissions of a fixed API token, or `None` for an unknown one.
pub fn api_token_permissions(token: &str) -> Option<&'static [Permission]> {
    match token {
        FULL_ACCESS_TOKEN => Some(ALL),
        READ_ONLY_TOKEN => Some(&[Permission::UsersRead]),
        _ => None,
    }
}

/// What a person may do through their PAT, by their role, as in Axiom's settings:
/// owners and admins manage users; other members may look.
pub fn role_permissions(role_id: &str) -> &'static [Permission] {
    match role_id {
        "owner" | "admin" => ALL,
        "none" => &[],
        _ => &[Permission::UsersRead, Permission::RbacRead],
    }
}
