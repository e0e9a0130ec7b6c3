//! Name conversions: `PublishedDate` → `published date`, `published_date` →
//! `PUBLISHED_DATE`, `make_published` → `Make published`.

/// `BlogPost` → `blog post`.
pub(crate) fn camel_to_words(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push(' ');
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// `BlogPost` → `blog_post`.
pub(crate) fn camel_to_snake(name: &str) -> String {
    camel_to_words(name).replace(' ', "_")
}

/// `published_date` → `published date`.
pub(crate) fn snake_to_words(name: &str) -> String {
    name.trim_start_matches("r#").replace('_', " ")
}

/// `BlogPost` → `Blog post`.
pub(crate) fn camel_to_label(name: &str) -> String {
    capitalize(&camel_to_words(name))
}

/// `make_published` → `Make published`.
pub(crate) fn snake_to_label(name: &str) -> String {
    capitalize(&snake_to_words(name))
}

/// `blog post` → `Blog post`.
fn capitalize(words: &str) -> String {
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `snake_case` to `PascalCase`: `published_date` → `PublishedDate`.
pub(crate) fn snake_to_pascal(name: &str) -> String {
    name.split('_')
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        })
        .collect()
}
