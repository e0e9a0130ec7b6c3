//! Lookups on parts of dates and times, as Django's: `__year` and `__date`
//! become ranges of the field itself (an index on it still serves them);
//! `__month`, `__day`, `__week_day`, `__quarter`, `__hour`, `__minute`
//! and `__second` compare the part the backend extracts (in UTC, the
//! connections' time zone).
//!
//! ```
//! # fn main() -> orm_core::Result<()> {
//! use orm_core::prelude::*;
//!
//! #[derive(Model, Debug, Clone)]
//! #[model(app_label = "docs")]
//! pub struct Event {
//!     pub id: i64,
//!     pub at: DateTime<Utc>,
//! }
//!
//! let db = Db::open("sqlite://:memory:")?;
//! let mut conn = db.conn()?;
//! orm_core::create_tables(&mut conn, &[Event::schema()])?;
//! for at in ["2024-02-29T23:30:00Z", "2025-03-01T08:00:00Z"] {
//!     Event { id: 0, at: at.parse().unwrap() }.save(&mut conn)?;
//! }
//! let in_2024 = Event::objects().filter(Event::AT.year().eq(2024));
//! assert_eq!(in_2024.count(&mut conn)?, 1);
//! let in_march = Event::objects().filter(Event::AT.month().eq(3));
//! assert_eq!(in_march.count(&mut conn)?, 1);
//! let leap_day = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
//! assert_eq!(Event::objects().filter(Event::AT.date().eq(leap_day)).count(&mut conn)?, 1);
//! // The same by name, as the admin and query strings write them:
//! let named = Event::objects().filter_by("at__year__gte", "2025")?;
//! assert_eq!(named.count(&mut conn)?, 1);
//! # Ok(()) }
//! ```

use chrono::{DateTime, NaiveDate, Utc};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::Integer;
use diesel::QueryResult;

use super::field::Field;
use super::filter::Filter;
use super::lookup::{Condition, DatePart, Lookup, Operand, Q};
use super::sql::Fragment;
use crate::db::MultiBackend;
use crate::model::Model;
use crate::schema::FieldKind;
use crate::value::{FieldType, Value};

/// The SQL around a column that extracts `part`, per backend.
pub(crate) fn extraction(part: DatePart, backend: Backend) -> (&'static str, &'static str) {
    use DatePart::*;
    match backend {
        Backend::Sqlite => match part {
            Quarter => ("((CAST(strftime('%m', ", ") AS INTEGER) + 2) / 3)"),
            Month => ("CAST(strftime('%m', ", ") AS INTEGER)"),
            Day => ("CAST(strftime('%d', ", ") AS INTEGER)"),
            WeekDay => ("(CAST(strftime('%w', ", ") AS INTEGER) + 1)"),
            Hour => ("CAST(strftime('%H', ", ") AS INTEGER)"),
            Minute => ("CAST(strftime('%M', ", ") AS INTEGER)"),
            Second => ("CAST(strftime('%S', ", ") AS INTEGER)"),
        },
        Backend::Postgres => match part {
            Quarter => ("CAST(EXTRACT(QUARTER FROM ", ") AS INTEGER)"),
            Month => ("CAST(EXTRACT(MONTH FROM ", ") AS INTEGER)"),
            Day => ("CAST(EXTRACT(DAY FROM ", ") AS INTEGER)"),
            WeekDay => ("(CAST(EXTRACT(DOW FROM ", ") AS INTEGER) + 1)"),
            Hour => ("CAST(EXTRACT(HOUR FROM ", ") AS INTEGER)"),
            Minute => ("CAST(EXTRACT(MINUTE FROM ", ") AS INTEGER)"),
            Second => ("CAST(FLOOR(EXTRACT(SECOND FROM ", ")) AS INTEGER)"),
        },
        Backend::Mysql => match part {
            Quarter => ("QUARTER(", ")"),
            Month => ("MONTH(", ")"),
            Day => ("DAYOFMONTH(", ")"),
            WeekDay => ("DAYOFWEEK(", ")"),
            Hour => ("HOUR(", ")"),
            Minute => ("MINUTE(", ")"),
            Second => ("SECOND(", ")"),
        },
    }
}

