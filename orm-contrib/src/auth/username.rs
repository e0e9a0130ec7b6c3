//! Usernames: the one check every way of naming a user goes through (the
//! admin's user forms, `createsuperuser`).
//!
//! Like Django's `UsernameField` and `UnicodeUsernameValidator`, a username
//! is normalised to NFKC, then may hold only letters, digits and
//! `@ . + - _`; spaces, control, format and other invisible characters are
//! refused, so that no name can pass for another on screen. Unlike Django,
//! a name that differs from another user's only in case is taken.
//!
//! ```
//! use orm_contrib::auth::username::{validate_username, UsernameError};
//!
//! assert_eq!(validate_username("ｂｏｂ").unwrap(), "bob");
//! assert!(matches!(validate_username("boss\u{200b}"), Err(UsernameError::Invalid)));
//! assert!(matches!(validate_username(""), Err(UsernameError::Blank)));
//! ```

use orm_core::model::Model;
use orm_core::AnyConnection;
use unicode_normalization::UnicodeNormalization;

use super::User;

/// What a username with a character it may not hold is told (Django's
/// `UnicodeUsernameValidator`).
pub const USERNAME_MESSAGE: &str = "Enter a valid username. This value may contain only letters, \
     numbers, and @/./+/-/_ characters.";

/// Why a username was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UsernameError {
    /// Nothing was given.
    #[error("This field is required.")]
    Blank,
    /// It holds a character other than a letter, a digit or `@ . + - _`,
    /// or an invisible one.
    #[error("{USERNAME_MESSAGE}")]
    Invalid,
    /// Another user has it, ignoring case.
    #[error("A user with that username already exists.")]
    Taken,
    /// The database could not say whether it is taken.
    #[error(transparent)]
    Database(#[from] orm_core::Error),
}

/// `username` in Unicode normalisation form NFKC, as it is stored: the
/// full-width `ｂｏｂ` is `bob`, `ﬁle` is `file`.
pub fn normalize_username(username: &str) -> String {
    username.nfkc().collect()
}

/// Checks a username without the database: normalised (see
/// [`normalize_username`]), not empty, only letters, digits and
/// `@ . + - _`. Returns the normalised name, the one to store.
pub fn validate_username(username: &str) -> Result<String, UsernameError> {
    let normalized = normalize_username(username);
    if normalized.is_empty() {
        return Err(UsernameError::Blank);
    }
    if !normalized.chars().all(allowed) {
        return Err(UsernameError::Invalid);
    }
    Ok(normalized)
}

/// Whether a user other than `except` has `username`, ignoring case
/// (`LOWER(username) = LOWER(?)` on every backend).
///
/// SQLite's `lower()` folds ASCII letters only: there, names that differ
/// in the case of other letters (`Åsa`, `åsa`) are not found.
pub fn username_taken(
    conn: &mut AnyConnection,
    username: &str,
    except: Option<i64>,
) -> orm_core::Result<bool> {
    let mut query = User::objects().filter(User::USERNAME.iexact(username));
    if let Some(id) = except {
        query = query.exclude(User::ID.eq(id));
    }
    query.exists(conn)
}

/// [`validate_username`], then [`username_taken`]: the name to store, or
/// why it may not be used. `except` is the user being renamed, if any.
pub fn clean_username(
    conn: &mut AnyConnection,
    username: &str,
    except: Option<i64>,
) -> Result<String, UsernameError> {
    let normalized = validate_username(username)?;
    if username_taken(conn, &normalized, except)? {
        return Err(UsernameError::Taken);
    }
    Ok(normalized)
}

fn allowed(c: char) -> bool {
    matches!(c, '@' | '.' | '+' | '-' | '_') || (c.is_alphanumeric() && !invisible(c))
}

/// Unicode's default-ignorable code points: drawn as nothing, though some
/// (the Hangul fillers) count as letters.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFF8}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_digits_and_five_marks() {
        for name in ["ann.lee+blog@example", "José_1", "x-y", "日本", "١٢٣"] {
            assert_eq!(validate_username(name).unwrap(), name, "{name}");
        }
    }

    #[test]
    fn normalised_to_nfkc() {
        assert_eq!(
            validate_username("\u{ff42}\u{ff4f}\u{ff42}").unwrap(),
            "bob"
        );
        assert_eq!(validate_username("\u{fb01}le").unwrap(), "file");
        assert_eq!(validate_username("Jose\u{301}").unwrap(), "Jos\u{e9}");
    }

    #[test]
    fn refuses_what_cannot_be_seen_or_is_not_a_name() {
        for name in [
            "boss\u{200b}",
            "adm\u{202e}nimda",
            "<script>",
            "tab\tname",
            "new\nline",
            "two words",
            "nbsp\u{a0}x",
            "soft\u{ad}hyphen",
            "\u{3164}",
            "\u{ffa0}",
            "\u{115f}x",
            "bo\u{feff}ss",
            "bell\u{7}",
            "x\u{e0041}",
            "x\u{fe0f}",
            "x\u{301}\u{301}y",
        ] {
            assert!(
                matches!(validate_username(name), Err(UsernameError::Invalid)),
                "{name:?}"
            );
        }
        assert!(matches!(validate_username(""), Err(UsernameError::Blank)));
        assert_eq!(UsernameError::Invalid.to_string(), USERNAME_MESSAGE);
    }
}
