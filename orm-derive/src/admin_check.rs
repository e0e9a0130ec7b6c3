//! The checks of `#[admin(...)]`: every name is a field of the right kind
//! (or, in `list_display`, a method), reported at the string that names it.
//!
//! Method columns and action functions are checked by the compiler: the
//! generated code calls them with the span of their name.

use std::collections::HashSet;

use crate::admin_attr::Names;
use crate::ast::{Container, Field, TypeClass};
use crate::attr::{Attr, Spanned};
use crate::ctxt::Ctxt;

/// What a name in `#[admin]` refers to.
enum Target<'f, 'a> {
    Column(&'f Field<'a>),
    ManyToMany,
    Unknown,
}

/// The admin checks, for a model whose struct carries `#[admin]`.
pub(crate) fn check(cx: &Ctxt, cont: &Container) {
    if !cont.admin.present {
        return;
    }
    let check = Checker { cx, cont };
    for (attr, list) in cont.admin.name_lists() {
        check.no_repeats(attr, list);
    }
    check.list_display();
    check.list_display_links();
    check.list_filter();
    check.search_fields();
    check.ordering();
    check.form_fields();
    check.foreign_key_inputs();
    check.date_hierarchy();
    check.prepopulated_fields();
    check.view_on_site();
    check.actions();
}

const LIST_FILTER_HELP: &str =
    "help: the filter sidebar supports bool fields, fields with choices, \
     ForeignKey fields, and DateTime<Utc> or NaiveDate fields";

struct Checker<'c, 'a> {
    cx: &'c Ctxt,
    cont: &'c Container<'a>,
}

impl<'c, 'a> Checker<'c, 'a> {
    fn target(&self, name: &str) -> Target<'c, 'a> {
        if let Some(f) = self.cont.fields.iter().find(|f| f.name() == name) {
            Target::Column(f)
        } else if self.cont.many_to_many.iter().any(|f| f.name() == name) {
            Target::ManyToMany
        } else {
            Target::Unknown
        }
    }

    /// "unknown field", listing the fields (with the many-to-many ones when
    /// `with_many_to_many`).
    fn unknown(&self, attr: &str, item: &Spanned<String>, with_many_to_many: bool) {
        let mut names: Vec<String> = self.cont.fields.iter().map(Field::name).collect();
        if with_many_to_many {
            names.extend(self.cont.many_to_many.iter().map(Field::name));
        }
        self.cx.error_at(
            item.span,
            format!(
                "`{attr}` names unknown field `{}`\nhelp: the fields are: {}",
                item.value,
                names.join(", ")
            ),
        );
    }

    /// Runs `check` on every name of `list` that is a column; reports the
    /// others.
    fn each_column(
        &self,
        attr: &str,
        items: &[Spanned<String>],
        check: impl Fn(&Ctxt, &Field, &Spanned<String>),
    ) {
        for item in items {
            match self.target(&item.value) {
                Target::Column(f) if f.class == TypeClass::Unsupported => {}
                Target::Column(f) => check(self.cx, f, item),
                Target::ManyToMany => self.cx.error_at(
                    item.span,
                    format!(
                        "`{attr}` cannot name the many-to-many field `{}`\nhelp: `{attr}` takes fields stored in the model's table",
                        item.value
                    ),
                ),
                Target::Unknown => self.unknown(attr, item, false),
            }
        }
    }

    /// A name may appear once in each list.
    fn no_repeats(&self, attr: &str, list: &Attr<Names>) {
        let mut seen = HashSet::new();
        for item in items(list) {
            let name = item.value.trim_start_matches('-');
            if !seen.insert(name) {
                self.cx.error_at(
                    item.span,
                    format!("`{attr}` names `{name}` twice\nhelp: remove one of them"),
                );
            }
        }
    }

    /// Fields, or methods: names that are not fields must be identifiers
    /// (the compiler then checks the method exists).
    /// `author__username` in `attr`: a foreign key, then a field of its
    /// target (checked by the type checker, see `admin_expand`).
    fn relation_path(&self, attr: &str, item: &Spanned<String>, path: &str) {
        let first = path.split("__").next().unwrap_or_default();
        match self.target(first) {
            Target::Column(f) if matches!(f.class, TypeClass::ForeignKey(_)) => {}
            _ => self.cx.error_at(
                item.span,
                format!(
                    "`{attr}` names `{}`: `{first}` is not a foreign key of this model\nhelp: a path across a relation starts with a ForeignKey field, e.g. `author__username`",
                    item.value
                ),
            ),
        }
    }

