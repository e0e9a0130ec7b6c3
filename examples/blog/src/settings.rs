//! Configuration from the environment, with safe defaults for local use.

use std::fs;
use std::io::Write as _;
use std::path::Path;

/// Where the generated secret key is kept when `SECRET_KEY` is unset.
const SECRET_KEY_FILE: &str = ".secret_key";

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
