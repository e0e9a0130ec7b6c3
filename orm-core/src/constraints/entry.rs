//! One entry of an index's field list: a field name, `-` before it for
//! descending order, or an expression over a field (`Lower(title)`).

/// A function an index entry may apply to its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryFunction {
    /// `Lower(field)`: the text in lower case.
    Lower,
    /// `Upper(field)`: the text in upper case.
    Upper,
}

impl EntryFunction {
    /// The SQL function's name, the same on every backend.
    pub fn sql(self) -> &'static str {
        match self {
            EntryFunction::Lower => "LOWER",
            EntryFunction::Upper => "UPPER",
        }
    }
}

/// An index entry, parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexEntry<'a> {
    /// The field the entry reads.
    pub field: &'a str,
    /// The function applied to it, if any.
    pub function: Option<EntryFunction>,
    /// Whether the entry is in descending order (`-` prefix).
    pub descending: bool,
}

impl<'a> IndexEntry<'a> {
    /// Parses `-field`, `field`, `Lower(field)` or `-Upper(field)`.
    pub fn parse(entry: &'a str) -> Result<IndexEntry<'a>, String> {
        let (descending, rest) = match entry.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, entry),
        };
        let Some((function, inner)) = rest.split_once('(') else {
            return Ok(IndexEntry {
                field: rest,
                function: None,
                descending,
            });
        };
        let function = match function {
            "Lower" => EntryFunction::Lower,
            "Upper" => EntryFunction::Upper,
            other => {
                return Err(format!(
                    "`{other}(...)` cannot be indexed (use Lower(field) or Upper(field))"
                ))
            }
        };
        let field = inner
            .strip_suffix(')')
            .filter(|field| {
                !field.is_empty() && field.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            })
            .ok_or_else(|| {
                format!(
                    "expected `{}(field)`, found `{rest}`",
                    function_name(function)
                )
            })?;
        Ok(IndexEntry {
            field,
            function: Some(function),
            descending,
        })
    }

    /// The field name an entry reads, whatever its form (the entry itself
    /// when it does not parse).
    pub fn field_of(entry: &'a str) -> &'a str {
        IndexEntry::parse(entry).map_or(entry, |parsed| parsed.field)
    }
}

/// The entry as it is written: `-Lower(title)`.
impl std::fmt::Display for IndexEntry<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.descending {
            f.write_str("-")?;
        }
        match self.function {
            Some(function) => write!(f, "{}({})", function_name(function), self.field),
            None => f.write_str(self.field),
        }
    }
}

fn function_name(function: EntryFunction) -> &'static str {
    match function {
        EntryFunction::Lower => "Lower",
        EntryFunction::Upper => "Upper",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        let plain = IndexEntry::parse("-placed").unwrap();
        assert_eq!(
            (plain.field, plain.function, plain.descending),
            ("placed", None, true)
        );
        let lower = IndexEntry::parse("Lower(title)").unwrap();
        assert_eq!(lower.function, Some(EntryFunction::Lower));
        assert_eq!(lower.field, "title");
        assert!(IndexEntry::parse("Length(title)")
            .unwrap_err()
            .contains("Lower(field)"));
        assert!(IndexEntry::parse("Lower(title").is_err());
        assert_eq!(IndexEntry::field_of("-Upper(code)"), "code");
        for written in ["-placed", "title", "Lower(title)", "-Upper(code)"] {
            assert_eq!(IndexEntry::parse(written).unwrap().to_string(), written);
        }
    }
}
