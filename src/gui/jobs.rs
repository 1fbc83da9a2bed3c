//! Everything slow runs here, never on the UI thread: each job is a **named** thread (so a stack dump or `top -H`
//! says what is busy) that reports through a channel the app reads with `Task::run` or `Task::perform`.
//!
//! Every job the app starts gets a [`JobId`]; results carry it back, and a screen drops any result whose id is
//! not the one it is waiting for (a survey of a device that was deselected, a catalog of a snapshot that was
//! closed). Errors cross as `String`s: they are shown, not matched on (the one exception, a wrong password, has
//! a variant of its own in [`OpenError`]).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use iced::futures::Stream;
use iced::futures::channel::{mpsc, oneshot};

use crate::engine::{Notice, Progress, Status};
use crate::vault::{Vault, VaultError};

/// Identifies one job, so stale results can be recognised.
pub type JobId = u64;

/// A fresh job id (unique for the life of the process).
pub fn next_id() -> JobId {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// What a long job reports.
#[derive(Debug, Clone)]
pub enum JobEvent<T> {
    /// Counters moved.
    Progress(Box<Status>),
    /// An item was skipped or a category is unavailable.
    Notice(Notice),
    /// The job ended.
    Finished(Result<T, String>),
}

struct ChannelProgress<T>(mpsc::UnboundedSender<JobEvent<T>>);

impl<T: Send> Progress for ChannelProgress<T> {
    fn update(&self, status: &Status) {
        let _ = self.0.unbounded_send(JobEvent::Progress(Box::new(status.clone())));
    }
    fn notice(&self, notice: &Notice) {
        log::info!("{}: {}", notice.subject, notice.message);
        let _ = self.0.unbounded_send(JobEvent::Notice(notice.clone()));
    }
}

/// Runs `work` on a thread called `name`, streaming its progress and then its result.
pub fn with_progress<T, F>(name: &str, work: F) -> impl Stream<Item = JobEvent<T>> + use<T, F>
where
    T: Send + 'static,
    F: FnOnce(&dyn Progress) -> Result<T, String> + Send + 'static,
{
    let (sender, receiver) = mpsc::unbounded();
    let spawned = std::thread::Builder::new().name(name.to_string()).spawn({
        let sender = sender.clone();
        move || {
            let progress = ChannelProgress(sender.clone());
            let result = work(&progress);
            let _ = sender.unbounded_send(JobEvent::Finished(result));
        }
    });
    if let Err(e) = spawned {
        let _ = sender.unbounded_send(JobEvent::Finished(Err(format!("cannot start a thread: {e}"))));
    }
    receiver
}

/// Runs `work` on a thread called `name`; the future resolves to its result.
pub async fn blocking<T, F>(name: &str, work: F) -> Result<T, String>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, String> + Send + 'static,
{
    let (sender, receiver) = oneshot::channel();
    std::thread::Builder::new()
        .name(name.to_string())
        .spawn(move || {
            let _ = sender.send(work());
        })
        .map_err(|e| format!("cannot start a thread: {e}"))?;
    receiver.await.unwrap_or_else(|_| Err("the job stopped unexpectedly".into()))
}

/// Why a vault did not open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenError {
    /// The password does not open it.
    WrongPassword,
    /// Anything else, as a sentence.
    Other(String),
}

impl From<VaultError> for OpenError {
    fn from(error: VaultError) -> Self {
        match error {
            VaultError::WrongPassword(_) => OpenError::WrongPassword,
            other => OpenError::Other(other.to_string()),
        }
    }
}

/// An open vault shared by the UI and its jobs (cheap to clone; `Debug` without showing any key).
#[derive(Clone)]
pub struct SharedVault(pub Arc<Vault>);

impl SharedVault {
    /// Shares `vault`.
    pub fn new(vault: Vault) -> Self {
        Self(Arc::new(vault))
    }
}

impl std::ops::Deref for SharedVault {
    type Target = Vault;
    fn deref(&self) -> &Vault {
        &self.0
    }
}

impl std::fmt::Debug for SharedVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Vault({})", self.root().display())
    }
}

/// Opens (or, with `create`, makes) the vault at `path` off the UI thread.
pub async fn open_vault(
    path: std::path::PathBuf,
    password: String,
    create: bool,
) -> Result<SharedVault, OpenError> {
    let (sender, receiver) = oneshot::channel();
    let spawned = std::thread::Builder::new().name("lifeboat-unlock".into()).spawn(move || {
        let result =
            if create { Vault::init(&path, &password, kdf()) } else { Vault::open(&path, &password) };
        let _ = sender.send(result.map(SharedVault::new).map_err(OpenError::from));
    });
    if let Err(e) = spawned {
        return Err(OpenError::Other(e.to_string()));
    }
    receiver.await.unwrap_or_else(|_| Err(OpenError::Other("the unlock job stopped".into())))
}

/// Key derivation settings for new vaults and passwords: the library's defaults, or cheap ones when
/// `LIFEBOAT_TEST_KDF` is set (simulator tests and screenshots make several vaults).
pub fn kdf() -> crate::vault::KdfParams {
    if std::env::var_os("LIFEBOAT_TEST_KDF").is_some() {
        crate::vault::KdfParams { memory_kib: 8 * 1024, passes: 1, lanes: 1 }
    } else {
        crate::vault::KdfParams::default()
    }
}
