//! Cross-attribute checks, all run before any code is generated; each
//! mistake is reported at the attribute or type that causes it.

use std::collections::HashMap;

use proc_macro2::Span;

use crate::admin_check;
use crate::ast::{Container, Field, TypeClass};
use crate::attr::{DefaultLit, Spanned};
use crate::constraint_attr::ConstraintKind;
use crate::ctxt::Ctxt;
use crate::display;

/// Runs every check on the parsed model.
pub(crate) fn check(cx: &Ctxt, cont: &Container) {
    for field in &cont.many_to_many {
        check_many_to_many(cx, field);
    }
    for field in &cont.fields {
        check_field(cx, field);
    }
    check_primary_key(cx, cont);
    check_columns(cx, cont);
    check_field_lists(cx, cont);
    display::check(cx, cont);
    admin_check::check(cx, cont);
}

pub(crate) fn check_field(cx: &Ctxt, f: &Field) {
    let a = &f.attrs;
    let class = f.class;
    let is_string = class == TypeClass::String;
    if let Some(span) = a.max_length.span() {
        if !is_string {
            cx.error_at(
                span,
                format!(
                    "`max_length` applies to String fields, not {}\nhelp: remove `max_length`",
                    class.name()
                ),
            );
        }
    }
    if let Some(max) = a.max_length.get() {
        if max.value == 0 {
            cx.error_at(max.value_span, "`max_length` must be at least 1");
        }
    }
    check_kind(cx, f);
    if let Some(span) = a.through.span() {
        cx.error_at(
            span,
            format!(
                "`through` applies to ManyToMany fields, not {}\nhelp: remove `through`",
                class.name()
            ),
        );
    }
    for (name, span) in [
        ("auto_now", a.auto_now.span()),
        ("auto_now_add", a.auto_now_add.span()),
    ] {
        if let Some(span) = span {
            if !matches!(class, TypeClass::DateTime | TypeClass::Date) {
                cx.error_at(
                    span,
                    format!(
                        "`{name}` applies to DateTime<Utc> and NaiveDate fields, not {}\nhelp: make the field `DateTime<Utc>`, or remove `{name}`",
                        class.name()
                    ),
                );
            }
        }
    }
    if let (Some(_), Some(span)) = (a.auto_now.span(), a.auto_now_add.span()) {
        cx.error_at(
            span,
            "`auto_now_add` conflicts with `auto_now`: choose one\nhelp: `auto_now_add` sets the field on insert, `auto_now` on every save",
        );
    }
    for (name, span) in [
        ("max_digits", a.max_digits.span()),
        ("decimal_places", a.decimal_places.span()),
    ] {
        if let Some(span) = span {
            if class != TypeClass::Decimal {
                cx.error_at(
                    span,
                    format!(
                        "`{name}` applies to BigDecimal fields, not {}\nhelp: remove `{name}`",
                        class.name()
                    ),
                );
            }
        }
    }
    if let Some(digits) = a.max_digits.get() {
        if digits.value == 0 {
            cx.error_at(
                digits.value_span,
                "`max_digits` must be at least 1\nhelp: count every digit, as in `max_digits = 8, decimal_places = 2` for 999999.99",
            );
        }
    }
    if let (Some(digits), Some(places)) = (a.max_digits.get(), a.decimal_places.get()) {
        if places.value > digits.value {
            cx.error_at(
                places.value_span,
                format!(
                    "`decimal_places` cannot exceed `max_digits` ({})",
                    digits.value
                ),
            );
        }
    }
    if let Some(choices) = a.choices.get() {
        if !is_string {
            cx.error_at(
                choices.span,
                format!(
                    "`choices` applies to String fields, not {}\nhelp: derive `Choices` on an enum to store it as text choices",
                    class.name()
                ),
            );
        } else if choices.value.is_empty() {
            cx.error_at(
                choices.span,
                "`choices` needs at least one (value, label) pair",
            );
        } else if let Some(default) = a.default.get() {
            if let DefaultLit::Str(value) = &default.value {
                if !choices.value.iter().any(|(v, _)| v == value) {
                    let values: Vec<String> = choices
                        .value
                        .iter()
                        .map(|(v, _)| format!("\"{v}\""))
                        .collect();
                    cx.error_at(
                        default.value_span,
                        format!(
                            "the default \"{value}\" is not one of the choices\nhelp: write one of the stored values: {}",
                            values.join(", ")
                        ),
                    );
                }
            }
        }
    }
    check_foreign_key(cx, f);
    check_default(cx, f);
    check_indexable(cx, f);
    if let Some(span) = a.primary_key.span() {
        if f.nullable {
            cx.error_at(
                span,
                "a primary key cannot be an Option\nhelp: remove the `Option<...>`: a primary key is never NULL",
            );
        }
        if matches!(class, TypeClass::ForeignKey(_) | TypeClass::Custom) {
            cx.error_at(
                span,
                format!(
                    "{} cannot be a primary key\nhelp: use an integer, a String with `max_length`, or a Uuid",
                    class.name()
                ),
            );
        }
    }
}

