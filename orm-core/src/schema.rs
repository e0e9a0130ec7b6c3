//! The schema IR: one static description of each model.
//!
//! `#[derive(Model)]` emits a [`ModelSchema`] for every model. Everything else
//! (DDL, migrations, the admin, by-name queries) reads this one description.
//! Strings and lists are `Cow`s so that the migration state can build the same
//! types at run time from migration files.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

/// A static or owned string.
pub type Str = Cow<'static, str>;
/// A static or owned list.
pub type List<T> = Cow<'static, [T]>;

/// The schema of one model: the table, its fields and its options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelSchema {
    /// The Rust struct name, e.g. `Article`.
    pub name: Str,
    /// The app the model belongs to, e.g. `blog`.
    pub app_label: Str,
    /// The database table, e.g. `blog_article`.
    pub table: Str,
    /// Human-readable singular name, e.g. `article`.
    pub verbose_name: Str,
    /// Human-readable plural name, e.g. `articles`.
    pub verbose_name_plural: Str,
    /// The fields, in declaration order (the primary key included).
    pub fields: List<FieldSchema>,
    /// Default ordering: field names, `-` prefixed for descending.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub ordering: List<Str>,
    /// Secondary indexes declared on the model.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub indexes: List<IndexSchema>,
    /// Groups of fields whose combined values must be unique.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub unique_together: List<List<Str>>,
    /// Check constraints: conditions every row must meet.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub checks: List<CheckSchema>,
    /// Made by the derive for a many-to-many field (its join table), not
    /// declared by the user; the admin does not list it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub auto_created: bool,
    /// Many-to-many fields: not columns; each has a join model of its own.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub many_to_many: List<ManyToManySchema>,
}

/// A many-to-many field: rows of `to` linked through a join model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManyToManySchema {
    /// The Rust field name, e.g. `groups`.
    pub name: Str,
    /// The target model's label, `app_label.Name`.
    pub to: Str,
    /// The join model's label (auto-created), e.g. `auth.UserGroups`.
    pub through: Str,
    /// Human-readable name.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub verbose_name: Str,
    /// Help text for the form widget.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub help_text: Str,
    /// Forms accept no selection.
    #[serde(default, skip_serializing_if = "is_false")]
    pub blank: bool,
}

impl ModelSchema {
    /// Field `index`, or an error naming it (`#7`): an index from elsewhere
    /// that this model lacks.
    pub fn field_at(&self, index: usize) -> crate::Result<&FieldSchema> {
        self.fields
            .get(index)
            .ok_or_else(|| crate::Error::UnknownField {
                model: self.label(),
                field: format!("#{index}"),
            })
    }

    /// The name of the many-to-many field whose join model is labelled
    /// `through` (empty when none is).
    pub fn many_to_many_through(&self, through: &str) -> String {
        self.many_to_many
            .iter()
            .find(|m| m.through == through)
            .map(|m| m.name.to_string())
            .unwrap_or_default()
    }

    /// The index of the first foreign key to the model labelled `label`,
    /// other than field `not`: how a join model's keys are found.
    pub fn key_to(&self, label: &str, not: Option<usize>) -> Option<usize> {
        self.fields.iter().enumerate().position(|(i, f)| {
            Some(i) != not && f.foreign_key.as_ref().is_some_and(|fk| fk.to == label)
        })
    }

    /// `app_label.Name`, the label used by migrations and permissions.
    pub fn label(&self) -> String {
        format!("{}.{}", self.app_label, self.name)
    }

    /// The lower-case model name used in URLs and permissions (`article`).
    pub fn model_name(&self) -> String {
        self.name.to_lowercase()
    }

    /// The primary-key field.
    pub fn pk(&self) -> &FieldSchema {
        // The derive always declares exactly one primary key; fall back to the
        // first field for hand-built schemas that forgot it.
        self.fields
            .iter()
            .find(|f| f.primary_key)
            .unwrap_or(&self.fields[0])
    }

    /// The index of the primary-key field.
    pub fn pk_index(&self) -> usize {
        self.fields.iter().position(|f| f.primary_key).unwrap_or(0)
    }

