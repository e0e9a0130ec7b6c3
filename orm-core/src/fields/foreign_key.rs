//! `ForeignKey<M>`: a reference to another model's row.

use std::fmt;
use std::sync::Arc;

use diesel::sql_types::BigInt;

use crate::db::AnyConnection;
use crate::error::Result;
use crate::model::Model;
use crate::schema::FieldKind;
use crate::value::{FieldType, Value, ValueTypeError};

/// A reference to a row of model `M`, by its primary key.
///
/// The column holds the target's `i64` primary key. When the row was loaded
/// with `select_related`, the target object comes with it ([`ForeignKey::get`]).
pub struct ForeignKey<M> {
    id: i64,
    loaded: Option<Arc<M>>,
}

impl<M> ForeignKey<M> {
    /// A reference to the row with primary key `id`.
    pub fn new(id: i64) -> Self {
        ForeignKey { id, loaded: None }
    }

    /// The target's primary key.
    pub fn id(&self) -> i64 {
        self.id
    }

    /// The target object, when it was loaded with the row
    /// (`select_related`).
    pub fn get(&self) -> Option<&M> {
        self.loaded.as_deref()
    }

    /// Remembers the loaded target object.
    pub fn set_loaded(&mut self, target: Arc<M>) {
        self.loaded = Some(target);
    }

    /// The target object: the loaded one, or one query by primary key.
    pub fn fetch(&self, conn: &mut AnyConnection) -> Result<M>
    where
        M: Model<Pk = i64>,
    {
        match &self.loaded {
            Some(target) => Ok(M::clone(target)),
            None => M::objects().get_pk(conn, self.id),
        }
    }
}

impl<M: Model<Pk = i64>> From<&M> for ForeignKey<M> {
    fn from(target: &M) -> Self {
        ForeignKey {
            id: *target.pk(),
            loaded: Some(Arc::new(target.clone())),
        }
    }
}

impl<M> From<i64> for ForeignKey<M> {
    fn from(id: i64) -> Self {
        ForeignKey::new(id)
    }
}

impl<M> Clone for ForeignKey<M> {
    fn clone(&self) -> Self {
        ForeignKey {
            id: self.id,
            loaded: self.loaded.clone(),
        }
    }
}

impl<M> PartialEq for ForeignKey<M> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl<M: Model> fmt::Debug for ForeignKey<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ForeignKey<{}>({})", M::schema().name, self.id)
    }
}

impl<M: Model + fmt::Display> fmt::Display for ForeignKey<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.loaded {
            Some(target) => target.fmt(f),
            None => write!(f, "{} object ({})", M::schema().name, self.id),
        }
    }
}

impl<M> serde::Serialize for ForeignKey<M> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.id)
    }
}

impl<M: Send + Sync + 'static> FieldType for ForeignKey<M> {
    type Sql = BigInt;
    type Db = i64;
    const KIND: FieldKind = FieldKind::ForeignKey;

    fn to_db(&self) -> i64 {
        self.id
    }
    fn from_db(db: i64) -> diesel::deserialize::Result<Self> {
        Ok(ForeignKey::new(db))
    }
    fn to_value(&self) -> Value {
        Value::BigInt(self.id)
    }
    fn from_value(value: Value) -> Result<Self, ValueTypeError> {
        let got = value.type_name();
        value.as_i64().map(ForeignKey::new).ok_or(ValueTypeError {
            expected: "foreign key (i64)",
            got,
        })
    }
}
