//! Cursor (keyset) pagination: a page starts after (or ends before) a row
//! named by its values of the ordering fields, so that every page is read
//! through an index of the ordering in the same time at any depth, and no
//! page needs the list's row count. Links say "next" and "previous" rather
//! than page numbers, as in Django REST framework's `CursorPagination`.
//!
//! The cursor in a link is opaque to the user (URL-safe base64 of the
//! boundary row's values as JSON): it names where a page starts, never an
//! offset, so rows added or deleted meanwhile shift no page.
//!
//! ```
//! use orm_core::prelude::*;
//! use orm_core::cursor::{page_after, Cursor};
//!
//! #[derive(Model, Debug, Clone)]
//! #[model(app_label = "docs", ordering = ["name"])]
//! pub struct Tag {
//!     pub id: i64,
//!     #[field(max_length = 50)]
//!     pub name: String,
//! }
//!
//! # fn main() -> orm_core::Result<()> {
//! let db = Db::open("sqlite://:memory:")?;
//! let mut conn = db.conn()?;
//! orm_core::create_tables(&mut conn, &[Tag::schema()])?;
//! for name in ["a", "b", "c"] {
//!     Tag { id: 0, name: name.into() }.save(&mut conn)?;
//! }
//! let first = page_after(&mut conn, Tag::objects(), 2, None)?;
//! assert_eq!(first.objects.len(), 2);
//! let next = first.next.expect("a next page");
//! let cursor = Cursor::decode::<Tag>(&next.encode(), Tag::objects().spec())?;
//! let second = page_after(&mut conn, Tag::objects(), 2, Some(cursor))?;
//! assert_eq!(second.objects[0].name, "c");
//! assert!(second.next.is_none() && second.previous.is_some());
//! # Ok(()) }
//! ```

use base64::Engine;

use crate::db::AnyConnection;
use crate::error::{Error, Result};
use crate::fixtures::{from_json, to_json_value};
use crate::model::Model;
use crate::query::{Condition, Lookup, Operand, OrderBy, QuerySet, QuerySpec, Q};
use crate::schema::ModelSchema;
use crate::value::Value;

/// Which side of its row a cursor's page lies on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The rows after the cursor's row, in the list's order.
    After,
    /// The rows before it.
    Before,
}

/// Where a page starts: a row's values of the ordering fields (the key
/// last), and on which side of that row the page lies.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    /// Which side of the row.
    pub direction: Direction,
    /// The row's values of the ordering fields, in ordering order.
    pub values: Vec<Value>,
    /// The ordering fields' JSON forms, for [`Cursor::encode`].
    json: Vec<serde_json::Value>,
}

impl Cursor {
    /// The cursor of `row` under `spec`'s ordering (made stable by the key).
    fn of<M: Model>(row: &M, order: &[OrderBy], direction: Direction) -> Cursor {
        let schema = M::schema();
        let values: Vec<Value> = order.iter().map(|o| row.field_value(o.field)).collect();
        let json = order
            .iter()
            .zip(&values)
            .map(|(o, v)| to_json_value(&schema.fields[o.field], v))
            .collect();
        Cursor {
            direction,
            values,
            json,
        }
    }

    /// The cursor as it goes in a URL: `a` (after) or `b` (before), then
    /// the values as URL-safe base64 of a JSON array.
    pub fn encode(&self) -> String {
        let side = match self.direction {
            Direction::After => 'a',
            Direction::Before => 'b',
        };
        let json = serde_json::Value::Array(self.json.clone()).to_string();
        let data = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json);
        format!("{side}{data}")
    }

    /// Reads a cursor [`Cursor::encode`] wrote for a list of `M` in
    /// `spec`'s order. A cursor that does not fit (edited by hand, or from
    /// a list ordered otherwise) is [`Error::InvalidValue`].
    pub fn decode<M: Model>(text: &str, spec: &QuerySpec) -> Result<Cursor> {
        let schema = M::schema();
        let order = stable_order(schema, spec);
        let bad = |message: &str| Error::InvalidValue {
            field: "cursor".to_owned(),
            message: message.to_owned(),
        };
        let mut chars = text.chars();
        let direction = match chars.next() {
            Some('a') => Direction::After,
            Some('b') => Direction::Before,
            _ => return Err(bad("a cursor starts with `a` or `b`")),
        };
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(chars.as_str())
            .map_err(|_| bad("not URL-safe base64"))?;
        let json: Vec<serde_json::Value> =
            serde_json::from_slice(&bytes).map_err(|_| bad("not a JSON array"))?;
        if json.len() != order.len() {
            return Err(bad("the cursor does not fit this list's ordering"));
        }
        let values = order
            .iter()
            .zip(&json)
            .map(|(o, j)| from_json(&schema.fields[o.field], j).map_err(|e| bad(&e)))
            .collect::<Result<Vec<Value>>>()?;
        Ok(Cursor {
            direction,
            values,
            json,
        })
    }
}

