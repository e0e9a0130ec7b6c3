//! A project's settings: one typed struct read from an optional TOML file
//! and the environment (which wins), with documented defaults and a
//! one-line error naming the setting for a bad value.
//!
//! ```toml
//! # settings.toml
//! debug = true
//! database_url = "sqlite://db.sqlite3"
//! allowed_hosts = ["example.com", ".example.org"]
//! ```
//!
//! Every key has an environment variable of the same name in capitals:
//! `DEBUG=0 DATABASE_URL=postgres://… ./mysite runserver`.

use std::fs;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use admin::TrustedProxies;
use serde::Deserialize;

/// Where a generated secret key is kept (in the working directory) when
/// `SECRET_KEY` is unset and `DEBUG` is on.
pub const SECRET_KEY_FILE: &str = ".secret_key";

/// A setting with a bad value, or a settings file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SettingsError(String);

impl SettingsError {
    fn new(message: impl Into<String>) -> SettingsError {
        SettingsError(message.into())
    }
}

/// Everything a project reads at start-up. Build it with
/// [`Settings::load`]; tests start from [`Settings::for_tests`].
#[derive(Debug, Clone)]
pub struct Settings {
    /// `DATABASE_URL` (default `sqlite://db.sqlite3`): `sqlite://PATH`,
    /// `postgres://…` or `mysql://…`.
    pub database_url: String,
    /// `SECRET_KEY`: signs sessions and ties them to password hashes; at
    /// least 32 characters. Unset with `DEBUG` on, one is generated and
    /// kept in `.secret_key` (readable by the owner only); unset with
    /// `DEBUG` off, start-up stops with an error.
    pub secret_key: String,
    /// `DEBUG` (default off): a local development site. Allows the local
    /// host names when `ALLOWED_HOSTS` is empty and generates the secret
    /// key. Never on a public site.
    pub debug: bool,
    /// `ALLOWED_HOSTS`: the host names the site answers (Django's
    /// setting): `example.com`, `.example.com` for the domain and every
    /// subdomain, `*` for any. Another `Host` header is answered 400.
    /// Empty with `DEBUG` on: `localhost`, `127.0.0.1` and `[::1]`; empty
    /// with `DEBUG` off is an error. From the environment, comma-separated.
    pub allowed_hosts: Vec<String>,
    /// `BIND` (default `127.0.0.1:8000`): where `runserver` listens when
    /// no address is given on its command line.
    pub bind: SocketAddr,
    /// `SECURE_COOKIES` (default off): the site is served over HTTPS; its
    /// session and CSRF cookies are `Secure`.
    pub secure_cookies: bool,
    /// `TRUSTED_PROXIES`: reverse proxies whose forwarding headers are
    /// believed, e.g. `127.0.0.1, 10.0.0.0/8` (default: none).
    pub trusted_proxies: TrustedProxies,
    /// `LOG_LEVEL` (default `info`): a tracing filter such as `warn` or
    /// `info,tower_http=debug`; `RUST_LOG` overrides it.
    pub log_level: String,
    /// `HEADER_READ_TIMEOUT` (seconds, default 10): the longest a client
    /// may take to send a request's headers, and the longest an idle
    /// keep-alive connection is kept open waiting for the next request.
    pub header_read_timeout: Duration,
    /// `REQUEST_BODY_TIMEOUT` (seconds, default 30): the longest a client
    /// may take to send a request's body; later, the answer is 408.
    pub request_body_timeout: Duration,
    /// `MAX_CONNECTIONS` (default 512): connections served at once; more
    /// wait in the listen queue until one closes.
    pub max_connections: usize,
    /// `EMAIL_BACKEND`, `EMAIL_HOST`, `EMAIL_PORT`, `EMAIL_HOST_USER`,
    /// `EMAIL_HOST_PASSWORD`, `EMAIL_USE_TLS`, `EMAIL_USE_SSL`,
    /// `EMAIL_TIMEOUT`, `EMAIL_FILE_PATH` and `DEFAULT_FROM_EMAIL`: how
    /// [mail](crate::mail) is sent ([`Settings::mailer`]).
    pub email: crate::mail::EmailSettings,
    /// `MEDIA_ROOT` (default `media`): the folder uploaded files are
    /// stored in.
    pub media_root: PathBuf,
    /// `MEDIA_URL` (default `/media/`): where they are served (by the site
    /// itself with `DEBUG` on; by the web server in front of it otherwise).
    pub media_url: String,
    /// `FILE_UPLOAD_MAX_SIZE` (bytes, default 2621440, 2.5 MB): the largest
    /// file a form accepts; a larger one is refused beside its field.
    pub file_upload_max_size: usize,
    /// `DATA_UPLOAD_MAX_SIZE` (bytes, default 33554432, 32 MB): the largest
    /// multipart body read; a larger one is answered 413.
    pub data_upload_max_size: usize,
}

