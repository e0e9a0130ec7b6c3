//! Squashed migrations in the graph: each stands for the migrations it
//! replaces, or gives way to them, depending on how far a database got.
//!
//! - None of them applied (a new database): the squashed migration runs in
//!   their place.
//! - All of them applied: the squashed migration counts as applied.
//! - Some of them applied: the rest of them run, one by one, and the
//!   squashed migration is left out.
//!
//! Migrations that depended on a replaced one depend on the squashed one
//! instead (or, when it is left out, the squashed one's dependants depend
//! on the last migration it replaces). The replaced files may be deleted
//! once every database has moved past them.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::Error;
use crate::migration::Migration;

/// An app label and a migration name.
type Key = (String, String);

/// `migrations` as a database that has `applied` runs them, and the
/// migrations that count as applied there (each squashed migration whose
/// replaced migrations are all applied, without the replaced ones).
///
/// ```
/// use std::collections::BTreeSet;
/// use orm_migrations::{replacements, Migration};
///
/// let key = |name: &str| ("blog".to_owned(), name.to_owned());
/// let one = Migration::new("blog", "0001_initial");
/// let mut two = Migration::new("blog", "0002_tags");
/// two.dependencies.push(key("0001_initial"));
/// let mut squashed = Migration::new("blog", "0001_squashed_0002_tags");
/// squashed.replaces = vec![key("0001_initial"), key("0002_tags")];
/// let all = vec![one, two, squashed];
///
/// // A new database runs the squashed migration alone.
/// let (graph, _) = replacements::resolve(all.clone(), &BTreeSet::new())?;
/// assert_eq!(graph.len(), 1);
/// // One halfway there runs the replaced ones it lacks.
/// let (graph, applied) = replacements::resolve(all, &BTreeSet::from([key("0001_initial")]))?;
/// assert_eq!(graph.len(), 2);
/// assert!(applied.contains(&key("0001_initial")));
/// # Ok::<(), orm_migrations::Error>(())
/// ```
pub fn resolve(
    migrations: Vec<Migration>,
    applied: &BTreeSet<Key>,
) -> Result<(Vec<Migration>, BTreeSet<Key>), Error> {
    let mut applied = applied.clone();
    let squashed: Vec<Migration> = migrations
        .iter()
        .filter(|m| !m.replaces.is_empty())
        .cloned()
        .collect();
    let mut nodes: BTreeMap<Key, Migration> =
        migrations.into_iter().map(|m| (m.key(), m)).collect();
    // A dependency on a left-out migration points at what stands for it.
    let mut moved: BTreeMap<Key, Key> = BTreeMap::new();
    for squash in &squashed {
        let done = squash
            .replaces
            .iter()
            .filter(|key| applied.contains(*key))
            .count();
        let all_done = done == squash.replaces.len() || applied.contains(&squash.key());
        if all_done || done == 0 {
            if all_done {
                applied.insert(squash.key());
            }
            for key in &squash.replaces {
                nodes.remove(key);
                applied.remove(key);
                moved.insert(key.clone(), squash.key());
            }
            continue;
        }
        if let Some(missing) = squash.replaces.iter().find(|key| !nodes.contains_key(*key)) {
            return Err(Error::InvalidOperation(format!(
                "{squash} is partly applied here ({done} of the {} migrations it replaces), \
                 and the rest need their files, but {}.{} is missing: restore it, then migrate",
                squash.replaces.len(),
                missing.0,
                missing.1
            )));
        }
        nodes.remove(&squash.key());
        if let Some(last) = squash.replaces.last() {
            moved.insert(squash.key(), last.clone());
        }
    }
    let mut out = Vec::with_capacity(nodes.len());
    for (key, mut migration) in nodes {
        let mut dependencies = Vec::new();
        for dependency in &migration.dependencies {
            let mut dependency = dependency.clone();
            // A squashed migration may replace another squashed one.
            let mut hops = 0;
            while let Some(next) = moved.get(&dependency) {
                dependency = next.clone();
                hops += 1;
                if hops > moved.len() {
                    break;
                }
            }
            if dependency != key && !dependencies.contains(&dependency) {
                dependencies.push(dependency);
            }
        }
        migration.dependencies = dependencies;
        out.push(migration);
    }
    out.sort_by(|a, b| crate::loader::sort_key(a).cmp(&crate::loader::sort_key(b)));
    Ok((out, applied))
}

/// The squashed migrations whose replaced migrations `applied` holds, all
/// of them, without the squashed migration itself: `migrate` records them,
/// so that the records say what the graph assumes.
pub fn to_record(migrations: &[Migration], applied: &BTreeSet<Key>) -> Vec<Key> {
    migrations
        .iter()
        .filter(|m| !m.replaces.is_empty() && !applied.contains(&m.key()))
        .filter(|m| m.replaces.iter().all(|key| applied.contains(key)))
        .map(Migration::key)
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn key(name: &str) -> Key {
        ("blog".to_owned(), name.to_owned())
    }

    fn m(name: &str, deps: &[&str]) -> Migration {
        let mut m = Migration::new("blog", name);
        m.dependencies = deps.iter().map(|d| key(d)).collect();
        m
    }

    /// 0001 ← 0002 ← 0003, the first two squashed, and 0004 after 0003.
    fn history() -> Vec<Migration> {
        let mut squash = m("0001_squashed_0002_b", &[]);
        squash.replaces = vec![key("0001_a"), key("0002_b")];
        vec![
            m("0001_a", &[]),
            m("0002_b", &["0001_a"]),
            m("0003_c", &["0002_b"]),
            squash,
        ]
    }

    fn names(migrations: &[Migration]) -> Vec<String> {
        migrations.iter().map(|m| m.name.clone()).collect()
    }

    #[test]
    fn a_new_database_takes_the_squash() {
        let (graph, applied) = resolve(history(), &BTreeSet::new()).unwrap();
        assert_eq!(names(&graph), ["0001_squashed_0002_b", "0003_c"]);
        assert_eq!(graph[1].dependencies, [key("0001_squashed_0002_b")]);
        assert!(applied.is_empty());
    }

    #[test]
    fn a_database_past_it_counts_it_applied() {
        let done = BTreeSet::from([key("0001_a"), key("0002_b")]);
        let (graph, applied) = resolve(history(), &done).unwrap();
        assert_eq!(names(&graph), ["0001_squashed_0002_b", "0003_c"]);
        assert_eq!(applied, BTreeSet::from([key("0001_squashed_0002_b")]));
        assert_eq!(to_record(&history(), &done), [key("0001_squashed_0002_b")]);
    }

    #[test]
    fn a_database_halfway_runs_the_rest() {
        let done = BTreeSet::from([key("0001_a")]);
        let (graph, applied) = resolve(history(), &done).unwrap();
        assert_eq!(names(&graph), ["0001_a", "0002_b", "0003_c"]);
        assert_eq!(applied, done);
        assert!(to_record(&history(), &done).is_empty());
    }

    #[test]
    fn replaced_files_may_go_once_applied_everywhere() {
        let mut history = history();
        history.retain(|m| m.replaces.is_empty() && m.name == "0003_c" || !m.replaces.is_empty());
        let (graph, _) = resolve(history.clone(), &BTreeSet::new()).unwrap();
        assert_eq!(names(&graph), ["0001_squashed_0002_b", "0003_c"]);
        let halfway = BTreeSet::from([key("0001_a")]);
        let err = resolve(history, &halfway).unwrap_err().to_string();
        assert!(
            err.contains("partly applied") && err.contains("0002_b"),
            "{err}"
        );
    }
}