/// `text`, `slug`, `email`, `url` and `max_length`: on strings only, and
/// one kind per field.
fn check_kind(cx: &Ctxt, f: &Field) {
    let a = &f.attrs;
    let is_string = f.class == TypeClass::String;
    let kinds = [
        ("text", a.text.span()),
        ("slug", a.slug.span()),
        ("email", a.email.span()),
        ("url", a.url.span()),
        ("file", a.file.span()),
        ("image", a.image.span()),
    ];
    let mut seen_kind: Option<&str> = None;
    for (name, span) in kinds {
        let Some(span) = span else { continue };
        if !is_string {
            cx.error_at(
                span,
                format!(
                    "`{name}` applies to String fields, not {}\nhelp: remove `{name}`",
                    f.class.name()
                ),
            );
        } else if let Some(first) = seen_kind {
            cx.error_at(
                span,
                format!(
                    "`{name}` conflicts with `{first}`: a field has one kind\nhelp: keep one of `{first}` and `{name}`"
                ),
            );
        } else {
            seen_kind = Some(name);
        }
    }
    if let (true, Some(_), Some(span)) = (is_string, a.text.span(), a.max_length.span()) {
        cx.error_at(
            span,
            "`max_length` conflicts with `text`: text has no length limit\nhelp: remove `text` for a bounded string, or `max_length` for unbounded text",
        );
    }
}

/// What MySQL cannot index about this field's column, if anything, and
/// how to make it indexable (none: it cannot be).
fn unindexable(f: &Field) -> Option<(&'static str, Option<&'static str>)> {
    let a = &f.attrs;
    match f.class {
        TypeClass::String if a.text.is_set() => Some((
            "unbounded text",
            Some("use `max_length = N` instead of `text`"),
        )),
        TypeClass::String
            if !(a.max_length.is_set()
                || a.slug.is_set()
                || a.email.is_set()
                || a.url.is_set()
                || a.choices.is_set()) =>
        {
            Some((
                "unbounded text",
                Some("add `#[field(max_length = N)]`: a String without it is unbounded text"),
            ))
        }
        TypeClass::Json => Some(("JSON", None)),
        TypeClass::Binary => Some(("binary data", None)),
        _ => None,
    }
}

/// `unique`, `index` and `primary_key` need a column MySQL can index.
fn check_indexable(cx: &Ctxt, f: &Field) {
    let Some((what, fix)) = unindexable(f) else {
        return;
    };
    let a = &f.attrs;
    for (name, span) in [
        ("unique", a.unique.span()),
        ("index", a.index.span()),
        ("primary_key", a.primary_key.span()),
    ] {
        if let Some(span) = span {
            let fix = fix.map_or_else(|| format!("remove `{name}`"), str::to_owned);
            cx.error_at(
                span,
                format!("`{name}` needs a bounded column: MySQL cannot index {what}\nhelp: {fix}"),
            );
        }
    }
}