/// The settings file's keys: the settings' names in lower case. Unknown
/// keys are refused, so a misspelt one is not silently ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    database_url: Option<String>,
    secret_key: Option<String>,
    debug: Option<bool>,
    allowed_hosts: Option<Vec<String>>,
    bind: Option<String>,
    secure_cookies: Option<bool>,
    trusted_proxies: Option<Vec<String>>,
    log_level: Option<String>,
    header_read_timeout: Option<f64>,
    request_body_timeout: Option<f64>,
    max_connections: Option<i64>,
    email_backend: Option<String>,
    email_host: Option<String>,
    email_port: Option<i64>,
    email_host_user: Option<String>,
    email_host_password: Option<String>,
    email_use_tls: Option<bool>,
    email_use_ssl: Option<bool>,
    email_timeout: Option<f64>,
    email_file_path: Option<String>,
    default_from_email: Option<String>,
    media_root: Option<String>,
    media_url: Option<String>,
    file_upload_max_size: Option<i64>,
    data_upload_max_size: Option<i64>,
}

impl Settings {
    /// The defaults, with this secret key, `DEBUG` off and any host
    /// allowed; for tests and benchmarks that build the site in the
    /// process.
    pub fn for_tests(secret_key: impl Into<String>) -> Settings {
        Settings {
            allowed_hosts: vec!["*".to_owned()],
            ..Settings::defaults(secret_key.into())
        }
    }

    /// Every documented default, with this secret key and no allowed host.
    fn defaults(secret_key: String) -> Settings {
        Settings {
            database_url: "sqlite://db.sqlite3".to_owned(),
            secret_key,
            debug: false,
            allowed_hosts: Vec::new(),
            bind: SocketAddr::from(([127, 0, 0, 1], 8000)),
            secure_cookies: false,
            trusted_proxies: TrustedProxies::default(),
            log_level: "info".to_owned(),
            header_read_timeout: Duration::from_secs(10),
            request_body_timeout: Duration::from_secs(30),
            max_connections: 512,
            email: crate::mail::EmailSettings::default(),
            media_root: PathBuf::from("media"),
            media_url: "/media/".to_owned(),
            file_upload_max_size: 2_621_440,
            data_upload_max_size: 32 * 1024 * 1024,
        }
    }

    /// The upload limits of the site's forms.
    pub fn upload_limits(&self) -> admin::form_body::UploadLimits {
        admin::form_body::UploadLimits {
            file: self.file_upload_max_size,
            body: self.data_upload_max_size.max(self.file_upload_max_size),
        }
    }

    /// The mailer the `EMAIL_*` settings describe.
    pub fn mailer(&self) -> Result<crate::mail::Mailer, crate::mail::MailError> {
        crate::mail::Mailer::from_settings(&self.email)
    }

