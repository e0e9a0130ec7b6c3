//! Reads a migration file (the TOML that [`writer`](crate::writer) writes)
//! back to a [`Migration`].
//!
//! Errors name the file, the line and column, and what is wrong: invalid
//! TOML, an unknown operation `type`, a missing field, a value of the wrong
//! type, or a key that no operation or schema has (a typo that would
//! otherwise be ignored). Comments and blank lines are ignored.

use std::ops::Range;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use toml::de::{DeTable, DeValue, ValueDeserializer};
use toml::Spanned;

use orm_core::schema::{CheckSchema, FieldSchema, IndexSchema, ModelSchema};

use crate::error::Error;
use crate::migration::Migration;
use crate::operation::Operation;

/// Parses the text of a migration file; errors name the file
/// `app_label/migrations/name.toml`.
///
/// The app label and name come from the caller (the app's folder and the file
/// name); the file holds the dependencies, `initial` and the operations.
///
/// ```
/// use orm_migrations::{parser, Operation};
///
/// let m = parser::parse("blog", "0002_drop_tag", r#"
/// dependencies = [["blog", "0001_initial"]]
///
/// [[operations]]
/// type = "DeleteModel"
/// name = "Tag"
/// "#)?;
/// assert_eq!(m.dependencies, [("blog".to_owned(), "0001_initial".to_owned())]);
/// assert_eq!(m.operations, [Operation::DeleteModel { name: "Tag".into() }]);
///
/// let err = parser::parse("blog", "0003_oops", "[[operations]]\ntype = \"DropModel\"\n")
///     .unwrap_err();
/// assert!(err.to_string().starts_with(
///     "blog/migrations/0003_oops.toml:2:8: unknown operation type `DropModel`"
/// ));
/// # Ok::<(), orm_migrations::Error>(())
/// ```
pub fn parse(app_label: &str, name: &str, text: &str) -> Result<Migration, Error> {
    let file = format!("{app_label}/migrations/{name}.toml");
    parse_file(app_label, name, &file, text)
}

/// Parses the text of a migration file; errors name `file` (a path, or
/// whatever tells the user where the text came from).
pub fn parse_file(app_label: &str, name: &str, file: &str, text: &str) -> Result<Migration, Error> {
    let cx = Cx { file, text };
    let root = DeTable::parse(text).map_err(|e| {
        cx.error(
            e.span().unwrap_or(0..0),
            format!("invalid TOML: {}", e.message()),
        )
    })?;
    let mut migration = Migration::new(app_label, name);
    for (key, value) in root.get_ref().iter() {
        match key.get_ref().as_ref() {
            "dependencies" => migration.dependencies = cx.value(value, "`dependencies`")?,
            "initial" => migration.initial = cx.value(value, "`initial`")?,
            "replaces" => migration.replaces = cx.value(value, "`replaces`")?,
            "operations" => {
                let DeValue::Array(items) = value.get_ref() else {
                    return Err(cx.error(
                        value.span(),
                        "`operations` must be a list of tables, written as [[operations]]",
                    ));
                };
                for (i, item) in items.iter().enumerate() {
                    migration.operations.push(cx.operation(i + 1, item)?);
                }
            }
            other => {
                return Err(cx.error(
                    key.span(),
                    format!(
                        "unknown key `{other}`: a migration file has `dependencies`, \
                         `initial`, `replaces` and [[operations]]"
                    ),
                ))
            }
        }
    }
    Ok(migration)
}

/// The file being parsed, to turn spans into errors.
struct Cx<'a> {
    file: &'a str,
    text: &'a str,
}