    fn list_display(&self) {
        let Some(list) = self.cont.admin.list_display.get() else {
            return;
        };
        for item in &list.value {
            if item.value.contains("__") {
                self.relation_path("list_display", item, &item.value);
                continue;
            }
            match self.target(&item.value) {
                Target::Column(_) => {}
                Target::ManyToMany => self.cx.error_at(
                    item.span,
                    format!(
                        "`list_display` cannot show the many-to-many field `{}`: the list does not load its objects\nhelp: remove it from `list_display`; the change form shows and edits it",
                        item.value
                    ),
                ),
                Target::Unknown if syn::parse_str::<syn::Ident>(&item.value).is_err() => {
                    let names: Vec<String> = self.cont.fields.iter().map(Field::name).collect();
                    self.cx.error_at(
                        item.span,
                        format!(
                            "`list_display` names `{}`, which is neither a field nor a method name\nhelp: the fields are: {}; a method column is written as the method's name",
                            item.value,
                            names.join(", ")
                        ),
                    );
                }
                Target::Unknown => {}
            }
        }
    }

    fn list_display_links(&self) {
        let admin = &self.cont.admin;
        let Some(links) = admin.list_display_links.get() else {
            return;
        };
        let shown: Vec<&str> = admin
            .list_display
            .get()
            .map(|l| l.value.iter().map(|i| i.value.as_str()).collect())
            .unwrap_or_default();
        for item in &links.value {
            if !shown.contains(&item.value.as_str()) {
                let help = if admin.list_display.is_set() {
                    format!("add `{}` to `list_display`, or remove it here", item.value)
                } else {
                    format!(
                        "the links are columns of `list_display`: add `list_display = [\"{}\", ...]`",
                        item.value
                    )
                };
                self.cx.error_at(
                    item.span,
                    format!(
                        "`list_display_links` names `{}`, which is not in `list_display`\nhelp: {help}",
                        item.value
                    ),
                );
            }
        }
    }

    /// Booleans, choices, foreign keys and dates.
    fn list_filter(&self) {
        let (across, own): (Vec<_>, Vec<_>) = items(&self.cont.admin.list_filter)
            .iter()
            .cloned()
            .partition(|item| item.value.contains("__"));
        for item in &across {
            self.relation_path("list_filter", item, &item.value);
        }
        self.each_column("list_filter", &own, |cx, f, item| {
            let choices = f.class == TypeClass::Custom || f.attrs.choices.is_set();
            let supported = matches!(
                f.class,
                TypeClass::Bool | TypeClass::ForeignKey(_) | TypeClass::Date | TypeClass::DateTime
            );
            if !(supported || choices) {
                cx.error_at(
                    item.span,
                    format!(
                        "`list_filter` cannot filter on `{}`, {}\n{LIST_FILTER_HELP}",
                        item.value,
                        describe(f)
                    ),
                );
            }
        });
    }

    /// Text: strings of every kind, and Choices enums (stored as text).
    fn search_fields(&self) {
        let list = items(&self.cont.admin.search_fields);
        let (full_text, list): (Vec<_>, Vec<_>) = list
            .iter()
            .cloned()
            .partition(|item| item.value.starts_with('@'));
        let indexed: Vec<String> = self
            .cont
            .attrs
            .full_text
            .value()
            .unwrap_or_default()
            .into_iter()
            .map(|name| name.value)
            .collect();
        for item in &full_text {
            let name = &item.value[1..];
            if !indexed.iter().any(|field| field == name) {
                let help = if indexed.is_empty() {
                    format!("declare the index on the model: `#[model(full_text = [\"{name}\"])]`")
                } else {
                    format!("the full-text index covers {}", indexed.join(", "))
                };
                self.cx.error_at(
                    item.span,
                    format!(
                        "`search_fields` names `{}`: `@` searches the model's full-text index, which does not cover `{name}`\nhelp: {help}",
                        item.value
                    ),
                );
            }
        }
        let (across, own): (Vec<_>, Vec<_>) =
            list.into_iter().partition(|item| item.value.contains("__"));
        for item in &across {
            self.relation_path("search_fields", item, &item.value);
        }
        self.each_column("search_fields", &own, |cx, f, item| {
            if !matches!(f.class, TypeClass::String | TypeClass::Custom) {
                cx.error_at(
                    item.span,
                    format!(
                        "`search_fields` names `{}`, {}: search matches text\nhelp: search String fields (char, text, slug, email, url) or Choices enums",
                        item.value,
                        describe(f)
                    ),
                );
            }
        });
    }

