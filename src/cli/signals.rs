//! Ctrl-C (SIGINT) and `kill` (SIGTERM) while a job runs: instead of dying with whatever was copied since the
//! last checkpoint, the job's [`Cancel`] is flipped, so a backup saves what it copied as an incomplete snapshot
//! the next run resumes, and the command exits 130. A second signal stops the program at once, for a job that
//! does not stop quickly enough.
//!
//! A signal handler may do almost nothing safely, so it only writes one byte into a pipe; a named thread
//! waiting on the other end does the rest. Commands install this only once any password has been asked for,
//! so Ctrl-C at a prompt still quits straight away.

use super::output::errln;
use crate::engine::Cancel;

/// Makes SIGINT and SIGTERM cancel `cancel` from now on.
#[cfg(unix)]
pub fn cancel_on_interrupt(cancel: &Cancel) {
    use std::sync::OnceLock;
    static INSTALLED: OnceLock<Option<i32>> = OnceLock::new();
    let Some(read_end) = *INSTALLED.get_or_init(unix::install) else { return };
    let cancel = cancel.clone();
    let spawned = std::thread::Builder::new().name("lifeboat-signals".into()).spawn(move || {
        if unix::wait(read_end) {
            errln!("{}", crate::t!("interrupt-stopping"));
            cancel.cancel();
        }
    });
    if let Err(e) = spawned {
        log::warn!("Ctrl-C will stop Lifeboat at once: no thread to watch for it ({e})");
    }
}

/// Elsewhere the system's default stays: the program stops at once.
#[cfg(not(unix))]
pub fn cancel_on_interrupt(_cancel: &Cancel) {}

#[cfg(unix)]
mod unix {
    use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

    use crate::cli::exit;

    /// The pipe's write end, for the handler.
    static WRITE_END: AtomicI32 = AtomicI32::new(-1);
    /// Whether a signal has come already.
    static SIGNALLED: AtomicBool = AtomicBool::new(false);

    extern "C" fn on_signal(_signal: libc::c_int) {
        if SIGNALLED.swap(true, Ordering::SeqCst) {
            // SAFETY: _exit is async-signal-safe; the person asked twice to stop now.
            unsafe { libc::_exit(exit::CANCELLED) };
        }
        let fd = WRITE_END.load(Ordering::SeqCst);
        let byte = 1u8;
        // SAFETY: write(2) is async-signal-safe; the buffer is one byte on this stack. A failed write can only
        // mean the watcher is gone, and then there is nobody to tell.
        unsafe { libc::write(fd, (&raw const byte).cast(), 1) };
    }

    /// Creates the pipe and installs the handler for SIGINT and SIGTERM; the read end, or `None` (logged)
    /// when the system refused, which leaves the default behaviour.
    pub(super) fn install() -> Option<i32> {
        let mut fds = [-1; 2];
        // SAFETY: pipe(2) fills the two descriptors of a valid two-element array.
        if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
            log::warn!("Ctrl-C will stop Lifeboat at once: {}", std::io::Error::last_os_error());
            return None;
        }
        WRITE_END.store(fds[1], Ordering::SeqCst);
        for signal in [libc::SIGINT, libc::SIGTERM] {
            // SAFETY: a zeroed sigaction with an empty mask and a handler that only touches atomics and
            // calls async-signal-safe functions. SA_RESTART keeps reads and writes in flight going.
            let installed = unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
                action.sa_flags = libc::SA_RESTART;
                libc::sigemptyset(&mut action.sa_mask);
                libc::sigaction(signal, &action, std::ptr::null_mut())
            };
            if installed != 0 {
                log::warn!("signal {signal} will stop Lifeboat at once: {}", std::io::Error::last_os_error());
            }
        }
        Some(fds[0])
    }

    /// Blocks until the handler writes; false when the pipe broke instead.
    pub(super) fn wait(read_end: i32) -> bool {
        let mut byte = 0u8;
        loop {
            // SAFETY: read(2) of one byte into a byte on this stack, from a descriptor this module owns.
            let n = unsafe { libc::read(read_end, (&raw mut byte).cast(), 1) };
            if n == 1 {
                return true;
            }
            if n < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return false;
        }
    }
}
