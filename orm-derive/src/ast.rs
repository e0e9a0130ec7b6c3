//! The derive's own view of the struct: fields with their attributes and
//! what their Rust type means for the database.

use crate::attr;
use crate::ctxt::Ctxt;

/// The model struct.
pub(crate) struct Container<'a> {
    pub(crate) ident: &'a syn::Ident,
    pub(crate) attrs: attr::Container,
    pub(crate) fields: Vec<Field<'a>>,
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
        if !input.generics.params.is_empty() {
            cx.error_spanned_by(&input.generics, "a model cannot be generic");
        }
        let fields = match &input.data {
            syn::Data::Struct(syn::DataStruct {
                fields: syn::Fields::Named(named),
                ..
            }) => &named.named,
            _ => {
                cx.error_spanned_by(
                    &input.ident,
                    "#[derive(Model)] needs a struct with named fields",
                );
                return None;
            }
        };
        let fields = fields
            .iter()
            .filter_map(|f| Field::from_ast(cx, f))
            .collect();
        Some(Container {
            ident: &input.ident,
            attrs,
            fields,
        })
    }
}

impl<'a> Field<'a> {
    fn from_ast(cx: &Ctxt, field: &'a syn::Field) -> Option<Field<'a>> {
        let ident = field.ident.as_ref()?;
        let attrs = attr::Field::from_ast(cx, field);
        let (nullable, inner) = match generic_arg(&field.ty, "Option") {
            Some(inner) => (true, inner),
            None => (false, &field.ty),
        };
        let class = classify(inner);
        if class == TypeClass::Unsupported {
            cx.error_spanned_by(
                &field.ty,
                "unsupported field type\nhelp: use bool, i16, i32, i64, f32, f64, String, BigDecimal, \
                 DateTime<Utc>, NaiveDate, NaiveTime, Uuid, serde_json::Value, Vec<u8>, \
                 ForeignKey<M>, a Choices enum, or Option of one of them",
            );
        }
        if generic_arg(inner, "Option").is_some() {
            cx.error_spanned_by(&field.ty, "nested Option is not a column type");
        }
        Some(Field {
            ident,
            ty: &field.ty,
            attrs,
            nullable,
            inner,
            class,
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
    if let Some(target) = generic_arg(ty, "ForeignKey") {
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
    let qualified: Vec<String> = path
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    match last.ident.to_string().as_str() {
        "bool" => TypeClass::Bool,
        "i16" => TypeClass::I16,
        "i32" => TypeClass::I32,
        "i64" => TypeClass::I64,
        "f32" => TypeClass::F32,
        "f64" => TypeClass::F64,
        "String" => TypeClass::String,
        "BigDecimal" | "Decimal" => TypeClass::Decimal,
        "DateTime" => TypeClass::DateTime,
        "NaiveDate" => TypeClass::Date,
        "NaiveTime" => TypeClass::Time,
        "Uuid" => TypeClass::Uuid,
        "JsonValue" => TypeClass::Json,
        "Value" if qualified.iter().any(|s| s == "serde_json") => TypeClass::Json,
        "Value" => TypeClass::Json,
        _ => TypeClass::Custom,
    }
}