/// The SQL around a column that extracts its year, per backend.
pub(crate) fn year_extraction(backend: Backend) -> (&'static str, &'static str) {
    match backend {
        Backend::Sqlite => ("CAST(strftime('%Y', ", ") AS INTEGER)"),
        Backend::Postgres => ("CAST(EXTRACT(YEAR FROM ", ") AS INTEGER)"),
        Backend::Mysql => ("YEAR(", ")"),
    }
}

/// The backend a fragment is written for.
#[derive(Clone, Copy)]
#[cfg_attr(not(all(feature = "postgres", feature = "mysql")), allow(dead_code))]
pub(crate) enum Backend {
    Sqlite,
    Postgres,
    Mysql,
}

impl Backend {
    pub(crate) fn of(backend: &MultiBackend) -> Backend {
        match backend {
            MultiBackend::Sqlite(_) => Backend::Sqlite,
            #[cfg(feature = "postgres")]
            MultiBackend::Postgres(_) => Backend::Postgres,
            #[cfg(feature = "mysql")]
            MultiBackend::Mysql(_) => Backend::Mysql,
        }
    }
}

/// `<part of column> = n` or `<part of column> IN (n, ...)`.
pub(crate) struct PartIs {
    column: Box<dyn Fragment>,
    part: DatePart,
    values: Vec<i32>,
}

impl PartIs {
    /// The condition that `column`'s `part` is one of `operand`'s whole
    /// numbers; `None` for another operand.
    pub(crate) fn new(column: impl Fragment, part: DatePart, operand: &Operand) -> Option<PartIs> {
        let number = |v: &Value| match v {
            Value::SmallInt(n) => Some(i32::from(*n)),
            Value::Integer(n) => Some(*n),
            Value::BigInt(n) => i32::try_from(*n).ok(),
            _ => None,
        };
        let values = match operand {
            Operand::One(v) => vec![number(v)?],
            Operand::Many(vs) => vs.iter().map(number).collect::<Option<Vec<i32>>>()?,
            _ => return None,
        };
        Some(PartIs {
            column: Box::new(column),
            part,
            values,
        })
    }
}

impl QueryFragment<MultiBackend> for PartIs {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        let (before, after) = extraction(self.part, Backend::of(out.backend()));
        if self.values.is_empty() {
            // `IN ()` of nothing: no row.
            out.push_sql("1 = 0");
            return Ok(());
        }
        out.push_sql(before);
        self.column.walk_ast(out.reborrow())?;
        out.push_sql(after);
        if let [one] = self.values.as_slice() {
            out.push_sql(" = ");
            out.push_bind_param::<Integer, i32>(one)?;
        } else {
            out.push_sql(" IN (");
            for (i, value) in self.values.iter().enumerate() {
                if i > 0 {
                    out.push_sql(", ");
                }
                out.push_bind_param::<Integer, i32>(value)?;
            }
            out.push_sql(")");
        }
        Ok(())
    }
}

