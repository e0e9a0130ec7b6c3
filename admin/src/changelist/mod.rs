//! The changelist: one page of a model's objects with sorting, search,
//! filters, date drill-down and pagination, loaded in a constant number of
//! queries (a count, the rows with their foreign keys joined, and the
//! sidebar's own lists).

mod columns;
mod count;
mod dates;
pub(crate) mod export;
mod filters;
pub(crate) mod params;

use orm_core::db::query_key;
use orm_core::model_admin::{find_admin, AdminOps};
use orm_core::pagination::{num_pages, page_links, read_page, resolve_page_number};
use orm_core::query::{QuerySpec, Q};
use orm_core::{AnyConnection, Value};

use crate::display::plural_title;
use crate::kept::Kept;
use crate::permissions::ModelPerms;
use crate::site::AdminModel;
pub(crate) use columns::{Cell, CellKind, Header};
use count::{count_rows, exact_count, Known, RowCount};
use dates::{date_of, DateDrill, DateHierarchy};
use filters::FieldFilter;
pub(crate) use filters::FilterGroup;
use params::{ListParams, FACETS, ORDER, PAGE, SEARCH};

/// Most targets listed in a foreign-key filter.
const FILTER_TARGETS: i64 = 100;

/// A row of the list.
pub(crate) struct Row {
    pub(crate) pk: String,
    pub(crate) cells: Vec<Cell>,
    /// The checkbox's accessible name.
    pub(crate) label: String,
}

/// A page link.
pub(crate) struct PageLink {
    pub(crate) number: Option<i64>,
    pub(crate) url: String,
    pub(crate) current: bool,
}

/// Everything `change_list.html` shows.
pub(crate) struct ChangeList {
    pub(crate) title: String,
    pub(crate) plural: String,
    pub(crate) singular: String,
    pub(crate) add_url: Option<String>,
    pub(crate) searchable: bool,
    pub(crate) search: String,
    /// The other parameters, kept as hidden inputs of the search form.
    pub(crate) search_hidden: Vec<(String, String)>,
    pub(crate) headers: Vec<Header>,
    pub(crate) rows: Vec<Row>,
    pub(crate) filters: Vec<FilterGroup>,
    /// Whether the filters show their counts, and the link that toggles
    /// them.
    pub(crate) counts_shown: bool,
    pub(crate) counts_url: String,
    pub(crate) dates: Option<DateDrill>,
    /// `(name, description)` of each action offered.
    pub(crate) actions: Vec<(String, String)>,
    pub(crate) count: RowCount,
    /// The unfiltered count, when a filter or search is active.
    pub(crate) full_count: Option<RowCount>,
    pub(crate) clear_url: Option<String>,
    pub(crate) pages: Vec<PageLink>,
    pub(crate) num_pages: i64,
    /// The query string of this page, for the actions form to come back to.
    pub(crate) query: String,
}

/// The parameters the changelist of `model` accepts.
pub(crate) fn parse_params(model: &AdminModel, query: &str) -> ListParams {
    let filters = field_filters(model);
    let hierarchy = hierarchy(model);
    ListParams::parse(query, |key| {
        matches!(key, PAGE | SEARCH | ORDER | FACETS)
            || filters.iter().any(|f| f.accepts(key))
            || hierarchy.as_ref().is_some_and(|h| h.accepts(key))
    })
}

fn field_filters(model: &AdminModel) -> Vec<FieldFilter> {
    model
        .options
        .list_filter
        .iter()
        .filter_map(|name| FieldFilter::new(model.schema, name))
        .collect()
}

fn hierarchy(model: &AdminModel) -> Option<DateHierarchy> {
    model
        .options
        .date_hierarchy
        .and_then(|name| DateHierarchy::new(model.schema, name))
}

/// The rows a changelist with these parameters selects (for actions on
/// "all matching" and for the page itself): filters, hierarchy and search.
pub(crate) fn filter(model: &AdminModel, params: &ListParams) -> QuerySpec {
    let mut spec = QuerySpec::default();
    for filter in field_filters(model) {
        for q in filter.conditions(model.schema, params) {
            spec.and(q);
        }
    }
    if let Some(q) = hierarchy(model).and_then(|h| h.condition(params)) {
        spec.and(q);
    }
    if let Some(terms) = params.get(SEARCH) {
        if let Some(q) = search(model, terms) {
            spec.and(q);
        }
    }
    spec
}