impl Cx<'_> {
    /// An error at byte offset `span.start`.
    fn error(&self, span: Range<usize>, message: impl Into<String>) -> Error {
        let before = self
            .text
            .get(..span.start)
            .unwrap_or(self.text)
            .trim_end_matches('\r');
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Error::Parse {
            file: self.file.to_owned(),
            line: before.matches('\n').count() + 1,
            column: before.get(line_start..).unwrap_or("").chars().count() + 1,
            message: message.into(),
        }
    }

    /// Deserializes a value, naming `what` in errors.
    fn value<T: DeserializeOwned>(
        &self,
        value: &Spanned<DeValue<'_>>,
        what: &str,
    ) -> Result<T, Error> {
        T::deserialize(ValueDeserializer::from(value.clone())).map_err(|e| {
            self.error(
                e.span().unwrap_or(value.span()),
                format!("{what}: {}", e.message()),
            )
        })
    }

    /// Reads the `n`th (1-based) operation.
    fn operation(&self, n: usize, item: &Spanned<DeValue<'_>>) -> Result<Operation, Error> {
        let DeValue::Table(table) = item.get_ref() else {
            return Err(self.error(
                item.span(),
                format!("operation {n} must be a table, written as [[operations]]"),
            ));
        };
        let Some(ty) = table.get("type") else {
            return Err(self.error(
                item.span(),
                format!("operation {n} has no `type` (e.g. type = \"CreateModel\")"),
            ));
        };
        let Some(type_name) = ty.get_ref().as_str() else {
            return Err(self.error(
                ty.span(),
                format!("operation {n}: `type` must be a string, e.g. \"CreateModel\""),
            ));
        };
        let context = format!("operation {n} ({type_name})");

        let operation = match Operation::deserialize(ValueDeserializer::from(item.clone())) {
            Ok(operation) => operation,
            Err(e) => {
                let message = e.message();
                if let Some(rest) = message.strip_prefix(&format!("unknown variant `{type_name}`"))
                {
                    return Err(self.error(
                        ty.span(),
                        format!("unknown operation type `{type_name}`{rest}"),
                    ));
                }
                // Operations are internally tagged, so serde reports nested
                // errors without a position: find it in the nested schema.
                if let Some(nested) = self.nested_error(type_name, table, &context) {
                    return Err(nested);
                }
                return Err(self.error(
                    e.span().unwrap_or(item.span()),
                    format!("{context}: {message}"),
                ));
            }
        };

        if let Some(path) = ignored_key(item, &operation) {
            let span = span_of(item, &path).unwrap_or(item.span());
            let (key, parent) = match path.split_last() {
                Some((Seg::Key(key), parent)) => (key.as_str(), parent),
                _ => ("", &path[..]),
            };
            let at = if parent.is_empty() {
                String::new()
            } else {
                format!(" in `{}`", display_path(parent))
            };
            return Err(self.error(span, format!("{context}: unknown key `{key}`{at}")));
        }
        Ok(operation)
    }

    /// The precise error inside the schema an operation carries, if any.
    fn nested_error(&self, type_name: &str, table: &DeTable<'_>, context: &str) -> Option<Error> {
        let (key, result) = match type_name {
            "CreateModel" => {
                let value = table.get("model")?;
                ("model", check::<ModelSchema>(value))
            }
            "AddField" | "AlterField" => {
                let value = table.get("field")?;
                ("field", check::<FieldSchema>(value))
            }
            "AddIndex" => {
                let value = table.get("index")?;
                ("index", check::<IndexSchema>(value))
            }
            "AddConstraint" => {
                let value = table.get("constraint")?;
                ("constraint", check::<CheckSchema>(value))
            }
            _ => return None,
        };
        let (span, message) = result.err()?;
        Some(self.error(span, format!("{context}, in `{key}`: {message}")))
    }
}

/// Deserializes a schema value on its own, keeping error positions.
fn check<T: DeserializeOwned>(value: &Spanned<DeValue<'_>>) -> Result<(), (Range<usize>, String)> {
    T::deserialize(ValueDeserializer::from(value.clone()))
        .map(drop)
        .map_err(|e| (e.span().unwrap_or(value.span()), e.message().to_owned()))
}

/// One step of a path into a TOML value.
#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Key(String),
    Index(usize),
}

impl std::fmt::Display for Seg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Seg::Key(key) => write!(f, ".{key}"),
            Seg::Index(i) => write!(f, "[{i}]"),
        }
    }
}

/// `model.fields[1]`.
fn display_path(path: &[Seg]) -> String {
    let text: String = path.iter().map(ToString::to_string).collect();
    text.trim_start_matches('.').to_owned()
}

/// The path of the first key of `item` that deserializing ignored: a key the
/// operation does not write back and that accepts any value.
///
/// Keys left out when written back are either unknown or set to their
/// default; a known key rejects a value of the wrong type, an unknown one
/// accepts anything.
fn ignored_key(item: &Spanned<DeValue<'_>>, operation: &Operation) -> Option<Vec<Seg>> {
    let input = toml::Value::deserialize(ValueDeserializer::from(item.clone())).ok()?;
    let output = toml::Value::try_from(operation).ok()?;
    let mut candidates = Vec::new();
    missing_keys(&input, &output, &mut Vec::new(), &mut candidates);
    candidates.into_iter().find(|path| {
        let mut probe = input.clone();
        match value_at(&mut probe, path) {
            Some(slot) => *slot = toml::Value::Table(toml::Table::new()),
            None => return false,
        }
        Operation::deserialize(probe).is_ok()
    })
}

/// Collects the paths of keys in `input` that `output` does not have.
fn missing_keys(
    input: &toml::Value,
    output: &toml::Value,
    path: &mut Vec<Seg>,
    found: &mut Vec<Vec<Seg>>,
) {
    match (input, output) {
        (toml::Value::Table(input), toml::Value::Table(output)) => {
            for (key, value) in input {
                path.push(Seg::Key(key.clone()));
                match output.get(key) {
                    Some(out) => missing_keys(value, out, path, found),
                    None => found.push(path.clone()),
                }
                path.pop();
            }
        }
        (toml::Value::Array(input), toml::Value::Array(output)) => {
            for (i, (value, out)) in input.iter().zip(output).enumerate() {
                path.push(Seg::Index(i));
                missing_keys(value, out, path, found);
                path.pop();
            }
        }
        _ => {}
    }
}

