//! Password hashing, like `django.contrib.auth.hashers`: Argon2id, stored as
//! PHC strings (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`).
//!
//! ```
//! use orm_contrib::auth::password::{check_password, make_password, needs_rehash};
//!
//! # fn main() -> Result<(), orm_contrib::auth::password::PasswordError> {
//! let encoded = make_password("correct horse battery staple")?;
//! assert!(check_password("correct horse battery staple", &encoded));
//! assert!(!check_password("Tr0ub4dor&3", &encoded));
//! assert!(!needs_rehash(&encoded));
//! # Ok(()) }
//! ```
//!
//! Neither passwords nor hashes ever appear in an error or a log line.

use argon2::password_hash::{self, PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, PasswordHash, Version};
use orm_core::db::AnyConnection;
use orm_core::model::Model;

use super::User;

/// The prefix of a password that can never match, as Django's
/// `UNUSABLE_PASSWORD_PREFIX`: no PHC string starts with it.
pub const UNUSABLE_PASSWORD_PREFIX: &str = "!";

/// How many random characters follow [`UNUSABLE_PASSWORD_PREFIX`].
const UNUSABLE_PASSWORD_SUFFIX_LENGTH: usize = 40;

/// A valid hash, made with [`Hasher::DEFAULT`], that
/// [`check_password_for_unknown_user`] verifies against. A test checks that it
/// matches the current parameters; regenerate it when they change.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$b3JtLWNvcmUtZHVtbXktc2FsdA$5Fxn/48eLA/YpAGTybWDLyYUnYF9ETiA3JEQmvHww7A";

/// Why a password could not be hashed. Never holds the password or a hash.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PasswordError {
    /// The [`Hasher`]'s parameters are outside what Argon2 accepts.
    #[error("invalid Argon2 parameters: {0}")]
    Params(String),
    /// The operating system's random number generator failed to give a salt.
    #[error("the system random number generator failed")]
    Random,
    /// Argon2 refused to hash (for example, a password longer than it takes).
    #[error("password hashing failed: {0}")]
    Hash(String),
}

impl From<PasswordError> for orm_core::Error {
    fn from(err: PasswordError) -> Self {
        orm_core::Error::Internal(err.to_string())
    }
}

/// The Argon2id parameters new hashes are made with. Hashes stored with other
/// parameters still verify; [`needs_rehash`] tells when to upgrade them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hasher {
    /// Memory cost, in KiB (`m`).
    pub memory_kib: u32,
    /// Number of passes (`t`).
    pub iterations: u32,
    /// Degree of parallelism (`p`).
    pub parallelism: u32,
    /// Length of the hash, in bytes.
    pub output_len: usize,
}

impl Default for Hasher {
    fn default() -> Self {
        Hasher::DEFAULT
    }
}

impl Hasher {
    /// The OWASP recommendation for Argon2id: 19 MiB, two passes, one lane,
    /// 32-byte hash.
    pub const DEFAULT: Hasher = Hasher {
        memory_kib: 19_456,
        iterations: 2,
        parallelism: 1,
        output_len: 32,
    };

    /// The algorithm identifier in the PHC strings this hasher makes.
    pub const ALGORITHM: &'static str = "argon2id";

    fn argon2(&self) -> Result<Argon2<'static>, PasswordError> {
        let params = Params::new(
            self.memory_kib,
            self.iterations,
            self.parallelism,
            Some(self.output_len),
        )
        .map_err(|e| PasswordError::Params(e.to_string()))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }

    /// Hashes `raw` with these parameters and a random 16-byte salt from the
    /// operating system, as a PHC string.
    pub fn hash(&self, raw: &str) -> Result<String, PasswordError> {
        let argon2 = self.argon2()?;
        let salt = password_hash::try_generate_salt().map_err(|_| PasswordError::Random)?;
        argon2
            .hash_password_with_salt(raw.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| PasswordError::Hash(e.to_string()))
    }

    /// Whether `encoded` was made with another algorithm, version or
    /// parameters than these, or cannot be read at all. An unusable password
    /// (see [`is_usable`]) never needs a rehash: there is nothing to upgrade.
    pub fn needs_rehash(&self, encoded: &str) -> bool {
        if !is_usable(encoded) {
            return false;
        }
        let Ok(hash) = PasswordHash::new(encoded) else {
            return true;
        };
        let Ok(params) = Params::try_from(&hash) else {
            return true;
        };
        let output_len = hash.hash.as_ref().map(|output| output.len());
        !(hash.algorithm.as_str() == Self::ALGORITHM
            && hash.version == Some(u32::from(Version::V0x13))
            && params.m_cost() == self.memory_kib
            && params.t_cost() == self.iterations
            && params.p_cost() == self.parallelism
            && output_len == Some(self.output_len))
    }
}

