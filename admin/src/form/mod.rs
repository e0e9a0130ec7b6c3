//! Add and change forms: which fields they show, what the inputs hold, and
//! turning a submitted form back into field values with a message beside
//! each field that is wrong. What the user typed is always kept.

mod data;

use std::collections::HashMap;

use orm_core::forms::{is_placeholder, read_field, read_upload};
use orm_core::model_admin::{find_admin, names_a_row, AdminOps, INVALID_CHOICE};
use orm_core::query::QuerySpec;
use orm_core::schema::{FieldKind, FieldSchema};
use orm_core::validation::validate_values;
use orm_core::{AnyConnection, Value};

pub(crate) use data::FormData;
pub(crate) use orm_core::forms::{SelectOption, Widget};

use crate::display::{field_label, input_text, value_text};
use crate::site::AdminModel;
use orm_core::fields::ManyToManyOps as ManyToManyField;

/// Most targets listed in a foreign-key `<select>`; a larger table gets the
/// autocomplete input instead, which searches it as the user types.
const SELECT_LIMIT: i64 = 200;

/// Most targets listed in a many-to-many `<select>`.
const MULTIPLE_SELECT_LIMIT: i64 = 1000;

/// What a form field edits.
#[derive(Clone, Copy)]
pub(crate) enum Target {
    /// A column (schema field index).
    Column(usize),
    /// A many-to-many field (index in `schema.many_to_many`).
    ManyToMany(usize),
}

/// One field of the form, as configured.
#[derive(Clone, Copy)]
pub(crate) struct Spec {
    pub(crate) name: &'static str,
    pub(crate) target: Target,
    pub(crate) readonly: bool,
}

/// The form's fields, in order: `fields` (or every editable field and
/// many-to-many field), less `exclude`; `readonly_fields` and non-editable
/// fields listed by name are shown read-only.
pub(crate) fn specs(model: &AdminModel, view_only: bool) -> Vec<Spec> {
    let schema = model.schema;
    let options = model.options;
    let readonly = |name: &str| view_only || options.readonly_fields.contains(&name);
    let named = |name: &'static str| -> Option<Spec> {
        if let Some(index) = schema.field_index(name) {
            let field = &schema.fields[index];
            return Some(Spec {
                name,
                target: Target::Column(index),
                readonly: readonly(name) || !field.editable,
            });
        }
        let index = schema.many_to_many.iter().position(|m| m.name == name)?;
        Some(Spec {
            name,
            target: Target::ManyToMany(index),
            readonly: readonly(name),
        })
    };
    let in_sections: Vec<&'static str> = options
        .fieldsets
        .iter()
        .flat_map(|set| set.fields.iter().copied())
        .collect();
    let names: Vec<&'static str> = if !in_sections.is_empty() {
        in_sections
    } else if options.fields.is_empty() {
        let mut names: Vec<&'static str> = Vec::new();
        for field in schema.fields.iter() {
            let name: &'static str = static_name(schema, &field.name);
            let shown = field.editable || options.readonly_fields.contains(&name);
            if !(field.primary_key && field.auto_increment) && shown {
                names.push(name);
            }
        }
        // As Django's admin: a relation through a join model of the
        // project's (which may hold fields of its own) is edited as rows
        // of that model, not with the select.
        let auto_created = |m: &orm_core::schema::ManyToManySchema| {
            orm_core::fields::ManyToManyOps::resolve(schema, m)
                .is_some_and(|ops| ops.auto_created())
        };
        for m in schema.many_to_many.iter().filter(|m| auto_created(m)) {
            names.push(static_m2m_name(schema, &m.name));
        }
        names
    } else {
        options.fields.to_vec()
    };
    names
        .into_iter()
        .filter(|name| !options.exclude.contains(name))
        .filter_map(named)
        .collect()
}

