//! The errors of orm-core.

use diesel::result::{DatabaseErrorInformation, DatabaseErrorKind, Error as DieselError};

use crate::db::BackendKind;
use crate::schema::ModelSchema;
use crate::validation::ValidationErrors;

/// A `Result` with orm-core's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong talking to the database through models.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `get` found no row.
    #[error("{model} matching query does not exist")]
    NotFound {
        /// The model label.
        model: String,
    },
    /// `get` found more than one row.
    #[error("get() returned more than one {model}: it returned {count}")]
    MultipleReturned {
        /// The model label.
        model: String,
        /// How many rows matched.
        count: i64,
    },
    /// A unique constraint refused the write.
    #[error("{}", unique_message(model, field.as_deref(), message))]
    UniqueViolation {
        /// The model label (empty when unknown).
        model: String,
        /// The field whose value is taken, when the constraint is on one field.
        field: Option<String>,
        /// The database's message.
        message: String,
    },
    /// A check constraint refused the write.
    #[error("{model}: constraint `{constraint}` is violated: {message}")]
    CheckViolation {
        /// The model label (empty when unknown).
        model: String,
        /// The constraint's name, when the database said it.
        constraint: String,
        /// The database's message.
        message: String,
    },
    /// A constraint's or partial index's condition does not parse, or
    /// names what the model lacks.
    #[error("{model}: invalid condition `{condition}`: {message}")]
    InvalidCondition {
        /// The model label.
        model: String,
        /// The condition's text.
        condition: String,
        /// What is wrong.
        message: String,
    },
    /// A foreign-key constraint refused the write or delete.
    #[error("foreign key constraint failed on {model}: {message}")]
    ForeignKeyViolation {
        /// The model label (empty when unknown).
        model: String,
        /// The database's message.
        message: String,
    },
    /// A delete refused because rows point at the object with
    /// `on_delete = Protect` (or `Restrict`).
    #[error("cannot delete {model}: referenced through protected foreign keys by {}", blockers.join(", "))]
    Protected {
        /// The model label of the object being deleted.
        model: String,
        /// The objects that block the delete, as `app.Model(pk)`.
        blockers: Vec<String>,
    },
    /// Field values failed validation; nothing was written.
    #[error("{0}")]
    Validation(ValidationErrors),
    /// The database could not be reached when opening it.
    #[error("cannot connect to {url}: {message}")]
    Connection {
        /// The URL, password hidden.
        url: String,
        /// The driver's message.
        message: String,
    },
    /// No connection could be had in time: the database is down or overloaded.
    #[error("the database is unavailable: {message}")]
    Unavailable {
        /// What the pool or driver said.
        message: String,
    },
    /// The URL names a backend this build does not include.
    #[error("{0} support is not compiled in: enable the `{feature}` feature of orm-core", feature = .0.feature())]
    BackendNotCompiled(BackendKind),
    /// The URL names no supported backend.
    #[error(transparent)]
    InvalidUrl(#[from] crate::db::InvalidUrl),
    /// A field name that the model does not have.
    #[error("{model} has no field named `{field}`")]
    UnknownField {
        /// The model label.
        model: String,
        /// The name asked for.
        field: String,
    },
    /// A lookup that does not apply to the field.
    #[error("lookup `{lookup}` does not apply to field `{field}`")]
    InvalidLookup {
        /// The field name.
        field: String,
        /// The lookup name.
        lookup: String,
    },
    /// A value that does not fit the field.
    #[error("invalid value for `{field}`: {message}")]
    InvalidValue {
        /// The field name.
        field: String,
        /// Why it does not fit.
        message: String,
    },
    /// Any other database error.
    #[error("database error: {}", database_message(.0))]
    Query(DieselError),
    /// An operation that only means something inside a transaction (a row
    /// lock) was asked for outside one.
    #[error("{operation} needs a transaction: run it inside `atomic`")]
    TransactionRequired {
        /// What was asked for.
        operation: &'static str,
    },
    /// A bug or an unexpected state, with context.
    #[error("internal error: {0}")]
    Internal(String),
}

fn unique_message(model: &str, field: Option<&str>, message: &str) -> String {
    match field {
        _ if model.is_empty() => message.to_owned(),
        Some(field) => format!("{model} with this {field} already exists"),
        None => format!("{model} with these values already exists"),
    }
}

/// The database's whole message for `err`: its first line, then the
/// details PostgreSQL adds (`DETAIL: Key (title)=(Same) is duplicated.`)
/// and its hint, when there are any.
pub fn database_message(err: &DieselError) -> String {
    match err {
        DieselError::DatabaseError(_, info) => information_message(info.as_ref()),
        other => other.to_string(),
    }
}

fn information_message(info: &dyn DatabaseErrorInformation) -> String {
    let mut message = info.message().to_owned();
    for (label, text) in [("DETAIL", info.details()), ("HINT", info.hint())] {
        if let Some(text) = text.filter(|t| !t.trim().is_empty()) {
            message.push_str(&format!("\n{label}: {text}"));
        }
    }
    message
}