/// Hashes `raw` with the current parameters ([`Hasher::DEFAULT`]) into a PHC
/// string, Django's `make_password`.
pub fn make_password(raw: &str) -> Result<String, PasswordError> {
    Hasher::DEFAULT.hash(raw)
}

/// [`make_password`] on tokio's blocking threads, for async code: an Argon2
/// hash takes tens of milliseconds of CPU, which on an executor thread would
/// stall every other request that thread serves. At most [`hash_slots`]
/// hashes run at once (the others wait, asynchronously), so a burst of
/// password forms leaves a core to the rest of the server. Django's
/// `amake_password`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use orm_contrib::auth::password::{acheck_password, amake_password};
/// let encoded = amake_password("correct horse".into()).await.unwrap();
/// assert!(acheck_password("correct horse".into(), encoded).await);
/// # }
/// ```
pub async fn amake_password(raw: String) -> Result<String, PasswordError> {
    off_executor(move || make_password(&raw))
        .await
        .map_err(|e| PasswordError::Hash(format!("the hashing task failed: {e}")))?
}

/// [`check_password`] on tokio's blocking threads, for async code (see
/// [`amake_password`]). A check that cannot run does not match.
pub async fn acheck_password(raw: String, encoded: String) -> bool {
    off_executor(move || check_password(&raw, &encoded))
        .await
        .unwrap_or(false)
}

/// How many Argon2 runs [`amake_password`] and [`acheck_password`] allow at
/// once: one less than the machine's cores, and at least one.
pub fn hash_slots() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |cores| cores.get().saturating_sub(1))
        .max(1)
}

/// Runs `work` on a blocking thread once one of the [`hash_slots`] is free.
async fn off_executor<R: Send + 'static>(
    work: impl FnOnce() -> R + Send + 'static,
) -> Result<R, String> {
    static SLOTS: std::sync::LazyLock<tokio::sync::Semaphore> =
        std::sync::LazyLock::new(|| tokio::sync::Semaphore::new(hash_slots()));
    let _slot = SLOTS.acquire().await.map_err(|e| e.to_string())?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| e.to_string())
}

/// Whether `raw` is the password `encoded` was made from. The comparison is
/// Argon2's constant-time one, with the parameters stored in `encoded`. An
/// empty, unusable or unreadable `encoded` never matches.
pub fn check_password(raw: &str, encoded: &str) -> bool {
    if !is_usable(encoded) {
        return false;
    }
    let Ok(hash) = PasswordHash::new(encoded) else {
        return false;
    };
    Argon2::default()
        .verify_password(raw.as_bytes(), &hash)
        .is_ok()
}

/// Whether `encoded` should be replaced by a hash made with the current
/// parameters ([`Hasher::needs_rehash`] of [`Hasher::DEFAULT`]).
pub fn needs_rehash(encoded: &str) -> bool {
    Hasher::DEFAULT.needs_rehash(encoded)
}

/// A value for the password field that no password matches:
/// [`UNUSABLE_PASSWORD_PREFIX`] and 40 random letters and digits.
pub fn make_unusable_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    // The largest multiple of the alphabet's size that fits in a byte: bytes
    // above it are dropped so that every character is equally likely.
    const LIMIT: u8 = (256 / ALPHABET.len() * ALPHABET.len()) as u8;
    let mut password = String::from(UNUSABLE_PASSWORD_PREFIX);
    let mut added = 0;
    while added < UNUSABLE_PASSWORD_SUFFIX_LENGTH {
        // Without randomness the prefix alone still makes it unusable.
        let Ok(bytes) = password_hash::try_generate_salt() else {
            break;
        };
        for byte in bytes.iter().filter(|&&b| b < LIMIT) {
            if added == UNUSABLE_PASSWORD_SUFFIX_LENGTH {
                break;
            }
            password.push(char::from(ALPHABET[usize::from(*byte) % ALPHABET.len()]));
            added += 1;
        }
    }
    password
}

/// Whether `encoded` can ever match a password: not empty and not made by
/// [`make_unusable_password`].
pub fn is_usable(encoded: &str) -> bool {
    !encoded.is_empty() && !encoded.starts_with(UNUSABLE_PASSWORD_PREFIX)
}

/// Runs one Argon2 verification against a fixed hash and throws the result
/// away, so that a login for a username that does not exist takes as long as
/// one for a user who does.
pub fn check_password_for_unknown_user(raw: &str) {
    std::hint::black_box(check_password(raw, DUMMY_HASH));
}