/// Every word must be found, ignoring case, in one of `search_fields`
/// (its own text fields, or across foreign keys: `author__username`).
fn search(model: &AdminModel, terms: &str) -> Option<Q> {
    orm_core::query::search_by_names(model.schema, model.options.search_fields, terms)
}

impl ChangeList {
    /// Loads one page. Runs on a blocking thread: `conn` is held throughout.
    pub(crate) fn load(
        conn: &mut AnyConnection,
        model: &AdminModel,
        perms: ModelPerms,
        params: &ListParams,
        model_url: &str,
        kept: &Kept,
    ) -> orm_core::Result<ChangeList> {
        let schema = model.schema;
        let options = model.options;
        let (columns, methods) =
            columns::columns(schema, options.list_display, options.list_display_links);
        let sort = columns::requested_sort(&columns, params);
        let filtered = filter(model, params);
        let is_filtered = filtered.filter.is_some();

        let searched = params.get(SEARCH).is_some_and(|q| !q.trim().is_empty());
        let mut count = count_rows(conn, model, &filtered, searched, kept)?;
        let full_count = if is_filtered {
            Some(count_rows(conn, model, &QuerySpec::default(), false, kept)?)
        } else {
            None
        };
        let per_page = options.list_per_page.max(1);
        let requested = params.get(PAGE).unwrap_or("1");
        let mut page = resolve_page_number(requested, num_pages(count.rows, per_page));
        if !count.is_exact() && (page - 1) * per_page >= count.rows / 2 {
            // A page past the middle is read from the far end (below),
            // which needs to know exactly where that is.
            count = exact_count(conn, model, &filtered, &kept.counts)?;
            page = resolve_page_number(requested, num_pages(count.rows, per_page));
        }
        let num_pages = num_pages(count.rows, per_page);

        let mut spec = filtered.clone();
        spec.order = columns::ordering(schema, &columns, &sort, options.ordering);
        spec.select_related = columns::related_fields(schema, &columns);
        let objects = read_page(
            &spec,
            schema,
            count.rows,
            (page - 1) * per_page,
            per_page,
            |spec| (model.rows)(conn, spec, &methods),
        )?;

        let across = columns::values_across(conn, schema, &columns, &objects)?;
        let pk_index = schema.pk_index();
        let rows = objects
            .iter()
            .enumerate()
            .map(|(n, object)| {
                let pk = object
                    .values
                    .get(pk_index)
                    .map(Value::to_string)
                    .unwrap_or_default();
                let change_url = (perms.view || perms.change)
                    .then(|| format!("{model_url}{}/change/", encode_pk(&pk)));
                let cells: Vec<Cell> = columns
                    .iter()
                    .zip(&across)
                    .map(|(c, values)| {
                        let value = values.as_ref().and_then(|v| v.get(n));
                        columns::cell(schema, c, object, value, change_url.as_deref())
                    })
                    .collect();
                // The row's checkbox is named after what its first cell shows.
                let label = match cells.first() {
                    Some(first) if !first.text.is_empty() => format!("Select “{}”", first.text),
                    _ => format!("Select {} {pk}", schema.verbose_name),
                };
                Row { cells, pk, label }
            })
            .collect();

        // The sidebar's lists change only with writes, like the count.
        let show_counts = params.get(FACETS).is_some();
        let mut filters = Vec::new();
        for filter in field_filters(model) {
            // Counted with every other filter applied, not this one's own.
            let facets = if show_counts {
                let others = params.replace_prefix(filter.prefix(), &[]);
                Some(filter.facets(conn, model, &self::filter(model, &others))?)
            } else {
                None
            };
            let targets = match filter.target().and_then(|label| {
                let (app, name) = label.split_once('.')?;
                find_admin(app, name)
            }) {
                Some(target) => kept
                    .filter_choices
                    .get_or_compute(&target.schema().label(), || filter_choices(conn, &target))?,
                None => Vec::new(),
            };
            filters.push(filter.group(params, &targets, facets.as_ref()));
        }

        let dates = match hierarchy(model) {
            Some(h) => {
                let key = format!("{}:{}", h.field(), query_key(schema, &filtered));
                let span = kept
                    .date_spans
                    .get_or_compute(&key, || date_span(conn, model, &filtered, h.field()))?;
                Some(h.drill(params, span))
            }
            None => None,
        };

        let mut actions = Vec::new();
        if perms.delete {
            actions.push((
                "delete_selected".to_owned(),
                format!("Delete selected {}", schema.verbose_name_plural),
            ));
        }
        if perms.change {
            for action in options.actions {
                actions.push((action.name.to_owned(), action.description.to_owned()));
            }
        }
        actions.extend(export::actions(model));

        let search_hidden = params
            .pairs()
            .iter()
            .filter(|(k, _)| k != SEARCH && k != PAGE)
            .cloned()
            .collect();
        // "Clear all filters" keeps the search and the sort.
        let filtered_by_sidebar = params
            .pairs()
            .iter()
            .any(|(k, _)| !matches!(k.as_str(), PAGE | SEARCH | ORDER));
        let counts_url = if show_counts {
            params.replace_prefix(FACETS, &[]).query()
        } else {
            params
                .replace_prefix(FACETS, &[(FACETS.to_owned(), "True".to_owned())])
                .query()
        };
        Ok(ChangeList {
            counts_shown: show_counts,
            counts_url,
            title: format!(
                "Select {} to {}",
                schema.verbose_name,
                if perms.change { "change" } else { "view" }
            ),
            plural: plural_title(schema),
            singular: schema.verbose_name.to_string(),
            add_url: perms.add.then(|| format!("{model_url}add/")),
            searchable: !options.search_fields.is_empty(),
            search: params.get(SEARCH).unwrap_or("").to_owned(),
            search_hidden,
            headers: {
                let marked = if sort.is_empty() {
                    columns::default_sort(schema, &columns, options.ordering)
                } else {
                    sort.clone()
                };
                columns::headers(&columns, &sort, &marked, params)
            },
            rows,
            filters,
            dates,
            actions,
            count,
            full_count,
            clear_url: filtered_by_sidebar
                .then(|| params.only(|k| k == ORDER || k == SEARCH).query()),
            pages: page_links(page, num_pages)
                .into_iter()
                // More pages follow the last one counted.
                .chain((count.known == Known::MoreThan).then_some(None))
                .map(|number| PageLink {
                    number,
                    url: number
                        .map(|n| params.with(PAGE, Some(&n.to_string())).query())
                        .unwrap_or_default(),
                    current: number == Some(page),
                })
                .collect(),
            num_pages,
            query: params.query(),
        })
    }
}

