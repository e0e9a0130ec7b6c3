//! The dependency graph of all migrations and the plans to move along it
//! (Django's `MigrationGraph` and the planning half of `MigrationExecutor`).

use std::collections::{BTreeMap, BTreeSet};

use crate::error::Error;
use crate::loader::sort_key;
use crate::migration::Migration;

/// An app label and a migration name.
type Key = (String, String);

/// Where `migrate` should take an app.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// `migrate blog 0002_article_summary`: the app at this migration, given
    /// as `(app_label, name)`.
    Migration(String, String),
    /// `migrate blog`: every latest migration (leaf node) of the app.
    Latest(String),
    /// `migrate blog zero`: none of the app's migrations.
    Zero(String),
}

impl Target {
    /// The app the target is about.
    pub fn app_label(&self) -> &str {
        match self {
            Target::Migration(app, _) | Target::Latest(app) | Target::Zero(app) => app,
        }
    }
}

/// Every loaded migration, linked to the migrations it depends on.
///
/// Building the graph checks that dependencies exist and do not form a
/// circle, so the plans below cannot fail on them.
///
/// ```
/// use std::collections::BTreeSet;
/// use orm_migrations::graph::{MigrationGraph, Target};
/// use orm_migrations::Migration;
///
/// let mut initial = Migration::new("blog", "0001_initial");
/// initial.initial = true;
/// let mut summary = Migration::new("blog", "0002_article_summary");
/// summary.dependencies.push(("blog".into(), "0001_initial".into()));
/// let graph = MigrationGraph::new(vec![summary, initial])?;
///
/// let applied = BTreeSet::from([("blog".to_owned(), "0001_initial".to_owned())]);
/// let plan = graph.forwards_plan(&Target::Latest("blog".into()), &applied)?;
/// let names: Vec<_> = plan.iter().map(|m| m.name.as_str()).collect();
/// assert_eq!(names, ["0002_article_summary"]);
///
/// let back = graph.backwards_plan(&Target::Zero("blog".into()), &applied)?;
/// assert_eq!(back[0].name, "0001_initial");
/// # Ok::<(), orm_migrations::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct MigrationGraph {
    nodes: BTreeMap<Key, Migration>,
    parents: BTreeMap<Key, BTreeSet<Key>>,
    children: BTreeMap<Key, BTreeSet<Key>>,
    /// Every key, dependencies first.
    order: Vec<Key>,
    /// The position of each key in `order`.
    position: BTreeMap<Key, usize>,
}

impl MigrationGraph {
    /// Builds the graph, failing on a migration given twice, a dependency
    /// that is not among `migrations`, or a circular dependency.
    pub fn new(migrations: impl IntoIterator<Item = Migration>) -> Result<Self, Error> {
        let mut nodes = BTreeMap::new();
        for migration in migrations {
            let key = migration.key();
            if nodes.contains_key(&key) {
                return Err(Error::Duplicate {
                    app: key.0,
                    name: key.1,
                    first: "the migrations given to the graph".to_owned(),
                    second: "the same list".to_owned(),
                });
            }
            nodes.insert(key, migration);
        }
        let mut parents: BTreeMap<Key, BTreeSet<Key>> = BTreeMap::new();
        let mut children: BTreeMap<Key, BTreeSet<Key>> = BTreeMap::new();
        for (key, migration) in &nodes {
            children.entry(key.clone()).or_default();
            let own = parents.entry(key.clone()).or_default();
            for dep in &migration.dependencies {
                if !nodes.contains_key(dep) {
                    return Err(Error::MissingDependency {
                        app: key.0.clone(),
                        name: key.1.clone(),
                        dep_app: dep.0.clone(),
                        dep_name: dep.1.clone(),
                    });
                }
                own.insert(dep.clone());
            }
        }
        for (key, deps) in &parents {
            for dep in deps {
                children.entry(dep.clone()).or_default().insert(key.clone());
            }
        }
        let order = topological_order(&nodes, &parents, &children)?;
        let position = order
            .iter()
            .enumerate()
            .map(|(i, key)| (key.clone(), i))
            .collect();
        Ok(MigrationGraph {
            nodes,
            parents,
            children,
            order,
            position,
        })
    }

