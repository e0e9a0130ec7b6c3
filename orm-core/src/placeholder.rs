//! What `#[derive(Model)]` writes for a struct whose attributes are wrong:
//! beside the errors, impls that make the struct a model as far as the type
//! checker goes, so that the rest of the crate (foreign keys to it, its
//! field handles) compiles and the only errors are the real ones. None of
//! it runs: the crate does not build.

diesel::table! {
    /// The table of every placeholder model.
    #[sql_name = "__placeholder"]
    placeholder (id) {
        /// Its one column.
        id -> BigInt,
    }
}

/// Implements `Model`, `AdminModel`, `ModelColumns` and `JoinTarget` for `$ty` with bodies
/// that never run.
#[macro_export]
#[doc(hidden)]
macro_rules! __placeholder_model {
    ($ty:ty) => {
        #[automatically_derived]
        #[allow(unreachable_code, unused_variables)]
        impl $crate::__private::Model for $ty {
            type Pk = i64;
            const LABEL: &'static str = "";
            const TABLE: &'static str = "";
            const PK_COLUMN: &'static str = "";
            fn schema() -> &'static $crate::__private::ModelSchema {
                ::core::unreachable!()
            }
            fn pk(&self) -> &i64 {
                ::core::unreachable!()
            }
            fn set_pk(&mut self, pk: i64) {}
            fn field_value(&self, index: usize) -> $crate::__private::Value {
                ::core::unreachable!()
            }
            fn set_field_value(
                &mut self,
                index: usize,
                value: $crate::__private::Value,
            ) -> $crate::__private::Result<()> {
                ::core::unreachable!()
            }
            fn __from_values(
                values: ::std::vec::Vec<$crate::__private::Value>,
            ) -> $crate::__private::Result<Self> {
                ::core::unreachable!()
            }
            fn __load(
                conn: &mut $crate::__private::AnyConnection,
                spec: &$crate::__private::QuerySpec,
            ) -> $crate::__private::Result<::std::vec::Vec<Self>> {
                ::core::unreachable!()
            }
            fn __count(
                conn: &mut $crate::__private::AnyConnection,
                spec: &$crate::__private::QuerySpec,
            ) -> $crate::__private::Result<i64> {
                ::core::unreachable!()
            }
            fn __condition(
                q: &$crate::__private::Q,
            ) -> $crate::__private::Result<$crate::query::SqlCondition> {
                ::core::unreachable!()
            }
            fn __delete(
                conn: &mut $crate::__private::AnyConnection,
                spec: &$crate::__private::QuerySpec,
            ) -> $crate::__private::Result<usize> {
                ::core::unreachable!()
            }
            fn __update(
                conn: &mut $crate::__private::AnyConnection,
                spec: &$crate::__private::QuerySpec,
                values: &[(usize, $crate::__private::Value)],
            ) -> $crate::__private::Result<usize> {
                ::core::unreachable!()
            }
            fn __aggregate(
                conn: &mut $crate::__private::AnyConnection,
                spec: &$crate::__private::QuerySpec,
                field: usize,
                aggregate: $crate::__private::Aggregate,
            ) -> $crate::__private::Result<$crate::__private::Value> {
                ::core::unreachable!()
            }
            fn __insert(
                &mut self,
                conn: &mut $crate::__private::AnyConnection,
                with_pk: bool,
            ) -> $crate::__private::Result<()> {
                ::core::unreachable!()
            }
            fn __select_related(
                conn: &mut $crate::__private::AnyConnection,
                rows: &mut [Self],
                field: usize,
            ) -> $crate::__private::Result<()> {
                ::core::unreachable!()
            }
            fn __set_related(
                &mut self,
                field: usize,
                target: ::std::sync::Arc<
                    dyn ::core::any::Any + ::core::marker::Send + ::core::marker::Sync,
                >,
            ) -> bool {
                ::core::unreachable!()
            }
            fn __save(
                &self,
                conn: &mut $crate::__private::AnyConnection,
            ) -> $crate::__private::Result<usize> {
                ::core::unreachable!()
            }
        }

        #[automatically_derived]
        impl<__DB>
            $crate::__private::diesel::deserialize::Queryable<
                ($crate::__private::diesel::sql_types::BigInt,),
                __DB,
            > for $ty
        where
            __DB: $crate::__private::diesel::backend::Backend,
            (i64,): $crate::__private::diesel::deserialize::FromStaticSqlRow<
                ($crate::__private::diesel::sql_types::BigInt,),
                __DB,
            >,
        {
            type Row = (i64,);
            fn build(row: (i64,)) -> $crate::__private::diesel::deserialize::Result<Self> {
                ::core::unreachable!()
            }
        }

        #[automatically_derived]
        impl $crate::__private::ModelColumns for $ty {
            type Table = $crate::__private::placeholder::table;
            fn visit_column<V: $crate::__private::ColumnVisitor>(
                index: usize,
                visitor: V,
            ) -> ::core::option::Option<V::Output> {
                ::core::option::Option::None
            }
        }

        #[automatically_derived]
        impl $crate::__private::AdminModel for $ty {}

        #[automatically_derived]
        impl $crate::__private::JoinTarget for $ty {
            type Table = $crate::__private::placeholder::table;
            type Columns = ($crate::__private::placeholder::id,);
            type PkColumn = $crate::__private::placeholder::id;
            const COLUMNS: Self::Columns = ($crate::__private::placeholder::id,);
            const PK: Self::PkColumn = $crate::__private::placeholder::id;
            type ReprColumns = ($crate::__private::placeholder::id,);
            type ReprRow = (i64,);
            const REPR_COLUMNS: Self::ReprColumns = ($crate::__private::placeholder::id,);
            fn repr_of(row: (i64,)) -> ::std::string::String {
                ::core::unreachable!()
            }
        }
    };
}
