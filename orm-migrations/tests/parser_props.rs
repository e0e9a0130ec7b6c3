//! Property tests of migration-file parsing: any text, and any damage to a
//! real migration file, gives a migration or an error naming where the
//! file went wrong; never a panic. A file that still parses writes out
//! and parses back.

use orm_migrations::{parser, writer};
use proptest::prelude::*;

/// The blog's first migration, as `makemigrations` wrote it.
const BLOG_INITIAL: &str = include_str!("../../examples/blog/migrations/0001_initial.toml");

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_text_parses_or_is_refused(text in "\\PC{0,400}") {
        let _ = parser::parse("blog", "0002_any", &text);
    }

    #[test]
    fn a_damaged_migration_file_is_refused_with_a_position_or_still_valid(
        at in 0usize..BLOG_INITIAL.len(),
        cut in 0usize..40,
        insert in "[\\[\\]{}=\"'#,a-z0-9 \n]{0,6}",
    ) {
        let mut text = BLOG_INITIAL.to_owned();
        let start = (0..=at).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
        let end = (start + cut..=text.len())
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(text.len());
        text.replace_range(start..end, &insert);
        match parser::parse_file("blog", "0001_initial", "0001_initial.toml", &text) {
            Ok(migration) => {
                // Whatever still parses writes out and parses back the same.
                let written = writer::to_toml(&migration, chrono::Utc::now());
                prop_assert!(written.is_ok(), "{:?}", written.err());
                let written = written.unwrap_or_default();
                let again = parser::parse("blog", "0001_initial", &written);
                prop_assert!(again.is_ok(), "{written}");
            }
            Err(error) => {
                let message = error.to_string();
                prop_assert!(message.contains("0001_initial"), "{message}");
                prop_assert!(!message.contains('\n') || message.len() < 2_000, "{message}");
            }
        }
    }
}