    /// The settings of `file` (a TOML file; `None` or a missing file: none)
    /// overridden by the environment. `SETTINGS_FILE` names another file,
    /// which must exist.
    pub fn load(file: Option<&Path>) -> Result<Settings, SettingsError> {
        let path = match env("SETTINGS_FILE") {
            // A named file must exist: reading it reports it missing.
            Some(named) => Some(PathBuf::from(named)),
            None => file.filter(|p| p.exists()).map(Path::to_path_buf),
        };
        let from_file = match &path {
            Some(path) => read_file(path)?,
            None => FileSettings::default(),
        };
        Settings::resolve(from_file, env)
    }

    /// The settings from the file's values and `var` (the environment).
    fn resolve(
        file: FileSettings,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Settings, SettingsError> {
        let mut s = Settings::defaults(String::new());
        s.email = email_settings(&file, &var)?;
        if let Some(url) = var("DATABASE_URL").or(file.database_url) {
            s.database_url = url;
        }
        s.debug = match var("DEBUG") {
            Some(value) => flag("DEBUG", &value)?,
            None => file.debug.unwrap_or(false),
        };
        s.secure_cookies = match var("SECURE_COOKIES") {
            Some(value) => flag("SECURE_COOKIES", &value)?,
            None => file.secure_cookies.unwrap_or(false),
        };
        s.allowed_hosts = match var("ALLOWED_HOSTS") {
            Some(list) => split_list(&list),
            None => file.allowed_hosts.unwrap_or_default(),
        };
        for host in &s.allowed_hosts {
            if host.is_empty() || host.contains(['/', ' ', '@']) {
                return Err(SettingsError::new(format!(
                    "ALLOWED_HOSTS: `{host}` is not a host name (write `example.com`, `.example.com` or `*`)"
                )));
            }
        }
        if s.allowed_hosts.is_empty() {
            if !s.debug {
                return Err(SettingsError::new(
                    "ALLOWED_HOSTS must name the site's host names when DEBUG is off (e.g. ALLOWED_HOSTS=example.com)",
                ));
            }
            s.allowed_hosts = ["localhost", "127.0.0.1", "[::1]"]
                .map(String::from)
                .to_vec();
        }
        if let Some(bind) = var("BIND").or(file.bind) {
            s.bind = bind.trim().parse().map_err(|_| {
                SettingsError::new(format!(
                    "BIND must be an address and port such as 127.0.0.1:8000, not `{bind}`"
                ))
            })?;
        }
        let proxies = var("TRUSTED_PROXIES").or_else(|| file.trusted_proxies.map(|l| l.join(",")));
        if let Some(list) = proxies.filter(|l| !l.trim().is_empty()) {
            s.trusted_proxies = list
                .parse()
                .map_err(|e| SettingsError::new(format!("TRUSTED_PROXIES: {e}")))?;
        }
        if let Some(level) = var("LOG_LEVEL").or(file.log_level) {
            tracing_subscriber::EnvFilter::try_new(&level).map_err(|_| {
                SettingsError::new(format!(
                    "LOG_LEVEL must be a level such as info or warn,tower_http=debug, not `{level}`"
                ))
            })?;
            s.log_level = level;
        }
        let timeout = |name: &str, from_file: Option<f64>, default: Duration| match var(name) {
            Some(value) => seconds(name, &value),
            None => match from_file {
                Some(value) => seconds(name, &value.to_string()),
                None => Ok(default),
            },
        };
        s.header_read_timeout = timeout(
            "HEADER_READ_TIMEOUT",
            file.header_read_timeout,
            s.header_read_timeout,
        )?;
        s.request_body_timeout = timeout(
            "REQUEST_BODY_TIMEOUT",
            file.request_body_timeout,
            s.request_body_timeout,
        )?;
        // Counts above 0: `what` they count, for the message.
        for (name, what, from_file, slot) in [
            (
                "MAX_CONNECTIONS",
                "a whole number",
                file.max_connections,
                &mut s.max_connections,
            ),
            (
                "FILE_UPLOAD_MAX_SIZE",
                "a number of bytes",
                file.file_upload_max_size,
                &mut s.file_upload_max_size,
            ),
            (
                "DATA_UPLOAD_MAX_SIZE",
                "a number of bytes",
                file.data_upload_max_size,
                &mut s.data_upload_max_size,
            ),
        ] {
            if let Some(value) = var(name).or(from_file.map(|n| n.to_string())) {
                *slot = value
                    .trim()
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| {
                        SettingsError::new(format!("{name} must be {what} above 0, not `{value}`"))
                    })?;
            }
        }
        if let Some(root) = var("MEDIA_ROOT").or(file.media_root) {
            s.media_root = PathBuf::from(root);
        }
        if let Some(url) = var("MEDIA_URL").or(file.media_url) {
            if !url.starts_with('/') || !url.ends_with('/') || url.len() < 3 {
                return Err(SettingsError::new(format!(
                    "MEDIA_URL must be a path starting and ending with `/`, such as /media/, not `{url}`"
                )));
            }
            s.media_url = url;
        }
        s.secret_key = match var("SECRET_KEY").or(file.secret_key) {
            Some(key) if key.len() < 32 => {
                return Err(SettingsError::new(
                    "SECRET_KEY must be at least 32 characters long",
                ))
            }
            Some(key) => key,
            None if s.debug => kept_secret_key()?,
            None => {
                return Err(SettingsError::new(
                    "SECRET_KEY must be set when DEBUG is off (50 random characters; `DEBUG=1` generates one for local use)",
                ))
            }
        };
        Ok(s)
    }

