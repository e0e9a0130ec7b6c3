//! The `EMAIL_*` settings, read with the others (see
//! [`Settings`](crate::Settings)).

use std::path::PathBuf;
use std::time::Duration;

/// Where messages go (`EMAIL_BACKEND`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailBackend {
    /// To an SMTP server (`smtp`, the default).
    Smtp,
    /// To standard output (`console`).
    Console,
    /// Into `.eml` files (`file`).
    File,
    /// Kept in memory, for tests (`memory`).
    Memory,
}

impl EmailBackend {
    /// The backend named `name`, as the settings write it.
    pub fn parse(name: &str) -> Option<EmailBackend> {
        match name.trim().to_ascii_lowercase().as_str() {
            "smtp" => Some(EmailBackend::Smtp),
            "console" => Some(EmailBackend::Console),
            "file" => Some(EmailBackend::File),
            "memory" => Some(EmailBackend::Memory),
            _ => None,
        }
    }
}

/// How mail is sent: Django's `EMAIL_*` and `DEFAULT_FROM_EMAIL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailSettings {
    /// `EMAIL_BACKEND` (default `smtp`).
    pub backend: EmailBackend,
    /// `EMAIL_HOST` (default `localhost`).
    pub host: String,
    /// `EMAIL_PORT` (default 25).
    pub port: u16,
    /// `EMAIL_HOST_USER`: with the password, the login on the server.
    pub user: Option<String>,
    /// `EMAIL_HOST_PASSWORD`.
    pub password: Option<String>,
    /// `EMAIL_USE_TLS`: STARTTLS after connecting (port 587 usually).
    pub use_tls: bool,
    /// `EMAIL_USE_SSL`: TLS from the first byte (port 465 usually).
    pub use_ssl: bool,
    /// `EMAIL_TIMEOUT` (seconds, default 10): the longest wait for the
    /// server.
    pub timeout: Duration,
    /// `EMAIL_FILE_PATH`: the folder of the `file` backend.
    pub file_path: Option<PathBuf>,
    /// `DEFAULT_FROM_EMAIL` (default `webmaster@localhost`).
    pub default_from: String,
}

impl Default for EmailSettings {
    fn default() -> Self {
        EmailSettings {
            backend: EmailBackend::Smtp,
            host: "localhost".to_owned(),
            port: 25,
            user: None,
            password: None,
            use_tls: false,
            use_ssl: false,
            timeout: Duration::from_secs(10),
            file_path: None,
            default_from: "webmaster@localhost".to_owned(),
        }
    }
}
