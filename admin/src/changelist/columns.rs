//! The changelist's columns: what each shows, whether it sorts, and the
//! header links that change the sort (`o=2.-1`).

use orm_core::db::AnyConnection;
use orm_core::model_admin::ObjectRow;
use orm_core::query::{field_path, FieldPath, OrderBy};
use orm_core::schema::{FieldKind, FieldSchema, ModelSchema};
use orm_core::Value;

use super::params::{ListParams, ORDER};
use crate::display::{field_label, method_label, path_label, singular_title, value_text};

/// What a column shows.
#[derive(Clone)]
pub(crate) enum Source {
    /// The object's `Display`.
    Repr,
    /// A field (schema index).
    Field(usize),
    /// A field across foreign keys (`author__username`).
    Across(FieldPath),
    /// A method column (index among the requested methods).
    Method(usize),
}

impl Source {
    /// Whether the column sorts (a field, here or across relations).
    fn sorts(&self) -> bool {
        self.sort_key(false).is_some()
    }

    /// The sort key of the column, when it sorts.
    fn sort_key(&self, descending: bool) -> Option<OrderBy> {
        match self {
            Source::Field(field) => Some(OrderBy::new(*field, descending)),
            Source::Across(across) => Some(OrderBy {
                field: across.field,
                descending,
                path: across.path.clone(),
            }),
            Source::Repr | Source::Method(_) => None,
        }
    }
}

/// Whether two sort keys sort by the same field, whatever their direction.
fn same_field(a: &OrderBy, b: &OrderBy) -> bool {
    a.field == b.field && a.path == b.path
}

/// One column.
pub(crate) struct Column {
    pub(crate) label: String,
    pub(crate) source: Source,
    /// Links to the change form.
    pub(crate) link: bool,
}

/// The columns of `list_display` (the object's `Display` when empty), and
/// the names of the method columns in order.
pub(crate) fn columns(
    schema: &'static ModelSchema,
    list_display: &'static [&'static str],
    links: &[&str],
) -> (Vec<Column>, Vec<&'static str>) {
    if list_display.is_empty() {
        let column = Column {
            label: singular_title(schema),
            source: Source::Repr,
            link: true,
        };
        return (vec![column], Vec::new());
    }
    let mut methods = Vec::new();
    let columns = list_display
        .iter()
        .enumerate()
        .map(|(position, name)| {
            let link = if links.is_empty() {
                position == 0
            } else {
                links.contains(name)
            };
            if name.contains("__") {
                if let Ok(across) = field_path(schema, name) {
                    return Column {
                        label: path_label(name, across.target()),
                        source: Source::Across(across),
                        link,
                    };
                }
            }
            match schema.field_index(name) {
                Some(index) => Column {
                    label: field_label(&schema.fields[index]),
                    source: Source::Field(index),
                    link,
                },
                None => {
                    methods.push(*name);
                    Column {
                        label: method_label(name),
                        source: Source::Method(methods.len() - 1),
                        link,
                    }
                }
            }
        })
        .collect();
    (columns, methods)
}

/// The foreign-key fields shown, to load with a join.
pub(crate) fn related_fields(schema: &ModelSchema, columns: &[Column]) -> Vec<usize> {
    columns
        .iter()
        .filter_map(|c| match c.source {
            Source::Field(i) if schema.fields[i].kind == FieldKind::ForeignKey => Some(i),
            _ => None,
        })
        .collect()
}

/// How a cell looks.
pub(crate) enum CellKind {
    Text,
    Yes,
    No,
    Empty,
}

/// One cell.
pub(crate) struct Cell {
    pub(crate) text: String,
    pub(crate) kind: CellKind,
    pub(crate) link: Option<String>,
}

/// For each column across relations, the values of the page's rows (in
/// row order); nothing for the other columns. One query per step of each
/// path.
pub(crate) fn values_across(
    conn: &mut AnyConnection,
    schema: &'static ModelSchema,
    columns: &[Column],
    rows: &[ObjectRow],
) -> orm_core::Result<Vec<Option<Vec<Value>>>> {
    columns
        .iter()
        .map(|column| match &column.source {
            Source::Across(across) => {
                let first = across.path[0];
                let keys: Vec<Value> = rows
                    .iter()
                    .map(|row| row.values.get(first).cloned().unwrap_or(Value::Null))
                    .collect();
                orm_core::query::values_across(conn, schema, across, &keys).map(Some)
            }
            _ => Ok(None),
        })
        .collect()
}

/// The cell of `column` for `row`; `across` is the row's value when the
/// column is across relations; `change_url` is the object's change page.
pub(crate) fn cell(
    schema: &ModelSchema,
    column: &Column,
    row: &ObjectRow,
    across: Option<&Value>,
    change_url: Option<&str>,
) -> Cell {
    let (text, kind) = match &column.source {
        Source::Repr => (row.repr.clone(), CellKind::Text),
        Source::Method(i) => (
            row.methods.get(*i).cloned().unwrap_or_default(),
            CellKind::Text,
        ),
        Source::Field(i) => {
            let related = row.related.get(*i).cloned().flatten();
            value_cell(&schema.fields[*i], row.values.get(*i), related)
        }
        Source::Across(path) => value_cell(path.target(), across, None),
    };
    let text = if text.is_empty() {
        "-".to_owned()
    } else {
        text
    };
    Cell {
        text,
        kind,
        link: column.link.then(|| change_url.map(str::to_owned)).flatten(),
    }
}