    /// The migration `app_label.name`.
    pub fn get(&self, app_label: &str, name: &str) -> Option<&Migration> {
        self.nodes.get(&(app_label.to_owned(), name.to_owned()))
    }

    /// The migration of `app_label` named `name`, or whose name starts with
    /// `name` (`0002` finds `0002_article_summary`), like Django's
    /// `get_migration_by_prefix`.
    ///
    /// ```
    /// use orm_migrations::{graph::MigrationGraph, Migration};
    /// let graph = MigrationGraph::new(vec![Migration::new("blog", "0001_initial")])?;
    /// assert_eq!(graph.resolve("blog", "0001")?.name, "0001_initial");
    /// assert!(graph.resolve("blog", "0002").is_err());
    /// # Ok::<(), orm_migrations::Error>(())
    /// ```
    pub fn resolve(&self, app_label: &str, name: &str) -> Result<&Migration, Error> {
        if let Some(migration) = self.get(app_label, name) {
            return Ok(migration);
        }
        let app = self.app_migrations(app_label)?;
        let matches: Vec<&Migration> = app
            .into_iter()
            .filter(|m| m.name.starts_with(name))
            .collect();
        match matches.as_slice() {
            [one] => Ok(one),
            [] => Err(Error::UnknownMigration {
                app: app_label.to_owned(),
                name: name.to_owned(),
            }),
            many => Err(Error::AmbiguousMigration {
                app: app_label.to_owned(),
                prefix: name.to_owned(),
                candidates: many.iter().map(|m| m.name.clone()).collect(),
            }),
        }
    }

    /// The apps with migrations, sorted.
    pub fn app_labels(&self) -> Vec<&str> {
        let labels: BTreeSet<&str> = self.nodes.keys().map(|(app, _)| app.as_str()).collect();
        labels.into_iter().collect()
    }

    /// The app's migrations that no other migration of the app depends on:
    /// its latest migration, or several when two branches need a merge.
    pub fn leaf_nodes(&self, app_label: &str) -> Vec<&Migration> {
        self.app_nodes(app_label)
            .filter(|key| {
                self.children
                    .get(*key)
                    .is_none_or(|c| c.iter().all(|child| child.0 != app_label))
            })
            .filter_map(|key| self.nodes.get(key))
            .collect()
    }

    /// The app's migrations that depend on no other migration of the app
    /// (usually `0001_initial`).
    pub fn root_nodes(&self, app_label: &str) -> Vec<&Migration> {
        self.app_nodes(app_label)
            .filter(|key| {
                self.parents
                    .get(*key)
                    .is_none_or(|p| p.iter().all(|parent| parent.0 != app_label))
            })
            .filter_map(|key| self.nodes.get(key))
            .collect()
    }

    /// Every migration, each after the migrations it depends on; ties are
    /// broken by app label, then number, then name, so the order is the same
    /// on every run.
    pub fn ordered(&self) -> Vec<&Migration> {
        self.order
            .iter()
            .filter_map(|key| self.nodes.get(key))
            .collect()
    }

    /// Every migration in the order of [`ordered`](Self::ordered), owned.
    pub fn into_ordered(mut self) -> Vec<Migration> {
        self.order
            .iter()
            .filter_map(|key| self.nodes.remove(key))
            .collect()
    }

    /// Every migration not in `applied`, in the order of
    /// [`ordered`](Self::ordered): what a plain `migrate` applies.
    pub fn pending(&self, applied: &BTreeSet<(String, String)>) -> Vec<&Migration> {
        self.order
            .iter()
            .filter(|key| !applied.contains(*key))
            .filter_map(|key| self.nodes.get(key))
            .collect()
    }