impl From<DieselError> for Error {
    fn from(err: DieselError) -> Self {
        let error = match err {
            DieselError::NotFound => Error::NotFound {
                model: String::new(),
            },
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                Error::UniqueViolation {
                    model: String::new(),
                    field: None,
                    message: information_message(info.as_ref()),
                }
            }
            DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info) => {
                Error::ForeignKeyViolation {
                    model: String::new(),
                    message: information_message(info.as_ref()),
                }
            }
            DieselError::DatabaseError(DatabaseErrorKind::CheckViolation, info) => {
                Error::CheckViolation {
                    model: String::new(),
                    constraint: check_name(info.constraint_name(), info.message()),
                    message: information_message(info.as_ref()),
                }
            }
            // MariaDB's own code for a failed CHECK (4025), which diesel
            // does not classify: "CONSTRAINT `name` failed for `db`.`t`".
            DieselError::DatabaseError(_, ref info)
                if info.message().starts_with("CONSTRAINT `")
                    && info.message().contains("` failed for ") =>
            {
                Error::CheckViolation {
                    model: String::new(),
                    constraint: check_name(None, info.message()),
                    message: information_message(info.as_ref()),
                }
            }
            DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                Error::Unavailable {
                    message: info.message().to_owned(),
                }
            }
            DieselError::DatabaseError(_, ref info) if is_connection_lost(info.message()) => {
                Error::Unavailable {
                    message: info.message().to_owned(),
                }
            }
            other => Error::Query(other),
        };
        if error.is_unavailable() {
            // The connection the query ran on is not to be used again.
            crate::db::note_connection_lost();
        }
        error
    }
}

/// The name of the check constraint a database error names: PostgreSQL
/// says it apart; SQLite writes `CHECK constraint failed: name`, MariaDB
/// ``CONSTRAINT `name` failed for ...``.
fn check_name(named: Option<&str>, message: &str) -> String {
    if let Some(name) = named {
        return name.to_owned();
    }
    if let Some(rest) = message.strip_prefix("CONSTRAINT `") {
        return rest.split('`').next().unwrap_or_default().to_owned();
    }
    message
        .rsplit_once("constraint failed: ")
        .map(|(_, name)| name.trim().to_owned())
        .unwrap_or_default()
}

fn is_connection_lost(message: &str) -> bool {
    let message = message.to_ascii_lowercase();
    [
        "server has gone away",
        "lost connection",
        "server closed the connection",
        "terminating connection",
        "connection refused",
        "no connection to the server",
        "unable to open database file",
        "disk i/o error",
        // SQLite: the file at the database's path is not (or no longer) a
        // database, e.g. while it is being replaced or restored.
        "file is not a database",
    ]
    .iter()
    .any(|needle| message.contains(needle))
}

impl From<ValidationErrors> for Error {
    fn from(err: ValidationErrors) -> Self {
        Error::Validation(err)
    }
}

impl Error {
    /// Adds the model's label to an error raised by a query on it, and names
    /// the field of a unique violation from the constraint that refused it.
    pub fn for_model(self, schema: &ModelSchema) -> Error {
        match self {
            Error::NotFound { model } if model.is_empty() => Error::NotFound {
                model: schema.name.to_string(),
            },
            Error::UniqueViolation {
                model,
                field: None,
                message,
            } if model.is_empty() => Error::UniqueViolation {
                model: schema.name.to_string(),
                field: unique_field(schema, &message),
                message,
            },
            Error::CheckViolation {
                model,
                constraint,
                message,
            } if model.is_empty() => Error::CheckViolation {
                model: schema.name.to_string(),
                constraint,
                message,
            },
            Error::ForeignKeyViolation { model, message } if model.is_empty() => {
                Error::ForeignKeyViolation {
                    model: schema.name.to_string(),
                    message,
                }
            }
            other => other,
        }
    }

    /// Whether the database could not be reached (a 503, not a 500).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Error::Unavailable { .. } | Error::Connection { .. })
    }
}

/// Names the field behind a unique-violation message, from the constraint
/// names the DDL gives (`{table}_{column}_key`) or SQLite's
/// `UNIQUE constraint failed: table.column`.
fn unique_field(schema: &ModelSchema, message: &str) -> Option<String> {
    let unique_fields = schema.fields.iter().filter(|f| f.unique || f.primary_key);
    for field in unique_fields {
        let constraint = crate::backend::ddl::unique_constraint_name(&schema.table, &field.column);
        let sqlite_form = format!("{}.{}", schema.table, field.column);
        let sqlite_only =
            message.contains("UNIQUE constraint failed") && message.ends_with(&sqlite_form);
        if message.contains(&constraint) || sqlite_only {
            return Some(field.name.to_string());
        }
    }
    None
}
