//! Cross-attribute checks, all run before any code is generated; each
//! mistake is reported at the attribute or type that causes it.

use std::collections::HashMap;

use crate::ast::{Container, Field, TypeClass};
use crate::attr::DefaultLit;
use crate::ctxt::Ctxt;

/// Runs every check on the parsed model.
pub(crate) fn check(cx: &Ctxt, cont: &Container) {
    for field in &cont.fields {
        check_field(cx, field);
    }
    check_primary_key(cx, cont);
    check_columns(cx, cont);
    check_field_lists(cx, cont);
}

fn check_field(cx: &Ctxt, f: &Field) {
    let a = &f.attrs;
    let class = f.class;
    let is_string = class == TypeClass::String;
    if let Some(span) = a.max_length.span() {
        if !is_string {
            cx.error_at(
                span,
                format!(
                    "`max_length` applies to String fields, not {}",
                    class.name()
                ),
            );
        }
    }
    let kinds: Vec<(&str, Option<proc_macro2::Span>)> = vec![
        ("text", a.text.span()),
        ("slug", a.slug.span()),
        ("email", a.email.span()),
        ("url", a.url.span()),
    ];
    let mut seen_kind: Option<&str> = None;
    for (name, span) in kinds {
        let Some(span) = span else { continue };
        if !is_string {
            cx.error_at(
                span,
                format!("`{name}` applies to String fields, not {}", class.name()),
            );
        } else if let Some(first) = seen_kind {
            cx.error_at(
                span,
                format!("`{name}` conflicts with `{first}`: a field has one kind"),
            );
        } else {
            seen_kind = Some(name);
        }
    }
    if let (Some(_), Some(span)) = (a.text.span(), a.max_length.span()) {
        cx.error_at(
            span,
            "`max_length` conflicts with `text`: text has no length limit",
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
                        "`{name}` applies to DateTime<Utc> and NaiveDate fields, not {}",
                        class.name()
                    ),
                );
            }
        }
    }
    if let (Some(_), Some(span)) = (a.auto_now.span(), a.auto_now_add.span()) {
        cx.error_at(span, "`auto_now_add` conflicts with `auto_now`: choose one");
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
                        "`{name}` applies to BigDecimal fields, not {}",
                        class.name()
                    ),
                );
            }
        }
    }
    if let (Some(digits), Some(places)) = (a.max_digits.get(), a.decimal_places.get()) {
        if places.value > digits.value {
            cx.error_at(places.span, "`decimal_places` cannot exceed `max_digits`");
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
        }
    }
    check_foreign_key(cx, f);
    check_default(cx, f);
    if let Some(span) = a.unique.span() {
        if is_string && a.text.is_set() {
            cx.error_at(
                span,
                "`unique` needs a bounded string: MySQL cannot index unbounded text\nhelp: use `max_length = N` instead of `text`",
            );
        }
    }
    if let Some(span) = a.primary_key.span() {
        if f.nullable {
            cx.error_at(span, "a primary key cannot be an Option");
        }
        if matches!(
            class,
            TypeClass::ForeignKey(_) | TypeClass::Json | TypeClass::Binary | TypeClass::Custom
        ) {
            cx.error_at(span, format!("{} cannot be a primary key", class.name()));
        }
    }
}

fn check_foreign_key(cx: &Ctxt, f: &Field) {
    let a = &f.attrs;
    let is_fk = matches!(f.class, TypeClass::ForeignKey(_));
    if let Some(rule) = a.on_delete.get() {
        if !is_fk {
            cx.error_at(rule.span, "`on_delete` applies to ForeignKey fields");
        } else if rule.value == "SetNull" && !f.nullable {
            cx.error_at(
                rule.span,
                "`on_delete = SetNull` needs a nullable field\nhelp: make the field `Option<ForeignKey<...>>`",
            );
        }
    } else if is_fk {
        cx.error_spanned_by(
            f.ty,
            "a ForeignKey needs an `on_delete` rule\nhelp: add `#[field(on_delete = Cascade)]` (or Protect, SetNull, Restrict, DoNothing)",
        );
    }
    if let Some(span) = a.related_name.span() {
        if !is_fk {
            cx.error_at(span, "`related_name` applies to ForeignKey fields");
        }
    }
}

