//! Password validation, like Django's `AUTH_PASSWORD_VALIDATORS`: the four
//! default validators and [`validate_password`], which runs them all.
//!
//! ```
//! use orm_contrib::auth::{validate_password, User};
//!
//! let user = User::new("alice", "alice@example.com");
//! assert!(validate_password("plum-tuesday-orbit-42", Some(&user)).is_ok());
//! assert_eq!(
//!     validate_password("12345", None).unwrap_err(),
//!     vec![
//!         "This password is too short. It must contain at least 8 characters.",
//!         "This password is too common.",
//!         "This password is entirely numeric.",
//!     ],
//! );
//! ```
//!
//! Messages never quote the password.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, LazyLock};

use orm_core::model::Model;
use orm_core::value::Value;

use super::User;

/// One rule a new password must follow.
pub trait PasswordValidator {
    /// `Ok` when `password` follows the rule, else the message to show.
    /// `user` is the account the password is for, when known.
    fn validate(&self, password: &str, user: Option<&User>) -> Result<(), String>;

    /// The rule, worded for a form's help text.
    fn help_text(&self) -> String;
}

/// A password must be at least `min_length` characters long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MinimumLengthValidator {
    /// The fewest characters (Unicode scalar values) allowed.
    pub min_length: usize,
}

impl Default for MinimumLengthValidator {
    fn default() -> Self {
        MinimumLengthValidator { min_length: 8 }
    }
}

fn characters(n: usize) -> &'static str {
    if n == 1 {
        "character"
    } else {
        "characters"
    }
}

impl PasswordValidator for MinimumLengthValidator {
    fn validate(&self, password: &str, _user: Option<&User>) -> Result<(), String> {
        if password.chars().count() < self.min_length {
            return Err(format!(
                "This password is too short. It must contain at least {} {}.",
                self.min_length,
                characters(self.min_length)
            ));
        }
        Ok(())
    }

    fn help_text(&self) -> String {
        format!(
            "Your password must contain at least {} {}.",
            self.min_length,
            characters(self.min_length)
        )
    }
}

/// A password must not be made of digits only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NumericPasswordValidator;

impl PasswordValidator for NumericPasswordValidator {
    fn validate(&self, password: &str, _user: Option<&User>) -> Result<(), String> {
        if !password.is_empty() && password.chars().all(char::is_numeric) {
            return Err("This password is entirely numeric.".to_owned());
        }
        Ok(())
    }

    fn help_text(&self) -> String {
        "Your password can't be entirely numeric.".to_owned()
    }
}

/// A password must not be too similar to the user's own details: each of
/// `user_attributes`, whole and split into words at every non-alphanumeric
/// character (so an e-mail address's local part and domain labels count on
/// their own), compared case-insensitively with [`quick_ratio`].
#[derive(Debug, Clone, PartialEq)]
pub struct UserAttributeSimilarityValidator {
    /// The names of the `User` fields to compare against.
    pub user_attributes: Vec<String>,
    /// The similarity, from 0 to 1, at which a password is refused.
    pub max_similarity: f64,
}

impl Default for UserAttributeSimilarityValidator {
    fn default() -> Self {
        UserAttributeSimilarityValidator {
            user_attributes: ["username", "first_name", "last_name", "email"]
                .map(String::from)
                .to_vec(),
            max_similarity: 0.7,
        }
    }
}

/// Whether `value` is so much shorter than the password that it cannot reach
/// `max_similarity`: skipping it bounds the work on very long passwords.
fn exceeds_maximum_length_ratio(
    password_len: usize,
    max_similarity: f64,
    value_len: usize,
) -> bool {
    let length_bound = max_similarity / 2.0 * password_len as f64;
    password_len >= 10 * value_len && (value_len as f64) < length_bound
}

impl PasswordValidator for UserAttributeSimilarityValidator {
    fn validate(&self, password: &str, user: Option<&User>) -> Result<(), String> {
        let Some(user) = user else {
            return Ok(());
        };
        let schema = User::schema();
        let password = password.to_lowercase();
        let password_len = password.chars().count();
        for attribute in &self.user_attributes {
            let Some(index) = schema.field_index(attribute) else {
                continue;
            };
            let Value::Text(value) = user.field_value(index) else {
                continue;
            };
            if value.is_empty() {
                continue;
            }
            let value = value.to_lowercase();
            let parts = value
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .filter(|part| !part.is_empty())
                .chain(std::iter::once(value.as_str()));
            for part in parts {
                let part_len = part.chars().count();
                if exceeds_maximum_length_ratio(password_len, self.max_similarity, part_len) {
                    continue;
                }
                if quick_ratio(&password, part) >= self.max_similarity {
                    let verbose_name = schema.fields[index].verbose_name.as_ref();
                    return Err(format!(
                        "The password is too similar to the {verbose_name}."
                    ));
                }
            }
        }
        Ok(())
    }