/// The text and look of a field's value; `related` is the `Display` of a
/// foreign key's target when it was loaded.
fn value_cell(
    field: &FieldSchema,
    value: Option<&Value>,
    related: Option<String>,
) -> (String, CellKind) {
    match value {
        None | Some(Value::Null) => ("-".to_owned(), CellKind::Empty),
        Some(Value::Bool(true)) => ("Yes".to_owned(), CellKind::Yes),
        Some(Value::Bool(false)) => ("No".to_owned(), CellKind::No),
        Some(value) => (
            related.unwrap_or_else(|| value_text(field, value)),
            CellKind::Text,
        ),
    }
}

/// The sort asked for by `o`: `(column position from 0, descending)`, for
/// columns that sort (fields); anything else in `o` is ignored.
pub(crate) fn requested_sort(columns: &[Column], params: &ListParams) -> Vec<(usize, bool)> {
    let mut sort: Vec<(usize, bool)> = Vec::new();
    for part in params.get(ORDER).unwrap_or("").split('.') {
        let (descending, digits) = match part.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, part),
        };
        let Ok(position) = digits.parse::<usize>() else {
            continue;
        };
        let Some(index) = position.checked_sub(1) else {
            continue;
        };
        let sortable = columns.get(index).is_some_and(|c| c.source.sorts());
        if sortable && !sort.iter().any(|(i, _)| *i == index) {
            sort.push((index, descending));
        }
    }
    sort
}

/// The admin's ordering, or the model's when the admin sets none, as sort
/// keys; `None` for a name that is no field.
fn default_keys<'a>(
    schema: &'static ModelSchema,
    default: &'a [&'a str],
) -> impl Iterator<Item = Option<OrderBy>> + 'a {
    let names: Vec<&str> = if default.is_empty() {
        schema.ordering.iter().map(|s| s.as_ref()).collect()
    } else {
        default.to_vec()
    };
    names.into_iter().map(move |name| {
        let (descending, name) = match name.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, name),
        };
        field_path(schema, name).ok().map(|across| OrderBy {
            field: across.field,
            descending,
            path: across.path,
        })
    })
}

/// The admin's (or model's) ordering as column sorts, for the headers of a
/// list sorted by default: the leading keys that are columns, so that the
/// page marks the column it is sorted by (clicking it then reverses it).
pub(crate) fn default_sort(
    schema: &'static ModelSchema,
    columns: &[Column],
    default: &[&str],
) -> Vec<(usize, bool)> {
    default_keys(schema, default)
        .map_while(|key| {
            let key = key?;
            let position = columns.iter().position(|c| {
                c.source
                    .sort_key(false)
                    .is_some_and(|own| same_field(&own, &key))
            })?;
            Some((position, key.descending))
        })
        .collect()
}

/// The query's ordering: the requested sort, then the admin's (or model's)
/// ordering, then the primary key, so pages never overlap.
pub(crate) fn ordering(
    schema: &'static ModelSchema,
    columns: &[Column],
    sort: &[(usize, bool)],
    default: &[&str],
) -> Vec<OrderBy> {
    let mut order: Vec<OrderBy> = sort
        .iter()
        .filter_map(|(position, descending)| columns[*position].source.sort_key(*descending))
        .collect();
    for key in default_keys(schema, default).flatten() {
        if !order.iter().any(|o| same_field(o, &key)) {
            order.push(key);
        }
    }
    let mut spec = orm_core::query::QuerySpec {
        order,
        ..Default::default()
    };
    spec.make_stable(schema);
    spec.order
}

/// A column header.
pub(crate) struct Header {
    pub(crate) label: String,
    /// Link making this column the first sort key (toggled when it is).
    pub(crate) sort_url: Option<String>,
    /// `ascending` / `descending` when sorted.
    pub(crate) sorted: Option<&'static str>,
    /// 1 for the first sort key, when several columns sort.
    pub(crate) priority: Option<usize>,
    /// Link removing this column from the sort.
    pub(crate) remove_url: Option<String>,
}

/// The headers, with links that keep the other parameters.
pub(crate) fn headers(
    columns: &[Column],
    sort: &[(usize, bool)],
    marked: &[(usize, bool)],
    params: &ListParams,
) -> Vec<Header> {
    let encode = |keys: &[(usize, bool)]| -> Option<String> {
        let text: Vec<String> = keys
            .iter()
            .map(|(i, desc)| format!("{}{}", if *desc { "-" } else { "" }, i + 1))
            .collect();
        (!text.is_empty()).then(|| text.join("."))
    };
    columns
        .iter()
        .enumerate()
        .map(|(position, column)| {
            if !column.source.sorts() {
                return Header {
                    label: column.label.clone(),
                    sort_url: None,
                    sorted: None,
                    priority: None,
                    remove_url: None,
                };
            }
            // The links build on the requested sort; the marks show the
            // sort in force (the default one when none was requested).
            let others: Vec<(usize, bool)> = sort
                .iter()
                .filter(|(i, _)| *i != position)
                .copied()
                .collect();
            let current = marked.iter().position(|(i, _)| *i == position);
            let descending_now = current.map(|c| marked[c].1);
            let toggled = match (current, descending_now) {
                (Some(0), Some(desc)) => !desc,
                _ => false,
            };
            let mut first = vec![(position, toggled)];
            first.extend(others.iter().copied());
            Header {
                label: column.label.clone(),
                sort_url: Some(params.with(ORDER, encode(&first).as_deref()).query()),
                sorted: descending_now.map(|d| if d { "descending" } else { "ascending" }),
                priority: current.filter(|_| marked.len() > 1).map(|c| c + 1),
                // A default sort is not removed, only replaced.
                remove_url: sort
                    .iter()
                    .any(|(i, _)| *i == position)
                    .then(|| params.with(ORDER, encode(&others).as_deref()).query()),
            }
        })
        .collect()
}
