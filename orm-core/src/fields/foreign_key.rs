//! `ForeignKey<M>`: a reference to another model's row.

use std::any::Any;
use std::fmt;
use std::marker::PhantomData;
use std::panic::{RefUnwindSafe, UnwindSafe};
use std::sync::Arc;

use diesel::sql_types::BigInt;

use crate::db::AnyConnection;
use crate::error::Result;
use crate::model::Model;
use crate::schema::FieldKind;
use crate::value::{FieldType, Value, ValueTypeError};

/// A foreign key whose values are unique: each row of `M` has at most one
/// row pointing at it (Django's `OneToOneField`), the usual way to give a
/// model, such as `User`, a profile of one's own. The column is a
/// `ForeignKey<M>`'s with a unique constraint; the reverse accessor
/// (`related_name`) gives an `Option` of the one row instead of a query.
///
/// ```
/// # fn main() -> orm_core::Result<()> {
/// use orm_core::prelude::*;
///
/// #[derive(Model, Debug, Clone)]
/// #[model(app_label = "docs")]
/// pub struct Member {
///     pub id: i64,
///     #[field(max_length = 50)]
///     pub name: String,
/// }
///
/// #[derive(Model, Debug, Clone)]
/// #[model(app_label = "docs")]
/// pub struct Profile {
///     pub id: i64,
///     #[field(on_delete = Cascade, related_name = "profile")]
///     pub member: OneToOne<Member>,
///     #[field(max_length = 200)]
///     pub bio: String,
/// }
///
/// let db = Db::open("sqlite://:memory:")?;
/// let mut conn = db.conn()?;
/// orm_core::create_tables(&mut conn, &[Member::schema(), Profile::schema()])?;
/// let mut ada = Member { id: 0, name: "Ada".into() };
/// ada.save(&mut conn)?;
/// assert!(ada.profile(&mut conn)?.is_none());
/// Profile { id: 0, member: ForeignKey::new(ada.id), bio: "Analyst".into() }.save(&mut conn)?;
/// assert_eq!(ada.profile(&mut conn)?.map(|p| p.bio).as_deref(), Some("Analyst"));
/// let second = Profile { id: 0, member: ForeignKey::new(ada.id), bio: "Again".into() }.save(&mut conn);
/// assert!(matches!(second, Err(orm_core::Error::UniqueViolation { .. })));
/// # Ok(()) }
/// ```
pub type OneToOne<M> = ForeignKey<M>;

/// A reference to a row of model `M`, by its primary key.
///
/// The column holds the target's `i64` primary key. When the row was loaded
/// with `select_related`, the target object comes with it ([`ForeignKey::get`]).
///
/// The loaded target is kept type-erased (an `Arc<M>` seen as `dyn Any`), and
/// `M` only appears in a `fn() -> M` marker. So `ForeignKey<M>` is `Send`,
/// `Sync` and unwind-safe without asking the same of `M`: the compiler's check
/// of a model stops at its foreign keys instead of walking the whole chain of
/// related models, so long chains compile within the default recursion limit.
pub struct ForeignKey<M> {
    id: i64,
    loaded: Option<Arc<dyn Any + Send + Sync>>,
    target: PhantomData<fn() -> M>,
}

// The loaded target is only reachable through `&M` ([`ForeignKey::get`]), as
// it was when the field held an `Arc<M>`; models hold no interior mutability.
impl<M> UnwindSafe for ForeignKey<M> {}
impl<M> RefUnwindSafe for ForeignKey<M> {}

impl<M> ForeignKey<M> {
    /// A reference to the row with primary key `id`.
    pub fn new(id: i64) -> Self {
        ForeignKey {
            id,
            loaded: None,
            target: PhantomData,
        }
    }

    /// The target's primary key.
    pub fn id(&self) -> i64 {
        self.id
    }

    /// The target object, when it was loaded with the row
    /// (`select_related`).
    pub fn get(&self) -> Option<&M>
    where
        M: 'static,
    {
        // Only `set_loaded` fills `loaded`, always with an `Arc<M>`.
        self.loaded.as_deref()?.downcast_ref::<M>()
    }

    /// Remembers the loaded target object.
    pub fn set_loaded(&mut self, target: Arc<M>)
    where
        M: Send + Sync + 'static,
    {
        self.loaded = Some(target);
    }

    /// Remembers the loaded target object, given type-erased; `false` (and
    /// nothing kept) when it is not an `M`.
    pub fn set_loaded_erased(&mut self, target: Arc<dyn Any + Send + Sync>) -> bool
    where
        M: 'static,
    {
        let fits = (*target).is::<M>();
        if fits {
            self.loaded = Some(target);
        }
        fits
    }

    /// The target object: the loaded one, or one query by primary key.
    pub fn fetch(&self, conn: &mut AnyConnection) -> Result<M>
    where
        M: Model<Pk = i64>,
    {
        match self.get() {
            Some(target) => Ok(target.clone()),
            None => M::objects().get_pk(conn, self.id),
        }
    }
}

impl<M: Model<Pk = i64>> From<&M> for ForeignKey<M> {
    fn from(target: &M) -> Self {
        ForeignKey {
            id: *target.pk(),
            loaded: Some(Arc::new(target.clone())),
            target: PhantomData,
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
            target: PhantomData,
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
        match self.get() {
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

#[cfg(test)]
mod tests {
    use std::panic::{RefUnwindSafe, UnwindSafe};
    use std::rc::Rc;
    use std::sync::Arc;

    use super::ForeignKey;

    fn send_sync_unwind_safe<T: Send + Sync + UnwindSafe + RefUnwindSafe>() {}

    #[test]
    fn auto_traits_do_not_depend_on_the_target() {
        // Rc is neither Send nor Sync; a Cell is not RefUnwindSafe.
        send_sync_unwind_safe::<ForeignKey<Rc<std::cell::Cell<i32>>>>();
    }

    #[test]
    fn the_loaded_target_is_shared_and_given_back() {
        let mut fk = ForeignKey::<String>::new(7);
        assert!(fk.get().is_none());
        let target = Arc::new("seven".to_owned());
        fk.set_loaded(target.clone());
        let copy = fk.clone();
        assert_eq!(copy.id(), 7);
        assert!(std::ptr::eq(copy.get().unwrap(), &*target));
        assert!(copy == ForeignKey::from(7));
    }
}