/// The value at `path`.
fn value_at<'v>(value: &'v mut toml::Value, path: &[Seg]) -> Option<&'v mut toml::Value> {
    path.iter()
        .try_fold(value, |value, seg| match (seg, value) {
            (Seg::Key(key), toml::Value::Table(table)) => table.get_mut(key),
            (Seg::Index(i), toml::Value::Array(items)) => items.get_mut(*i),
            _ => None,
        })
}

/// Where the key at `path` is written.
fn span_of(item: &Spanned<DeValue<'_>>, path: &[Seg]) -> Option<Range<usize>> {
    let mut value = item;
    let mut span = item.span();
    for seg in path {
        match (seg, value.get_ref()) {
            (Seg::Key(key), DeValue::Table(table)) => {
                let (k, v) = table.get_key_value(key.as_str())?;
                span = k.span();
                value = v;
            }
            (Seg::Index(i), DeValue::Array(items)) => {
                value = items.get(*i)?;
                span = value.span();
            }
            _ => return None,
        }
    }
    Some(span)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn err(text: &str) -> String {
        match parse("blog", "0002_x", text) {
            Ok(m) => format!("parsed: {m:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn minimal_files() {
        let m = parse("blog", "0001_initial", "").unwrap();
        assert_eq!(m, Migration::new("blog", "0001_initial"));
        let m = parse("blog", "0001_initial", "# only a comment\ninitial = true\n").unwrap();
        assert!(m.initial);
        let m = parse(
            "blog",
            "0002_x",
            "operations = [{ type = \"DeleteModel\", name = \"Tag\" }]",
        )
        .unwrap();
        assert_eq!(
            m.operations,
            [Operation::DeleteModel { name: "Tag".into() }]
        );
    }

    #[test]
    fn bad_toml() {
        assert_eq!(
            err("dependencies = [[\"auth\", \"0001_initial\"]]\ninitial = \n"),
            "blog/migrations/0002_x.toml:2:11: invalid TOML: string values must be quoted, expected literal string"
        );
        let e = err("[[operations]]\ntype = \"RunSql\"\nsql = \"unterminated\n");
        assert_eq!(
            e,
            "blog/migrations/0002_x.toml:3:20: invalid TOML: invalid basic string, expected `\"`"
        );
        let e = err("initial = true\ninitial = false\n");
        assert!(
            e.starts_with("blog/migrations/0002_x.toml:2:1: invalid TOML: duplicate key"),
            "{e}"
        );
    }

    #[test]
    fn unknown_operation_type() {
        assert_eq!(
            err("[[operations]]\ntype = \"DeleteModel\"\nname = \"A\"\n\n[[operations]]\ntype = \"DropTable\"\nname = \"A\"\n"),
            "blog/migrations/0002_x.toml:6:8: unknown operation type `DropTable`, expected one of \
             `CreateModel`, `DeleteModel`, `AddField`, `RemoveField`, `AlterField`, `RenameField`, \
             `RenameModel`, `AlterModelTable`, `AddIndex`, `RemoveIndex`, `AddConstraint`, `RemoveConstraint`, `AlterUniqueTogether`, \
             `AlterModelOptions`, `RunSql`, `RunCode`"
        );
        assert_eq!(
            err("[[operations]]\nname = \"A\"\n"),
            "blog/migrations/0002_x.toml:1:1: operation 1 has no `type` (e.g. type = \"CreateModel\")"
        );
        assert_eq!(
            err("[[operations]]\ntype = 3\n"),
            "blog/migrations/0002_x.toml:2:8: operation 1: `type` must be a string, e.g. \"CreateModel\""
        );
        assert_eq!(
            err("operations = [\"RunSql\"]\n"),
            "blog/migrations/0002_x.toml:1:15: operation 1 must be a table, written as [[operations]]"
        );
        assert_eq!(
            err("operations = 1\n"),
            "blog/migrations/0002_x.toml:1:14: `operations` must be a list of tables, written as [[operations]]"
        );
    }

    #[test]
    fn missing_fields() {
        assert_eq!(
            err("[[operations]]\ntype = \"RunSql\"\nsql = \"SELECT 1\"\n\n[[operations]]\ntype = \"RunSql\"\nreverse_sql = \"x\"\n"),
            "blog/migrations/0002_x.toml:5:1: operation 2 (RunSql): missing field `sql`"
        );
        let text = "[[operations]]\ntype = \"CreateModel\"\n\n[operations.model]\nname = \"A\"\napp_label = \"blog\"\n\
                    table = \"blog_a\"\nverbose_name = \"a\"\nverbose_name_plural = \"as\"\n\n\
                    [[operations.model.fields]]\nname = \"id\"\ncolumn = \"id\"\nkind = \"BigInt\"\n\n\
                    [[operations.model.fields]]\nname = \"title\"\nkind = \"Char\"\n";
        assert_eq!(
            err(text),
            "blog/migrations/0002_x.toml:16:1: operation 1 (CreateModel), in `model`: missing field `column`"
        );
        let text = text.replace("kind = \"Char\"", "column = \"title\"\nkind = \"Chars\"");
        let e = err(&text);
        assert!(
            e.starts_with(
                "blog/migrations/0002_x.toml:19:8: operation 1 (CreateModel), in `model`: unknown variant `Chars`, expected one of `Bool`"
            ),
            "{e}"
        );
        let e = err(
            "[[operations]]\ntype = \"AddField\"\nmodel = \"A\"\n[operations.field]\nname = \"n\"\ncolumn = \"n\"\nkind = \"Integer\"\nmax_length = \"long\"\n",
        );
        assert!(
            e.starts_with("blog/migrations/0002_x.toml:8:14: operation 1 (AddField), in `field`: invalid type: string \"long\""),
            "{e}"
        );
        let e = err("[[operations]]\ntype = \"AlterUniqueTogether\"\nmodel = \"A\"\nunique_together = [\"a\"]\n");
        assert!(
            e.starts_with("blog/migrations/0002_x.toml:1:1: operation 1 (AlterUniqueTogether): invalid type: string \"a\", expected a sequence"),
            "{e}"
        );
    }

    #[test]
    fn unknown_keys() {
        assert_eq!(
            err("[[operations]]\ntype = \"RunSql\"\nsql = \"SELECT 1\"\nreverse = \"SELECT 2\"\n"),
            "blog/migrations/0002_x.toml:4:1: operation 1 (RunSql): unknown key `reverse`"
        );
        let text = "[[operations]]\ntype = \"AddField\"\nmodel = \"A\"\n[operations.field]\nname = \"n\"\ncolumn = \"n\"\n\
                    kind = \"Integer\"\nnullable = false\neditable = true\nnulable = true\n";
        assert_eq!(
            err(text),
            "blog/migrations/0002_x.toml:10:1: operation 1 (AddField): unknown key `nulable` in `field`"
        );
        let text = text.replace("nulable = true\n", "[operations.field.foreign_key]\nto = \"a.B\"\nto_table = \"a_b\"\n\
                                 to_column = \"id\"\non_delete = \"Cascade\"\nrelated_name = \"r\"\ncascade = 1\n");
        assert_eq!(
            err(&text),
            "blog/migrations/0002_x.toml:16:1: operation 1 (AddField): unknown key `cascade` in `field.foreign_key`"
        );
        assert_eq!(
            err("dependencies = []\ndepends = []\n"),
            "blog/migrations/0002_x.toml:2:1: unknown key `depends`: a migration file has `dependencies`, `initial`, `replaces` and [[operations]]"
        );
        // Keys given their default value explicitly are accepted.
        let m = parse(
            "blog",
            "0002_x",
            "[[operations]]\ntype = \"AddField\"\nmodel = \"A\"\npreserve_default = true\n[operations.field]\n\
             name = \"n\"\ncolumn = \"n\"\nkind = \"Integer\"\nchoices = []\nhelp_text = \"\"\nunique = false\n",
        )
        .unwrap();
        assert_eq!(m.operations.len(), 1);
    }

    #[test]
    fn bad_dependencies_and_initial() {
        assert_eq!(
            err("dependencies = [[\"auth\"]]\n"),
            "blog/migrations/0002_x.toml:1:17: `dependencies`: invalid length 1, expected a tuple of size 2"
        );
        assert_eq!(
            err("dependencies = \"auth\"\n"),
            "blog/migrations/0002_x.toml:1:16: `dependencies`: invalid type: string \"auth\", expected a sequence"
        );
        assert_eq!(
            err("initial = \"yes\"\n"),
            "blog/migrations/0002_x.toml:1:11: `initial`: invalid type: string \"yes\", expected a boolean"
        );
    }

    #[test]
    fn error_fields_and_custom_file() {
        let e = parse_file(
            "blog",
            "0002_x",
            "/src/blog/migrations/0002_x.toml",
            "\n\n  x = 1\n",
        )
        .unwrap_err();
        match e {
            Error::Parse {
                file,
                line,
                column,
                message,
            } => {
                assert_eq!(file, "/src/blog/migrations/0002_x.toml");
                assert_eq!((line, column), (3, 3));
                assert!(message.starts_with("unknown key `x`"), "{message}");
            }
            other => panic!("{other}"),
        }
    }
}