    /// The form options name columns or many-to-many fields; `fields` and
    /// `exclude` are two ways to say the same thing.
    fn form_fields(&self) {
        let admin = &self.cont.admin;
        for (attr, list) in [
            ("readonly_fields", &admin.readonly_fields),
            ("fields", &admin.fields),
            ("exclude", &admin.exclude),
        ] {
            for item in items(list) {
                if let Target::Unknown = self.target(&item.value) {
                    self.unknown(attr, item, true);
                }
            }
        }
        if let Some(sets) = admin.fieldsets.get() {
            let mut seen: Vec<&str> = Vec::new();
            for item in sets.value.iter().flat_map(|set| set.fields.iter()) {
                if let Target::Unknown = self.target(&item.value) {
                    self.unknown("fieldsets", item, true);
                } else if seen.contains(&item.value.as_str()) {
                    self.cx.error_at(
                        item.span,
                        format!(
                            "`fieldsets` shows `{}` twice\nhelp: keep it in one section",
                            item.value
                        ),
                    );
                }
                seen.push(&item.value);
            }
            if let Some(span) = admin.fields.span() {
                self.cx.error_at(
                    span,
                    "`fields` and `fieldsets` cannot both be given\nhelp: the sections of `fieldsets` list the form's fields",
                );
            }
        }
        if let (Some(_), Some(span)) = (admin.fields.span(), admin.exclude.span()) {
            self.cx.error_at(
                span,
                "`fields` and `exclude` cannot both be given\nhelp: list the form's fields in `fields`, or leave some out with `exclude`",
            );
        }
    }

    /// `raw_id_fields` and `autocomplete_fields`: foreign keys, each in one
    /// of them at most.
    fn foreign_key_inputs(&self) {
        let admin = &self.cont.admin;
        for (attr, list) in [
            ("raw_id_fields", &admin.raw_id_fields),
            ("autocomplete_fields", &admin.autocomplete_fields),
        ] {
            self.each_column(attr, items(list), |cx, f, item| {
                if !matches!(f.class, TypeClass::ForeignKey(_)) {
                    cx.error_at(
                        item.span,
                        format!(
                            "`{attr}` names `{}`, {}\nhelp: `{attr}` takes ForeignKey fields",
                            item.value,
                            describe(f)
                        ),
                    );
                }
            });
        }
        let (Some(raw), Some(auto)) = (admin.raw_id_fields.get(), admin.autocomplete_fields.get())
        else {
            return;
        };
        for item in &auto.value {
            if raw.value.iter().any(|r| r.value == item.value) {
                self.cx.error_at(
                    item.span,
                    format!(
                        "`{}` is in both `raw_id_fields` and `autocomplete_fields`\nhelp: a foreign key is edited either as a raw id or with a search box: remove it from one list",
                        item.value
                    ),
                );
            }
        }
    }

    fn ordering(&self) {
        let Some(list) = self.cont.admin.ordering.get() else {
            return;
        };
        for item in &list.value {
            let name = item.value.strip_prefix('-').unwrap_or(&item.value);
            if name.contains("__") {
                self.relation_path("ordering", item, name);
                continue;
            }
            match self.target(name) {
                Target::Column(_) => {}
                Target::ManyToMany => self.cx.error_at(
                    item.span,
                    format!("`ordering` cannot sort by the many-to-many field `{name}`"),
                ),
                Target::Unknown => {
                    let item = Spanned {
                        value: name.to_owned(),
                        ..item.clone()
                    };
                    self.unknown("ordering", &item, false);
                }
            }
        }
    }