impl QueryId for PartIs {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

/// A field type whose values have dates: `DateTime<Utc>`, `NaiveDate` and
/// their `Option`s.
pub trait Dated: FieldType {
    /// A part of it ([`Extract`](crate::query::Extract)): `i32`, or
    /// `Option<i32>` for a nullable field.
    type Part: FieldType;
    /// Its date, truncated ([`Trunc`](crate::query::Trunc)): `NaiveDate`,
    /// or `Option<NaiveDate>`.
    type Day: FieldType;
}
impl Dated for DateTime<Utc> {
    type Part = i32;
    type Day = NaiveDate;
}
impl Dated for NaiveDate {
    type Part = i32;
    type Day = NaiveDate;
}
impl Dated for Option<DateTime<Utc>> {
    type Part = Option<i32>;
    type Day = Option<NaiveDate>;
}
impl Dated for Option<NaiveDate> {
    type Part = Option<i32>;
    type Day = Option<NaiveDate>;
}

/// A field type whose values have a time of day: `DateTime<Utc>`,
/// `NaiveTime` and their `Option`s.
pub trait Timed: FieldType {}
impl Timed for DateTime<Utc> {}
impl Timed for chrono::NaiveTime {}
impl Timed for Option<DateTime<Utc>> {}
impl Timed for Option<chrono::NaiveTime> {}

/// Comparisons of a span of time a value lies in (its year, its date),
/// written as ranges of the field itself so that an index on it serves
/// them: `year = 2024` is `field >= 2024-01-01 AND field < 2025-01-01`.
pub struct Span<M, U> {
    field: usize,
    kind: FieldKind,
    _marker: std::marker::PhantomData<fn() -> (M, U)>,
}

/// `field.year()`: comparisons of the year.
pub type Year<M> = Span<M, i32>;

/// `field.date()`: comparisons of a date-time's date (UTC).
pub type OnDate<M> = Span<M, NaiveDate>;

/// A span's unit: a year (`i32`) or a day (`NaiveDate`).
pub trait SpanUnit: Copy {
    /// Where the span begins for a field of `kind`, and where the next one
    /// does (`None` beyond the dates chrono knows).
    fn bounds(self, kind: FieldKind) -> (Option<Value>, Option<Value>);
}

impl SpanUnit for i32 {
    fn bounds(self, kind: FieldKind) -> (Option<Value>, Option<Value>) {
        let start = |year: i32| NaiveDate::from_ymd_opt(year, 1, 1).map(|d| start_of_day(kind, d));
        (start(self), self.checked_add(1).and_then(start))
    }
}

impl SpanUnit for NaiveDate {
    fn bounds(self, kind: FieldKind) -> (Option<Value>, Option<Value>) {
        let next = self.succ_opt().map(|next| start_of_day(kind, next));
        (Some(start_of_day(kind, self)), next)
    }
}

fn span<M, U>(field: usize, kind: FieldKind) -> Span<M, U> {
    Span {
        field,
        kind,
        _marker: std::marker::PhantomData,
    }
}

/// `field.month()`, `field.hour()`...: the part compared as a number.
pub struct Part<M> {
    field: usize,
    part: DatePart,
    _model: std::marker::PhantomData<fn() -> M>,
}

impl<M: Model, T: Dated> Field<M, T> {
    /// The year of the value (`__year`).
    pub fn year(self) -> Year<M> {
        span(self.index(), T::KIND)
    }

    /// The quarter, 1 to 4 (`__quarter`).
    pub fn quarter(self) -> Part<M> {
        part(self.index(), DatePart::Quarter)
    }

    /// The month, 1 to 12 (`__month`).
    pub fn month(self) -> Part<M> {
        part(self.index(), DatePart::Month)
    }

    /// The day of the month (`__day`).
    pub fn day(self) -> Part<M> {
        part(self.index(), DatePart::Day)
    }

    /// The day of the week, 1 (Sunday) to 7 (`__week_day`).
    pub fn week_day(self) -> Part<M> {
        part(self.index(), DatePart::WeekDay)
    }
}

impl<M: Model, T: Timed> Field<M, T> {
    /// The hour (`__hour`).
    pub fn hour(self) -> Part<M> {
        part(self.index(), DatePart::Hour)
    }

    /// The minute (`__minute`).
    pub fn minute(self) -> Part<M> {
        part(self.index(), DatePart::Minute)
    }

    /// The whole second (`__second`).
    pub fn second(self) -> Part<M> {
        part(self.index(), DatePart::Second)
    }
}

impl<M: Model> Field<M, DateTime<Utc>> {
    /// The date of the value in UTC (`__date`).
    pub fn date(self) -> OnDate<M> {
        span(self.index(), FieldKind::DateTime)
    }
}

impl<M: Model> Field<M, Option<DateTime<Utc>>> {
    /// The date of the value in UTC (`__date`).
    pub fn date(self) -> OnDate<M> {
        span(self.index(), FieldKind::DateTime)
    }
}

/// The values of `part` from `low` to `high`, both included, as the
/// operand of a `Lookup::Part` (a part takes few values: a comparison is
/// the list of those it keeps).
fn part_between(part: DatePart, low: i32, high: i32) -> Operand {
    let (first, last) = part.bounds();
    Operand::Many(
        (low.max(first)..=high.min(last))
            .map(Value::Integer)
            .collect(),
    )
}

/// The values of `part` that `compare` with `n` keeps.
fn part_compared(part: DatePart, compare: Compare, n: i32) -> Operand {
    match compare {
        Compare::Exact => Operand::One(Value::Integer(n)),
        Compare::Gt => part_between(part, n.saturating_add(1), i32::MAX),
        Compare::Gte => part_between(part, n, i32::MAX),
        Compare::Lt => part_between(part, i32::MIN, n.saturating_sub(1)),
        Compare::Lte => part_between(part, i32::MIN, n),
    }
}

fn part<M>(field: usize, part: DatePart) -> Part<M> {
    Part {
        field,
        part,
        _model: std::marker::PhantomData,
    }
}

impl<M: Model> Part<M> {
    /// The part equals `n`.
    pub fn eq(self, n: i32) -> Filter<M> {
        Filter::new(self.condition(Operand::One(Value::Integer(n))))
    }

