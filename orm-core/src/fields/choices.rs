//! Enums stored as text choices.

use crate::schema::Choice;

/// An enum whose variants are stored as text, with a label each.
///
/// Derive it with `#[derive(Choices)]`; the derive also makes the enum a
/// valid model field type.
///
/// ```
/// use orm_core::prelude::*;
///
/// #[derive(Choices, Debug, Clone, Copy, PartialEq)]
/// enum Status {
///     Draft,
///     #[choice(value = "pub", label = "Published")]
///     Published,
/// }
///
/// assert_eq!(Status::Published.as_str(), "pub");
/// assert_eq!(Status::from_str_value("draft"), Some(Status::Draft));
/// assert_eq!(Status::CHOICES[1].label, "Published");
/// ```
pub trait Choices: Sized + Copy + 'static {
    /// Every variant's stored value and label, in declaration order.
    const CHOICES: &'static [Choice];
    /// The stored value of this variant.
    fn as_str(&self) -> &'static str;
    /// The variant stored as `value`.
    fn from_str_value(value: &str) -> Option<Self>;
}

/// The longest stored value of a choice type, for its column length.
pub const fn choices_max_length(choices: &[crate::schema::Choice]) -> Option<u32> {
    if choices.is_empty() {
        return None;
    }
    let mut longest = 1;
    let mut i = 0;
    while i < choices.len() {
        let len = match &choices[i].value {
            std::borrow::Cow::Borrowed(s) => s.len(),
            std::borrow::Cow::Owned(_) => 0,
        };
        if len > longest {
            longest = len;
        }
        i += 1;
    }
    Some(longest as u32)
}
