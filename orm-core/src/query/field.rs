//! Typed field handles: `Article::TITLE.icontains("rust")`.
//!
//! The derive emits one constant per field. Its methods build conditions and
//! orderings whose values are checked against the field's Rust type at
//! compile time.

use std::marker::PhantomData;

use super::filter::Filter;
use super::lookup::{Condition, Lookup, Operand, Q};
use crate::fields::ForeignKey;
use crate::model::Model;
use crate::value::FieldType;

/// A field of model `M` holding values of type `T`.
pub struct Field<M, T> {
    index: usize,
    name: &'static str,
    _marker: PhantomData<fn() -> (M, T)>,
}

impl<M, T> Clone for Field<M, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M, T> Copy for Field<M, T> {}

impl<M, T> std::fmt::Debug for Field<M, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Field({})", self.name)
    }
}

/// One sort key: a field of the model, or of a model its foreign keys lead
/// to (Django's `author__username`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OrderBy {
    /// The field's index in the schema of the model at the end of `path`.
    pub field: usize,
    /// Largest first.
    pub descending: bool,
    /// The foreign keys followed first, each an index in the schema of the
    /// model the previous one leads to: empty for the model's own field,
    /// `[author]` for `author__username`.
    pub path: Vec<usize>,
}

impl OrderBy {
    /// The model's own field `field`.
    pub fn new(field: usize, descending: bool) -> Self {
        OrderBy {
            field,
            descending,
            path: Vec::new(),
        }
    }
}

/// An ordering of model `M`'s rows by one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ordering<M> {
    pub(crate) order: OrderBy,
    _marker: PhantomData<fn() -> M>,
}

impl<M> Ordering<M> {
    pub(crate) fn new(order: OrderBy) -> Self {
        Ordering {
            order,
            _marker: PhantomData,
        }
    }
}

impl<M: Model, T: FieldType> Field<M, T> {
    #[doc(hidden)]
    pub const fn new(index: usize, name: &'static str) -> Self {
        Field {
            index,
            name,
            _marker: PhantomData,
        }
    }

    /// The field's Rust name.
    pub fn name(self) -> &'static str {
        self.name
    }

    /// The field's index in the model's schema.
    pub fn index(self) -> usize {
        self.index
    }

    fn filter(self, lookup: Lookup, operand: Operand) -> Filter<M> {
        Filter::new(Q::Condition(Condition {
            field: self.index,
            lookup,
            operand,
        }))
    }

    /// `field = value`
    pub fn eq(self, value: impl Into<T>) -> Filter<M> {
        self.filter(Lookup::Exact, Operand::One(value.into().to_value()))
    }

    /// `field <> value`
    pub fn ne(self, value: impl Into<T>) -> Filter<M> {
        !self.eq(value)
    }

    /// `field > value`
    pub fn gt(self, value: impl Into<T>) -> Filter<M> {
        self.filter(Lookup::Gt, Operand::One(value.into().to_value()))
    }

    /// `field >= value`
    pub fn gte(self, value: impl Into<T>) -> Filter<M> {
        self.filter(Lookup::Gte, Operand::One(value.into().to_value()))
    }

    /// `field < value`
    pub fn lt(self, value: impl Into<T>) -> Filter<M> {
        self.filter(Lookup::Lt, Operand::One(value.into().to_value()))
    }

    /// `field <= value`
    pub fn lte(self, value: impl Into<T>) -> Filter<M> {
        self.filter(Lookup::Lte, Operand::One(value.into().to_value()))
    }

    /// `field IN (values)`
    pub fn is_in<V: Into<T>>(self, values: impl IntoIterator<Item = V>) -> Filter<M> {
        let values = values.into_iter().map(|v| v.into().to_value()).collect();
        self.filter(Lookup::In, Operand::Many(values))
    }

    /// `field BETWEEN low AND high`
    pub fn range(self, low: impl Into<T>, high: impl Into<T>) -> Filter<M> {
        self.filter(
            Lookup::Range,
            Operand::Pair(low.into().to_value(), high.into().to_value()),
        )
    }

    /// Smallest first.
    pub fn asc(self) -> Ordering<M> {
        Ordering::new(OrderBy::new(self.index, false))
    }

    /// Largest first.
    pub fn desc(self) -> Ordering<M> {
        Ordering::new(OrderBy::new(self.index, true))
    }
}

impl<M: Model, T: FieldType> Field<M, Option<T>>
where
    Option<T>: FieldType,
{
    /// `field IS NULL` when `true`, `IS NOT NULL` when `false`.
    pub fn is_null(self, is_null: bool) -> Filter<M> {
        self.filter(Lookup::IsNull, Operand::Flag(is_null))
    }
}

/// Fields holding text: `String` or `Option<String>`.
pub trait TextField {
    /// A count of its characters: `i64`, or `Option<i64>` for a nullable
    /// field ([`Length`](crate::query::Length)).
    type Length: FieldType;
}
impl TextField for String {
    type Length = i64;
}
impl TextField for Option<String> {
    type Length = Option<i64>;
}

impl<M: Model, T: FieldType + TextField> Field<M, T> {
    fn text(self, lookup: Lookup, text: &str) -> Filter<M> {
        self.filter(lookup, Operand::One(crate::Value::Text(text.to_owned())))
    }

    /// Equal, ignoring case.
    pub fn iexact(self, text: &str) -> Filter<M> {
        self.text(Lookup::IExact, text)
    }

    /// Contains `text` (case-sensitive).
    pub fn contains(self, text: &str) -> Filter<M> {
        self.text(Lookup::Contains, text)
    }

    /// Contains `text`, ignoring case.
    pub fn icontains(self, text: &str) -> Filter<M> {
        self.text(Lookup::IContains, text)
    }

    /// Starts with `text`.
    pub fn startswith(self, text: &str) -> Filter<M> {
        self.text(Lookup::StartsWith, text)
    }

    /// Starts with `text`, ignoring case.
    pub fn istartswith(self, text: &str) -> Filter<M> {
        self.text(Lookup::IStartsWith, text)
    }

    /// Ends with `text`.
    pub fn endswith(self, text: &str) -> Filter<M> {
        self.text(Lookup::EndsWith, text)
    }

    /// Ends with `text`, ignoring case.
    pub fn iendswith(self, text: &str) -> Filter<M> {
        self.text(Lookup::IEndsWith, text)
    }
}

impl<M: Model, F: FieldType> Field<M, F> {
    /// Rows whose foreign key points at `target` (never those whose key is
    /// `NULL`).
    pub fn is<T: Model<Pk = i64>>(self, target: &T) -> Filter<M>
    where
        F: PointsAt<T>,
    {
        pointing_at(self, *target.pk())
    }
}

/// A foreign-key field type pointing at `T`: `ForeignKey<T>` and
/// `Option<ForeignKey<T>>`, the fields [`Model::related`] follows back.
pub trait PointsAt<T>: FieldType {}
impl<T: Model> PointsAt<T> for ForeignKey<T> {}
impl<T: Model> PointsAt<T> for Option<ForeignKey<T>> {}

/// The rows of `C` whose foreign key `field` points at the row with key
/// `pk`.
pub(crate) fn pointing_at<C: Model, T: FieldType>(field: Field<C, T>, pk: i64) -> Filter<C> {
    field.filter(Lookup::Exact, Operand::One(crate::Value::BigInt(pk)))
}
