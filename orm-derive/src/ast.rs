//! The derive's own view of the struct: fields with their attributes and
//! what their Rust type means for the database.

use crate::admin_attr;
use crate::attr;
use crate::ctxt::Ctxt;

/// The model struct.
pub(crate) struct Container<'a> {
    pub(crate) ident: &'a syn::Ident,
    pub(crate) attrs: attr::Container,
    /// `#[admin(...)]`.
    pub(crate) admin: admin_attr::Admin,
    pub(crate) fields: Vec<Field<'a>>,
    /// `ManyToMany<T>` fields: not columns.
    pub(crate) many_to_many: Vec<Field<'a>>,
    /// The struct's visibility, for the join models of many-to-many fields.
    pub(crate) vis: &'a syn::Visibility,
}

/// One field of the model struct.
pub(crate) struct Field<'a> {
    pub(crate) ident: &'a syn::Ident,
    pub(crate) ty: &'a syn::Type,
    pub(crate) attrs: attr::Field,
    pub(crate) nullable: bool,
    /// The type inside `Option`, or the type itself.
    pub(crate) inner: &'a syn::Type,
    pub(crate) class: TypeClass<'a>,
    /// Written `OneToOne<M>`: a foreign key whose values are unique.
    pub(crate) one_to_one: bool,
}

/// What a field's Rust type is, read from its last path segment.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum TypeClass<'a> {
    Bool,
    I16,
    I32,
    I64,
    F32,
    F64,
    String,
    Decimal,
    DateTime,
    Date,
    Time,
    Uuid,
    Json,
    Binary,
    /// `ForeignKey<M>`, with `M`.
    ForeignKey(&'a syn::Type),
    /// `ManyToMany<M>`, with `M`.
    ManyToMany(&'a syn::Type),
    /// Anything else: a `Choices` enum.
    Custom,
    /// A type that cannot be a field (reference, tuple, ...).
    Unsupported,
}

impl TypeClass<'_> {
    pub(crate) fn is_integer(self) -> bool {
        matches!(self, TypeClass::I16 | TypeClass::I32 | TypeClass::I64)
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            TypeClass::Bool => "bool",
            TypeClass::I16 => "i16",
            TypeClass::I32 => "i32",
            TypeClass::I64 => "i64",
            TypeClass::F32 => "f32",
            TypeClass::F64 => "f64",
            TypeClass::String => "String",
            TypeClass::Decimal => "BigDecimal",
            TypeClass::DateTime => "DateTime<Utc>",
            TypeClass::Date => "NaiveDate",
            TypeClass::Time => "NaiveTime",
            TypeClass::Uuid => "Uuid",
            TypeClass::Json => "serde_json::Value",
            TypeClass::Binary => "Vec<u8>",
            TypeClass::ForeignKey(_) => "ForeignKey",
            TypeClass::ManyToMany(_) => "ManyToMany",
            TypeClass::Custom => "a Choices enum",
            TypeClass::Unsupported => "an unsupported type",
        }
    }
}

impl<'a> Container<'a> {
    /// Reads the struct; reports what is not a plain struct with named
    /// fields.
    pub(crate) fn from_ast(cx: &Ctxt, input: &'a syn::DeriveInput) -> Option<Container<'a>> {
        let attrs = attr::Container::from_ast(cx, input);
        let admin = admin_attr::Admin::from_ast(cx, input);
        if !input.generics.params.is_empty() {
            cx.error_spanned_by(
                &input.generics,
                "a model cannot be generic\nhelp: remove the parameters: a model is one concrete table",
            );
        }
        let fields = match &input.data {
            syn::Data::Struct(syn::DataStruct {
                fields: syn::Fields::Named(named),
                ..
            }) => &named.named,
            syn::Data::Enum(_) => {
                cx.error_spanned_by(
                    &input.ident,
                    "#[derive(Model)] needs a struct with named fields, not an enum\nhelp: to store an enum in a field, derive `Choices` on it",
                );
                return None;
            }
            _ => {
                cx.error_spanned_by(
                    &input.ident,
                    "#[derive(Model)] needs a struct with named fields\nhelp: name the fields, as in `struct Post { pub id: i64, ... }`",
                );
                return None;
            }
        };
        let (many_to_many, fields): (Vec<Field>, Vec<Field>) = fields
            .iter()
            .filter_map(|f| Field::from_ast(cx, f))
            .partition(|f| matches!(f.class, TypeClass::ManyToMany(_)));
        Some(Container {
            ident: &input.ident,
            attrs,
            admin,
            fields,
            many_to_many,
            vis: &input.vis,
        })
    }
}

impl<'a> Field<'a> {
    pub(crate) fn from_ast(cx: &Ctxt, field: &'a syn::Field) -> Option<Field<'a>> {
        let ident = field.ident.as_ref()?;
        let attrs = attr::Field::from_ast(cx, field);
        let (nullable, inner) = match generic_arg(&field.ty, "Option") {
            Some(inner) => (true, inner),
            None => (false, &field.ty),
        };
        let class = classify(inner);
        if class == TypeClass::Unsupported {
            cx.error_spanned_by(inner, unsupported(inner));
        }
        if generic_arg(inner, "Option").is_some() {
            cx.error_spanned_by(
                &field.ty,
                "nested Option is not a column type\nhelp: use a single `Option<...>`: NULL is the only missing value",
            );
        }
        Some(Field {
            ident,
            ty: &field.ty,
            attrs,
            nullable,
            inner,
            class,
            one_to_one: generic_arg(inner, "OneToOne").is_some(),
        })
    }

    /// The Rust field name without `r#`.
    pub(crate) fn name(&self) -> String {
        self.ident.to_string().trim_start_matches("r#").to_owned()
    }

    /// The column name.
    pub(crate) fn column(&self) -> String {
        match (self.attrs.db_column.value(), self.class) {
            (Some(column), _) => column,
            (None, TypeClass::ForeignKey(_)) => format!("{}_id", self.name()),
            (None, _) => self.name(),
        }
    }
}

/// The single generic argument of `Name<T>`, when `ty` is that.
fn generic_arg<'a>(ty: &'a syn::Type, name: &str) -> Option<&'a syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(inner) if args.args.len() == 1 => Some(inner),
        _ => None,
    }
}

