//! Passwords for the command line: from `LIFEBOAT_PASSWORD` when set (scripts, CI), otherwise asked on the
//! terminal without echo. Without either, a clear refusal instead of a hang.

use std::io::IsTerminal;

use super::Failure;
use super::output::errln;
use crate::t;

/// The vault password.
pub fn current() -> Result<String, Failure> {
    if let Some(password) = from_env("LIFEBOAT_PASSWORD")? {
        return Ok(password);
    }
    ask(&t!("password-prompt"))
}

/// A new password, typed twice; `env` names a variable that can supply it instead.
pub fn new(env: &str) -> Result<String, Failure> {
    if let Some(password) = from_env(env)? {
        return check_strength(password);
    }
    errln!("{}", t!("password-lost-warning"));
    let first = ask(&t!("password-new-prompt"))?;
    let second = ask(&t!("password-repeat-prompt"))?;
    if first != second {
        return Err(Failure::usage(t!("password-mismatch")));
    }
    check_strength(first)
}

/// The password of a backup made by another tool (an encrypted iPhone or Android backup). Without a terminal
/// the refusal names what `import` reads instead: `LIFEBOAT_BACKUP_PASSWORD` or `--password-file`, never the
/// vault's `LIFEBOAT_PASSWORD`.
pub fn ask_backup() -> Result<String, Failure> {
    if !std::io::stdin().is_terminal() {
        return Err(Failure::usage(t!("password-backup-no-terminal")));
    }
    ask(&t!("password-backup-prompt"))
}

/// The password in the variable `name`, if set. One that is not valid UTF-8 is refused by name: taking it as
/// unset would ask for a password, or say there is none, when the person did give one.
pub fn from_env(name: &str) -> Result<Option<String>, Failure> {
    match std::env::var(name) {
        Ok(password) => Ok(Some(password)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(Failure::usage(t!("password-env-not-utf8", name = name)))
        }
    }
}

fn check_strength(password: String) -> Result<String, Failure> {
    if password.is_empty() {
        return Err(Failure::usage(t!("password-empty")));
    }
    Ok(password)
}

fn ask(prompt: &str) -> Result<String, Failure> {
    if !std::io::stdin().is_terminal() {
        return Err(Failure::usage(t!("password-no-terminal")));
    }
    rpassword::prompt_password(format!("{prompt} ")).map_err(|e| Failure::general(e.to_string()))
}