fn check_foreign_key(cx: &Ctxt, f: &Field) {
    let a = &f.attrs;
    let is_fk = matches!(f.class, TypeClass::ForeignKey(_));
    if let Some(rule) = a.on_delete.get() {
        if !is_fk {
            cx.error_at(
                rule.span,
                format!(
                    "`on_delete` applies to ForeignKey fields, not {}\nhelp: make the field `ForeignKey<M>`, or remove `on_delete`",
                    f.class.name()
                ),
            );
        } else if rule.value == "SetNull" && !f.nullable {
            cx.error_at(
                rule.value_span,
                "`on_delete = SetNull` needs a nullable field\nhelp: make the field `Option<ForeignKey<...>>`",
            );
        }
    } else if is_fk {
        cx.error_spanned_by(
            f.ty,
            "a ForeignKey needs an `on_delete` rule\nhelp: add `#[field(on_delete = Cascade)]` (or Protect, SetNull, Restrict, DoNothing)",
        );
    }
    if let (true, Some(span)) = (f.one_to_one, a.unique.span()) {
        cx.error_at(span, "a OneToOne is unique already\nhelp: remove `unique`");
    }
    if let Some(span) = a.related_name.span() {
        if !is_fk {
            cx.error_at(
                span,
                "`related_name` applies to ForeignKey fields\nhelp: remove `related_name`",
            );
        } else if let (Some(name), Some(span)) =
            (a.related_name.value(), a.related_name.value_span())
        {
            if syn::parse_str::<syn::Ident>(&name).is_err() || name.starts_with('_') {
                cx.error_at(
                    span,
                    format!(
                        "`related_name` names a method on the target: `{name}` is not a Rust identifier\nhelp: write it in snake_case, e.g. `related_name = \"articles\"`"
                    ),
                );
            }
        }
    }
}

fn check_default(cx: &Ctxt, f: &Field) {
    let Some(default) = f.attrs.default.get() else {
        return;
    };
    let span = default.value_span;
    let class = f.class;
    let range = |min: i64, max: i64, v: i64| {
        if (min..=max).contains(&v) {
            None
        } else {
            Some(format!(
                "default {v} is out of range for {}\nhelp: {} holds {min}..={max}",
                class.name(),
                class.name()
            ))
        }
    };
    let error = match (&default.value, class) {
        (DefaultLit::Bool(_), TypeClass::Bool) => None,
        (DefaultLit::Int(v), TypeClass::I16) => range(i16::MIN.into(), i16::MAX.into(), *v),
        (DefaultLit::Int(v), TypeClass::I32) => range(i32::MIN.into(), i32::MAX.into(), *v),
        (DefaultLit::Int(_), TypeClass::I64 | TypeClass::Decimal) => None,
        (DefaultLit::Int(_) | DefaultLit::Float(_), TypeClass::F32 | TypeClass::F64) => None,
        (DefaultLit::Float(_), TypeClass::Decimal) => None,
        (DefaultLit::Str(_), TypeClass::String | TypeClass::Custom) => None,
        (DefaultLit::Str(s), TypeClass::Json) if !s.is_empty() => None,
        (_, TypeClass::Unsupported) => None,
        (_, class) => {
            let help = match class {
                TypeClass::Bool => "write `default = true` or `default = false`",
                TypeClass::I16 | TypeClass::I32 | TypeClass::I64 => {
                    "write a whole number, as in `default = 0`"
                }
                TypeClass::F32 | TypeClass::F64 | TypeClass::Decimal => {
                    "write a number, as in `default = 0.0`"
                }
                TypeClass::String | TypeClass::Custom => {
                    "write a string, as in `default = \"draft\"`"
                }
                TypeClass::Json => "write the JSON text, as in `default = \"{}\"`",
                _ => "remove `default`: this field type takes no literal default",
            };
            Some(format!(
                "this default does not fit a field of type {}\nhelp: {help}",
                class.name()
            ))
        }
    };
    if let Some(error) = error {
        cx.error_at(span, error);
    }
    if let (DefaultLit::Str(s), Some(max)) = (&default.value, f.attrs.max_length.value()) {
        if s.chars().count() > max as usize {
            cx.error_at(
                span,
                format!("the default is longer than max_length = {max}"),
            );
        }
    }
}