    /// Whether a request's `Host` header (with or without its port) names
    /// one of [`allowed_hosts`](Settings::allowed_hosts).
    /// `*` allows any host, a missing one (`""`) included.
    pub fn host_is_allowed(&self, host: &str) -> bool {
        if self.allowed_hosts.iter().any(|pattern| pattern == "*") {
            return true;
        }
        let name = host_name(host).to_ascii_lowercase();
        if name.is_empty() {
            return false;
        }
        self.allowed_hosts.iter().any(|pattern| {
            let pattern = pattern.to_ascii_lowercase();
            if let Some(domain) = pattern.strip_prefix('.') {
                name == domain || name.ends_with(&pattern)
            } else {
                name == pattern
            }
        })
    }
}

/// The `EMAIL_*` settings: the environment, then the file, then Django's
/// defaults.
fn email_settings(
    file: &FileSettings,
    var: &impl Fn(&str) -> Option<String>,
) -> Result<crate::mail::EmailSettings, SettingsError> {
    use crate::mail::{EmailBackend, EmailSettings};
    let mut email = EmailSettings::default();
    let text = |name: &str, from_file: &Option<String>| var(name).or_else(|| from_file.clone());
    if let Some(name) = text("EMAIL_BACKEND", &file.email_backend) {
        email.backend = EmailBackend::parse(&name).ok_or_else(|| {
            SettingsError::new(format!(
                "EMAIL_BACKEND must be smtp, console, file or memory, not `{name}`"
            ))
        })?;
    }
    if let Some(host) = text("EMAIL_HOST", &file.email_host) {
        email.host = host.trim().to_owned();
    }
    if let Some(port) = var("EMAIL_PORT").or(file.email_port.map(|p| p.to_string())) {
        email.port = port.trim().parse().ok().filter(|p| *p > 0).ok_or_else(|| {
            SettingsError::new(format!("EMAIL_PORT must be a port number, not `{port}`"))
        })?;
    }
    email.user = text("EMAIL_HOST_USER", &file.email_host_user);
    email.password = text("EMAIL_HOST_PASSWORD", &file.email_host_password);
    let switch = |name: &str, from_file: Option<bool>| match var(name) {
        Some(value) => flag(name, &value),
        None => Ok(from_file.unwrap_or(false)),
    };
    email.use_tls = switch("EMAIL_USE_TLS", file.email_use_tls)?;
    email.use_ssl = switch("EMAIL_USE_SSL", file.email_use_ssl)?;
    if email.use_tls && email.use_ssl {
        return Err(SettingsError::new(
            "EMAIL_USE_TLS and EMAIL_USE_SSL exclude each other: STARTTLS or TLS from the start, not both",
        ));
    }
    if let Some(value) = var("EMAIL_TIMEOUT").or(file.email_timeout.map(|t| t.to_string())) {
        email.timeout = seconds("EMAIL_TIMEOUT", &value)?;
    }
    email.file_path = text("EMAIL_FILE_PATH", &file.email_file_path).map(PathBuf::from);
    if email.backend == EmailBackend::File && email.file_path.is_none() {
        return Err(SettingsError::new(
            "EMAIL_BACKEND=file needs EMAIL_FILE_PATH, the folder the messages go in",
        ));
    }
    if let Some(from) = text("DEFAULT_FROM_EMAIL", &file.default_from_email) {
        email.default_from = from;
    }
    Ok(email)
}

