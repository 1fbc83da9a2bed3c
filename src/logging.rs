//! Logging to stderr (warnings by default, more with `-v` or `RUST_LOG`) and to a log file under the
//! platform's state directory, which keeps `info` and above so a failed backup can be explained afterwards.

use std::fs::File;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

use log::{LevelFilter, Log, Metadata, Record};

struct Logger {
    stderr_level: LevelFilter,
    file_level: LevelFilter,
    file: Option<Mutex<File>>,
}

impl Log for Logger {
    fn enabled(&self, metadata: &Metadata) -> bool {
        metadata.level() <= self.stderr_level || (self.file.is_some() && metadata.level() <= self.file_level)
    }

    fn log(&self, record: &Record) {
        // Dependencies are loud at debug level; keep their noise out unless asked for with RUST_LOG.
        let ours = record.target().starts_with("lifeboat");
        if record.level() <= self.stderr_level && (ours || self.stderr_level >= LevelFilter::Trace) {
            let message = record.args().to_string();
            let message = crate::cli::terminal_safe(&message, false);
            eprintln!("lifeboat: {}: {message}", record.level().as_str().to_lowercase());
        }
        if let Some(file) = &self.file
            && record.level() <= self.file_level
            && let Ok(mut file) = file.lock()
        {
            let now = humantime::format_rfc3339_millis(std::time::SystemTime::now());
            // One record, one line: a line break or an escape in a name must not forge records.
            let message = record.args().to_string();
            let message = crate::cli::terminal_safe(&message, false);
            let _ = writeln!(file, "{now} {:5} {} {message}", record.level(), record.target());
        }
    }

    fn flush(&self) {
        if let Some(file) = &self.file
            && let Ok(mut file) = file.lock()
        {
            let _ = file.flush();
        }
    }
}

/// Where the log file goes.
pub fn log_file_path() -> Option<PathBuf> {
    let dirs = crate::paths::project_dirs()?;
    let dir = dirs.state_dir().unwrap_or_else(|| dirs.cache_dir()).to_path_buf();
    Some(dir.join("lifeboat.log"))
}

/// Installs the logger. `verbosity` counts `-v` flags; `RUST_LOG` (a level name) overrides it.
pub fn init(verbosity: u8) {
    let from_env = std::env::var("RUST_LOG").ok().and_then(|level| level.parse::<LevelFilter>().ok());
    let stderr_level = from_env.unwrap_or(match verbosity {
        0 => LevelFilter::Warn,
        1 => LevelFilter::Info,
        2 => LevelFilter::Debug,
        _ => LevelFilter::Trace,
    });
    // The log names files and devices of a person's phone: private to the user, as the vault is.
    let file = log_file_path().and_then(|path| {
        crate::paths::create_private_dir_all(path.parent()?).ok()?;
        let file = crate::paths::private_file().create(true).append(true).open(path).ok()?;
        // A log an earlier version created readable by others is made private too.
        #[cfg(unix)]
        let _ = file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600));
        Some(Mutex::new(file))
    });
    let file_level = LevelFilter::Info.max(stderr_level);
    let logger = Logger { stderr_level, file_level, file };
    if log::set_boxed_logger(Box::new(logger)).is_ok() {
        log::set_max_level(stderr_level.max(file_level));
    }
}
