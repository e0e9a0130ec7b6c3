//! Sending email, Django's `django.core.mail`: an [`Email`] built in code,
//! sent by a [`Mailer`] whose backend the settings choose (`EMAIL_BACKEND`):
//!
//! - `smtp` (the default): to `EMAIL_HOST`:`EMAIL_PORT` through
//!   [lettre](https://docs.rs/lettre), with `EMAIL_HOST_USER` and
//!   `EMAIL_HOST_PASSWORD` when set, and STARTTLS (`EMAIL_USE_TLS`) or
//!   TLS from the first byte (`EMAIL_USE_SSL`);
//! - `console`: the whole message written to standard output, for a
//!   development site;
//! - `file`: each message a `.eml` file in `EMAIL_FILE_PATH`;
//! - `memory`: kept in the mailer's [`Outbox`], for tests (Django's
//!   `locmem` backend and `mail.outbox`).
//!
//! ```
//! use orm::mail::{Email, Mailer};
//!
//! let (mailer, outbox) = Mailer::memory("site@example.com");
//! let email = Email::new("Welcome", "Hello, Ada.", ["ada@example.com"]);
//! mailer.send(&email)?;
//! assert_eq!(outbox.messages()[0].subject, "Welcome");
//! # Ok::<(), orm::mail::MailError>(())
//! ```

mod backends;
mod settings;

use std::sync::{Arc, Mutex, RwLock};

pub use settings::{EmailBackend, EmailSettings};

use backends::Backend;

/// One message: subject, text body (and an HTML alternative), recipients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    /// The sender; the mailer's `DEFAULT_FROM_EMAIL` when `None`.
    pub from: Option<String>,
    /// The recipients.
    pub to: Vec<String>,
    /// Copies.
    pub cc: Vec<String>,
    /// Hidden copies.
    pub bcc: Vec<String>,
    /// Where replies go, when not to the sender.
    pub reply_to: Option<String>,
    /// One line.
    pub subject: String,
    /// The plain-text body.
    pub body: String,
    /// An HTML version of the body, sent beside the text.
    pub html: Option<String>,
}

impl Email {
    /// A text message to `to`, from the mailer's default sender.
    pub fn new<S: Into<String>>(
        subject: impl Into<String>,
        body: impl Into<String>,
        to: impl IntoIterator<Item = S>,
    ) -> Email {
        Email {
            from: None,
            to: to.into_iter().map(Into::into).collect(),
            cc: Vec::new(),
            bcc: Vec::new(),
            reply_to: None,
            subject: subject.into(),
            body: body.into(),
            html: None,
        }
    }

    /// The same, sent by `from`.
    pub fn from(mut self, from: impl Into<String>) -> Email {
        self.from = Some(from.into());
        self
    }

    /// The same, with an HTML version of the body.
    pub fn html(mut self, html: impl Into<String>) -> Email {
        self.html = Some(html.into());
        self
    }
}

/// Why a message was not sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// An address that does not parse.
    #[error("`{address}` is not an email address: {message}")]
    Address {
        /// The address as given.
        address: String,
        /// What is wrong with it.
        message: String,
    },
    /// A header holding a line break, which would start another header
    /// (Django's `BadHeaderError`).
    #[error("the {header} holds a line break")]
    Header {
        /// Which header.
        header: &'static str,
    },
    /// A message without a recipient.
    #[error("the message has no recipient")]
    NoRecipient,
    /// The message could not be put together.
    #[error("the message could not be built: {0}")]
    Build(String),
    /// The server, the file or the console refused it.
    #[error("the message could not be sent: {0}")]
    Send(String),
    /// The settings name a backend that cannot be made.
    #[error("EMAIL_BACKEND: {0}")]
    Settings(String),
}

/// Sends messages through the backend the settings chose; cheap to
/// clone, and shared by every request.
#[derive(Clone)]
pub struct Mailer {
    backend: Arc<Backend>,
    from: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("backend", &self.backend.name())
            .field("from", &self.from)
            .finish()
    }
}

/// The messages a `memory` mailer was given, oldest first.
#[derive(Debug, Clone, Default)]
pub struct Outbox(Arc<Mutex<Vec<Email>>>);

impl Outbox {
    /// Every message sent so far, its sender filled in.
    pub fn messages(&self) -> Vec<Email> {
        self.0.lock().map(|m| m.clone()).unwrap_or_default()
    }

    /// Forgets them.
    pub fn clear(&self) {
        if let Ok(mut messages) = self.0.lock() {
            messages.clear();
        }
    }
}

impl Mailer {
    /// The mailer the settings describe.
    pub fn from_settings(settings: &EmailSettings) -> Result<Mailer, MailError> {
        Ok(Mailer {
            backend: Arc::new(Backend::from_settings(settings)?),
            from: settings.default_from.clone(),
        })
    }

    /// A mailer that keeps what it sends, for tests, and its outbox.
    pub fn memory(default_from: impl Into<String>) -> (Mailer, Outbox) {
        let outbox = Outbox::default();
        let mailer = Mailer {
            backend: Arc::new(Backend::Memory(outbox.clone())),
            from: default_from.into(),
        };
        (mailer, outbox)
    }

    /// Sends `email`, waiting for the backend (the SMTP server's answer):
    /// call it outside async code, or use [`send_async`](Mailer::send_async).
    pub fn send(&self, email: &Email) -> Result<(), MailError> {
        let mut email = email.clone();
        if email.from.is_none() {
            email.from = Some(self.from.clone());
        }
        backends::check(&email)?;
        self.backend.send(email)
    }

    /// Sends `email` on tokio's blocking threads, so that a handler waits
    /// without holding up other requests.
    pub async fn send_async(&self, email: Email) -> Result<(), MailError> {
        let mailer = self.clone();
        tokio::task::spawn_blocking(move || mailer.send(&email))
            .await
            .map_err(|e| MailError::Send(e.to_string()))?
    }
}

/// The site's mailer, for code that has no handle on it (a signal handler,
/// a task): Django's `send_mail` reads the settings the same way.
static SITE_MAILER: RwLock<Option<Mailer>> = RwLock::new(None);

/// Makes `mailer` the site's: [`Site::router`](crate::Site::router) does,
/// with the mailer of the settings (tests may put a memory mailer in its
/// place).
pub fn set_site_mailer(mailer: Mailer) {
    if let Ok(mut site) = SITE_MAILER.write() {
        *site = Some(mailer);
    }
}

/// The site's mailer, once the site has one.
pub fn site_mailer() -> Option<Mailer> {
    SITE_MAILER.read().ok().and_then(|site| site.clone())
}

/// Sends `email` through the site's mailer (see [`set_site_mailer`]).
///
/// ```
/// use orm::mail::{send_mail, set_site_mailer, Email, Mailer};
///
/// let (mailer, outbox) = Mailer::memory("site@example.com");
/// set_site_mailer(mailer);
/// send_mail(&Email::new("Hi", "Hello.", ["ada@example.com"]))?;
/// assert_eq!(outbox.messages().len(), 1);
/// # Ok::<(), orm::mail::MailError>(())
/// ```
pub fn send_mail(email: &Email) -> Result<(), MailError> {
    site_mailer()
        .ok_or_else(|| MailError::Settings("the site has no mailer yet".into()))?
        .send(email)
}
