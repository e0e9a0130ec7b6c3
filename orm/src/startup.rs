//! What runs before the site serves: the first superuser on an empty
//! database, and `check`, which looks for problems without serving.

use std::io::Write as _;

use orm_contrib::auth::{make_password, User};
use orm_core::schema::DefaultValue;
use orm_core::{Db, Model};
use orm_migrations::{MigrationCommand, Outcome, Project};

use crate::settings::{random_text, Settings};

/// The superuser created on a database without users.
#[derive(Debug)]
pub struct FirstUser {
    /// Its username, `admin`.
    pub username: String,
    /// Its random password, shown once.
    pub password: String,
}

/// Creates `admin` with a random password when no user exists at all.
pub async fn ensure_superuser(db: &Db) -> Result<Option<FirstUser>, String> {
    let password = random_text(20);
    let hash = make_password(&password).map_err(|e| e.to_string())?;
    let created = db
        .run(move |conn| {
            orm_core::atomic(conn, |conn| {
                if User::objects().exists(conn)? {
                    return Ok(false);
                }
                let mut user = User::new("admin", "admin@example.com");
                user.password = hash.clone();
                user.is_staff = true;
                user.is_superuser = true;
                user.save(conn)?;
                Ok(true)
            })
        })
        .await
        .map_err(|e| e.to_string())?;
    Ok(created.then(|| FirstUser {
        username: "admin".into(),
        password,
    }))
}

/// `check`: the settings (already read), the models against their
/// migrations, the database and its unapplied migrations. Prints what it
/// finds; an error when models changed without a migration or the
/// database cannot be reached.
pub(crate) fn check(project: &Project, settings: &Settings) -> Result<Outcome, String> {
    let problems = model_problems();
    if !problems.is_empty() {
        return Err(problems.join("\nerror: "));
    }
    let mut out = std::io::stdout();
    let mut quiet = Vec::new();
    let changes = project
        .execute(
            &MigrationCommand::Makemigrations {
                app: None,
                name: None,
                dry_run: true,
                check: true,
                empty: false,
                merge: false,
                noinput: true,
            },
            None,
            &mut std::io::empty(),
            &mut quiet,
        )
        .map_err(|e| e.to_string())?;
    if changes == Outcome::ChangesDetected {
        return Err(
            "the models have changes that are not in a migration: run `makemigrations`".into(),
        );
    }
    let db = Db::open(&settings.database_url).map_err(|e| format!("the database: {e}"))?;
    let graph = project.graph().map_err(|e| e.to_string())?;
    let applied = db
        .conn()
        .map_err(|e| format!("the database: {e}"))
        .and_then(|mut conn| {
            orm_migrations::recorder::applied_if_recorded(&mut conn)
                .map_err(|e| format!("the database: {e}"))
        })?;
    let pending: Vec<String> = graph
        .pending(&applied)
        .into_iter()
        .map(|m| format!("{}.{}", m.app_label, m.name))
        .collect();
    if !pending.is_empty() {
        let _ = writeln!(
            out,
            "Warning: {} unapplied migration(s): {}. Run `migrate`.",
            pending.len(),
            pending.join(", ")
        );
    }
    let warnings = db
        .conn()
        .and_then(|mut conn| index_warnings(&mut conn))
        .map_err(|e| format!("the database: {e}"))?;
    for warning in warnings {
        let _ = writeln!(out, "Warning: {warning}");
    }
    if settings.debug {
        let _ = writeln!(out, "Warning: DEBUG is on; turn it off on a public site.");
    }
    let _ = writeln!(out, "System check identified no errors.");
    Ok(Outcome::Done)
}

