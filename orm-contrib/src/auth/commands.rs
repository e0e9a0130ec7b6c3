//! `createsuperuser` and `changepassword`, like Django's. The `cli` feature
//! adds their command line (`AuthCommand`).

use std::io::{BufRead, IsTerminal, Write};

use orm_core::prelude::*;
use orm_core::validation::{is_email, validate_value};
use orm_core::{Db, Value};

use super::username::{clean_username, UsernameError};
use super::{validate_password, User};
use crate::Error;

/// The environment variable `createsuperuser --noinput` reads the password
/// from.
pub const PASSWORD_ENV: &str = "ORM_SUPERUSER_PASSWORD";

/// Reads passwords: hidden from a terminal, or line by line from `input`
/// when it is not one (pipes, tests).
fn read_password(
    prompt: &str,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<String, Error> {
    if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
        return rpassword::prompt_password(prompt)
            .map_err(|e| Error::Command(format!("cannot read the password: {e}")));
    }
    let _ = write!(out, "{prompt}");
    let _ = out.flush();
    let mut line = String::new();
    match input.read_line(&mut line) {
        Ok(0) | Err(_) => Err(Error::Command(
            "no password given (end of input)".to_owned(),
        )),
        Ok(_) => Ok(line.trim_end_matches(['\n', '\r']).to_owned()),
    }
}

fn read_line(prompt: &str, input: &mut dyn BufRead, out: &mut dyn Write) -> Result<String, Error> {
    let _ = write!(out, "{prompt}");
    let _ = out.flush();
    let mut line = String::new();
    match input.read_line(&mut line) {
        Ok(0) | Err(_) => Err(Error::Command("no input given".to_owned())),
        Ok(_) => Ok(line.trim().to_owned()),
    }
}

/// Asks twice until both match; checks the validators.
fn new_password(
    user: &User,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<String, Error> {
    let first = read_password("Password: ", input, out)?;
    let second = read_password("Password (again): ", input, out)?;
    if first != second {
        return Err(Error::Command("your passwords didn't match".to_owned()));
    }
    check_strength(&first, user)?;
    Ok(first)
}

fn check_strength(password: &str, user: &User) -> Result<(), Error> {
    if password.is_empty() {
        return Err(Error::Command("a blank password is not allowed".to_owned()));
    }
    validate_password(password, Some(user))
        .map_err(|messages| Error::Command(format!("weak password: {}", messages.join(" "))))
}

/// `createsuperuser --username U --email E [--noinput]`.
pub fn createsuperuser(
    db: &Db,
    username: Option<&str>,
    email: Option<&str>,
    noinput: bool,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let username = match (username, noinput) {
        (Some(name), _) => name.trim().to_owned(),
        (None, true) => {
            return Err(Error::Command(
                "--username is required with --noinput".to_owned(),
            ))
        }
        (None, false) => read_line("Username: ", input, out)?,
    };
    // The admin's rules (NFKC, letters, digits and @/./+/-/_, no name that
    // differs from another only in case), before any password prompt.
    let mut conn = db.conn()?;
    let username = match clean_username(&mut conn, &username, None) {
        Ok(username) => username,
        Err(UsernameError::Blank) => {
            return Err(Error::Command("the username cannot be blank".to_owned()))
        }
        Err(UsernameError::Taken) => {
            return Err(Error::Command(format!(
                "the username '{username}' is already taken"
            )))
        }
        Err(UsernameError::Database(e)) => return Err(e.into()),
        Err(other) => return Err(Error::Command(other.to_string())),
    };
    // The field's own rules (its max_length).
    let field = &User::schema().fields[User::USERNAME.index()];
    if let Err(message) = validate_value(field, &Value::Text(username.clone())) {
        return Err(Error::Command(format!("username: {message}")));
    }
    let email = match (email, noinput) {
        (Some(email), _) => email.trim().to_owned(),
        (None, true) => String::new(),
        (None, false) => read_line("Email address: ", input, out)?,
    };
    if !email.is_empty() && !is_email(&email) {
        return Err(Error::Command(format!(
            "'{email}' is not a valid email address"
        )));
    }
    let mut user = User::new(username, email);
    user.is_staff = true;
    user.is_superuser = true;
    let password = if noinput {
        let password = std::env::var(PASSWORD_ENV).map_err(|_| {
            Error::Command(format!("--noinput needs the password in {PASSWORD_ENV}"))
        })?;
        check_strength(&password, &user)?;
        password
    } else {
        new_password(&user, input, out)?
    };
    user.set_password(&password)
        .map_err(|e| Error::Command(e.to_string()))?;
    user.save(&mut conn)?;
    let _ = writeln!(out, "Superuser created successfully.");
    Ok(())
}

/// `changepassword USERNAME`.
pub fn changepassword(
    db: &Db,
    username: &str,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let mut conn = db.conn()?;
    let mut user = User::objects()
        .filter(User::USERNAME.eq(username))
        .first(&mut conn)?
        .ok_or_else(|| Error::Command(format!("user '{username}' does not exist")))?;
    let _ = writeln!(out, "Changing password for user '{username}'");
    let password = new_password(&user, input, out)?;
    user.set_password(&password)
        .map_err(|e| Error::Command(e.to_string()))?;
    User::store_password(&mut conn, user.id, &user.password)?;
    let _ = writeln!(out, "Password changed successfully for user '{username}'");
    Ok(())
}
