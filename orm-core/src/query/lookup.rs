//! Conditions: a field, a lookup and an operand, combined into trees.

use std::fmt;
use std::ops::{BitAnd, BitOr, Not};

use crate::schema::FieldKind;

use crate::value::Value;

/// How a field is compared with the operand, as in Django's `field__lookup`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lookup {
    /// `= value` (`IS NULL` for a null operand).
    Exact,
    /// Case-insensitive equality.
    IExact,
    /// Contains the text (case-sensitive on PostgreSQL and SQLite's `GLOB`-free
    /// `LIKE` is case-insensitive for ASCII; see the backend notes).
    Contains,
    /// Contains the text, ignoring case.
    IContains,
    /// Starts with the text.
    StartsWith,
    /// Starts with the text, ignoring case.
    IStartsWith,
    /// Ends with the text.
    EndsWith,
    /// Ends with the text, ignoring case.
    IEndsWith,
    /// `> value`
    Gt,
    /// `>= value`
    Gte,
    /// `< value`
    Lt,
    /// `<= value`
    Lte,
    /// One of a list of values.
    In,
    /// `IS NULL` (operand `true`) or `IS NOT NULL` (operand `false`).
    IsNull,
    /// Between two values, both included.
    Range,
    /// A part of a date or time (`__month`, `__week_day`, `__hour`...)
    /// equal to a whole number, or one of several.
    Part(DatePart),
}

impl Lookup {
    /// Every lookup, in Django's spelling order.
    pub const ALL: [Lookup; 15] = [
        Lookup::Exact,
        Lookup::IExact,
        Lookup::Contains,
        Lookup::IContains,
        Lookup::StartsWith,
        Lookup::IStartsWith,
        Lookup::EndsWith,
        Lookup::IEndsWith,
        Lookup::Gt,
        Lookup::Gte,
        Lookup::Lt,
        Lookup::Lte,
        Lookup::In,
        Lookup::IsNull,
        Lookup::Range,
    ];

    /// The Django name: `exact`, `icontains`, ...
    pub fn name(self) -> &'static str {
        match self {
            Lookup::Exact => "exact",
            Lookup::IExact => "iexact",
            Lookup::Contains => "contains",
            Lookup::IContains => "icontains",
            Lookup::StartsWith => "startswith",
            Lookup::IStartsWith => "istartswith",
            Lookup::EndsWith => "endswith",
            Lookup::IEndsWith => "iendswith",
            Lookup::Gt => "gt",
            Lookup::Gte => "gte",
            Lookup::Lt => "lt",
            Lookup::Lte => "lte",
            Lookup::In => "in",
            Lookup::IsNull => "isnull",
            Lookup::Range => "range",
            Lookup::Part(part) => part.name(),
        }
    }

    /// The lookup with the Django name `name`.
    pub fn from_name(name: &str) -> Option<Lookup> {
        Lookup::ALL.into_iter().find(|l| l.name() == name)
    }

    /// Whether the lookup only applies to text fields.
    pub fn is_text_only(self) -> bool {
        matches!(
            self,
            Lookup::IExact
                | Lookup::Contains
                | Lookup::IContains
                | Lookup::StartsWith
                | Lookup::IStartsWith
                | Lookup::EndsWith
                | Lookup::IEndsWith
        )
    }
}

impl fmt::Display for Lookup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A part of a date or a time, compared as a whole number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DatePart {
    /// 1 to 4.
    Quarter,
    /// 1 to 12.
    Month,
    /// The day of the month, 1 to 31.
    Day,
    /// 1 (Sunday) to 7 (Saturday), as Django's `week_day`.
    WeekDay,
    /// 0 to 23.
    Hour,
    /// 0 to 59.
    Minute,
    /// 0 to 59 (whole seconds).
    Second,
}

impl DatePart {
    /// Every part, in the order of their names' length.
    pub const ALL: [DatePart; 7] = [
        DatePart::Quarter,
        DatePart::Month,
        DatePart::Day,
        DatePart::WeekDay,
        DatePart::Hour,
        DatePart::Minute,
        DatePart::Second,
    ];

    /// The Django name: `month`, `week_day`...
    pub fn name(self) -> &'static str {
        match self {
            DatePart::Quarter => "quarter",
            DatePart::Month => "month",
            DatePart::Day => "day",
            DatePart::WeekDay => "week_day",
            DatePart::Hour => "hour",
            DatePart::Minute => "minute",
            DatePart::Second => "second",
        }
    }

    /// The part with the Django name `name`.
    pub fn from_name(name: &str) -> Option<DatePart> {
        DatePart::ALL.into_iter().find(|p| p.name() == name)
    }

    /// Whether a field of `kind` has this part: dates their date parts,
    /// times their time parts, date-times both.
    pub fn applies_to(self, kind: FieldKind) -> bool {
        let time_part = matches!(self, DatePart::Hour | DatePart::Minute | DatePart::Second);
        match kind {
            FieldKind::DateTime => true,
            FieldKind::Date => !time_part,
            FieldKind::Time => time_part,
            _ => false,
        }
    }

    /// The smallest and largest values the part takes.
    pub(crate) fn bounds(self) -> (i32, i32) {
        match self {
            DatePart::Quarter => (1, 4),
            DatePart::Month => (1, 12),
            DatePart::Day => (1, 31),
            DatePart::WeekDay => (1, 7),
            DatePart::Hour => (0, 23),
            DatePart::Minute | DatePart::Second => (0, 59),
        }
    }
}

/// What a field is compared with.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// One value (`exact`, `gt`, `contains`, ...).
    One(Value),
    /// A list (`in`).
    Many(Vec<Value>),
    /// Two bounds (`range`).
    Pair(Value, Value),
    /// A flag (`isnull`).
    Flag(bool),
}

