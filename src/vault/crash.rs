//! Crash points: named places in the vault's writers where a test can make the process die as if killed with
//! `kill -9`, to prove that a crash at that very step leaves a vault that opens, verifies and restores.
//!
//! `LIFEBOAT_TEST_CRASH_AT=PATTERN#N` kills the process at the N-th point whose name matches `PATTERN` (`#N`
//! omitted means the first). A pattern is a name (`prune:index-written`), a prefix ending in `*` (`remove:*`),
//! or `*` for every point, so a test can walk through every step of an operation with `*#1`, `*#2`, ... until
//! the operation finishes. Without the variable a crash point costs one relaxed load.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The variable that arms a crash point.
pub const CRASH_AT_VAR: &str = "LIFEBOAT_TEST_CRASH_AT";

struct Armed {
    pattern: String,
    nth: usize,
}

fn armed() -> Option<&'static Armed> {
    static ARMED: OnceLock<Option<Armed>> = OnceLock::new();
    ARMED
        .get_or_init(|| {
            let value = std::env::var(CRASH_AT_VAR).ok()?;
            let (pattern, nth) = match value.rsplit_once('#') {
                Some((pattern, nth)) => (pattern.to_owned(), nth.parse().ok()?),
                None => (value, 1),
            };
            Some(Armed { pattern, nth })
        })
        .as_ref()
}

fn matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => pattern == name,
    }
}

/// Dies here, as `kill -9` would, if a test armed this point.
pub fn crash_point(name: &str) {
    static HITS: AtomicUsize = AtomicUsize::new(0);
    let Some(armed) = armed() else { return };
    if !matches(&armed.pattern, name) {
        return;
    }
    if HITS.fetch_add(1, Ordering::SeqCst) + 1 == armed.nth {
        log::error!("dying at crash point {name} ({CRASH_AT_VAR})");
        die();
    }
}

fn die() -> ! {
    #[cfg(unix)]
    // SAFETY: sending SIGKILL to ourselves has no preconditions; it does not return.
    unsafe {
        libc::kill(libc::getpid(), libc::SIGKILL);
    }
    std::process::abort()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_names_prefixes_and_everything() {
        assert!(matches("prune:index-written", "prune:index-written"));
        assert!(!matches("prune:index-written", "prune:index"));
        assert!(matches("remove:*", "remove:data"));
        assert!(!matches("remove:*", "write:index"));
        assert!(matches("*", "anything"));
    }
}