/// The first [`FILTER_TARGETS`] objects of a foreign-key filter's target
/// model, as `(primary key, text)`.
fn filter_choices(
    conn: &mut AnyConnection,
    target: &AdminOps,
) -> orm_core::Result<Vec<(String, String)>> {
    let schema = target.schema();
    let spec = QuerySpec {
        limit: Some(FILTER_TARGETS),
        order: QuerySpec::default_order(schema),
        ..QuerySpec::default()
    };
    let pk = schema.pk_index();
    Ok((target.rows)(conn, &spec, &[])?
        .into_iter()
        .map(|row| {
            let key = row.values.get(pk).map(Value::to_string).unwrap_or_default();
            (key, row.repr)
        })
        .collect())
}

/// The first and last dates among the rows: one statement of two indexed
/// one-row subqueries.
fn date_span(
    conn: &mut AnyConnection,
    model: &AdminModel,
    filtered: &QuerySpec,
    field: usize,
) -> orm_core::Result<Option<(chrono::NaiveDate, chrono::NaiveDate)>> {
    let edges = orm_core::query::field_edges(conn, &model.ops, filtered, field)?;
    Ok(edges.and_then(|(first, last)| date_of(&first).zip(date_of(&last))))
}

/// A primary key as a URL path segment.
pub(crate) fn encode_pk(pk: &str) -> String {
    form_urlencoded::byte_serialize(pk.as_bytes()).collect()
}