    fn help_text(&self) -> String {
        "Your password can't be too similar to your other personal information.".to_owned()
    }
}

/// How alike two strings are, from 0 (no character in common) to 1 (the same
/// characters, in any order): twice the number of characters they share
/// (counting repeats) over their total length. This is Python's
/// `difflib.SequenceMatcher(a=a, b=b).quick_ratio()`, an upper bound on
/// `ratio()`; two empty strings are alike (1.0).
pub fn quick_ratio(a: &str, b: &str) -> f64 {
    let mut available: HashMap<char, usize> = HashMap::new();
    let mut b_len = 0usize;
    for c in b.chars() {
        *available.entry(c).or_default() += 1;
        b_len += 1;
    }
    let mut a_len = 0usize;
    let mut matches = 0usize;
    for c in a.chars() {
        a_len += 1;
        if let Some(count) = available.get_mut(&c).filter(|count| **count > 0) {
            *count -= 1;
            matches += 1;
        }
    }
    let total = a_len + b_len;
    if total == 0 {
        return 1.0;
    }
    2.0 * matches as f64 / total as f64
}

/// The embedded list of common passwords: one a line, lower-case.
const COMMON_PASSWORDS: &str = include_str!("common-passwords.txt");

static DEFAULT_COMMON_PASSWORDS: LazyLock<Arc<HashSet<Box<str>>>> =
    LazyLock::new(|| Arc::new(parse_list(COMMON_PASSWORDS)));

fn parse_list(list: &str) -> HashSet<Box<str>> {
    list.lines()
        .map(|line| line.trim().to_lowercase())
        .filter(|line| !line.is_empty())
        .map(String::into_boxed_str)
        .collect()
}

/// A password must not be on a list of commonly used passwords, compared
/// case-insensitively and ignoring surrounding whitespace. The default list,
/// embedded in the crate, holds 1,000 passwords.
#[derive(Debug, Clone)]
pub struct CommonPasswordValidator {
    passwords: Arc<HashSet<Box<str>>>,
}

impl Default for CommonPasswordValidator {
    fn default() -> Self {
        CommonPasswordValidator {
            passwords: Arc::clone(&DEFAULT_COMMON_PASSWORDS),
        }
    }
}

impl CommonPasswordValidator {
    /// A validator refusing the passwords of `list`, one a line.
    pub fn from_list(list: &str) -> Self {
        CommonPasswordValidator {
            passwords: Arc::new(parse_list(list)),
        }
    }

    /// How many passwords the list holds.
    pub fn len(&self) -> usize {
        self.passwords.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.passwords.is_empty()
    }
}

impl PasswordValidator for CommonPasswordValidator {
    fn validate(&self, password: &str, _user: Option<&User>) -> Result<(), String> {
        if self
            .passwords
            .contains(password.trim().to_lowercase().as_str())
        {
            return Err("This password is too common.".to_owned());
        }
        Ok(())
    }

    fn help_text(&self) -> String {
        "Your password can't be a commonly used password.".to_owned()
    }
}

/// Django's default validators, in its order: similarity to the user, at
/// least 8 characters, not common, not entirely numeric.
pub fn default_validators() -> Vec<Box<dyn PasswordValidator + Send + Sync>> {
    vec![
        Box::new(UserAttributeSimilarityValidator::default()),
        Box::new(MinimumLengthValidator::default()),
        Box::new(CommonPasswordValidator::default()),
        Box::new(NumericPasswordValidator),
    ]
}