/// The schema's `&'static str` for a field name (the IR is static).
fn static_name(schema: &'static orm_core::schema::ModelSchema, name: &str) -> &'static str {
    schema
        .fields
        .iter()
        .find(|f| f.name == name)
        .map_or("", |f| match &f.name {
            std::borrow::Cow::Borrowed(s) => s,
            std::borrow::Cow::Owned(_) => "",
        })
}

fn static_m2m_name(schema: &'static orm_core::schema::ModelSchema, name: &str) -> &'static str {
    schema
        .many_to_many
        .iter()
        .find(|m| m.name == name)
        .map_or("", |m| match &m.name {
            std::borrow::Cow::Borrowed(s) => s,
            std::borrow::Cow::Owned(_) => "",
        })
}

/// What the inputs hold and the messages beside them.
#[derive(Debug, Clone, Default)]
pub(crate) struct FormState {
    text: HashMap<&'static str, String>,
    multi: HashMap<&'static str, Vec<String>>,
    pub(crate) errors: HashMap<String, Vec<String>>,
    pub(crate) non_field: Vec<String>,
    /// The saved object's [`version_of`] when the form was shown (sent back
    /// to detect a concurrent edit).
    pub(crate) version: Option<String>,
}

/// A short fingerprint of an object's saved values: two admins editing the
/// same object are told when the other saved first.
pub(crate) fn version_of(values: &[Value]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{values:?}").as_bytes());
    digest.iter().take(10).map(|b| format!("{b:02x}")).collect()
}

impl FormState {
    /// The inputs of an object's values (and its many-to-many selections).
    pub(crate) fn from_values(
        model: &AdminModel,
        specs: &[Spec],
        values: &[Value],
        selected: HashMap<&'static str, Vec<String>>,
    ) -> FormState {
        let mut text = HashMap::new();
        for spec in specs {
            if let Target::Column(i) = spec.target {
                let field = &model.schema.fields[i];
                let shown = if spec.readonly {
                    value_text(field, &values[i])
                } else {
                    input_text(field, &values[i])
                };
                text.insert(spec.name, shown);
            }
        }
        FormState {
            text,
            multi: selected,
            ..FormState::default()
        }
    }

    /// Shows `-` for every read-only field: an object being added has no
    /// values of its own yet.
    pub(crate) fn clear_readonly(&mut self, specs: &[Spec]) {
        for spec in specs.iter().filter(|s| s.readonly) {
            self.text.insert(spec.name, String::new());
        }
    }

    /// Leaves empty, in an add form, the inputs of required numbers, dates,
    /// times and UUIDs that declare no default: nobody should save a `0`,
    /// today's date or a random key they did not choose (Django's forms
    /// start them empty too). Their field's initial value is only a placeholder.
    pub(crate) fn clear_unchosen(&mut self, model: &AdminModel, specs: &[Spec]) {
        for spec in specs.iter().filter(|s| !s.readonly) {
            let Target::Column(i) = spec.target else {
                continue;
            };
            if is_placeholder(&model.schema.fields[i]) {
                self.text.insert(spec.name, String::new());
            }
        }
    }

    /// Adds a message beside a field (or above the form for `None`).
    pub(crate) fn error(&mut self, field: Option<&str>, message: impl Into<String>) {
        match field {
            Some(name) => self
                .errors
                .entry(name.to_owned())
                .or_default()
                .push(message.into()),
            None => self.non_field.push(message.into()),
        }
    }

    pub(crate) fn is_valid(&self) -> bool {
        self.errors.is_empty() && self.non_field.is_empty()
    }

    pub(crate) fn error_count(&self) -> usize {
        self.errors.len() + self.non_field.len()
    }
}

/// A submitted form turned into values.
pub(crate) struct Bound {
    /// Every field's value: the submitted ones over `base`.
    pub(crate) values: Vec<Value>,
    /// New many-to-many selections.
    pub(crate) many_to_many: Vec<(usize, Vec<Value>)>,
    pub(crate) state: FormState,
    /// Labels of the fields whose value differs from `base`.
    pub(crate) changed: Vec<String>,
    /// Files chosen in file fields: stored before the row is written.
    pub(crate) uploads: Vec<(usize, orm_core::forms::UploadedFile)>,
}

/// Reads the submitted form over `base` (the object's current values, or
/// the initial values when adding). Read-only fields keep their value.
pub(crate) fn bind(
    model: &AdminModel,
    specs: &[Spec],
    base: &[Value],
    form: &FormData,
    selected_before: &HashMap<&'static str, Vec<String>>,
) -> Bound {
    let schema = model.schema;
    let mut values = base.to_vec();
    let mut state = FormState::from_values(model, specs, base, selected_before.clone());
    let mut many_to_many = Vec::new();
    let mut changed = Vec::new();
    let mut failed: Vec<&str> = Vec::new();
    let mut uploads = Vec::new();
    for spec in specs.iter().filter(|s| !s.readonly) {
        match spec.target {
            Target::Column(i) if schema.fields[i].kind.is_upload() => {
                let field = &schema.fields[i];
                match read_upload(field, form, spec.name) {
                    Ok(upload) => {
                        if let Some((value, file)) = upload.into_value(field) {
                            // A new file is a change even under the same name.
                            if file.is_some() || differs(field, &value, &base[i]) {
                                changed.push(field_label(field).to_lowercase());
                            }
                            values[i] = value;
                            uploads.extend(file.map(|file| (i, file)));
                        }
                    }
                    Err(message) => {
                        state.error(Some(spec.name), message);
                        failed.push(spec.name);
                    }
                }
            }
            Target::Column(i) => {
                let field = &schema.fields[i];
                let read = read_field(field, form, spec.name);
                state.text.insert(spec.name, read.text);
                match read.value {
                    // A value the form shows as it was sent keeps what is
                    // stored: saving unchanged writes nothing new.
                    Ok(value) if differs(field, &value, &base[i]) => {
                        changed.push(field_label(field).to_lowercase());
                        values[i] = value;
                    }
                    Ok(_) => {}
                    Err(message) => {
                        state.error(Some(spec.name), message);
                        failed.push(spec.name);
                    }
                }
            }
            Target::ManyToMany(m) => {
                let field = &schema.many_to_many[m];
                let raw: Vec<String> = form
                    .all(spec.name)
                    .into_iter()
                    .filter(|v| !v.trim().is_empty())
                    .map(str::to_owned)
                    .collect();
                state.multi.insert(spec.name, raw.clone());
                let mut ids = Vec::new();
                for text in &raw {
                    match text.trim().parse::<i64>() {
                        Ok(id) => ids.push(Value::BigInt(id)),
                        Err(_) => {
                            state.error(Some(spec.name), format!("“{text}” is not a valid value."));
                        }
                    }
                }
                if ids.is_empty() && !field.blank {
                    state.error(Some(spec.name), "This field is required.");
                }
                let mut before = selected_before.get(spec.name).cloned().unwrap_or_default();
                let mut after = raw.clone();
                before.sort();
                after.sort();
                if before != after {
                    changed.push(field.name.replace('_', " "));
                }
                many_to_many.push((m, ids));
            }
        }
    }
    // The model's own checks (length, slug, e-mail, choices...) on every
    // field that parsed.
    for (name, messages) in validate_values(schema, &values).iter() {
        let shown = specs.iter().any(|s| s.name == name && !s.readonly);
        if failed.contains(&name) {
            continue;
        }
        for message in messages {
            if shown {
                state.error(Some(name), message.clone());
            } else if name == orm_core::constraints::NON_FIELD {
                state.error(None, message.clone());
            } else {
                state.error(None, format!("{}: {message}", name.replace('_', " ")));
            }
        }
    }
    Bound {
        values,
        many_to_many,
        state,
        changed,
        uploads,
    }
}

/// Stores the files chosen in the form and puts their names in its values;
/// what was stored, to discard if the write fails. When the storage
/// refuses one, the field gets the message (`Err`) and nothing stays stored.
pub(crate) fn store_uploads(
    schema: &'static orm_core::schema::ModelSchema,
    bound: &mut Bound,
) -> Result<Vec<(usize, String)>, ()> {
    match orm_core::forms::store_uploads(schema, std::mem::take(&mut bound.uploads)) {
        Ok(stored) => {
            for (index, name) in &stored {
                bound.values[*index] = Value::Text(name.clone());
            }
            Ok(stored)
        }
        Err(index) => {
            bound.state.error(
                Some(&schema.fields[index].name),
                orm_core::forms::NOT_STORED,
            );
            Err(())
        }
    }
}

/// Whether a submitted value differs from the stored one. Decimals and
/// times are compared as the form showed them: decimals at their field's
/// scale (SQLite hands back `12.5` as `12.4999999999999996`), times and
/// date-times to the second (what was saved by code may hold fractions).
fn differs(field: &FieldSchema, new: &Value, old: &Value) -> bool {
    match (new, old) {
        (Value::Decimal(_), Value::Decimal(_))
        | (Value::DateTime(_), Value::DateTime(_))
        | (Value::Time(_), Value::Time(_)) => input_text(field, new) != input_text(field, old),
        _ => new != old,
    }
}

/// Checks that every foreign key and many-to-many choice names an existing
/// row (Django's "Select a valid choice").
pub(crate) fn check_targets(
    conn: &mut AnyConnection,
    model: &AdminModel,
    specs: &[Spec],
    bound: &mut Bound,
) -> orm_core::Result<()> {
    for spec in specs.iter().filter(|s| !s.readonly) {
        if bound.state.errors.contains_key(spec.name) {
            continue;
        }
        match spec.target {
            Target::Column(i) => {
                if !names_a_row(conn, &model.schema.fields[i], &bound.values[i])? {
                    bound.state.error(Some(spec.name), INVALID_CHOICE);
                }
            }
            Target::ManyToMany(m) => {
                let Some(field) =
                    ManyToManyField::resolve(model.schema, &model.schema.many_to_many[m])
                else {
                    continue;
                };
                let Some((_, ids)) = bound.many_to_many.iter().find(|(index, _)| *index == m)
                else {
                    continue;
                };
                let mut unique = ids.clone();
                unique.sort_by_key(|v| v.as_i64());
                unique.dedup();
                if field.existing(conn, &unique)? != unique.len() as i64 {
                    bound.state.error(Some(spec.name), INVALID_CHOICE);
                }
            }
        }
    }
    Ok(())
}

fn by_label(label: &str) -> Option<AdminOps> {
    let (app, name) = label.split_once('.')?;
    find_admin(app, name)
}

/// One field of the rendered form.
pub(crate) struct FormField {
    pub(crate) name: String,
    pub(crate) id: String,
    pub(crate) label: String,
    pub(crate) required: bool,
    pub(crate) help_text: String,
    pub(crate) errors: Vec<String>,
    pub(crate) widget: Widget,
}

/// Builds the form's fields (loading the foreign-key and many-to-many
/// choices). `admin_url(label)` is the changelist URL of a model shown in
/// the admin, for raw-id lookups and autocomplete.
pub(crate) fn fields(
    conn: &mut AnyConnection,
    model: &AdminModel,
    specs: &[Spec],
    state: &FormState,
    autocomplete_url: &str,
    changelist_url: &dyn Fn(&str) -> Option<String>,
) -> orm_core::Result<Vec<FormField>> {
    let schema = model.schema;
    let options = model.options;
    let mut out = Vec::new();
    for spec in specs {
        let text = state.text.get(spec.name).cloned().unwrap_or_default();
        let errors = state.errors.get(spec.name).cloned().unwrap_or_default();
        let (label, required, help_text, widget) = match spec.target {
            Target::Column(i) => {
                let field = &schema.fields[i];
                let widget = if spec.readonly {
                    Widget::ReadOnly {
                        text: if text.is_empty() { "-".into() } else { text },
                    }
                } else if field.kind == FieldKind::ForeignKey {
                    foreign_key_widget(
                        conn,
                        model,
                        field,
                        spec.name,
                        text,
                        autocomplete_url,
                        changelist_url,
                    )?
                } else if !field.choices.is_empty() {
                    Widget::choices(field, &text)
                } else {
                    let from = options
                        .prepopulated_fields
                        .iter()
                        .find(|(target, _)| *target == spec.name)
                        .map(|(_, sources)| {
                            sources
                                .iter()
                                .map(|s| format!("id_{s}"))
                                .collect::<Vec<_>>()
                                .join(",")
                        })
                        .unwrap_or_default();
                    Widget::for_field(field, text, from)
                };
                let required = !spec.readonly
                    && (field.is_required()
                        || (field.kind == FieldKind::ForeignKey && !field.nullable));
                (
                    field_label(field),
                    required,
                    field.help_text.to_string(),
                    widget,
                )
            }
            Target::ManyToMany(m) => {
                let field = &schema.many_to_many[m];
                let selected = state.multi.get(spec.name).cloned().unwrap_or_default();
                let label = crate::display::capitalize(&if field.verbose_name.is_empty() {
                    field.name.replace('_', " ")
                } else {
                    field.verbose_name.to_string()
                });
                let widget = match by_label(&field.to) {
                    Some(target) => {
                        let rows = target.choice_rows(conn, MULTIPLE_SELECT_LIMIT)?;
                        if spec.readonly {
                            let names: Vec<String> = rows
                                .into_iter()
                                .filter(|(pk, _)| selected.contains(pk))
                                .map(|(_, text)| text)
                                .collect();
                            Widget::ReadOnly {
                                text: if names.is_empty() {
                                    "-".into()
                                } else {
                                    names.join(", ")
                                },
                            }
                        } else {
                            Widget::Select {
                                options: rows
                                    .into_iter()
                                    .map(|(pk, text)| SelectOption {
                                        selected: selected.contains(&pk),
                                        value: pk,
                                        label: text,
                                    })
                                    .collect(),
                                multiple: true,
                            }
                        }
                    }
                    None => Widget::ReadOnly { text: "-".into() },
                };
                (
                    label,
                    !spec.readonly && !field.blank,
                    field.help_text.to_string(),
                    widget,
                )
            }
        };
        out.push(FormField {
            name: spec.name.to_owned(),
            id: format!("id_{}", spec.name),
            label,
            required,
            help_text,
            errors,
            widget,
        });
    }
    Ok(out)
}

fn foreign_key_widget(
    conn: &mut AnyConnection,
    model: &AdminModel,
    field: &FieldSchema,
    name: &'static str,
    value: String,
    autocomplete_url: &str,
    changelist_url: &dyn Fn(&str) -> Option<String>,
) -> orm_core::Result<Widget> {
    let Some(fk) = field.foreign_key.as_ref() else {
        return Ok(Widget::for_field(field, value, String::new()));
    };
    let Some(target) = by_label(&fk.to) else {
        return Ok(Widget::for_field(field, value, String::new()));
    };
    let current_repr = |conn: &mut AnyConnection| -> orm_core::Result<String> {
        let Ok(id) = value.trim().parse::<i64>() else {
            return Ok(String::new());
        };
        let spec = QuerySpec::for_pk(target.schema(), Value::BigInt(id));
        Ok((target.choices)(conn, &spec)?
            .into_iter()
            .next()
            .map(|(_, text)| text)
            .unwrap_or_default())
    };
    let autocomplete = |conn: &mut AnyConnection, value: String| -> orm_core::Result<Widget> {
        let repr = current_repr(conn)?;
        let query: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("app_label", &model.schema.app_label)
            .append_pair("model_name", &model.model_name)
            .append_pair("field_name", name)
            .finish();
        Ok(Widget::Autocomplete {
            value,
            repr,
            source_url: format!("{autocomplete_url}?{query}"),
        })
    };
    if model.options.autocomplete_fields.contains(&name) {
        return autocomplete(conn, value.clone());
    }
    let raw_id = |conn: &mut AnyConnection, value: String| -> orm_core::Result<Widget> {
        Ok(Widget::RawId {
            repr: current_repr(conn)?,
            value,
            lookup_url: changelist_url(&fk.to),
        })
    };
    if model.options.raw_id_fields.contains(&name) {
        return raw_id(conn, value.clone());
    }
    let rows = target.choice_rows(conn, SELECT_LIMIT + 1)?;
    if rows.len() as i64 > SELECT_LIMIT {
        return autocomplete(conn, value.clone());
    }
    let mut options = vec![SelectOption {
        value: String::new(),
        label: "---------".into(),
        selected: value.is_empty(),
    }];
    options.extend(rows.into_iter().map(|(pk, text)| SelectOption {
        selected: pk == value,
        value: pk,
        label: text,
    }));
    Ok(Widget::Select {
        options,
        multiple: false,
    })
}

/// A section of the form: its heading (empty: none), whether it starts
/// folded, its fields.
pub(crate) struct Section {
    pub(crate) name: String,
    pub(crate) collapse: bool,
    pub(crate) fields: Vec<FormField>,
}

impl Section {
    /// Whether one of its fields has a message (a folded section with one
    /// is shown open).
    pub(crate) fn has_errors(&self) -> bool {
        self.fields.iter().any(|f| !f.errors.is_empty())
    }
}

/// The form's fields in the model's `fieldsets`, or in one section.
pub(crate) fn sections(model: &AdminModel, fields: Vec<FormField>) -> Vec<Section> {
    let sets = model.options.fieldsets;
    if sets.is_empty() {
        return vec![Section {
            name: String::new(),
            collapse: false,
            fields,
        }];
    }
    let mut fields: Vec<Option<FormField>> = fields.into_iter().map(Some).collect();
    sets.iter()
        .map(|set| Section {
            name: set.name.to_owned(),
            collapse: set.collapse,
            fields: set
                .fields
                .iter()
                .filter_map(|name| {
                    fields
                        .iter_mut()
                        .find(|f| f.as_ref().is_some_and(|f| f.name == *name))
                        .and_then(Option::take)
                })
                .collect(),
        })
        .filter(|section| !section.fields.is_empty())
        .collect()
}

/// Everything `change_form.html` shows.
pub(crate) struct FormPage {
    pub(crate) heading: String,
    pub(crate) repr: Option<String>,
    pub(crate) sections: Vec<Section>,
    pub(crate) error_count: usize,
    pub(crate) non_field_errors: Vec<String>,
    pub(crate) can_save: bool,
    pub(crate) can_add_another: bool,
    /// "Save as new" (the model's `save_as`), on a change form.
    pub(crate) can_save_as_new: bool,
    /// Where the form posts, when not to its own page.
    pub(crate) action: Option<String>,
    /// The object's page on the site, for a "View on site" link.
    pub(crate) site_link: Option<String>,
    pub(crate) delete_url: Option<String>,
    pub(crate) history_url: Option<String>,
    pub(crate) changelist_url: String,
    /// The object's version when shown, sent back on save.
    pub(crate) version: Option<String>,
    /// The form to set a user's password (users only).
    pub(crate) password_url: Option<String>,
    /// Whether it has a file input (sent as `multipart/form-data`).
    pub(crate) multipart: bool,
}