/// Checks `raw` against `user`'s password and, when it matches and the stored
/// hash [`needs_rehash`], hashes it again with the current parameters and
/// saves only the password column. Returns whether the password matched.
///
/// A user without a usable password costs one dummy verification, so that
/// timing does not tell them apart from other users.
pub fn check_password_and_upgrade(
    user: &mut User,
    raw: &str,
    conn: &mut AnyConnection,
) -> Result<bool, orm_core::Error> {
    if !user.has_usable_password() {
        check_password_for_unknown_user(raw);
        return Ok(false);
    }
    if !check_password(raw, &user.password) {
        return Ok(false);
    }
    if needs_rehash(&user.password) {
        let new_hash = make_password(raw)?;
        User::store_password(conn, user.id, &new_hash)?;
        user.password = new_hash;
    }
    Ok(true)
}

impl User {
    /// Writes `hash` as the password of the user with id `id`, and nothing
    /// else of the row (a form's other fields, or another request's
    /// changes, are not overwritten). Returns the rows written (0: no such
    /// user).
    pub fn store_password(
        conn: &mut AnyConnection,
        id: i64,
        hash: &str,
    ) -> orm_core::Result<usize> {
        User::objects()
            .filter(User::ID.eq(id))
            .update(conn, vec![User::PASSWORD.set(hash.to_owned())])
    }

    /// Hashes `raw` with the current parameters into `password`. The user is
    /// not saved.
    pub fn set_password(&mut self, raw: &str) -> Result<(), PasswordError> {
        self.password = make_password(raw)?;
        Ok(())
    }

    /// Whether `raw` is this user's password. To also upgrade an old hash,
    /// use [`check_password_and_upgrade`].
    pub fn check_password(&self, raw: &str) -> bool {
        check_password(raw, &self.password)
    }

    /// Marks the user as unable to log in with a password (for example,
    /// accounts that authenticate elsewhere). The user is not saved.
    pub fn set_unusable_password(&mut self) {
        self.password = make_unusable_password();
    }