/// One page of a list read from a cursor.
#[derive(Debug, Clone)]
pub struct CursorPage<M> {
    /// The rows on this page, in the list's order.
    pub objects: Vec<M>,
    /// Where the next page starts, when there are rows after this page.
    pub next: Option<Cursor>,
    /// Where the previous page ends, when there are rows before this page.
    pub previous: Option<Cursor>,
}

/// The `per_page` rows of `queryset` after (or before) `cursor`; the first
/// page without one. One query: `per_page + 1` rows through the ordering's
/// index, the extra row telling whether more follow.
///
/// # Errors
///
/// [`Error::InvalidValue`] when an ordering field is nullable: rows with
/// `NULL` there have no place before or after a value.
pub fn page_after<M: Model>(
    conn: &mut AnyConnection,
    queryset: QuerySet<M>,
    per_page: i64,
    cursor: Option<Cursor>,
) -> Result<CursorPage<M>> {
    let schema = M::schema();
    let per_page = per_page.max(1);
    let mut spec = queryset.spec().clone();
    spec.order = stable_order(schema, &spec);
    if let Some(across) = spec.order.iter().find(|o| !o.path.is_empty()) {
        let name = schema
            .fields
            .get(across.path[0])
            .map_or_else(String::new, |f| f.name.to_string());
        return Err(Error::InvalidValue {
            field: name,
            message: "cursor pagination orders by the model's own fields, not across a relation"
                .to_owned(),
        });
    }
    if let Some(field) = spec
        .order
        .iter()
        .map(|o| &schema.fields[o.field])
        .find(|f| f.nullable)
    {
        return Err(Error::InvalidValue {
            field: field.name.to_string(),
            message: "cursor pagination needs ordering fields that are never null".to_owned(),
        });
    }
    let order = spec.order.clone();
    let backwards = cursor
        .as_ref()
        .is_some_and(|c| c.direction == Direction::Before);
    if let Some(cursor) = &cursor {
        spec.and(beyond(&order, &cursor.values, cursor.direction));
    }
    if backwards {
        for o in &mut spec.order {
            o.descending = !o.descending;
        }
    }
    spec.limit = Some(per_page + 1);
    spec.offset = None;
    let mut objects = QuerySet::<M>::from_spec(spec).all(conn)?;
    let more = objects.len() as i64 > per_page;
    objects.truncate(per_page as usize);
    if backwards {
        objects.reverse();
    }
    // Past the cursor's row in the direction read, `more` tells whether
    // the list goes on; the other way, the cursor's own row is there.
    let (has_next, has_previous) = match (&cursor, backwards) {
        (None, _) => (more, false),
        (Some(_), false) => (more, true),
        (Some(_), true) => (true, more),
    };
    Ok(CursorPage {
        next: has_next
            .then(|| objects.last())
            .flatten()
            .map(|row| Cursor::of(row, &order, Direction::After)),
        previous: has_previous
            .then(|| objects.first())
            .flatten()
            .map(|row| Cursor::of(row, &order, Direction::Before)),
        objects,
    })
}

/// `spec`'s ordering (the model's default without one), made stable by the
/// key.
fn stable_order(schema: &ModelSchema, spec: &QuerySpec) -> Vec<OrderBy> {
    let mut stable = spec.clone();
    if stable.order.is_empty() {
        stable.order = QuerySpec::default_order(schema);
    }
    stable.make_stable(schema);
    stable.order
}

/// The rows strictly after (or before) the row with `values` in `order`:
/// `a > x OR (a = x AND b > y) OR ...`, each comparison turned for a
/// descending field, and led by `a >= x`, a plain range on the first field
/// that lets the database start its index scan at the cursor.
fn beyond(order: &[OrderBy], values: &[Value], direction: Direction) -> Q {
    let compare = |o: &OrderBy, value: &Value, or_equal: bool| {
        let later = o.descending == (direction == Direction::Before);
        let lookup = match (later, or_equal) {
            (true, false) => Lookup::Gt,
            (true, true) => Lookup::Gte,
            (false, false) => Lookup::Lt,
            (false, true) => Lookup::Lte,
        };
        Q::Condition(Condition {
            field: o.field,
            lookup,
            operand: Operand::One(value.clone()),
        })
    };
    let equal = |o: &OrderBy, value: &Value| {
        Q::Condition(Condition {
            field: o.field,
            lookup: Lookup::Exact,
            operand: Operand::One(value.clone()),
        })
    };
    let branches = (0..order.len())
        .map(|i| {
            let mut all: Vec<Q> = order[..i]
                .iter()
                .zip(values)
                .map(|(o, v)| equal(o, v))
                .collect();
            all.push(compare(&order[i], &values[i], false));
            Q::And(all)
        })
        .collect();
    match (order.first(), values.first()) {
        (Some(first), Some(value)) => Q::And(vec![compare(first, value, true), Q::Or(branches)]),
        _ => Q::Or(branches),
    }
}