/// One comparison: a field (by position in the model's schema), a lookup and
/// an operand.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The field's index in `ModelSchema::fields`.
    pub field: usize,
    /// The comparison.
    pub lookup: Lookup,
    /// What the field is compared with.
    pub operand: Operand,
}

/// A tree of conditions, like Django's `Q` objects.
#[derive(Debug, Clone, PartialEq)]
pub enum Q {
    /// One comparison.
    Condition(Condition),
    /// All must hold.
    And(Vec<Q>),
    /// One must hold.
    Or(Vec<Q>),
    /// Must not hold.
    Not(Box<Q>),
    /// The row that the foreign key `field` points at matches `q` (a
    /// condition on the target model): Django's `author__username=...`.
    Related {
        /// The foreign key's index in `ModelSchema::fields`.
        field: usize,
        /// The condition on the target.
        q: Box<Q>,
    },
    /// A row of another model, whose foreign key `field` points at this
    /// row, matches `q`: Django's reverse `article__is_published=True` on a
    /// user.
    Referenced {
        /// The label of the model holding the foreign key (`blog.Article`).
        model: String,
        /// The foreign key's index in that model's fields.
        field: usize,
        /// The condition on that model.
        q: Box<Q>,
    },
    /// A lookup into the JSON field `field` by a path of keys (Django's
    /// `data__owner__name`): see [`Field::key`](crate::query::Field::key).
    Json {
        /// The JSON field's index in `ModelSchema::fields`.
        field: usize,
        /// The keys, outermost first.
        path: Vec<String>,
        /// What is asked of the value there.
        test: JsonTest,
    },
    /// Two expressions over the row's fields compared
    /// (`F(Page::VIEWS).gt(F(Page::LIKES) * 2)`).
    Compare(Compare),
    /// The model's full-text index holds a word starting with each of these
    /// words (lower-case letters and digits): see
    /// [`Filter::full_text`](crate::query::Filter::full_text). No words:
    /// every row.
    FullText {
        /// The words, each the start of a word of the index.
        words: Vec<String>,
        /// Whether many rows are known to match (more than
        /// [`FULL_TEXT_KEYS`](crate::query::FULL_TEXT_KEYS)): an ordered
        /// query then walks its ordering's index and tests each row,
        /// instead of sorting every match.
        many: bool,
    },
}

impl Q {
    /// A full-text search for `words` (see [`Q::FullText`]), how many rows
    /// match not yet known.
    pub fn full_text(words: Vec<String>) -> Q {
        Q::FullText { words, many: false }
    }
}

impl BitAnd for Q {
    type Output = Q;
    fn bitand(self, rhs: Q) -> Q {
        match self {
            Q::And(mut all) => {
                all.push(rhs);
                Q::And(all)
            }
            lhs => Q::And(vec![lhs, rhs]),
        }
    }
}

impl BitOr for Q {
    type Output = Q;
    fn bitor(self, rhs: Q) -> Q {
        match self {
            Q::Or(mut any) => {
                any.push(rhs);
                Q::Or(any)
            }
            lhs => Q::Or(vec![lhs, rhs]),
        }
    }
}

impl Not for Q {
    type Output = Q;
    fn not(self) -> Q {
        Q::Not(Box::new(self))
    }
}

/// Escapes `%`, `_` and `\` so text is matched literally by `LIKE ... ESCAPE '\'`.
pub fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The `LIKE` pattern for a text lookup.
pub fn like_pattern(lookup: Lookup, text: &str) -> String {
    let text = escape_like(text);
    match lookup {
        Lookup::Contains | Lookup::IContains => format!("%{text}%"),
        Lookup::StartsWith | Lookup::IStartsWith => format!("{text}%"),
        Lookup::EndsWith | Lookup::IEndsWith => format!("%{text}"),
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(
            like_pattern(Lookup::IContains, "50%_off\\"),
            "%50\\%\\_off\\\\%"
        );
        assert_eq!(like_pattern(Lookup::StartsWith, "ab"), "ab%");
        assert_eq!(like_pattern(Lookup::EndsWith, "ab"), "%ab");
    }

    #[test]
    fn lookups_round_trip_names() {
        for lookup in Lookup::ALL {
            assert_eq!(Lookup::from_name(lookup.name()), Some(lookup));
        }
    }
}

/// An expression over a row's fields and constants, without its types
/// (built through [`F`](crate::query::F)).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tree {
    Field(usize),
    Constant(Value),
    Binary(Box<Tree>, &'static str, Box<Tree>),
    /// A database function of its arguments.
    Function(Function, Vec<Tree>),
}

/// What a lookup into a JSON field asks ([`Q::Json`]).
#[derive(Debug, Clone, PartialEq)]
pub enum JsonTest {
    /// The value at the path equals this JSON value.
    Equals(serde_json::Value),
    /// The path exists (its value may be JSON `null`).
    HasKey,
}

/// The database functions an expression may call (see
/// [`functions`](crate::query::Lower)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Function {
    Lower,
    Upper,
    Length,
    Concat,
    Coalesce,
    Extract(DatePart),
    ExtractYear,
    Trunc(TruncUnit),
}

/// What [`Trunc`](crate::query::Trunc) truncates a date or time to: the
/// first day of its year, quarter or month, or its day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TruncUnit {
    /// January 1st.
    Year,
    /// The first day of January, April, July or October.
    Quarter,
    /// The first day of the month.
    Month,
    /// The day itself.
    Day,
}

/// A comparison of two expressions over a row's fields (see
/// [`Expr::gt`](crate::query::Expr::gt)), as a filter holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Compare {
    pub(crate) lhs: Tree,
    pub(crate) op: &'static str,
    pub(crate) rhs: Tree,
}