    /// A field by its Rust name.
    pub fn field(&self, name: &str) -> Option<&FieldSchema> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The position of a field by its Rust name.
    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }

    /// The model's full-text index, declared with
    /// `#[model(full_text = [...])]`.
    pub fn full_text_index(&self) -> Option<&IndexSchema> {
        self.indexes
            .iter()
            .find(|index| index.kind == IndexKind::FullText)
    }

    /// Whether an index starts with the field `name`, so that a filter on
    /// it is answered from the index rather than by reading every row: the
    /// key, a unique or indexed field, a foreign key, or the first field
    /// of `indexes` or `unique_together`.
    pub fn leads_an_index(&self, name: &str) -> bool {
        let Some(field) = self.field(name) else {
            return false;
        };
        field.primary_key
            || field.unique
            || field.index
            || field.foreign_key.is_some()
            || self
                .indexes
                .iter()
                .filter(|index| index.kind == IndexKind::Plain && index.condition.is_empty())
                .filter_map(|index| index.fields.first())
                .any(|first| first.trim_start_matches('-') == name)
            || self
                .unique_together
                .iter()
                .filter_map(|fields| fields.first())
                .any(|first| first == name)
    }
}

/// One field of a model: its column, type and constraints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldSchema {
    /// The Rust field name, e.g. `author`.
    pub name: Str,
    /// The column name, e.g. `author_id`.
    pub column: Str,
    /// What kind of value it holds.
    pub kind: FieldKind,
    /// `Option<T>`: the column accepts NULL.
    #[serde(default, skip_serializing_if = "is_false")]
    pub nullable: bool,
    /// The primary key.
    #[serde(default, skip_serializing_if = "is_false")]
    pub primary_key: bool,
    /// Filled in by the database (auto-increment primary key).
    #[serde(default, skip_serializing_if = "is_false")]
    pub auto_increment: bool,
    /// Maximum length in characters, for strings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// Total digits, for decimals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_digits: Option<u32>,
    /// Digits after the point, for decimals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimal_places: Option<u32>,
    /// A unique constraint on the column.
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
    /// A secondary index on the column.
    #[serde(default, skip_serializing_if = "is_false")]
    pub index: bool,
    /// The default used when a new row leaves the field unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<DefaultValue>,
    /// Set to now on every save.
    #[serde(default, skip_serializing_if = "is_false")]
    pub auto_now: bool,
    /// Set to now when the row is created.
    #[serde(default, skip_serializing_if = "is_false")]
    pub auto_now_add: bool,
    /// The foreign-key target, when the field is a `ForeignKey<M>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub foreign_key: Option<ForeignKeySchema>,
    /// Allowed values and their labels, for choice fields.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub choices: List<Choice>,
    /// Human-readable name, e.g. `published date`.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub verbose_name: Str,
    /// Help text shown under the form widget.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub help_text: Str,
    /// Forms accept an empty value.
    #[serde(default, skip_serializing_if = "is_false")]
    pub blank: bool,
    /// Shown in forms (false for `editable = false`, auto_now, auto_now_add).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub editable: bool,
}

impl FieldSchema {
    /// A field with the given name, column and kind, and every option at its
    /// neutral value. Used by the derive and by migrations to fill the rest.
    pub const fn new(name: &'static str, column: &'static str, kind: FieldKind) -> Self {
        FieldSchema {
            name: Cow::Borrowed(name),
            column: Cow::Borrowed(column),
            kind,
            nullable: false,
            primary_key: false,
            auto_increment: false,
            max_length: None,
            max_digits: None,
            decimal_places: None,
            unique: false,
            index: false,
            default: None,
            auto_now: false,
            auto_now_add: false,
            foreign_key: None,
            choices: Cow::Borrowed(&[]),
            verbose_name: Cow::Borrowed(""),
            help_text: Cow::Borrowed(""),
            blank: false,
            editable: true,
        }
    }

    /// Whether a form must be given a value for this field.
    pub fn is_required(&self) -> bool {
        self.editable
            && !self.blank
            && !self.nullable
            && self.default.is_none()
            && !self.auto_increment
            && self.kind != FieldKind::Bool
    }
}