    /// The migrations to apply to reach `target`, dependencies first: the
    /// target and all its ancestors (of any app) not in `applied`.
    ///
    /// [`Target::Latest`] targets every leaf of the app; [`Target::Zero`]
    /// applies nothing.
    pub fn forwards_plan(
        &self,
        target: &Target,
        applied: &BTreeSet<(String, String)>,
    ) -> Result<Vec<&Migration>, Error> {
        let starts: Vec<Key> = match target {
            Target::Migration(app, name) => vec![self.existing(app, name)?],
            Target::Latest(app) => {
                self.app_migrations(app)?;
                self.leaf_nodes(app)
                    .into_iter()
                    .map(Migration::key)
                    .collect()
            }
            Target::Zero(app) => {
                self.app_migrations(app)?;
                Vec::new()
            }
        };
        let wanted = closure(starts, &self.parents);
        Ok(self.in_order(wanted, applied, false))
    }

    /// The migrations to unapply to go back to `target`, dependents first.
    ///
    /// For [`Target::Migration`] `(app, N)`: every applied migration of the
    /// app that comes after N (depends on it, directly or not), and every
    /// applied migration of any app that depends on those. N itself stays
    /// applied. For [`Target::Zero`]: every applied migration of the app and
    /// every applied migration depending on them. [`Target::Latest`]
    /// unapplies nothing.
    pub fn backwards_plan(
        &self,
        target: &Target,
        applied: &BTreeSet<(String, String)>,
    ) -> Result<Vec<&Migration>, Error> {
        let starts: Vec<Key> = match target {
            Target::Migration(app, name) => {
                let key = self.existing(app, name)?;
                self.children
                    .get(&key)
                    .into_iter()
                    .flatten()
                    .filter(|child| child.0 == *app)
                    .cloned()
                    .collect()
            }
            Target::Zero(app) => self
                .app_migrations(app)?
                .into_iter()
                .map(Migration::key)
                .collect(),
            Target::Latest(app) => {
                self.app_migrations(app)?;
                Vec::new()
            }
        };
        let wanted = closure(starts, &self.children);
        Ok(self.in_order(wanted, applied, true))
    }

    /// The keys of an app's migrations.
    fn app_nodes<'a>(&'a self, app_label: &'a str) -> impl Iterator<Item = &'a Key> + 'a {
        self.nodes.keys().filter(move |(app, _)| app == app_label)
    }

    /// The app's migrations, failing when it has none.
    fn app_migrations(&self, app_label: &str) -> Result<Vec<&Migration>, Error> {
        let migrations: Vec<&Migration> = self
            .app_nodes(app_label)
            .filter_map(|k| self.nodes.get(k))
            .collect();
        if migrations.is_empty() {
            Err(Error::UnknownApp(app_label.to_owned()))
        } else {
            Ok(migrations)
        }
    }

    /// The key of an existing migration.
    fn existing(&self, app_label: &str, name: &str) -> Result<Key, Error> {
        let key = (app_label.to_owned(), name.to_owned());
        if self.nodes.contains_key(&key) {
            return Ok(key);
        }
        self.app_migrations(app_label)?;
        Err(Error::UnknownMigration {
            app: key.0,
            name: key.1,
        })
    }

    /// `keys` minus (or, backwards, only) `applied`, in graph order (reversed
    /// backwards).
    fn in_order(
        &self,
        keys: BTreeSet<Key>,
        applied: &BTreeSet<Key>,
        backwards: bool,
    ) -> Vec<&Migration> {
        let mut keys: Vec<Key> = keys
            .into_iter()
            .filter(|key| applied.contains(key) == backwards)
            .collect();
        keys.sort_by_key(|key| self.position.get(key).copied().unwrap_or(usize::MAX));
        if backwards {
            keys.reverse();
        }
        keys.iter().filter_map(|key| self.nodes.get(key)).collect()
    }
}

/// `starts` and everything reachable from them through `edges`.
fn closure(starts: Vec<Key>, edges: &BTreeMap<Key, BTreeSet<Key>>) -> BTreeSet<Key> {
    let mut seen = BTreeSet::new();
    let mut stack = starts;
    while let Some(key) = stack.pop() {
        if let Some(next) = edges.get(&key) {
            stack.extend(next.iter().filter(|k| !seen.contains(*k)).cloned());
        }
        seen.insert(key);
    }
    seen
}

