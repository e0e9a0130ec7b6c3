//! Helpers for the `to_repr` that `#[model(display = "...")]` declares.

/// Shows `Some(value)` as the value and `None` as nothing: a nullable
/// field in a declared `display`.
pub struct OptionText<'a, T>(pub &'a Option<T>);

impl<T: std::fmt::Display> std::fmt::Display for OptionText<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(value) => value.fmt(f),
            None => Ok(()),
        }
    }
}

/// `Display` through a closure.
pub struct DisplayWith<F>(pub F);

impl<F> std::fmt::Display for DisplayWith<F>
where
    F: Fn(&mut std::fmt::Formatter<'_>) -> std::fmt::Result,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (self.0)(f)
    }
}
