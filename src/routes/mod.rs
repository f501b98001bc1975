//! One module per page.

mod audit;
mod login;
mod profile;
mod user;
pub(crate) mod users;

pub use audit::AuditPage;
pub use login::LoginPage;
pub use profile::ProfilePage;
pub use user::UserPage;
pub use users::UsersPage;