fn check_primary_key(cx: &Ctxt, cont: &Container) {
    let declared: Vec<&Field> = cont
        .fields
        .iter()
        .filter(|f| f.attrs.primary_key.is_set())
        .collect();
    if let Some(first) = declared.first() {
        for extra in &declared[1..] {
            if let Some(span) = extra.attrs.primary_key.span() {
                cx.error_at(
                    span,
                    format!(
                        "a model has one primary key: `{}` is already the primary key\nhelp: use `unique` for other fields that must not repeat",
                        first.name()
                    ),
                );
            }
        }
    } else {
        match cont.fields.iter().find(|f| f.name() == "id") {
            Some(id) if id.class == TypeClass::I64 && !id.nullable => {}
            Some(id) => cx.error_spanned_by(
                id.ty,
                "the implicit primary key `id` must be `i64`\nhelp: make it `pub id: i64`, or mark the field that is the key `#[field(primary_key)]`",
            ),
            None => cx.error_spanned_by(
                cont.ident,
                "a model needs a primary key\nhelp: add `pub id: i64` (auto-increment) or mark a field `#[field(primary_key)]`",
            ),
        }
    }
}

/// Names the generated diesel table module already uses for its own items.
const RESERVED_FIELD_NAMES: &[&str] = &["table", "columns", "dsl", "all_columns", "star"];

fn check_columns(cx: &Ctxt, cont: &Container) {
    let mut columns: HashMap<String, &Field> = HashMap::new();
    let mut consts: HashMap<String, &Field> = HashMap::new();
    for f in &cont.fields {
        let name = f.name();
        if RESERVED_FIELD_NAMES.contains(&name.as_str()) {
            cx.error_at(
                f.ident.span(),
                format!(
                    "`{name}` cannot be a field name: the generated table code uses it\nhelp: rename the field and keep the column with `#[field(db_column = \"{}\")]`",
                    f.column()
                ),
            );
        }
        let const_name = name.to_uppercase();
        if let Some(first) = consts.get(&const_name) {
            cx.error_at(
                f.ident.span(),
                format!(
                    "fields `{}` and `{name}` would both get the field handle `{const_name}`\nhelp: rename one of them",
                    first.name()
                ),
            );
        } else {
            consts.insert(const_name, f);
        }

        let column = f.column();
        if let Some(first) = columns.get(&column) {
            let span = f.attrs.db_column.span().unwrap_or_else(|| f.ident.span());
            let help = match first.class {
                TypeClass::ForeignKey(_) if !first.attrs.db_column.is_set() => format!(
                    "the ForeignKey `{}` stores its id in `{column}`; read it with `.{}.id()`, or remove this field",
                    first.name(),
                    first.name()
                ),
                _ => "give one of them another column with `#[field(db_column = \"...\")]`".to_owned(),
            };
            cx.error_at(
                span,
                format!(
                    "duplicate column `{column}`: field `{}` already uses it\nhelp: {help}",
                    first.name()
                ),
            );
        } else {
            columns.insert(column, f);
        }
    }
}

/// Two indexes of one model may not share a name: neither two given the
/// same name, nor two over the same fields in the same order (the derived
/// names would clash).
fn check_index_names(cx: &Ctxt, cont: &Container) {
    let Some(indexes) = cont.attrs.indexes.get() else {
        return;
    };
    let mut names: HashMap<String, ()> = HashMap::new();
    let mut lists: HashMap<Vec<String>, ()> = HashMap::new();
    for index in &indexes.value {
        match &index.name {
            Some(name) => {
                if names.insert(name.value.clone(), ()).is_some() {
                    cx.error_at(
                        name.span,
                        format!(
                            "duplicate index name `{}`\nhelp: give each index of the model its own name",
                            name.value
                        ),
                    );
                }
            }
            None => {
                let fields: Vec<String> = index.fields.iter().map(|f| f.value.clone()).collect();
                if let [only] = index.fields.as_slice() {
                    let indexed = cont
                        .fields
                        .iter()
                        .find(|f| f.name() == only.value)
                        .filter(|f| {
                            (matches!(f.class, TypeClass::ForeignKey(_)) || f.attrs.index.is_set())
                                && !f.attrs.unique.is_set()
                                && !f.attrs.primary_key.is_set()
                        });
                    if let Some(field) = indexed {
                        let why = if field.attrs.index.is_set() {
                            "it is marked `index`"
                        } else {
                            "every foreign key is indexed"
                        };
                        cx.error_at(
                            only.span,
                            format!(
                                "`{}` has an index of its own already ({why})\nhelp: remove this index",
                                only.value
                            ),
                        );
                        continue;
                    }
                }
                if lists.insert(fields.clone(), ()).is_some() {
                    if let Some(first) = index.fields.first() {
                        cx.error_at(
                            first.span,
                            format!(
                                "duplicate index on [{}]\nhelp: remove it, or name one of them: `indexes(name = [...])`",
                                fields.join(", ")
                            ),
                        );
                    }
                }
            }
        }
    }
}