fn check_default(cx: &Ctxt, f: &Field) {
    let Some(default) = f.attrs.default.get() else {
        return;
    };
    let fits = match (&default.value, f.class) {
        (DefaultLit::Bool(_), TypeClass::Bool) => true,
        (DefaultLit::Int(v), TypeClass::I16) => i16::try_from(*v).is_ok(),
        (DefaultLit::Int(v), TypeClass::I32) => i32::try_from(*v).is_ok(),
        (DefaultLit::Int(_), TypeClass::I64 | TypeClass::Decimal) => true,
        (DefaultLit::Int(_) | DefaultLit::Float(_), TypeClass::F32 | TypeClass::F64) => true,
        (DefaultLit::Float(_), TypeClass::Decimal) => true,
        (DefaultLit::Str(_), TypeClass::String | TypeClass::Custom) => true,
        (DefaultLit::Str(s), TypeClass::Json) => !s.is_empty(),
        _ => false,
    };
    if !fits {
        cx.error_at(
            default.span,
            format!(
                "this default does not fit a field of type {}",
                f.class.name()
            ),
        );
    }
    if let (DefaultLit::Str(s), Some(max)) = (&default.value, f.attrs.max_length.value()) {
        if s.chars().count() > max as usize {
            cx.error_at(
                default.span,
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
    for extra in declared.iter().skip(1) {
        if let Some(span) = extra.attrs.primary_key.span() {
            cx.error_at(
                span,
                "a model has one primary key: `primary_key` is already set on another field",
            );
        }
    }
    if declared.is_empty() {
        match cont.fields.iter().find(|f| f.name() == "id") {
            Some(id) if id.class == TypeClass::I64 && !id.nullable => {}
            Some(id) => cx.error_spanned_by(
                id.ty,
                "the implicit primary key `id` must be `i64`\nhelp: or mark another field `#[field(primary_key)]`",
            ),
            None => cx.error_spanned_by(
                cont.ident,
                "a model needs a primary key\nhelp: add `pub id: i64` (auto-increment) or mark a field `#[field(primary_key)]`",
            ),
        }
    }
}

fn check_columns(cx: &Ctxt, cont: &Container) {
    let mut columns: HashMap<String, &Field> = HashMap::new();
    for f in &cont.fields {
        let column = f.column();
        if let Some(first) = columns.get(&column) {
            let span = f.attrs.db_column.span().unwrap_or_else(|| f.ident.span());
            cx.error_at(
                span,
                format!(
                    "duplicate column `{column}`: field `{}` already uses it",
                    first.name()
                ),
            );
        } else {
            columns.insert(column, f);
        }
    }
}

fn check_field_lists(cx: &Ctxt, cont: &Container) {
    let known = |name: &str| cont.fields.iter().any(|f| f.name() == name);
    if let Some(ordering) = cont.attrs.ordering.get() {
        for item in &ordering.value {
            let name = item.value.strip_prefix('-').unwrap_or(&item.value);
            if !known(name) {
                cx.error_at(
                    item.span,
                    format!("`ordering` names unknown field `{name}`"),
                );
            }
        }
    }
    let lists = [
        ("indexes", cont.attrs.indexes.get()),
        ("unique_together", cont.attrs.unique_together.get()),
    ];
    for (attr, lists) in lists {
        let Some(lists) = lists else { continue };
        for list in &lists.value {
            if list.is_empty() {
                cx.error_at(lists.span, format!("`{attr}` has an empty field list"));
            }
            for item in list {
                let name = if attr == "indexes" {
                    item.value.strip_prefix('-').unwrap_or(&item.value)
                } else {
                    &item.value
                };
                if !known(name) {
                    cx.error_at(item.span, format!("`{attr}` names unknown field `{name}`"));
                }
            }
        }
    }
}