    /// Whether any password can match this user's.
    pub fn has_usable_password(&self) -> bool {
        is_usable(&self.password)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RAW: &str = "s3cret-Passphrase!";

    /// Hashes `raw` with a deliberately weaker, older set of parameters.
    fn old_hash(raw: &str) -> String {
        let params = Params::new(8192, 1, 1, None).unwrap();
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password(raw.as_bytes())
            .unwrap()
            .to_string()
    }

    #[test]
    fn round_trip() {
        let encoded = make_password(RAW).unwrap();
        assert!(encoded.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(!encoded.contains(RAW));
        assert!(check_password(RAW, &encoded));
        assert!(!needs_rehash(&encoded));
        assert!(is_usable(&encoded));
    }

    #[test]
    fn salts_are_random() {
        let a = make_password(RAW).unwrap();
        let b = make_password(RAW).unwrap();
        assert_ne!(a, b);
        assert!(check_password(RAW, &a) && check_password(RAW, &b));
    }

    #[test]
    fn wrong_password_is_false() {
        let encoded = make_password(RAW).unwrap();
        assert!(!check_password("s3cret-passphrase!", &encoded));
        assert!(!check_password("", &encoded));
        assert!(!check_password(&format!("{RAW} "), &encoded));
    }

    #[test]
    fn empty_password_hashes() {
        let encoded = make_password("").unwrap();
        assert!(check_password("", &encoded));
        assert!(!check_password(" ", &encoded));
    }

    #[test]
    fn garbage_hashes_are_false() {
        let encoded = make_password(RAW).unwrap();
        let truncated = &encoded[..encoded.len() - 4];
        let other_algorithm = encoded.replacen("argon2id", "scrypt", 1);
        for garbage in [
            "",
            "garbage",
            "$argon2id$",
            "$argon2id$v=19$m=19456,t=2,p=1$",
            truncated,
            &other_algorithm,
            "pbkdf2_sha256$870000$salt$hash",
            RAW,
        ] {
            assert!(!check_password(RAW, garbage), "{garbage:?}");
            assert!(needs_rehash(garbage) || garbage.is_empty(), "{garbage:?}");
        }
    }

    #[test]
    fn unusable_passwords() {
        let unusable = make_unusable_password();
        assert!(unusable.starts_with(UNUSABLE_PASSWORD_PREFIX));
        assert_eq!(unusable.len(), 1 + UNUSABLE_PASSWORD_SUFFIX_LENGTH);
        assert!(unusable[1..].chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(unusable, make_unusable_password());
        assert!(!is_usable(&unusable));
        assert!(!is_usable(""));
        assert!(!check_password(&unusable, &unusable));
        assert!(!check_password(&unusable[1..], &unusable));
        assert!(!check_password("", &unusable));
        assert!(!needs_rehash(&unusable));
        assert!(!needs_rehash(""));
        // An unusable marker that hides a real hash still never matches.
        let hidden = format!("{UNUSABLE_PASSWORD_PREFIX}{}", make_password(RAW).unwrap());
        assert!(!check_password(RAW, &hidden));
    }

    #[test]
    fn other_parameters_need_a_rehash() {
        let old = old_hash(RAW);
        assert!(old.starts_with("$argon2id$v=19$m=8192,t=1,p=1$"));
        assert!(check_password(RAW, &old), "old hashes still verify");
        assert!(needs_rehash(&old));

        let salt = [7u8; 16];
        let variants = [
            (Algorithm::Argon2i, Version::V0x13, Params::default()),
            (Algorithm::Argon2d, Version::V0x13, Params::default()),
            (Algorithm::Argon2id, Version::V0x10, Params::default()),
            (
                Algorithm::Argon2id,
                Version::V0x13,
                Params::new(19_456, 2, 1, Some(64)).unwrap(),
            ),
            (
                Algorithm::Argon2id,
                Version::V0x13,
                Params::new(19_456, 3, 1, None).unwrap(),
            ),
            (
                Algorithm::Argon2id,
                Version::V0x13,
                Params::new(19_456, 2, 2, None).unwrap(),
            ),
        ];
        for (algorithm, version, params) in variants {
            let encoded = Argon2::new(algorithm, version, params)
                .hash_password_with_salt(RAW.as_bytes(), &salt)
                .unwrap()
                .to_string();
            assert!(check_password(RAW, &encoded), "{encoded}");
            assert!(needs_rehash(&encoded), "{encoded}");
        }

        let same = Argon2::default()
            .hash_password_with_salt(RAW.as_bytes(), &salt)
            .unwrap()
            .to_string();
        assert!(
            !needs_rehash(&same),
            "argon2's defaults are the current ones"
        );
    }

    #[test]
    fn custom_hasher() {
        let hasher = Hasher {
            memory_kib: 8192,
            iterations: 1,
            parallelism: 1,
            output_len: 32,
        };
        let encoded = hasher.hash(RAW).unwrap();
        assert!(encoded.starts_with("$argon2id$v=19$m=8192,t=1,p=1$"));
        assert!(!hasher.needs_rehash(&encoded));
        assert!(needs_rehash(&encoded));
        assert!(check_password(RAW, &encoded));
        assert_eq!(Hasher::default(), Hasher::DEFAULT);
    }

    #[test]
    fn dummy_hash_matches_current_parameters() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
        assert!(!needs_rehash(DUMMY_HASH));
        assert!(!check_password(RAW, DUMMY_HASH));
        check_password_for_unknown_user(RAW);
    }

    #[test]
    fn errors_never_show_the_password() {
        let bad = Hasher {
            memory_kib: 1,
            ..Hasher::DEFAULT
        };
        let err = bad.hash(RAW).unwrap_err();
        assert!(matches!(err, PasswordError::Params(_)), "{err:?}");
        let errors = [
            err.clone(),
            PasswordError::Random,
            PasswordError::Hash("output size invalid".into()),
        ];
        for err in errors {
            let core: orm_core::Error = err.clone().into();
            for shown in [
                format!("{err:?}"),
                format!("{err}"),
                format!("{core:?}"),
                format!("{core}"),
            ] {
                assert!(!shown.contains(RAW), "{shown}");
                assert!(!shown.contains("$argon2"), "{shown}");
            }
        }
    }

    #[test]
    fn user_methods() {
        let mut user = User::new("alice", "alice@example.com");
        assert!(!user.has_usable_password(), "a new user has none");
        assert!(!user.check_password(""));
        user.set_password(RAW).unwrap();
        assert!(user.has_usable_password());
        assert!(user.check_password(RAW));
        assert!(!user.check_password("nope"));
        user.set_unusable_password();
        assert!(!user.has_usable_password());
        assert!(!user.check_password(RAW));
    }

    #[test]
    fn upgrades_on_login() {
        let db = orm_core::Db::open("sqlite://:memory:").unwrap();
        let mut conn = db.conn().unwrap();
        orm_core::create_tables(&mut conn, &[User::schema()]).unwrap();
        let mut user = User::new("alice", "alice@example.com");
        user.password = old_hash(RAW);
        user.save(&mut conn).unwrap();
        let old = user.password.clone();

        assert!(!check_password_and_upgrade(&mut user, "wrong", &mut conn).unwrap());
        assert_eq!(user.password, old, "a wrong password upgrades nothing");

        assert!(check_password_and_upgrade(&mut user, RAW, &mut conn).unwrap());
        assert_ne!(user.password, old);
        assert!(!needs_rehash(&user.password));
        let stored = User::objects().get(&mut conn).unwrap();
        assert_eq!(stored.password, user.password);
        assert!(stored.check_password(RAW));

        // Already current: nothing to write.
        let current = user.password.clone();
        assert!(check_password_and_upgrade(&mut user, RAW, &mut conn).unwrap());
        assert_eq!(user.password, current);

        user.set_unusable_password();
        assert!(!check_password_and_upgrade(&mut user, RAW, &mut conn).unwrap());
    }
}