/// A `Host` header's name without its port: `example.com:8000` →
/// `example.com`, `[::1]:8000` → `[::1]`.
fn host_name(host: &str) -> &str {
    let host = host.trim().trim_end_matches('.');
    if host.starts_with('[') {
        return host.find(']').map_or(host, |end| &host[..=end]);
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

/// The environment variable `name`, when set and not blank.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn read_file(path: &Path) -> Result<FileSettings, SettingsError> {
    let text = fs::read_to_string(path)
        .map_err(|e| SettingsError::new(format!("cannot read {}: {e}", path.display())))?;
    toml::from_str(&text).map_err(|e| {
        let message = e.message().to_owned();
        let line = e
            .span()
            .map(|span| text[..span.start].lines().count().max(1))
            .unwrap_or(1);
        SettingsError::new(format!("{}:{line}: {message}", path.display()))
    })
}

/// `1`/`true`/`yes`/`on` or `0`/`false`/`no`/`off`.
fn flag(name: &str, value: &str) -> Result<bool, SettingsError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(SettingsError::new(format!(
            "{name} must be 1 or 0 (or true/false), not `{value}`"
        ))),
    }
}

/// Comma-separated items, trimmed, empty ones dropped.
fn split_list(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A positive number of seconds, such as `10` or `2.5`.
fn seconds(name: &str, value: &str) -> Result<Duration, SettingsError> {
    value
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s > 0.0 && *s < 1e9)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| {
            SettingsError::new(format!(
                "{name} must be a number of seconds above 0, such as 10 or 2.5, not `{value}`"
            ))
        })
}

/// The key kept in `.secret_key`, or a new one written there.
fn kept_secret_key() -> Result<String, SettingsError> {
    let path = Path::new(SECRET_KEY_FILE);
    if let Ok(key) = fs::read_to_string(path) {
        let key = key.trim().to_owned();
        if key.len() >= 32 {
            return Ok(key);
        }
    }
    let key = random_text(50);
    write_private(path, &key)
        .map_err(|e| SettingsError::new(format!("cannot write {}: {e}", path.display())))?;
    tracing::info!("generated a secret key in {SECRET_KEY_FILE} (set SECRET_KEY in production)");
    Ok(key)
}

