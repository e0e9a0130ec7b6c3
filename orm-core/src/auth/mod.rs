//! Built-in authentication models, like `django.contrib.auth`.

mod user;

pub use user::User;
