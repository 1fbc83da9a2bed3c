//! Logging to stderr (warnings by default, more with `-v` or `RUST_LOG`) and to a log file under the
//! platform's state directory, which keeps `info` and above so a failed backup can be explained afterwards.

use std::fs::{File, OpenOptions};
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
            eprintln!("lifeboat: {}: {}", record.level().as_str().to_lowercase(), record.args());
        }
        if let Some(file) = &self.file
            && record.level() <= self.file_level
            && let Ok(mut file) = file.lock()
        {
            let now = humantime::format_rfc3339_millis(std::time::SystemTime::now());
            let _ = writeln!(file, "{now} {:5} {} {}", record.level(), record.target(), record.args());
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
    let file = log_file_path().and_then(|path| {
        std::fs::create_dir_all(path.parent()?).ok()?;
        OpenOptions::new().create(true).append(true).open(path).ok().map(Mutex::new)
    });
    let file_level = LevelFilter::Info.max(stderr_level);
    let logger = Logger { stderr_level, file_level, file };
    if log::set_boxed_logger(Box::new(logger)).is_ok() {
        log::set_max_level(stderr_level.max(file_level));
    }
}