/// `full_text = [...]` names text fields of a model keyed by an integer
/// (SQLite's FTS5 table is linked to the rows by their integer key), each
/// once.
fn check_full_text(cx: &Ctxt, cont: &Container) {
    let Some(full_text) = cont.attrs.full_text.get() else {
        return;
    };
    if full_text.value.is_empty() {
        cx.error_at(
            full_text.span,
            "`full_text` has an empty field list\nhelp: name the text fields to search, e.g. `full_text = [\"title\", \"content\"]`",
        );
    }
    let names: Vec<String> = cont.fields.iter().map(Field::name).collect();
    let mut seen = Vec::new();
    for item in &full_text.value {
        match cont.fields.iter().find(|f| f.name() == item.value) {
            None => cx.error_at(
                item.span,
                format!(
                    "`full_text` names unknown field `{}`\nhelp: the fields are: {}",
                    item.value,
                    names.join(", ")
                ),
            ),
            Some(f) if f.class != TypeClass::String => cx.error_at(
                item.span,
                format!(
                    "`full_text` names `{}`, which is not text\nhelp: a full-text index covers String fields (char, text, slug, email, url)",
                    item.value
                ),
            ),
            Some(_) if seen.contains(&item.value) => cx.error_at(
                item.span,
                format!("`full_text` names `{}` twice", item.value),
            ),
            Some(_) => seen.push(item.value.clone()),
        }
    }
    let key = cont
        .fields
        .iter()
        .find(|f| f.attrs.primary_key.is_set())
        .or_else(|| cont.fields.iter().find(|f| f.name() == "id"));
    if let Some(key) = key.filter(|f| f.class != TypeClass::I64) {
        cx.error_at(
            full_text.span,
            format!(
                "`full_text` needs an `i64` primary key, and `{}` is not one\nhelp: SQLite's full-text table refers to rows by their integer key; key the model by `pub id: i64`",
                key.name()
            ),
        );
    }
}

fn check_field_lists(cx: &Ctxt, cont: &Container) {
    check_index_names(cx, cont);
    crate::constraint_check::check_constraints(cx, cont);
    check_full_text(cx, cont);
    let field = |name: &str| cont.fields.iter().find(|f| f.name() == name);
    let names: Vec<String> = cont.fields.iter().map(Field::name).collect();
    let unknown = |attr: &str, name: &str, span: Span| {
        cx.error_at(
            span,
            format!(
                "`{attr}` names unknown field `{name}`\nhelp: the fields are: {}",
                names.join(", ")
            ),
        );
    };
    if let Some(ordering) = cont.attrs.ordering.get() {
        for item in &ordering.value {
            let name = item.value.strip_prefix('-').unwrap_or(&item.value);
            if field(name).is_none() {
                unknown("ordering", name, item.span);
            }
        }
    }
    let index_lists: Option<(Span, Vec<&Vec<Spanned<String>>>)> = cont
        .attrs
        .indexes
        .get()
        .map(|a| (a.span, a.value.iter().map(|index| &index.fields).collect()));
    let together_lists: Option<(Span, Vec<&Vec<Spanned<String>>>)> = cont
        .attrs
        .unique_together
        .get()
        .map(|a| (a.span, a.value.iter().collect()));
    let constraint_lists: Option<(Span, Vec<&Vec<Spanned<String>>>)> =
        cont.attrs.constraints.get().map(|a| {
            let lists = a.value.iter().filter_map(|decl| match &decl.kind {
                ConstraintKind::Unique { fields, .. } => Some(fields),
                ConstraintKind::Check(_) => None,
            });
            (a.span, lists.collect())
        });
    let lists = [
        ("indexes", index_lists),
        ("unique_together", together_lists),
        ("constraints", constraint_lists),
    ];
    for (attr, lists) in lists {
        let Some((span, lists)) = lists else { continue };
        for list in lists {
            if list.is_empty() {
                cx.error_at(span, format!("`{attr}` has an empty field list"));
            }
            for item in list {
                let name = match attr {
                    "unique_together" => item.value.as_str(),
                    _ => match crate::constraint_check::entry_field(&item.value) {
                        Ok(name) => name,
                        Err(message) => {
                            cx.error_at(item.span, format!("`{attr}`: {message}"));
                            continue;
                        }
                    },
                };
                match field(name) {
                    None => unknown(attr, name, item.span),
                    Some(f) => {
                        if let Some((what, fix)) = unindexable(f) {
                            let fix = match fix {
                                Some(fix) => format!("{fix} on `{name}`"),
                                None => format!("remove `{name}` from `{attr}`"),
                            };
                            cx.error_at(
                                item.span,
                                format!(
                                    "`{attr}` names `{name}`, a column of {what} that MySQL cannot index\nhelp: {fix}"
                                ),
                            );
                        }
                    }
                }
            }
        }
    }
}