/// Mistakes in the models that the compiler cannot see (part of `check`):
/// a default that is not one of its field's choices (a `Choices` enum's
/// values are known only once the program runs), and an admin option's
/// path across several relations that leads nowhere.
pub fn model_problems() -> Vec<String> {
    let mut problems = Vec::new();
    for ops in orm_core::model::registered_models() {
        let schema = (ops.schema)();
        for field in schema.fields.iter().filter(|f| !f.choices.is_empty()) {
            let Some(DefaultValue::Str(value)) = &field.default else {
                continue;
            };
            if field.choices.iter().any(|choice| choice.value == *value) {
                continue;
            }
            let values: Vec<String> = field
                .choices
                .iter()
                .map(|choice| format!("\"{}\"", choice.value))
                .collect();
            problems.push(format!(
                "{}.{}: the default \"{value}\" is not one of its choices; write one of the stored values: {}",
                schema.label(),
                field.name,
                values.join(", ")
            ));
        }
    }
    let models: Vec<_> = orm_core::model::registered_models()
        .iter()
        .map(|ops| (ops.schema)())
        .collect();
    for schema in &models {
        problems.extend(orm_core::checks::problems(schema, &models));
    }
    problems.extend(admin_path_problems());
    problems
}

/// Paths across relations in the admin's options (`author__username`)
/// that lead nowhere past their first step, which the compiler checks.
fn admin_path_problems() -> Vec<String> {
    let mut problems = Vec::new();
    for admin in orm_core::model_admin::registered_admins() {
        let schema = admin.schema();
        let options = (admin.options)();
        let named = [
            ("list_display", options.list_display),
            ("search_fields", options.search_fields),
            ("ordering", options.ordering),
            ("list_filter", options.list_filter),
        ];
        for (attr, names) in named {
            for name in names.iter().filter(|name| name.contains("__")) {
                let path = name.trim_start_matches(['-', '@']);
                match orm_core::query::field_path(schema, path) {
                    Err(e) => problems.push(format!(
                        "{}: `{attr}` names `{name}`, which does not lead to a field: {e}",
                        schema.label()
                    )),
                    Ok(found) if attr == "list_filter" && !filterable(found.target()) => {
                        problems.push(format!(
                            "{}: `list_filter` names `{name}`, which the sidebar cannot offer: filter on a boolean, a field with choices, a foreign key or a date",
                            schema.label()
                        ))
                    }
                    Ok(_) => {}
                }
            }
        }
    }
    problems
}

/// Whether the admin's sidebar can offer choices for `field`.
fn filterable(field: &orm_core::schema::FieldSchema) -> bool {
    use orm_core::schema::FieldKind;
    !field.choices.is_empty()
        || matches!(
            field.kind,
            FieldKind::Bool | FieldKind::ForeignKey | FieldKind::Date | FieldKind::DateTime
        )
}

/// Tables from this many rows get a warning from `check` for each admin
/// filter no index serves.
const LARGE_TABLE: i64 = 10_000;

/// The admin's filters that no index serves, on tables of 10,000
/// rows or more (part of `check`): a `list_filter` field or the
/// `date_hierarchy` with no index starting with it makes the changelist
/// read every row of the table to count and list the filtered rows.
pub fn index_warnings(conn: &mut orm_core::AnyConnection) -> orm_core::Result<Vec<String>> {
    let mut warnings = Vec::new();
    for admin in orm_core::model_admin::registered_admins() {
        let schema = admin.schema();
        let options = (admin.options)();
        let unindexed: Vec<(&str, &str)> = options
            .list_filter
            .iter()
            .map(|name| ("list_filter", *name))
            .chain(options.date_hierarchy.map(|name| ("date_hierarchy", name)))
            .filter(|(_, name)| schema.field(name).is_some() && !schema.leads_an_index(name))
            .collect();
        if unindexed.is_empty() || !orm_core::db::table_exists(conn, &schema.table)? {
            continue;
        }
        let rows = match orm_core::db::estimated_rows(conn, &schema.table)? {
            Some(rows) => rows,
            None => (admin.model.count)(conn, &orm_core::query::QuerySpec::default())?,
        };
        if rows < LARGE_TABLE {
            continue;
        }
        for (option, name) in unindexed {
            warnings.push(format!(
                "{}: the {option} field `{name}` starts no index, so filtering its {rows} rows by it reads every one; add `#[field(index)]` to it or `indexes([\"{name}\", ...])` to `#[model(...)]`",
                schema.label()
            ));
        }
    }
    Ok(warnings)
}