/// `len` random characters from letters and digits (no look-alikes).
pub fn random_text(len: usize) -> String {
    use rand::Rng as _;
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    (0..len)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "0123456789abcdef0123456789abcdef";

    fn resolve(file: &str, vars: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        let file: FileSettings =
            toml::from_str(file).map_err(|e| SettingsError::new(e.message()))?;
        Settings::resolve(file, |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn the_environment_wins_over_the_file() {
        let s = resolve(
            "debug = true\ndatabase_url = \"sqlite://a.db\"\nmax_connections = 4",
            &[("DATABASE_URL", "sqlite://b.db"), ("SECRET_KEY", KEY)],
        )
        .unwrap();
        assert!(s.debug);
        assert_eq!(s.database_url, "sqlite://b.db");
        assert_eq!(s.max_connections, 4);
        assert_eq!(s.allowed_hosts, ["localhost", "127.0.0.1", "[::1]"]);
    }

    #[test]
    fn email_settings_from_the_file_and_the_environment() {
        use crate::mail::EmailBackend;
        let s = resolve(
            "debug = true\nemail_host = \"mail.example.com\"\nemail_port = 587\nemail_use_tls = true",
            &[("EMAIL_HOST_USER", "site"), ("EMAIL_HOST_PASSWORD", "pw"), ("SECRET_KEY", KEY)],
        )
        .unwrap();
        assert_eq!(s.email.backend, EmailBackend::Smtp);
        assert_eq!(
            (s.email.host.as_str(), s.email.port),
            ("mail.example.com", 587)
        );
        assert!(s.email.use_tls && !s.email.use_ssl);
        assert_eq!(s.email.user.as_deref(), Some("site"));
        assert_eq!(s.email.default_from, "webmaster@localhost");
        for (vars, expected) in [
            (
                &[("EMAIL_BACKEND", "pigeon")][..],
                "EMAIL_BACKEND must be smtp",
            ),
            (
                &[("EMAIL_BACKEND", "file")][..],
                "EMAIL_BACKEND=file needs EMAIL_FILE_PATH",
            ),
            (
                &[("EMAIL_PORT", "x")][..],
                "EMAIL_PORT must be a port number",
            ),
            (
                &[("EMAIL_USE_TLS", "1"), ("EMAIL_USE_SSL", "1")][..],
                "EMAIL_USE_TLS and EMAIL_USE_SSL exclude each other",
            ),
        ] {
            let mut vars = vars.to_vec();
            vars.push(("SECRET_KEY", KEY));
            let error = resolve("debug = true", &vars).unwrap_err();
            assert!(error.to_string().starts_with(expected), "{error}");
        }
    }

    #[test]
    fn production_needs_a_key_and_hosts() {
        let error = resolve("", &[("ALLOWED_HOSTS", "example.com")]).unwrap_err();
        assert!(
            error.to_string().starts_with("SECRET_KEY must be set"),
            "{error}"
        );
        let error = resolve("", &[("SECRET_KEY", KEY)]).unwrap_err();
        assert!(
            error.to_string().starts_with("ALLOWED_HOSTS must"),
            "{error}"
        );
        let error = resolve("", &[("SECRET_KEY", "short"), ("DEBUG", "1")]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "SECRET_KEY must be at least 32 characters long"
        );
    }

    #[test]
    fn a_bad_value_names_its_setting() {
        for (name, value) in [
            ("DEBUG", "maybe"),
            ("BIND", "localhost"),
            ("MAX_CONNECTIONS", "0"),
            ("HEADER_READ_TIMEOUT", "ten"),
            ("TRUSTED_PROXIES", "not-an-address"),
            ("ALLOWED_HOSTS", "http://example.com/"),
        ] {
            let error = resolve("", &[(name, value), ("SECRET_KEY", KEY), ("DEBUG", "1")])
                .expect_err(name)
                .to_string();
            assert!(error.starts_with(name), "{name}: {error}");
            assert!(!error.contains('\n'), "{error}");
        }
        assert!(resolve("debgu = true", &[]).is_err(), "unknown key");
    }

    #[test]
    fn hosts_match_as_in_django() {
        let mut s = Settings::for_tests(KEY);
        s.allowed_hosts = vec!["example.com".into(), ".example.org".into()];
        for ok in [
            "example.com",
            "EXAMPLE.com:8000",
            "example.org",
            "www.example.org:443",
        ] {
            assert!(s.host_is_allowed(ok), "{ok}");
        }
        for bad in [
            "evil.com",
            "example.com.evil.com",
            "notexample.org",
            "",
            ":80",
        ] {
            assert!(!s.host_is_allowed(bad), "{bad}");
        }
        s.allowed_hosts = vec!["[::1]".into()];
        assert!(s.host_is_allowed("[::1]:8000"));
    }
}