/// Kahn's algorithm, taking the smallest (app, number, name) among the
/// migrations whose dependencies are all placed.
fn topological_order(
    nodes: &BTreeMap<Key, Migration>,
    parents: &BTreeMap<Key, BTreeSet<Key>>,
    children: &BTreeMap<Key, BTreeSet<Key>>,
) -> Result<Vec<Key>, Error> {
    let rank = |key: &Key| -> (String, u32, String) {
        nodes.get(key).map_or_else(
            || (key.0.clone(), u32::MAX, key.1.clone()),
            |m| {
                let (app, number, name) = sort_key(m);
                (app.to_owned(), number, name.to_owned())
            },
        )
    };
    let mut waiting: BTreeMap<&Key, usize> = parents
        .iter()
        .map(|(key, deps)| (key, deps.len()))
        .collect();
    let mut ready: BTreeSet<((String, u32, String), &Key)> = waiting
        .iter()
        .filter(|(_, n)| **n == 0)
        .map(|(key, _)| (rank(key), *key))
        .collect();
    let mut order = Vec::with_capacity(nodes.len());
    while let Some((_, key)) = ready.pop_first() {
        waiting.remove(key);
        order.push(key.clone());
        for child in children.get(key).into_iter().flatten() {
            if let Some(n) = waiting.get_mut(child) {
                *n -= 1;
                if *n == 0 {
                    ready.insert((rank(child), child));
                }
            }
        }
    }
    if waiting.is_empty() {
        return Ok(order);
    }
    // Every migration left waits on another one left: walk up from the
    // smallest until a migration repeats.
    let left: BTreeSet<&Key> = waiting.keys().copied().collect();
    let mut path: Vec<&Key> = Vec::new();
    let mut current = left.first().copied();
    while let Some(key) = current {
        if let Some(start) = path.iter().position(|k| *k == key) {
            let mut cycle: Vec<String> = path[start..]
                .iter()
                .map(|(a, n)| format!("{a}.{n}"))
                .collect();
            cycle.push(format!("{}.{}", key.0, key.1));
            return Err(Error::Cycle(format!(
                "{} (each depends on the next)",
                cycle.join(" -> ")
            )));
        }
        path.push(key);
        current = parents
            .get(key)
            .and_then(|deps| deps.iter().find(|d| left.contains(d)));
    }
    Err(Error::Cycle(
        left.iter()
            .map(|(a, n)| format!("{a}.{n}"))
            .collect::<Vec<_>>()
            .join(", "),
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn m(app: &str, name: &str, deps: &[(&str, &str)]) -> Migration {
        let mut m = Migration::new(app, name);
        m.dependencies = deps
            .iter()
            .map(|(a, n)| ((*a).to_owned(), (*n).to_owned()))
            .collect();
        m
    }

    fn names(plan: &[&Migration]) -> Vec<String> {
        plan.iter().map(ToString::to_string).collect()
    }

    fn applied(keys: &[&str]) -> BTreeSet<Key> {
        keys.iter()
            .filter_map(|k| k.split_once('.'))
            .map(|(a, n)| (a.to_owned(), n.to_owned()))
            .collect()
    }

    /// auth: 0001 <- 0002
    /// blog: 0001 (needs auth.0001) <- 0002 <- 0003 (needs auth.0002)
    /// shop: 0001 (needs blog.0002) <- 0002
    fn project() -> MigrationGraph {
        MigrationGraph::new(vec![
            m("shop", "0002_price", &[("shop", "0001_initial")]),
            m(
                "blog",
                "0003_tags",
                &[("blog", "0002_summary"), ("auth", "0002_groups")],
            ),
            m("shop", "0001_initial", &[("blog", "0002_summary")]),
            m("auth", "0001_initial", &[]),
            m("blog", "0002_summary", &[("blog", "0001_initial")]),
            m("auth", "0002_groups", &[("auth", "0001_initial")]),
            m("blog", "0001_initial", &[("auth", "0001_initial")]),
        ])
        .unwrap()
    }

    #[test]
    fn full_order_respects_dependencies_then_app_and_number() {
        let graph = project();
        assert_eq!(
            names(&graph.ordered()),
            [
                "auth.0001_initial",
                "auth.0002_groups",
                "blog.0001_initial",
                "blog.0002_summary",
                "blog.0003_tags",
                "shop.0001_initial",
                "shop.0002_price",
            ]
        );
        let owned: Vec<String> = graph
            .clone()
            .into_ordered()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(owned, names(&graph.ordered()));
        assert_eq!(graph.app_labels(), ["auth", "blog", "shop"]);
    }

    #[test]
    fn order_puts_cross_app_dependencies_first() {
        // a.0001 depends on z.0002: z's first two come before a.
        let graph = MigrationGraph::new(vec![
            m("a", "0001_initial", &[("z", "0002_x")]),
            m("z", "0001_initial", &[]),
            m("z", "0002_x", &[("z", "0001_initial")]),
            m("z", "0003_y", &[("z", "0002_x")]),
        ])
        .unwrap();
        assert_eq!(
            names(&graph.ordered()),
            ["z.0001_initial", "z.0002_x", "a.0001_initial", "z.0003_y"]
        );
    }

    #[test]
    fn forwards_plans() {
        let graph = project();
        let none = applied(&[]);
        let plan = graph
            .forwards_plan(
                &Target::Migration("shop".into(), "0001_initial".into()),
                &none,
            )
            .unwrap();
        assert_eq!(
            names(&plan),
            [
                "auth.0001_initial",
                "blog.0001_initial",
                "blog.0002_summary",
                "shop.0001_initial"
            ]
        );
        let some = applied(&["auth.0001_initial", "blog.0001_initial"]);
        let plan = graph
            .forwards_plan(&Target::Latest("blog".into()), &some)
            .unwrap();
        assert_eq!(
            names(&plan),
            ["auth.0002_groups", "blog.0002_summary", "blog.0003_tags"]
        );
        assert!(graph
            .forwards_plan(&Target::Zero("blog".into()), &none)
            .unwrap()
            .is_empty());
        assert_eq!(names(&graph.pending(&some)).len(), 5);
    }

    #[test]
    fn backwards_plans() {
        let graph = project();
        let all: BTreeSet<Key> = graph.ordered().iter().map(|m| m.key()).collect();
        // Back to blog.0001: blog.0002 and 0003 go, and shop (which needs
        // blog.0002) goes first.
        let plan = graph
            .backwards_plan(
                &Target::Migration("blog".into(), "0001_initial".into()),
                &all,
            )
            .unwrap();
        assert_eq!(
            names(&plan),
            [
                "shop.0002_price",
                "shop.0001_initial",
                "blog.0003_tags",
                "blog.0002_summary"
            ]
        );
        // Only applied migrations are unapplied.
        let some = applied(&[
            "auth.0001_initial",
            "blog.0001_initial",
            "blog.0002_summary",
            "shop.0001_initial",
        ]);
        let plan = graph
            .backwards_plan(
                &Target::Migration("blog".into(), "0001_initial".into()),
                &some,
            )
            .unwrap();
        assert_eq!(names(&plan), ["shop.0001_initial", "blog.0002_summary"]);
        // zero: the whole app and its dependents.
        let plan = graph
            .backwards_plan(&Target::Zero("auth".into()), &all)
            .unwrap();
        assert_eq!(
            names(&plan),
            [
                "shop.0002_price",
                "shop.0001_initial",
                "blog.0003_tags",
                "blog.0002_summary",
                "blog.0001_initial",
                "auth.0002_groups",
                "auth.0001_initial",
            ]
        );
        let plan = graph
            .backwards_plan(&Target::Zero("shop".into()), &all)
            .unwrap();
        assert_eq!(names(&plan), ["shop.0002_price", "shop.0001_initial"]);
        // Going back to the latest migration unapplies nothing.
        let plan = graph
            .backwards_plan(&Target::Migration("shop".into(), "0002_price".into()), &all)
            .unwrap();
        assert!(plan.is_empty());
        assert!(graph
            .backwards_plan(&Target::Latest("shop".into()), &all)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn leaves_and_roots() {
        let graph = MigrationGraph::new(vec![
            m("blog", "0001_initial", &[]),
            m("blog", "0002_a", &[("blog", "0001_initial")]),
            m("blog", "0002_b", &[("blog", "0001_initial")]),
            m("shop", "0001_initial", &[("blog", "0002_a")]),
        ])
        .unwrap();
        assert_eq!(
            names(&graph.leaf_nodes("blog")),
            ["blog.0002_a", "blog.0002_b"]
        );
        assert_eq!(names(&graph.leaf_nodes("shop")), ["shop.0001_initial"]);
        assert_eq!(names(&graph.root_nodes("blog")), ["blog.0001_initial"]);
        assert_eq!(names(&graph.root_nodes("shop")), ["shop.0001_initial"]);
        assert!(graph.leaf_nodes("nope").is_empty());
        // Latest applies both branches.
        let plan = graph
            .forwards_plan(&Target::Latest("blog".into()), &applied(&[]))
            .unwrap();
        assert_eq!(
            names(&plan),
            ["blog.0001_initial", "blog.0002_a", "blog.0002_b"]
        );
    }

    #[test]
    fn resolve_by_prefix() {
        let graph = MigrationGraph::new(vec![
            m("blog", "0001_initial", &[]),
            m("blog", "0002_a", &[("blog", "0001_initial")]),
            m("blog", "0002_b", &[("blog", "0001_initial")]),
        ])
        .unwrap();
        assert_eq!(graph.resolve("blog", "0001").unwrap().name, "0001_initial");
        assert_eq!(graph.resolve("blog", "0002_b").unwrap().name, "0002_b");
        assert_eq!(
            graph.resolve("blog", "0002").unwrap_err().to_string(),
            "more than one migration of app `blog` starts with `0002`: 0002_a, 0002_b"
        );
        assert_eq!(
            graph.resolve("blog", "0003").unwrap_err().to_string(),
            "no migration named `0003` in app `blog`"
        );
        assert_eq!(
            graph.resolve("shop", "0001").unwrap_err().to_string(),
            "no app named `shop`"
        );
    }

    #[test]
    fn unknown_targets() {
        let graph = project();
        let none = applied(&[]);
        let err = graph
            .forwards_plan(&Target::Migration("blog".into(), "0009_nope".into()), &none)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "no migration named `0009_nope` in app `blog`"
        );
        let err = graph
            .backwards_plan(&Target::Zero("nope".into()), &none)
            .unwrap_err();
        assert_eq!(err.to_string(), "no app named `nope`");
        assert_eq!(Target::Zero("nope".into()).app_label(), "nope");
    }

    #[test]
    fn cycles_are_reported() {
        let err = MigrationGraph::new(vec![
            m("blog", "0001_initial", &[]),
            m(
                "blog",
                "0002_a",
                &[("blog", "0001_initial"), ("shop", "0001_initial")],
            ),
            m("shop", "0001_initial", &[("blog", "0003_b")]),
            m("blog", "0003_b", &[("blog", "0002_a")]),
        ])
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "circular dependency between migrations: blog.0002_a -> shop.0001_initial -> \
             blog.0003_b -> blog.0002_a (each depends on the next)"
        );
        let err = MigrationGraph::new(vec![m("blog", "0001_initial", &[("blog", "0001_initial")])])
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "circular dependency between migrations: blog.0001_initial -> blog.0001_initial \
             (each depends on the next)"
        );
    }

    #[test]
    fn missing_and_duplicate_migrations() {
        let err = MigrationGraph::new(vec![m("blog", "0002_a", &[("blog", "0001_initial")])])
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "migration blog.0002_a depends on blog.0001_initial, which does not exist"
        );
        let err = MigrationGraph::new(vec![
            m("blog", "0001_initial", &[]),
            m("blog", "0001_initial", &[]),
        ])
        .unwrap_err();
        assert!(matches!(err, Error::Duplicate { .. }));
    }
}
