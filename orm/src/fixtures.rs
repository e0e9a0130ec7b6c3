//! `dumpdata` and `loaddata`: fixtures between files and the database
//! (the work itself is [`orm_core::fixtures`]).

use std::io::{Read, Write};
use std::path::Path;

use diesel::Connection;
use orm_core::fixtures::{dump, load_objects, to_json, FixtureError, FixtureObject};
use orm_core::Db;

/// Writes the rows of `labels` (every model when empty) as JSON to
/// `output`, or to the standard output.
pub(crate) fn dumpdata(
    db: &Db,
    labels: &[String],
    indent: Option<usize>,
    output: Option<&Path>,
) -> Result<(), String> {
    let mut conn = db.conn().map_err(|e| e.to_string())?;
    // One transaction: the models are read as of one moment where the
    // database isolates transactions so.
    let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
    let objects = conn
        .transaction::<_, FixtureError, _>(|conn| dump(conn, &labels))
        .map_err(|e| e.to_string())?;
    let mut text = to_json(&objects, indent);
    text.push('\n');
    match output {
        Some(path) => {
            std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
        }
        None => std::io::stdout()
            .write_all(text.as_bytes())
            .map_err(|e| e.to_string()),
    }
}

/// Reads every fixture (`-` is the standard input) and saves their objects
/// in one transaction; tells `out` how many.
pub(crate) fn loaddata(
    db: &Db,
    fixtures: &[impl AsRef<Path>],
    out: &mut impl Write,
) -> Result<(), String> {
    let mut objects: Vec<FixtureObject> = Vec::new();
    for fixture in fixtures {
        let path = fixture.as_ref();
        let text = if path == Path::new("-") {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| format!("cannot read the standard input: {e}"))?;
            text
        } else {
            std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?
        };
        let read: Vec<FixtureObject> = serde_json::from_str(&text)
            .map_err(|e| format!("{} is not a fixture: {e}", path.display()))?;
        objects.extend(read);
    }
    let mut conn = db.conn().map_err(|e| e.to_string())?;
    let loaded = load_objects(&mut conn, &objects).map_err(|e| e.to_string())?;
    writeln!(
        out,
        "Installed {} object(s) of {} model(s) from {} fixture(s)",
        loaded.objects,
        loaded.models,
        fixtures.len()
    )
    .map_err(|e| e.to_string())
}