/// The kind of value a field holds; decides the column type on each backend,
/// the form widget and how text is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FieldKind {
    /// `bool`
    Bool,
    /// `i16`
    SmallInt,
    /// `i32`
    Integer,
    /// `i64`
    BigInt,
    /// `f32`
    Float,
    /// `f64`
    Double,
    /// `String` with a maximum length (`varchar(n)`)
    Char,
    /// `String` without a limit (`text`)
    Text,
    /// `String` holding a slug (letters, digits, `-`, `_`)
    Slug,
    /// `String` holding an e-mail address
    Email,
    /// `String` holding a URL
    Url,
    /// `String` holding the name of an uploaded file in the site's storage
    File,
    /// `String` holding the name of an uploaded image in the site's storage
    Image,
    /// Arbitrary-precision decimal (`numeric`)
    Decimal,
    /// `DateTime<Utc>`
    DateTime,
    /// `NaiveDate`
    Date,
    /// `NaiveTime`
    Time,
    /// `Uuid`
    Uuid,
    /// `serde_json::Value`
    Json,
    /// `Vec<u8>`
    Binary,
    /// `ForeignKey<M>`: holds the target's `i64` primary key
    ForeignKey,
}

impl FieldKind {
    /// Whether values of this kind are strings.
    pub fn is_text(self) -> bool {
        matches!(
            self,
            FieldKind::Char
                | FieldKind::Text
                | FieldKind::Slug
                | FieldKind::Email
                | FieldKind::Url
                | FieldKind::File
                | FieldKind::Image
        )
    }

    /// Whether values of this kind name an uploaded file.
    pub fn is_upload(self) -> bool {
        matches!(self, FieldKind::File | FieldKind::Image)
    }

    /// Whether values of this kind are numbers.
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            FieldKind::SmallInt
                | FieldKind::Integer
                | FieldKind::BigInt
                | FieldKind::Float
                | FieldKind::Double
                | FieldKind::Decimal
                | FieldKind::ForeignKey
        )
    }

    /// The name used in migration files (`Char`, `DateTime`, ...).
    pub fn name(self) -> &'static str {
        match self {
            FieldKind::Bool => "Bool",
            FieldKind::SmallInt => "SmallInt",
            FieldKind::Integer => "Integer",
            FieldKind::BigInt => "BigInt",
            FieldKind::Float => "Float",
            FieldKind::Double => "Double",
            FieldKind::Char => "Char",
            FieldKind::Text => "Text",
            FieldKind::Slug => "Slug",
            FieldKind::Email => "Email",
            FieldKind::Url => "Url",
            FieldKind::File => "File",
            FieldKind::Image => "Image",
            FieldKind::Decimal => "Decimal",
            FieldKind::DateTime => "DateTime",
            FieldKind::Date => "Date",
            FieldKind::Time => "Time",
            FieldKind::Uuid => "Uuid",
            FieldKind::Json => "Json",
            FieldKind::Binary => "Binary",
            FieldKind::ForeignKey => "ForeignKey",
        }
    }

    /// The kind named `name` in a migration file.
    pub fn from_name(name: &str) -> Option<FieldKind> {
        ALL_KINDS.iter().copied().find(|k| k.name() == name)
    }
}

/// Every field kind, for iteration.
pub const ALL_KINDS: [FieldKind; 21] = [
    FieldKind::Bool,
    FieldKind::SmallInt,
    FieldKind::Integer,
    FieldKind::BigInt,
    FieldKind::Float,
    FieldKind::Double,
    FieldKind::Char,
    FieldKind::Text,
    FieldKind::Slug,
    FieldKind::Email,
    FieldKind::Url,
    FieldKind::File,
    FieldKind::Image,
    FieldKind::Decimal,
    FieldKind::DateTime,
    FieldKind::Date,
    FieldKind::Time,
    FieldKind::Uuid,
    FieldKind::Json,
    FieldKind::Binary,
    FieldKind::ForeignKey,
];

/// A default value, as written in the model attribute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum DefaultValue {
    /// `default = true`
    Bool(bool),
    /// `default = 3`
    Int(i64),
    /// `default = 1.5`
    Float(f64),
    /// `default = "draft"`
    Str(Str),
}