/// Runs every one of `validators` and collects all their messages.
pub fn validate_password_with(
    password: &str,
    user: Option<&User>,
    validators: &[Box<dyn PasswordValidator + Send + Sync>],
) -> Result<(), Vec<String>> {
    let errors: Vec<String> = validators
        .iter()
        .filter_map(|validator| validator.validate(password, user).err())
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Runs the [`default_validators`] and collects all their messages.
pub fn validate_password(password: &str, user: Option<&User>) -> Result<(), Vec<String>> {
    validate_password_with(password, user, &default_validators())
}

/// The help texts of the [`default_validators`], for a password form.
pub fn password_help_texts() -> Vec<String> {
    default_validators()
        .iter()
        .map(|validator| validator.help_text())
        .collect()
}

pub use super::username::USERNAME_MESSAGE;

/// Whether [`validate_username`](super::username::validate_username)
/// accepts `username` (after NFKC normalisation: letters, digits and
/// `@ . + - _` only, nothing invisible).
///
/// ```
/// use orm_contrib::auth::validators::is_valid_username;
/// assert!(is_valid_username("ann.lee+blog@example"));
/// assert!(is_valid_username("José_1"));
/// assert!(!is_valid_username("ann lee"));
/// assert!(!is_valid_username("boss\u{200b}"));
/// assert!(!is_valid_username(""));
/// ```
pub fn is_valid_username(username: &str) -> bool {
    super::username::validate_username(username).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user() -> User {
        let mut user = User::new("jdoe", "jsmith.writer@mailhost.org");
        user.first_name = "Johnathan".into();
        user.last_name = "Doemann".into();
        user
    }

    fn similarity(password: &str, user: &User) -> Result<(), String> {
        UserAttributeSimilarityValidator::default().validate(password, Some(user))
    }

    #[test]
    fn minimum_length() {
        let v = MinimumLengthValidator::default();
        assert_eq!(v.min_length, 8);
        assert_eq!(v.validate("12345678", None), Ok(()));
        assert_eq!(
            v.validate("ünïcödé", None).unwrap_err(),
            "This password is too short. It must contain at least 8 characters."
        );
        assert_eq!(
            v.validate("ünïcödé!", None),
            Ok(()),
            "characters, not bytes"
        );
        assert_eq!(
            v.validate("1234567", None).unwrap_err(),
            "This password is too short. It must contain at least 8 characters."
        );
        assert!(v.validate("", None).is_err());
        assert_eq!(
            v.help_text(),
            "Your password must contain at least 8 characters."
        );
        let one = MinimumLengthValidator { min_length: 1 };
        assert_eq!(
            one.validate("", None).unwrap_err(),
            "This password is too short. It must contain at least 1 character."
        );
        assert_eq!(
            one.help_text(),
            "Your password must contain at least 1 character."
        );
    }

    #[test]
    fn numeric() {
        let v = NumericPasswordValidator;
        assert_eq!(
            v.validate("0123456789", None).unwrap_err(),
            "This password is entirely numeric."
        );
        assert_eq!(
            v.validate("١٢٣٤٥٦٧٨", None).unwrap_err(),
            "This password is entirely numeric."
        );
        assert_eq!(v.validate("a0123456789", None), Ok(()));
        assert_eq!(v.validate("0123 4567", None), Ok(()));
        assert_eq!(v.validate("", None), Ok(()));
        assert_eq!(v.help_text(), "Your password can't be entirely numeric.");
    }

    #[test]
    fn similarity_to_each_attribute() {
        let user = user();
        assert_eq!(similarity("correct horse battery", &user), Ok(()));
        assert_eq!(
            similarity("jdoe", &user).unwrap_err(),
            "The password is too similar to the username."
        );
        assert_eq!(
            similarity("johnathan1", &user).unwrap_err(),
            "The password is too similar to the first name."
        );
        assert_eq!(
            similarity("doemann!", &user).unwrap_err(),
            "The password is too similar to the last name."
        );
        // The local part, its words and the domain's labels count alone.
        for part in [
            "jsmith",
            "writer1",
            "mailhost",
            "mailhost.org",
            "jsmith.writer@mailhost.org",
        ] {
            assert_eq!(
                similarity(part, &user).unwrap_err(),
                "The password is too similar to the email address.",
                "{part}"
            );
        }
        assert_eq!(
            UserAttributeSimilarityValidator::default().validate("jdoe", None),
            Ok(()),
            "no user, nothing to compare"
        );
        assert_eq!(
            UserAttributeSimilarityValidator::default().help_text(),
            "Your password can't be too similar to your other personal information."
        );
    }

    #[test]
    fn similarity_edge_cases() {
        // Case never matters, on either side.
        let mut user = User::new("JDoe", "");
        assert!(similarity("JDOE", &user).is_err());
        assert!(similarity("jdoe", &user).is_err());
        user.username = "jdoe".into();
        assert!(similarity("JdOe", &user).is_err());

        // Empty attributes and empty words are skipped, even against an
        // empty password (two empty strings are "alike").
        let mut empty = User::new("", "");
        empty.first_name = "-".into();
        assert_eq!(similarity("", &empty), Ok(()));
        assert_eq!(similarity("anything at all", &empty), Ok(()));

        // Just below and at the threshold: "abcdefgh" shares 5 and 6 of 8
        // characters with these (ratio 0.625 and 0.75).
        let user = User::new("abcdefgh", "");
        assert_eq!(similarity("abcdexyz", &user), Ok(()));
        assert!(similarity("abcdefyz", &user).is_err());
        // Order does not count for quick_ratio.
        assert!(similarity("hgfedcba", &user).is_err());

        // A very long password is not compared with a much shorter word.
        let user = User::new("ab", "");
        assert_eq!(similarity(&"ab".repeat(20), &user), Ok(()));

        // Unknown attributes are ignored; a custom threshold applies.
        let strict = UserAttributeSimilarityValidator {
            user_attributes: vec!["nope".into(), "username".into()],
            max_similarity: 0.5,
        };
        let user = User::new("abcdefgh", "");
        assert!(strict.validate("abcdexyz", Some(&user)).is_err());
    }

    #[test]
    fn quick_ratio_matches_difflib() {
        // Values from Python's difflib.SequenceMatcher(a=a, b=b).quick_ratio().
        assert_eq!(quick_ratio("", ""), 1.0);
        assert_eq!(quick_ratio("abc", ""), 0.0);
        assert_eq!(quick_ratio("", "abc"), 0.0);
        assert_eq!(quick_ratio("abc", "abc"), 1.0);
        assert_eq!(quick_ratio("abc", "cba"), 1.0);
        assert_eq!(quick_ratio("abcd", "bcde"), 0.75);
        assert_eq!(quick_ratio("aaaa", "aa"), 2.0 * 2.0 / 6.0);
        assert_eq!(quick_ratio("password", "jdoe"), 2.0 * 2.0 / 12.0);
        assert_eq!(quick_ratio("ünï", "ïnü"), 1.0);
        assert_eq!(quick_ratio("abcd", "xyz"), 0.0);
    }

    #[test]
    fn common() {
        let v = CommonPasswordValidator::default();
        assert_eq!(v.len(), 1000);
        for password in [
            "password",
            "123456",
            "qwerty",
            "iloveyou",
            "PassWord",
            " letmein ",
        ] {
            assert_eq!(
                v.validate(password, None).unwrap_err(),
                "This password is too common.",
                "{password}"
            );
        }
        assert_eq!(v.validate("plum-tuesday-orbit-42", None), Ok(()));
        assert_eq!(
            v.help_text(),
            "Your password can't be a commonly used password."
        );

        let custom = CommonPasswordValidator::from_list("Hunter2\n\n  swordfish \n");
        assert_eq!(custom.len(), 2);
        assert!(custom.validate("hunter2", None).is_err());
        assert!(custom.validate("SWORDFISH", None).is_err());
        assert!(custom.validate("password", None).is_ok());
        assert!(CommonPasswordValidator::from_list("").is_empty());
    }

    #[test]
    fn common_list_is_clean() {
        let lines: Vec<&str> = COMMON_PASSWORDS.lines().collect();
        assert_eq!(lines.len(), 1000);
        let unique: HashSet<&str> = lines.iter().copied().collect();
        assert_eq!(unique.len(), lines.len(), "no duplicates");
        for line in lines {
            assert!(!line.is_empty() && line.trim() == line, "{line:?}");
            assert_eq!(line, line.to_lowercase(), "lower-case");
        }
    }

    #[test]
    fn all_messages_are_collected() {
        let user = User::new("12345", "");
        assert_eq!(
            validate_password("12345", Some(&user)).unwrap_err(),
            vec![
                "The password is too similar to the username.",
                "This password is too short. It must contain at least 8 characters.",
                "This password is too common.",
                "This password is entirely numeric.",
            ]
        );
        assert_eq!(
            validate_password("plum-tuesday-orbit-42", Some(&user)),
            Ok(())
        );
        assert_eq!(validate_password("plum-tuesday-orbit-42", None), Ok(()));
        assert_eq!(
            validate_password_with("x", None, &[]),
            Ok(()),
            "no validators, no errors"
        );
    }

    #[test]
    fn help_texts() {
        assert_eq!(
            password_help_texts(),
            vec![
                "Your password can't be too similar to your other personal information.",
                "Your password must contain at least 8 characters.",
                "Your password can't be a commonly used password.",
                "Your password can't be entirely numeric.",
            ]
        );
        assert_eq!(default_validators().len(), 4);
    }

    #[test]
    fn messages_never_quote_the_password() {
        let user = User::new("secretive", "secretive@example.com");
        for password in [
            "secretive",
            "12345",
            "qwerty",
            "Secretive99",
            "secretive@example.com",
        ] {
            let errors = validate_password(password, Some(&user)).unwrap_err();
            for message in &errors {
                assert!(!message.contains(password), "{message}");
            }
            assert!(!format!("{errors:?}").contains(password));
        }
    }
}