/// The checks of `#[derive(Choices)]`: a plain enum of unit variants whose
/// stored values (`values`, with where each comes from) are distinct.
pub(crate) fn check_choices(
    cx: &Ctxt,
    input: &syn::DeriveInput,
    data: &syn::DataEnum,
    values: &[(String, Span)],
) {
    if !input.generics.params.is_empty() {
        cx.error_spanned_by(&input.generics, "a Choices enum cannot be generic");
    }
    if data.variants.is_empty() {
        cx.error_spanned_by(&input.ident, "a Choices enum needs at least one variant");
    }
    for variant in &data.variants {
        if !matches!(variant.fields, syn::Fields::Unit) {
            cx.error_spanned_by(
                &variant.fields,
                "a choice variant cannot have fields\nhelp: Choices stores each variant as its name; remove the fields",
            );
        }
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, (value, span)) in values.iter().enumerate() {
        if let Some(&first) = seen.get(value.as_str()) {
            let first = &data.variants[first].ident;
            cx.error_at(
                *span,
                format!(
                    "duplicate choice value `{value}`: variant `{first}` already uses it\nhelp: give one of them another `#[choice(value = \"...\")]`"
                ),
            );
        } else {
            seen.insert(value, i);
        }
    }
}

/// A many-to-many field is no column: only its names and form options apply.
fn check_many_to_many(cx: &Ctxt, f: &Field) {
    let a = &f.attrs;
    let column_only = [
        ("primary_key", a.primary_key.span()),
        ("max_length", a.max_length.span()),
        ("text", a.text.span()),
        ("slug", a.slug.span()),
        ("email", a.email.span()),
        ("url", a.url.span()),
        ("file", a.file.span()),
        ("image", a.image.span()),
        ("unique", a.unique.span()),
        ("index", a.index.span()),
        ("default", a.default.span()),
        ("auto_now", a.auto_now.span()),
        ("auto_now_add", a.auto_now_add.span()),
        ("on_delete", a.on_delete.span()),
        ("choices", a.choices.span()),
        ("editable", a.editable.span()),
        ("db_column", a.db_column.span()),
        ("max_digits", a.max_digits.span()),
        ("decimal_places", a.decimal_places.span()),
        ("related_name", a.related_name.span()),
        ("validators", a.validators.span()),
    ];
    for (name, span) in column_only {
        if let Some(span) = span {
            cx.error_at(
                span,
                format!("`{name}` does not apply to a ManyToMany field\nhelp: a ManyToMany field takes verbose_name, help_text, blank and through"),
            );
        }
    }
    if f.nullable {
        cx.error_spanned_by(
            f.ty,
            "a ManyToMany field cannot be an Option: no related object is an empty set\nhelp: write `ManyToMany<T>`",
        );
    }
}
