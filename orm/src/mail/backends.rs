//! The backends, and the message as lettre builds it.

use std::io::Write;

use lettre::message::{header::ContentType, Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{FileTransport, Message, SmtpTransport, Transport};

use super::{Email, EmailBackend, EmailSettings, MailError, Outbox};

/// One backend, made once from the settings.
pub(super) enum Backend {
    Smtp(SmtpTransport),
    Console,
    File(FileTransport),
    Memory(Outbox),
}

impl Backend {
    pub(super) fn from_settings(settings: &EmailSettings) -> Result<Backend, MailError> {
        Ok(match settings.backend {
            EmailBackend::Smtp => Backend::Smtp(smtp(settings)?),
            EmailBackend::Console => Backend::Console,
            EmailBackend::File => {
                let path = settings.file_path.as_ref().ok_or_else(|| {
                    MailError::Settings("`file` needs EMAIL_FILE_PATH, a folder".to_owned())
                })?;
                std::fs::create_dir_all(path).map_err(|e| {
                    MailError::Settings(format!("cannot make {}: {e}", path.display()))
                })?;
                Backend::File(FileTransport::new(path))
            }
            EmailBackend::Memory => Backend::Memory(Outbox::default()),
        })
    }

    pub(super) fn name(&self) -> &'static str {
        match self {
            Backend::Smtp(_) => "smtp",
            Backend::Console => "console",
            Backend::File(_) => "file",
            Backend::Memory(_) => "memory",
        }
    }

    pub(super) fn send(&self, email: Email) -> Result<(), MailError> {
        let sent = |e: &dyn std::fmt::Display| MailError::Send(e.to_string());
        match self {
            Backend::Smtp(transport) => {
                transport.send(&message(&email)?).map_err(|e| sent(&e))?;
            }
            Backend::Console => {
                let formatted = message(&email)?.formatted();
                let mut out = std::io::stdout().lock();
                out.write_all(&formatted)
                    .and_then(|()| out.write_all(b"\n-------------------------------------------------------------------------------\n"))
                    .map_err(|e| sent(&e))?;
            }
            Backend::File(transport) => {
                transport.send(&message(&email)?).map_err(|e| sent(&e))?;
            }
            Backend::Memory(outbox) => {
                message(&email)?;
                if let Ok(mut messages) = outbox.0.lock() {
                    messages.push(email);
                }
            }
        }
        Ok(())
    }
}

/// The SMTP transport the settings describe.
fn smtp(settings: &EmailSettings) -> Result<SmtpTransport, MailError> {
    let host = settings.host.as_str();
    let tls =
        |e: lettre::transport::smtp::Error| MailError::Settings(format!("TLS to {host}: {e}"));
    let builder = if settings.use_ssl {
        SmtpTransport::relay(host).map_err(tls)?
    } else if settings.use_tls {
        SmtpTransport::starttls_relay(host).map_err(tls)?
    } else {
        SmtpTransport::builder_dangerous(host)
    };
    let mut builder = builder.port(settings.port).timeout(Some(settings.timeout));
    if let (Some(user), Some(password)) = (&settings.user, &settings.password) {
        builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
    }
    Ok(builder.build())
}

/// What every backend refuses: no recipient, a line break in a header.
pub(super) fn check(email: &Email) -> Result<(), MailError> {
    if email.to.is_empty() && email.cc.is_empty() && email.bcc.is_empty() {
        return Err(MailError::NoRecipient);
    }
    let broken = |text: &str| text.contains(['\r', '\n']);
    if broken(&email.subject) {
        return Err(MailError::Header { header: "subject" });
    }
    let addresses = email
        .from
        .iter()
        .chain(&email.to)
        .chain(&email.cc)
        .chain(&email.bcc)
        .chain(&email.reply_to);
    for address in addresses {
        if broken(address) {
            return Err(MailError::Header { header: "address" });
        }
        mailbox(address)?;
    }
    Ok(())
}

fn mailbox(address: &str) -> Result<Mailbox, MailError> {
    address
        .parse()
        .map_err(|e: lettre::address::AddressError| MailError::Address {
            address: address.to_owned(),
            message: e.to_string(),
        })
}

/// The message as lettre writes it: text, or text and HTML.
fn message(email: &Email) -> Result<Message, MailError> {
    let mut builder = Message::builder().subject(email.subject.clone());
    if let Some(from) = &email.from {
        builder = builder.from(mailbox(from)?);
    }
    for to in &email.to {
        builder = builder.to(mailbox(to)?);
    }
    for cc in &email.cc {
        builder = builder.cc(mailbox(cc)?);
    }
    for bcc in &email.bcc {
        builder = builder.bcc(mailbox(bcc)?);
    }
    if let Some(reply_to) = &email.reply_to {
        builder = builder.reply_to(mailbox(reply_to)?);
    }
    let built = match &email.html {
        None => builder
            .header(ContentType::TEXT_PLAIN)
            .body(email.body.clone()),
        Some(html) => builder.multipart(MultiPart::alternative_plain_html(
            email.body.clone(),
            html.clone(),
        )),
    };
    built.map_err(|e| MailError::Build(e.to_string()))
}
