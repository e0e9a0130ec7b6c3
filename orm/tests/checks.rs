//! `check` finds what the compiler cannot: a default that is not one of
//! its `Choices` enum's values.

use orm::prelude::*;

/// How a book is sold.
#[derive(Choices, Debug, Clone, Copy, PartialEq)]
pub enum Format {
    /// Bound in boards.
    Hardcover,
    /// Bound in paper.
    Paperback,
}

/// A book whose default names the variant, not its stored value.
#[derive(Model, Debug, Clone)]
#[model(app_label = "shelf")]
pub struct Book {
    /// The key.
    pub id: i64,
    /// How it is sold.
    #[field(default = "Paperback")]
    pub format: Format,
}

#[test]
fn a_default_that_is_not_a_choice_is_reported() {
    let _ = Book::schema();
    let problems = orm::startup::model_problems();
    assert_eq!(
        problems,
        [
            "shelf.Book.format: the default \"Paperback\" is not one of its choices; \
             write one of the stored values: \"hardcover\", \"paperback\""
        ]
    );
}
