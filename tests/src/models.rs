//! The seed's blog models (with a stand-in `Author` until auth lands) and a
//! model with one field of every kind.

#![allow(missing_docs)]

use orm_core::prelude::*;

#[derive(Model, Debug, Clone, serde::Serialize)]
#[model(app_label = "blog", ordering = ["username"])]
pub struct Author {
    pub id: i64,
    #[field(max_length = 150, unique)]
    pub username: String,
    #[field(email, blank)]
    pub email: String,
}

#[derive(Model, Debug, Clone, serde::Serialize)]
#[model(app_label = "blog", ordering = ["-published_date"], indexes(["slug"], ["-published_date"]))]
pub struct Article {
    pub id: i64,
    #[field(max_length = 200)]
    pub title: String,
    #[field(slug, unique)]
    pub slug: String,
    #[field(on_delete = Cascade)]
    pub author: ForeignKey<Author>,
    #[field(text)]
    pub content: String,
    #[field(auto_now_add)]
    pub published_date: DateTime<Utc>,
    #[field(auto_now)]
    pub updated_date: DateTime<Utc>,
    #[field(default = false)]
    pub is_published: bool,
}

impl std::fmt::Display for Article {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.title)
    }
}

/// A text-choices enum.
#[derive(Choices, Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Status {
    Draft,
    #[choice(value = "pub", label = "Published")]
    Published,
    InReview,
}

/// One field of every kind, plain and nullable.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(app_label = "kinds", table = "kinds_everything")]
pub struct Everything {
    pub id: i64,
    pub flag: bool,
    pub small: i16,
    pub int: i32,
    pub big: i64,
    pub float: f32,
    pub double: f64,
    #[field(max_length = 20, blank)]
    pub short: String,
    #[field(text, blank)]
    pub long: String,
    #[field(max_digits = 12, decimal_places = 3)]
    pub price: BigDecimal,
    pub at: DateTime<Utc>,
    pub day: NaiveDate,
    pub time: NaiveTime,
    pub uuid: Uuid,
    pub data: serde_json::Value,
    pub bytes: Vec<u8>,
    #[field(default = "draft")]
    pub status: Status,
    pub maybe_flag: Option<bool>,
    pub maybe_int: Option<i32>,
    #[field(max_length = 20, blank)]
    pub maybe_text: Option<String>,
    pub maybe_at: Option<DateTime<Utc>>,
    pub maybe_uuid: Option<Uuid>,
    pub maybe_data: Option<serde_json::Value>,
    pub maybe_status: Option<Status>,
}

/// A row that others point at with every `on_delete` rule.
#[derive(Model, Debug, Clone)]
#[model(app_label = "rules")]
pub struct Parent {
    pub id: i64,
    #[field(max_length = 50)]
    pub name: String,
}

#[derive(Model, Debug, Clone)]
#[model(app_label = "rules")]
pub struct CascadeChild {
    pub id: i64,
    #[field(on_delete = Cascade)]
    pub parent: ForeignKey<Parent>,
}

/// Points at a cascade child, so a cascade goes two levels deep.
#[derive(Model, Debug, Clone)]
#[model(app_label = "rules")]
pub struct GrandChild {
    pub id: i64,
    #[field(on_delete = Cascade)]
    pub child: ForeignKey<CascadeChild>,
}

#[derive(Model, Debug, Clone)]
#[model(app_label = "rules")]
pub struct ProtectChild {
    pub id: i64,
    #[field(on_delete = Protect)]
    pub parent: ForeignKey<Parent>,
}

#[derive(Model, Debug, Clone)]
#[model(app_label = "rules")]
pub struct SetNullChild {
    pub id: i64,
    #[field(on_delete = SetNull)]
    pub parent: Option<ForeignKey<Parent>>,
}

/// Restricted to `Parent`, but also cascaded from `CascadeChild`.
#[derive(Model, Debug, Clone)]
#[model(app_label = "rules")]
pub struct RestrictChild {
    pub id: i64,
    #[field(on_delete = Restrict)]
    pub parent: ForeignKey<Parent>,
    #[field(on_delete = Cascade)]
    pub via: ForeignKey<CascadeChild>,
}

#[derive(Model, Debug, Clone)]
#[model(app_label = "rules")]
pub struct DoNothingChild {
    pub id: i64,
    #[field(on_delete = DoNothing)]
    pub parent: ForeignKey<Parent>,
}

/// Every `on_delete` model, parents first.
pub fn rule_schemas() -> Vec<&'static orm_core::schema::ModelSchema> {
    use orm_core::Model;
    vec![
        Parent::schema(),
        CascadeChild::schema(),
        GrandChild::schema(),
        ProtectChild::schema(),
        SetNullChild::schema(),
        RestrictChild::schema(),
        DoNothingChild::schema(),
    ]
}

/// The built-in auth models, in an order their tables can be created in.
pub fn auth_schemas() -> Vec<&'static orm_core::schema::ModelSchema> {
    use orm_contrib::auth::{
        Group, GroupPermissions, Permission, User, UserGroups, UserUserPermissions,
    };
    use orm_core::Model;
    vec![
        Permission::schema(),
        Group::schema(),
        GroupPermissions::schema(),
        User::schema(),
        UserGroups::schema(),
        UserUserPermissions::schema(),
    ]
}
