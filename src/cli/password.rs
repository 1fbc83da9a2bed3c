//! Passwords for the command line: from `LIFEBOAT_PASSWORD` when set (scripts, CI), otherwise asked on the
//! terminal without echo. Without either, a clear refusal instead of a hang.

use std::io::IsTerminal;

use super::Failure;
use crate::t;

/// The vault password.
pub fn current() -> Result<String, Failure> {
    if let Ok(password) = std::env::var("LIFEBOAT_PASSWORD") {
        return Ok(password);
    }
    ask(&t!("password-prompt"))
}

/// A new password, typed twice; `env` names a variable that can supply it instead.
pub fn new(env: &str) -> Result<String, Failure> {
    if let Ok(password) = std::env::var(env) {
        return check_strength(password);
    }
    eprintln!("{}", t!("password-lost-warning"));
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
