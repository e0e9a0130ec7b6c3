//! Configuration from the environment, with safe defaults for local use.

use std::fs;
use std::io::Write as _;
use std::path::Path;
use std::time::Duration;

use admin::TrustedProxies;

/// Where the generated secret key is kept when `SECRET_KEY` is unset.
const SECRET_KEY_FILE: &str = ".secret_key";

/// Everything `runserver` reads from the environment.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `SECRET_KEY` (see [`secret_key`]).
    pub secret_key: String,
    /// `SECURE_COOKIES=1`: the site is served over HTTPS, its cookies are
    /// `Secure`.
    pub secure_cookies: bool,
    /// `TRUSTED_PROXIES`: reverse proxies whose forwarding headers are
    /// believed, e.g. `127.0.0.1, 10.0.0.0/8` (default: none).
    pub trusted_proxies: TrustedProxies,
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
}

impl Settings {
    /// The settings from the environment; a bad value is a one-line error
    /// naming the variable.
    pub fn from_env() -> Result<Settings, String> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let mut settings = Settings::with_secret_key(secret_key()?);
        settings.secure_cookies = var("SECURE_COOKIES").is_some_and(|v| v == "1");
        if let Some(list) = var("TRUSTED_PROXIES") {
            settings.trusted_proxies = list.parse().map_err(|e| format!("TRUSTED_PROXIES: {e}"))?;
        }
        if let Some(value) = var("HEADER_READ_TIMEOUT") {
            settings.header_read_timeout = seconds("HEADER_READ_TIMEOUT", &value)?;
        }
        if let Some(value) = var("REQUEST_BODY_TIMEOUT") {
            settings.request_body_timeout = seconds("REQUEST_BODY_TIMEOUT", &value)?;
        }
        if let Some(value) = var("MAX_CONNECTIONS") {
            settings.max_connections =
                value
                    .trim()
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| {
                        format!("MAX_CONNECTIONS must be a whole number above 0, not `{value}`")
                    })?;
        }
        Ok(settings)
    }

    /// The defaults, with this secret key.
    pub fn with_secret_key(secret_key: impl Into<String>) -> Settings {
        Settings {
            secret_key: secret_key.into(),
            secure_cookies: false,
            trusted_proxies: TrustedProxies::default(),
            header_read_timeout: Duration::from_secs(10),
            request_body_timeout: Duration::from_secs(30),
            max_connections: 512,
        }
    }
}

/// A positive number of seconds, such as `10` or `2.5`.
fn seconds(name: &str, value: &str) -> Result<Duration, String> {
    value
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s > 0.0 && *s < 1e9)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| {
            format!("{name} must be a number of seconds above 0, such as 10 or 2.5, not `{value}`")
        })
}

/// `SECRET_KEY`, or a random key generated once and kept in
/// `.secret_key` (readable by the owner only) for the next runs.
pub fn secret_key() -> Result<String, String> {
    if let Ok(key) = std::env::var("SECRET_KEY") {
        if key.len() < 32 {
            return Err("SECRET_KEY must be at least 32 characters long".into());
        }
        return Ok(key);
    }
    let path = Path::new(SECRET_KEY_FILE);
    if let Ok(key) = fs::read_to_string(path) {
        let key = key.trim().to_owned();
        if key.len() >= 32 {
            return Ok(key);
        }
    }
    let key = random_text(50);
    write_private(path, &key).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    tracing::info!("generated a secret key in {SECRET_KEY_FILE} (set SECRET_KEY in production)");
    Ok(key)
}

/// `len` random characters from letters and digits.
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

    #[test]
    fn seconds_parse_or_name_the_variable() {
        assert_eq!(seconds("X", " 2.5 "), Ok(Duration::from_millis(2500)));
        for bad in ["0", "-1", "ten", "NaN", "inf"] {
            let error = seconds("HEADER_READ_TIMEOUT", bad).expect_err(bad);
            assert!(error.starts_with("HEADER_READ_TIMEOUT must be"), "{error}");
        }
    }
}