fn classify(ty: &syn::Type) -> TypeClass<'_> {
    if let Some(target) = generic_arg(ty, "ManyToMany") {
        return TypeClass::ManyToMany(target);
    }
    if let Some(target) = generic_arg(ty, "ForeignKey").or_else(|| generic_arg(ty, "OneToOne")) {
        return TypeClass::ForeignKey(target);
    }
    if let Some(inner) = generic_arg(ty, "Vec") {
        return match inner {
            syn::Type::Path(p) if p.path.is_ident("u8") => TypeClass::Binary,
            _ => TypeClass::Unsupported,
        };
    }
    let syn::Type::Path(path) = ty else {
        return TypeClass::Unsupported;
    };
    if path.qself.is_some() {
        return TypeClass::Unsupported;
    }
    let Some(last) = path.path.segments.last() else {
        return TypeClass::Unsupported;
    };
    match last.ident.to_string().as_str() {
        "bool" => TypeClass::Bool,
        "i16" => TypeClass::I16,
        "i32" => TypeClass::I32,
        "i64" => TypeClass::I64,
        "f32" => TypeClass::F32,
        "f64" => TypeClass::F64,
        "String" => TypeClass::String,
        "BigDecimal" | "Decimal" => TypeClass::Decimal,
        "DateTime" => match generic_arg(ty, "DateTime") {
            Some(syn::Type::Path(tz))
                if tz.path.segments.last().is_some_and(|s| s.ident == "Utc") =>
            {
                TypeClass::DateTime
            }
            _ => TypeClass::Unsupported,
        },
        "NaiveDate" => TypeClass::Date,
        "NaiveTime" => TypeClass::Time,
        "Uuid" => TypeClass::Uuid,
        "JsonValue" | "Value" => TypeClass::Json,
        name if unsupported_name(name).is_some() => TypeClass::Unsupported,
        _ => TypeClass::Custom,
    }
}

/// Why a well-known non-column type named `name` is not a field, and what to
/// use instead.
fn unsupported_name(name: &str) -> Option<(&'static str, &'static str)> {
    const UNSIGNED: &str = "the databases have no common unsigned integer column";
    Some(match name {
        "u8" => (UNSIGNED, "use i16"),
        "u16" => (UNSIGNED, "use i32"),
        "u32" | "u64" | "u128" | "usize" => (UNSIGNED, "use i64"),
        "i8" => (
            "the databases have no common 8-bit integer column",
            "use i16",
        ),
        "i128" | "isize" => ("the widest integer column is 64 bits", "use i64"),
        "char" => (
            "a character is stored as text",
            "use String with `#[field(max_length = 1)]`",
        ),
        "str" => ("a model owns its data", "use String"),
        "NaiveDateTime" | "DateTime" => (
            "timestamps are stored in UTC",
            "use DateTime<Utc> (convert with `.with_timezone(&Utc)`)",
        ),
        "Vec" | "VecDeque" | "HashSet" | "BTreeSet" => (
            "a list is not a column",
            "use serde_json::Value, or a separate model with a ForeignKey to this one",
        ),
        "HashMap" | "BTreeMap" => ("a map is not a column", "use serde_json::Value"),
        "Box" | "Rc" | "Arc" | "Cow" | "Cell" | "RefCell" => {
            ("a field holds its value directly", "use the inner type")
        }
        _ => return None,
    })
}

/// The error for an unsupported field type, with what to use instead.
fn unsupported(ty: &syn::Type) -> String {
    const SUPPORTED: &str = "bool, i16, i32, i64, f32, f64, String, BigDecimal, \
         DateTime<Utc>, NaiveDate, NaiveTime, Uuid, serde_json::Value, Vec<u8>, \
         ForeignKey<M>, a Choices enum, or Option of one of them";
    let specific = match ty {
        syn::Type::Reference(r) => Some(match &*r.elem {
            syn::Type::Path(p) if p.path.is_ident("str") => ("a model owns its data", "use String"),
            _ => ("a model owns its data", "use an owned type"),
        }),
        syn::Type::Tuple(_) => Some(("a field is one column", "use one field per column")),
        syn::Type::Array(_) | syn::Type::Slice(_) => Some((
            "a list is not a column",
            "use serde_json::Value for a list, or Vec<u8> for bytes",
        )),
        syn::Type::Path(p) => p
            .path
            .segments
            .last()
            .and_then(|s| unsupported_name(&s.ident.to_string())),
        _ => None,
    };
    match specific {
        Some((why, fix)) => format!("unsupported field type: {why}\nhelp: {fix}"),
        None => format!("unsupported field type\nhelp: use {SUPPORTED}"),
    }
}
