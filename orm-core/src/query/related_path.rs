//! Chains of foreign keys for `select_related`: `Article::AUTHOR` alone, or
//! `Article::AUTHOR.then(User::TEAM)` (Django's `"author__team"`), typed so
//! that each key must belong to the model the one before leads to.

use std::marker::PhantomData;

use super::field::{Field, Ordering};
use crate::fields::ForeignKey;
use crate::model::Model;

/// Foreign keys followed one after the other from model `M`, ending at
/// model `T`: built by `then` on a foreign-key field.
///
/// ```ignore
/// let path: RelatedPath<Article, Team> = Article::AUTHOR.then(User::TEAM);
/// ```
pub struct RelatedPath<M, T> {
    keys: Vec<usize>,
    _marker: PhantomData<fn() -> (M, T)>,
}

impl<M, T> RelatedPath<M, T> {
    fn new(keys: Vec<usize>) -> Self {
        RelatedPath {
            keys,
            _marker: PhantomData,
        }
    }
}

impl<M, T> Clone for RelatedPath<M, T> {
    fn clone(&self) -> Self {
        RelatedPath::new(self.keys.clone())
    }
}

impl<M, T> std::fmt::Debug for RelatedPath<M, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("RelatedPath").field(&self.keys).finish()
    }
}

/// What `select_related` takes: a foreign key of model `M`, or a chain of
/// them.
pub trait IntoRelated<M> {
    /// The keys followed, each an index in the schema of the model the one
    /// before leads to.
    fn into_keys(self) -> Vec<usize>;
}

impl<M: Model, T: Model> IntoRelated<M> for Field<M, ForeignKey<T>> {
    fn into_keys(self) -> Vec<usize> {
        vec![self.index()]
    }
}

impl<M: Model, T: Model> IntoRelated<M> for Field<M, Option<ForeignKey<T>>> {
    fn into_keys(self) -> Vec<usize> {
        vec![self.index()]
    }
}

impl<M, T> IntoRelated<M> for RelatedPath<M, T> {
    fn into_keys(self) -> Vec<usize> {
        self.keys
    }
}

/// What may follow a foreign key leading to model `T` in
/// `key.then(next)`: an ordering of `T`'s rows (the rows sorted by a field
/// of the row the key points at), or a further key of `T` (a chain for
/// `select_related`).
pub trait AfterKey<T> {
    /// The same, seen from the model `M` holding the key.
    type From<M>;
    /// Puts `key`, a foreign key of `M` leading to `T`, in front.
    fn after<M>(self, key: usize) -> Self::From<M>;
}

impl<T> AfterKey<T> for Ordering<T> {
    type From<M> = Ordering<M>;
    fn after<M>(self, key: usize) -> Ordering<M> {
        let mut order = self.order;
        order.path.insert(0, key);
        Ordering::new(order)
    }
}

impl<T: Model, U: Model> AfterKey<T> for Field<T, ForeignKey<U>> {
    type From<M> = RelatedPath<M, U>;
    fn after<M>(self, key: usize) -> RelatedPath<M, U> {
        RelatedPath::new(vec![key, self.index()])
    }
}

impl<T: Model, U: Model> AfterKey<T> for Field<T, Option<ForeignKey<U>>> {
    type From<M> = RelatedPath<M, U>;
    fn after<M>(self, key: usize) -> RelatedPath<M, U> {
        RelatedPath::new(vec![key, self.index()])
    }
}

impl<T, U> AfterKey<T> for RelatedPath<T, U> {
    type From<M> = RelatedPath<M, U>;
    fn after<M>(self, key: usize) -> RelatedPath<M, U> {
        let mut keys = self.keys;
        keys.insert(0, key);
        RelatedPath::new(keys)
    }
}