/// Where a foreign key points and what happens when the target is deleted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForeignKeySchema {
    /// The target model's label, `app_label.Name`.
    pub to: Str,
    /// The target table.
    pub to_table: Str,
    /// The target column (the target's primary key).
    pub to_column: Str,
    /// What deleting the target does to rows pointing at it.
    pub on_delete: OnDelete,
    /// The name of the reverse relation on the target (`articles`).
    pub related_name: Str,
}

/// What happens to referencing rows when a referenced row is deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OnDelete {
    /// Delete the referencing rows too.
    Cascade,
    /// Refuse the delete, naming the referencing rows.
    Protect,
    /// Set the foreign key to NULL (the field must be an `Option`).
    SetNull,
    /// Refuse the delete unless the referencing rows are deleted by a cascade
    /// in the same operation.
    Restrict,
    /// Do nothing; the database constraint decides.
    DoNothing,
}

impl OnDelete {
    /// The name used in attributes and migration files.
    pub fn name(self) -> &'static str {
        match self {
            OnDelete::Cascade => "Cascade",
            OnDelete::Protect => "Protect",
            OnDelete::SetNull => "SetNull",
            OnDelete::Restrict => "Restrict",
            OnDelete::DoNothing => "DoNothing",
        }
    }

    /// The rule named `name`.
    pub fn from_name(name: &str) -> Option<OnDelete> {
        [
            OnDelete::Cascade,
            OnDelete::Protect,
            OnDelete::SetNull,
            OnDelete::Restrict,
            OnDelete::DoNothing,
        ]
        .into_iter()
        .find(|r| r.name() == name)
    }
}

/// One allowed value of a choice field and its label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    /// The stored value.
    pub value: Str,
    /// The label shown to people.
    pub label: Str,
}

/// A secondary index over one or more fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexSchema {
    /// The index name in the database.
    pub name: Str,
    /// Field names, `-` prefixed for descending.
    pub fields: List<Str>,
    /// A unique index.
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
    /// What kind of index: an ordinary one, or a full-text index over text
    /// fields.
    #[serde(default, skip_serializing_if = "IndexKind::is_plain")]
    pub kind: IndexKind,
    /// A partial index: only rows meeting this condition (in the lookup
    /// syntax of [`constraints`](crate::constraints), e.g.
    /// `is_published=true`) are indexed, and a unique one applies to them
    /// alone. Empty: every row.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub condition: Str,
}

impl IndexSchema {
    /// A plain index over `fields`, named `name` (empty: a derived name).
    pub fn new(name: impl Into<Str>, fields: impl Into<List<Str>>) -> Self {
        IndexSchema {
            name: name.into(),
            fields: fields.into(),
            unique: false,
            kind: IndexKind::Plain,
            condition: Cow::Borrowed(""),
        }
    }

    /// Whether an entry of `fields` is an expression (`Lower(title)`)
    /// rather than a field name.
    pub fn has_expressions(&self) -> bool {
        self.fields.iter().any(|entry| entry.contains('('))
    }
}

/// A check constraint: a condition every row must meet, named in the
/// database. The condition is written in the lookup syntax of
/// [`constraints`](crate::constraints): `price__gte=0 & stock__gte=0`.
/// Django: `CheckConstraint(condition=Q(...), name=...)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckSchema {
    /// The constraint's name in the database.
    pub name: Str,
    /// The condition.
    pub check: Str,
}

/// The kind of an [`IndexSchema`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndexKind {
    /// An ordinary (B-tree) index over the columns, in the order given.
    #[default]
    Plain,
    /// A full-text index over text fields, declared with
    /// `#[model(full_text = [...])]`: SQLite's FTS5 table kept by triggers,
    /// a GIN index over `to_tsvector` on PostgreSQL, a `FULLTEXT` index on
    /// MariaDB. At most one per model.
    FullText,
}

impl IndexKind {
    fn is_plain(&self) -> bool {
        *self == IndexKind::Plain
    }
}

fn is_false(value: &bool) -> bool {
    !*value
}

fn is_true(value: &bool) -> bool {
    *value
}

fn yes() -> bool {
    true
}

fn is_empty<T: Clone>(list: &List<T>) -> bool {
    list.is_empty()
}

fn str_is_empty(text: &Str) -> bool {
    text.is_empty()
}