    fn date_hierarchy(&self) {
        let Some(date) = self.cont.admin.date_hierarchy.get() else {
            return;
        };
        let item = Spanned {
            value: date.value.clone(),
            span: date.value_span,
            value_span: date.value_span,
        };
        self.each_column("date_hierarchy", &[item], |cx, f, item| {
            if !matches!(f.class, TypeClass::Date | TypeClass::DateTime) {
                cx.error_at(
                    item.span,
                    format!(
                        "`date_hierarchy` needs a DateTime<Utc> or NaiveDate field, and `{}` is {}",
                        item.value,
                        describe(f)
                    ),
                );
            }
        });
    }

    /// `view_on_site`: a path on the site, with fields of the model in
    /// braces.
    fn view_on_site(&self) {
        let Some(url) = self.cont.admin.view_on_site.get() else {
            return;
        };
        if !url.value.starts_with('/') && !url.value.starts_with("http") {
            self.cx.error_at(
                url.value_span,
                "`view_on_site` is the object's address on the site\nhelp: write a path such as \"/articles/{slug}/\"",
            );
        }
        match crate::display::placeholders(&url.value) {
            Err(message) => self
                .cx
                .error_at(url.value_span, format!("`view_on_site`: {message}")),
            Ok(names) => {
                for name in names {
                    if !matches!(self.target(&name), Target::Column(_)) {
                        let names: Vec<String> = self.cont.fields.iter().map(Field::name).collect();
                        self.cx.error_at(
                            url.value_span,
                            format!(
                                "`view_on_site` names unknown field `{name}`\nhelp: the fields are: {}",
                                names.join(", ")
                            ),
                        );
                    }
                }
            }
        }
    }

    fn prepopulated_fields(&self) {
        let Some(pairs) = self.cont.admin.prepopulated_fields.get() else {
            return;
        };
        let mut keys = HashSet::new();
        for (key, sources) in &pairs.value {
            if !keys.insert(key.value.as_str()) {
                self.cx.error_at(
                    key.span,
                    format!(
                        "`prepopulated_fields` fills `{}` twice\nhelp: remove one of them",
                        key.value
                    ),
                );
            }
            if sources.is_empty() {
                self.cx.error_at(
                    key.span,
                    format!(
                        "`prepopulated_fields` needs at least one source field for `{}`\nhelp: write `{} = [\"title\"]`",
                        key.value, key.value
                    ),
                );
            }
            let string_field = |role: &'static str| {
                move |cx: &Ctxt, f: &Field, item: &Spanned<String>| {
                    if f.class != TypeClass::String {
                        cx.error_at(
                            item.span,
                            format!(
                                "`prepopulated_fields` {role} `{}`, {}\nhelp: prepopulated fields are filled from and into String fields",
                                item.value,
                                describe(f)
                            ),
                        );
                    }
                }
            };
            self.each_column(
                "prepopulated_fields",
                std::slice::from_ref(key),
                string_field("fills"),
            );
            self.each_column("prepopulated_fields", sources, string_field("copies from"));
        }
    }

    /// Two actions may not share a name: the changelist form sends it.
    fn actions(&self) {
        let Some(actions) = self.cont.admin.actions.get() else {
            return;
        };
        let mut seen = HashSet::new();
        for path in &actions.value {
            if let Some(last) = path.segments.last() {
                if !seen.insert(last.ident.to_string()) {
                    self.cx.error_spanned_by(
                        path,
                        format!(
                            "duplicate action `{}`: actions are told apart by their function's name\nhelp: remove one of them, or rename one function",
                            last.ident
                        ),
                    );
                }
            }
        }
    }
}

/// `a ForeignKey`, `a field of type i64`: how a message names a field's type.
fn describe(f: &Field) -> String {
    match f.class {
        TypeClass::ForeignKey(_) => "a ForeignKey".to_owned(),
        TypeClass::Custom => "a Choices enum field".to_owned(),
        class => format!("a field of type {}", class.name()),
    }
}

/// The names of a list option (none when it is not given).
fn items(list: &Attr<Names>) -> &[Spanned<String>] {
    list.get().map(|l| &l.value[..]).unwrap_or_default()
}
