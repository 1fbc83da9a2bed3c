//! The `lifeboat` program: parses the command line, sets up logging and language, runs the command, and
//! turns a failure into one line on stderr and an exit code.

use clap::Parser;
use lifeboat::cli::{self, Cli};

fn main() {
    // Die quietly when stdout is closed early (`lifeboat ls latest | head`), as command-line tools do.
    #[cfg(unix)]
    // SAFETY: restoring the default action of SIGPIPE before any thread starts has no other effect.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    lifeboat::logging::init(cli.verbose);
    if let Ok(language) = std::env::var("LIFEBOAT_LANG")
        && let Err(e) = lifeboat::i18n::set_language(&language)
    {
        log::warn!("LIFEBOAT_LANG: {e}");
    }
    if cli.command.is_none() {
        // `lifeboat` alone opens the desktop app.
        #[cfg(feature = "gui")]
        if let Err(e) = lifeboat::gui::run() {
            log::error!("the app stopped: {e}");
            eprintln!("lifeboat: {}", cli::terminal_safe(&e.to_string(), true));
            std::process::exit(cli::exit::FAILURE);
        }
        // A library-only build (`--no-default-features`, as the fuzz targets use) has no app to open.
        #[cfg(not(feature = "gui"))]
        {
            eprintln!(
                "lifeboat: this build has no desktop app (built without the `gui` feature); see `lifeboat --help`"
            );
            std::process::exit(cli::exit::FAILURE);
        }
        #[cfg(feature = "gui")]
        return;
    }
    if let Err(failure) = cli::run(cli) {
        log::info!("failed: {}", failure.message);
        eprintln!("lifeboat: {}", cli::terminal_safe(&failure.message, true));
        std::process::exit(failure.code);
    }
}