    /// The part is one of `values`.
    pub fn is_in(self, values: impl IntoIterator<Item = i32>) -> Filter<M> {
        let values = values.into_iter().map(Value::Integer).collect();
        Filter::new(self.condition(Operand::Many(values)))
    }

    /// The part is between `low` and `high`, both included.
    pub fn range(self, low: i32, high: i32) -> Filter<M> {
        Filter::new(self.condition(part_between(self.part, low, high)))
    }

    /// The part is greater than `n`.
    pub fn gt(self, n: i32) -> Filter<M> {
        Filter::new(self.condition(part_compared(self.part, Compare::Gt, n)))
    }

    /// The part is `n` or greater.
    pub fn gte(self, n: i32) -> Filter<M> {
        Filter::new(self.condition(part_compared(self.part, Compare::Gte, n)))
    }

    /// The part is less than `n`.
    pub fn lt(self, n: i32) -> Filter<M> {
        Filter::new(self.condition(part_compared(self.part, Compare::Lt, n)))
    }

    /// The part is `n` or less.
    pub fn lte(self, n: i32) -> Filter<M> {
        Filter::new(self.condition(part_compared(self.part, Compare::Lte, n)))
    }

    fn condition(self, operand: Operand) -> Q {
        Q::Condition(Condition {
            field: self.field,
            lookup: Lookup::Part(self.part),
            operand,
        })
    }
}

/// `field >= low AND field < high` (either side left out when `None`).
fn between(field: usize, low: Option<Value>, high: Option<Value>) -> Q {
    let side = |lookup, value| {
        Q::Condition(Condition {
            field,
            lookup,
            operand: Operand::One(value),
        })
    };
    match (low, high) {
        (Some(low), Some(high)) => Q::And(vec![side(Lookup::Gte, low), side(Lookup::Lt, high)]),
        (Some(low), None) => side(Lookup::Gte, low),
        (None, Some(high)) => side(Lookup::Lt, high),
        (None, None) => Q::And(Vec::new()),
    }
}

/// The first instant (or the day) of `day` for a field of `kind`.
fn start_of_day(kind: FieldKind, day: NaiveDate) -> Value {
    match kind {
        FieldKind::Date => Value::Date(day),
        _ => Value::DateTime(day.and_time(chrono::NaiveTime::MIN).and_utc()),
    }
}

/// A comparison of a year or date, as a range of the field: which sides
/// of `[start of v, start of v + 1)` bound the rows.
#[derive(Clone, Copy)]
enum Compare {
    Exact,
    Gt,
    Gte,
    Lt,
    Lte,
}

impl Compare {
    fn of(lookup: Lookup) -> Option<Compare> {
        Some(match lookup {
            Lookup::Exact => Compare::Exact,
            Lookup::Gt => Compare::Gt,
            Lookup::Gte => Compare::Gte,
            Lookup::Lt => Compare::Lt,
            Lookup::Lte => Compare::Lte,
            _ => return None,
        })
    }

