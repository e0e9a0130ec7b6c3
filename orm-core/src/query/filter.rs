//! `Filter<M>`: a condition tree typed by the model it applies to, made by
//! field handles and combined with `&`, `|` and `!`.

use std::marker::PhantomData;
use std::ops::{BitAnd, BitOr, Not};

use super::lookup::Q;

/// A condition on model `M`'s rows; combine with `&`, `|` and `!`.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter<M> {
    q: Q,
    _marker: PhantomData<fn() -> M>,
}

impl<M> Filter<M> {
    /// Wraps an untyped condition tree.
    pub fn new(q: Q) -> Self {
        Filter {
            q,
            _marker: PhantomData,
        }
    }

    /// The untyped condition tree.
    pub fn into_q(self) -> Q {
        self.q
    }
}

impl<M> BitAnd for Filter<M> {
    type Output = Filter<M>;
    fn bitand(self, rhs: Self) -> Self {
        Filter::new(self.q & rhs.q)
    }
}

impl<M> BitOr for Filter<M> {
    type Output = Filter<M>;
    fn bitor(self, rhs: Self) -> Self {
        Filter::new(self.q | rhs.q)
    }
}

impl<M> Not for Filter<M> {
    type Output = Filter<M>;
    fn not(self) -> Self {
        Filter::new(!self.q)
    }
}
