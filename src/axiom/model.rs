//! Axiom's users API as data: the JSON shapes of `openapi-v2.json`.

use serde::{Deserialize, Serialize};

/// A member of the organization (`User` in Axiom's spec).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: RoleRef,
}

/// The role a user holds (`UserDetailsRole`): an opaque id and a name to show.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RoleRef {
    pub id: String,
    pub name: String,
}

/// A role from `GET /v2/rbac/roles` (`RoleWithID`), with the fields Roster uses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleWithId {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub members: Vec<String>,
}

/// Body of `POST /v2/users`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateUserRequest {
    pub name: String,
    pub email: String,
    pub role: String,
}

/// Body of `PUT /v2/users/{id}/role`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateRoleRequest {
    pub role: String,
}

/// Body of `PUT /v2/users/{id}` and `PUT /v2/user`: a person renaming themselves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenameRequest {
    pub name: String,
}

/// Axiom's built-in roles, by id, most powerful first.
pub const BUILTIN_ROLES: [(&str, &str); 5] = [
    ("owner", "Owner"),
    ("admin", "Admin"),
    ("user", "User"),
    ("read-only", "Read-only"),
    ("none", "None"),
];

/// The id of the one built-in role an API token may neither grant nor take away.
pub const OWNER_ROLE: &str = "owner";

/// The display name of a built-in role id, if it is one.
pub fn builtin_role_name(id: &str) -> Option<&'static str> {
    BUILTIN_ROLES
        .iter()
        .find(|(role_id, _)| *role_id == id)
        .map(|(_, name)| *name)
}
