//! Says which database backends the integration tests will skip.

fn main() {
    for (env, name) in [
        ("ORM_TEST_POSTGRES_URL", "PostgreSQL"),
        ("ORM_TEST_MYSQL_URL", "MySQL/MariaDB"),
    ] {
        println!("cargo:rerun-if-env-changed={env}");
        if std::env::var(env).map_or(true, |v| v.trim().is_empty()) {
            println!("cargo:warning={name} tests skipped: {env} is not set (SQLite runs always)");
        }
    }
}