    /// The range for a value starting at `start`, the next at `next`.
    fn range(self, field: usize, start: Option<Value>, next: Option<Value>) -> Q {
        // A bound chrono cannot write lies beyond every stored value.
        let nothing = || Q::Or(Vec::new());
        match self {
            Compare::Exact => match (start, next) {
                (Some(start), next) => between(field, Some(start), next),
                (None, _) => nothing(),
            },
            Compare::Gt => match next {
                Some(next) => between(field, Some(next), None),
                None => nothing(),
            },
            Compare::Gte => match start {
                Some(start) => between(field, Some(start), None),
                None => nothing(),
            },
            Compare::Lt => match start {
                Some(start) => between(field, None, Some(start)),
                None => Q::And(Vec::new()),
            },
            Compare::Lte => match next {
                Some(next) => between(field, None, Some(next)),
                None => Q::And(Vec::new()),
            },
        }
    }
}

impl<M: Model, U: SpanUnit> Span<M, U> {
    fn compare(self, compare: Compare, value: U) -> Filter<M> {
        let (start, next) = value.bounds(self.kind);
        Filter::new(compare.range(self.field, start, next))
    }

    /// The span is `value`'s.
    pub fn eq(self, value: U) -> Filter<M> {
        self.compare(Compare::Exact, value)
    }

    /// The span is after `value`'s.
    pub fn gt(self, value: U) -> Filter<M> {
        self.compare(Compare::Gt, value)
    }

    /// The span is `value`'s or later.
    pub fn gte(self, value: U) -> Filter<M> {
        self.compare(Compare::Gte, value)
    }

    /// The span is before `value`'s.
    pub fn lt(self, value: U) -> Filter<M> {
        self.compare(Compare::Lt, value)
    }

    /// The span is `value`'s or earlier.
    pub fn lte(self, value: U) -> Filter<M> {
        self.compare(Compare::Lte, value)
    }

    /// The span is between `low`'s and `high`'s, both included.
    pub fn range(self, low: U, high: U) -> Filter<M> {
        self.gte(low) & self.lte(high)
    }
}

/// The condition a name such as `published_date__year__gte` or
/// `at__week_day` stands for, when its transform is a date part of field
/// `index` (of `kind`); `None` when the name has no date transform.
pub(crate) fn transform_from_text(
    kind: FieldKind,
    index: usize,
    transform: &str,
    lookup: Lookup,
    text: &str,
) -> Option<Result<Q, String>> {
    let number = || {
        text.trim()
            .parse::<i32>()
            .map_err(|_| "Enter a whole number.".to_owned())
    };
    if transform == "year" && matches!(kind, FieldKind::Date | FieldKind::DateTime) {
        let year = match number() {
            Ok(year) => year,
            Err(e) => return Some(Err(e)),
        };
        let (start, next) = year.bounds(kind);
        return Some(match Compare::of(lookup) {
            Some(compare) => Ok(compare.range(index, start, next)),
            None => Err(format!(
                "`year` takes exact, gt, gte, lt and lte, not {lookup}"
            )),
        });
    }
    if transform == "date" && kind == FieldKind::DateTime {
        let day = match NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
            Ok(day) => day,
            Err(_) => return Some(Err("Enter a valid date (YYYY-MM-DD).".to_owned())),
        };
        let (start, next) = day.bounds(kind);
        return Some(match Compare::of(lookup) {
            Some(compare) => Ok(compare.range(index, start, next)),
            None => Err(format!(
                "`date` takes exact, gt, gte, lt and lte, not {lookup}"
            )),
        });
    }
    let part = DatePart::from_name(transform).filter(|p| p.applies_to(kind))?;
    let condition = |operand| {
        Q::Condition(Condition {
            field: index,
            lookup: Lookup::Part(part),
            operand,
        })
    };
    Some(match lookup {
        Lookup::Exact => number().map(|n| condition(Operand::One(Value::Integer(n)))),
        Lookup::In => text
            .split(',')
            .map(|t| t.trim().parse::<i32>().map(Value::Integer))
            .collect::<Result<Vec<Value>, _>>()
            .map(|values| condition(Operand::Many(values)))
            .map_err(|_| "Enter whole numbers separated by commas.".to_owned()),
        Lookup::Gt | Lookup::Gte | Lookup::Lt | Lookup::Lte => {
            let compare = Compare::of(lookup)?;
            number().map(|n| condition(part_compared(part, compare, n)))
        }
        other => Err(format!(
            "`{transform}` takes exact, in, gt, gte, lt and lte, not {other}"
        )),
    })
}

impl<M, U> Clone for Span<M, U> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M, U> Copy for Span<M, U> {}

impl<M> Clone for Part<M> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M> Copy for Part<M> {}
