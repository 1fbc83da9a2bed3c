//! Making a vault and getting into one: `init`, `open`, the key slots and password changes.
//!
//! Two rules keep a vault from being lost here. `init` never writes where anything of a vault already is (nor,
//! unless asked, into a folder holding anything at all), because a new `config` over an old one makes every
//! backup in it unreadable. And the plaintext marker `lifeboat-vault.json` is only a hint: a vault whose marker
//! is missing or damaged still opens with its password (and gets its marker back), since the key slots and the
//! sealed config are what make it a vault.

use std::path::{Path, PathBuf};

use unicode_normalization::UnicodeNormalization;

use super::crypto::{Keys, MasterSecret};
use super::error::{Result, VaultError};
use super::id::Id;
use super::keys::{KdfParams, KeySlot, SlotKind};
use super::layout::{self, Layout};
use super::recovery::{BadRecoveryCode, RecoveryCode};
use super::snapshot::now_ns;
use super::{CONFIG_AD, ChunkerParams, Config, FORMAT_NAME, FORMAT_VERSION, Marker, Vault, lock};

/// How `init` treats the folder it is given.
#[derive(Debug, Clone, Copy, Default)]
pub struct InitOptions {
    /// Make the vault in a folder that already holds other files (never one holding anything of a vault).
    pub allow_non_empty: bool,
}

/// The names a vault's own files and folders have; any of them in a folder means a vault (or part of one) is
/// there.
const VAULT_NAMES: [&str; 8] =
    [super::layout::MARKER, "config", "keys", "data", "index", "snapshots", "lock", "tmp"];

/// The forms of a password to try, in order: Unicode NFC first (what vaults are made with), then the bytes as
/// typed, for vaults made before passwords were normalised.
fn password_forms(password: &str) -> Vec<String> {
    let normalised: String = password.nfc().collect();
    if normalised == password { vec![normalised] } else { vec![normalised, password.to_owned()] }
}

impl Vault {
    /// Whether `root` holds a vault, or anything of one (a vault whose marker was lost is still a vault).
    pub fn exists(root: &Path) -> bool {
        VAULT_NAMES.iter().any(|name| root.join(name).symlink_metadata().is_ok())
    }

    /// Creates a new, empty vault at `root`, which must not exist yet or be an empty folder.
    pub fn init(root: &Path, password: &str, kdf: KdfParams) -> Result<Self> {
        Self::init_with(root, password, kdf, InitOptions::default())
    }

    /// Creates a new, empty vault at `root`, as `options` allow.
    pub fn init_with(root: &Path, password: &str, kdf: KdfParams, options: InitOptions) -> Result<Self> {
        let layout = Layout::new(root);
        if Self::exists(root) {
            return Err(VaultError::AlreadyExists(root.to_path_buf()));
        }
        match std::fs::read_dir(root) {
            Ok(mut entries) => {
                if entries.next().is_some() && !options.allow_non_empty {
                    return Err(VaultError::NotEmpty(root.to_path_buf()));
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(VaultError::io("list", root, e)),
        }
        layout::create_private_dir(root)?;
        for dir in layout.dirs() {
            layout::create_private_dir(&dir)?;
        }
        // All 256 fan-out directories exist from the start, so writing a pack never has to create one.
        for fan in 0..=255u8 {
            layout::create_private_dir(&layout.data_dir().join(format!("{fan:02x}")))?;
        }
        lock::prepare(&layout)?;
        let master = MasterSecret::generate();
        let keys = Keys::derive(&master);
        let config =
            Config { vault_id: Id::random(), created_ns: now_ns(), chunker: ChunkerParams::new_random() };
        let plain =
            serde_json::to_vec(&config).map_err(|e| VaultError::damaged("the new config", e.to_string()))?;
        layout.write_atomic(&layout.config(), &keys.seal(CONFIG_AD, &plain))?;
        let slot = Self::write_slot(&layout, password, kdf, &master)?;
        // The marker goes last: a crash before it leaves a directory that is not yet a vault, not a broken one.
        write_marker(&layout)?;
        Ok(Self { layout, keys, master, config, slot, opened_with: SlotKind::Password })
    }

    pub(super) fn write_slot(
        layout: &Layout,
        password: &str,
        kdf: KdfParams,
        master: &MasterSecret,
    ) -> Result<Id> {
        let password: String = password.nfc().collect();
        Self::write_slot_kind(layout, SlotKind::Password, &password, kdf, master)
    }

    fn write_slot_kind(
        layout: &Layout,
        kind: SlotKind,
        secret: &str,
        kdf: KdfParams,
        master: &MasterSecret,
    ) -> Result<Id> {
        let slot = KeySlot::create_kind(kind, secret, kdf, master)
            .map_err(|_| VaultError::BadKdf(layout.keys_dir()))?;
        let id = Id::random();
        let text = serde_json::to_vec_pretty(&slot).unwrap_or_default();
        layout.write_atomic(&layout.key_slot(&id), &text)?;
        Ok(id)
    }

    /// Opens the vault at `root` with `password`.
    pub fn open(root: &Path, password: &str) -> Result<Self> {
        let layout = Layout::new(root);
        let marker_intact = check_marker(&layout)?;
        let (slot, opened_with, master) = Self::unlock(&layout, password)?;
        let keys = Keys::derive(&master);
        let sealed = match std::fs::read(layout.config()) {
            Ok(sealed) => sealed,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(VaultError::Missing { what: "the vault config (the file config)".into() });
            }
            Err(e) => return Err(VaultError::io("read", layout.config(), e)),
        };
        let plain = keys
            .open(CONFIG_AD, &sealed)
            .map_err(|_| VaultError::damaged("the vault config", "it fails authentication"))?;
        let config: Config = serde_json::from_slice(&plain)
            .map_err(|e| VaultError::damaged("the vault config", e.to_string()))?;
        if !config.chunker.is_valid() {
            return Err(VaultError::damaged("the vault config", "its chunker parameters are out of range"));
        }
        if !marker_intact {
            // The password opened the config, so this is a vault: put its hint back for the next look.
            match write_marker(&layout) {
                Ok(()) => log::info!("wrote the lost marker of the vault {}", root.display()),
                Err(e) => log::warn!("could not write the vault's marker again: {e}"),
            }
        }
        Ok(Self { layout, keys, master, config, slot, opened_with })
    }

    fn unlock(layout: &Layout, password: &str) -> Result<(Id, SlotKind, MasterSecret)> {
        let slots = Self::slot_ids(layout)?;
        if slots.is_empty() {
            return Err(VaultError::Missing { what: "every key slot (the folder keys/)".into() });
        }
        let forms = password_forms(password);
        let code = RecoveryCode::parse(password);
        let mut has_recovery_slot = false;
        let mut damaged: Vec<PathBuf> = Vec::new();
        for (id, path) in slots {
            let text = match std::fs::read(&path) {
                Ok(text) => text,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(VaultError::io("read", &path, e)),
            };
            let Ok(slot) = serde_json::from_slice::<KeySlot>(&text) else {
                log::warn!("skipping unreadable key slot {}", path.display());
                damaged.push(path);
                continue;
            };
            let tries: Vec<&str> = match slot.kind {
                SlotKind::Password => forms.iter().map(String::as_str).collect(),
                SlotKind::Recovery => {
                    has_recovery_slot = true;
                    code.as_ref().map(|code| vec![code.as_secret()]).unwrap_or_default()
                }
            };
            for form in tries {
                match slot.unlock(form) {
                    Ok(Some(master)) => return Ok((id, slot.kind, master)),
                    Ok(None) => {}
                    Err(_) => {
                        log::warn!("skipping key slot {} with unusable parameters", path.display());
                        damaged.push(path.clone());
                        break;
                    }
                }
            }
        }
        // A damaged slot may be the one this password fits: saying "wrong password" would send the person
        // guessing at a password that is right.
        if let Some(first) = damaged.first() {
            let name = first.strip_prefix(layout.root()).unwrap_or(first);
            return Err(VaultError::damaged(
                format!("the key slot {}", name.display()),
                "it was changed or cut short on disk, and no other key slot fits this password",
            ));
        }
        // Typed like a recovery code (the right length) but not a valid one: say where the typo is, rather than
        // "wrong password".
        if has_recovery_slot
            && let Err(bad @ (BadRecoveryCode::Typo | BadRecoveryCode::Character(_))) = code
            && password.chars().filter(char::is_ascii_alphanumeric).count() >= 30
        {
            return Err(VaultError::RecoveryCode(bad));
        }
        Err(VaultError::WrongPassword(layout.root().to_path_buf()))
    }

    /// Key slot files by the (short) id in their names.
    fn slot_ids(layout: &Layout) -> Result<Vec<(Id, PathBuf)>> {
        let dir = layout.keys_dir();
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(VaultError::io("list", &dir, e)),
        };
        let mut slots = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(stem) = name.to_str().and_then(|n| n.strip_suffix(".json")) else { continue };
            let mut id = [0u8; 32];
            if hex::decode_to_slice(stem, &mut id[..4]).is_ok() {
                slots.push((Id(id), entry.path()));
            }
        }
        slots.sort();
        Ok(slots)
    }

    /// Replaces the password that opened this vault. The new slot is written before the old one is removed,
    /// so a crash leaves at least one way in. A vault opened with its recovery code keeps the code, and loses
    /// every password slot: the forgotten password (or one someone else knows) stops working.
    pub fn change_password(&mut self, new_password: &str, kdf: KdfParams) -> Result<()> {
        let _lock = self.lock()?;
        let new_slot = Self::write_slot(&self.layout, new_password, kdf, &self.master)?;
        let opened = self.slot;
        let retired = match self.opened_with {
            SlotKind::Password => self.slots_where(|id, _| id.0[..4] == opened.0[..4])?,
            SlotKind::Recovery => {
                self.slots_where(|id, kind| kind == SlotKind::Password && id.0[..4] != new_slot.0[..4])?
            }
        };
        self.remove_slots(&retired)?;
        if self.opened_with == SlotKind::Password {
            self.slot = new_slot;
        }
        Ok(())
    }

    /// Makes a new recovery code and removes any earlier one, which stops working. Show the code to the person
    /// once: it is stored only as a key slot.
    pub fn new_recovery_code(&mut self, kdf: KdfParams) -> Result<RecoveryCode> {
        let _lock = self.lock()?;
        let code = RecoveryCode::generate();
        let new_slot =
            Self::write_slot_kind(&self.layout, SlotKind::Recovery, code.as_secret(), kdf, &self.master)?;
        let retired =
            self.slots_where(|id, kind| kind == SlotKind::Recovery && id.0[..4] != new_slot.0[..4])?;
        self.remove_slots(&retired)?;
        if self.opened_with == SlotKind::Recovery {
            self.slot = new_slot;
        }
        Ok(code)
    }

    /// Whether the vault has a recovery code.
    pub fn has_recovery_code(&self) -> Result<bool> {
        Ok(!self.slots_where(|_, kind| kind == SlotKind::Recovery)?.is_empty())
    }

    /// Whether this vault was opened with its recovery code rather than its password.
    pub fn opened_with_recovery_code(&self) -> bool {
        self.opened_with == SlotKind::Recovery
    }

    /// Key slot files for which `wanted(id, kind)` holds; unreadable slots are never chosen.
    fn slots_where(&self, wanted: impl Fn(&Id, SlotKind) -> bool) -> Result<Vec<PathBuf>> {
        let mut chosen = Vec::new();
        for (id, path) in Self::slot_ids(&self.layout)? {
            let Ok(text) = std::fs::read(&path) else { continue };
            let Ok(slot) = serde_json::from_slice::<KeySlot>(&text) else { continue };
            if wanted(&id, slot.kind) {
                chosen.push(path);
            }
        }
        Ok(chosen)
    }

    fn remove_slots(&self, paths: &[PathBuf]) -> Result<()> {
        for path in paths {
            layout::remove_if_present(path)?;
        }
        if let Some(path) = paths.first() {
            layout::sync_parent(path)?;
        }
        Ok(())
    }
}

/// Checks the marker: `Ok(true)` when it is there and right, `Ok(false)` when it is missing or unreadable but
/// the folder still looks like a vault; an error when the folder is no vault at all or a newer one.
fn check_marker(layout: &Layout) -> Result<bool> {
    let root = layout.root();
    let bytes = match std::fs::read(layout.marker()) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(VaultError::io("read", layout.marker(), e)),
    };
    if let Some(marker) = bytes.as_deref().and_then(|b| serde_json::from_slice::<Marker>(b).ok())
        && marker.format == FORMAT_NAME
    {
        if marker.version != FORMAT_VERSION {
            return Err(VaultError::UnsupportedVersion {
                path: root.to_path_buf(),
                found: marker.version,
                supported: FORMAT_VERSION,
            });
        }
        return Ok(true);
    }
    if !Vault::exists(root) {
        return Err(VaultError::NotAVault(root.to_path_buf()));
    }
    if !layout.keys_dir().is_dir() && !layout.config().is_file() {
        return Err(VaultError::Missing {
            what: "the vault config and every key slot (config, keys/)".into(),
        });
    }
    log::warn!("the vault marker of {} is missing or damaged; opening it by its key slots", root.display());
    Ok(false)
}

fn write_marker(layout: &Layout) -> Result<()> {
    let marker = Marker { format: FORMAT_NAME.into(), version: FORMAT_VERSION };
    let marker = serde_json::to_vec_pretty(&marker).unwrap_or_default();
    layout.write_atomic(&layout.marker(), &marker)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHEAP: KdfParams = KdfParams { memory_kib: 256, passes: 1, lanes: 1 };

    // Issue 10, finding 1: following the advice to `init` over a vault whose marker was lost overwrote its
    // config, and every backup in it became unreadable.
    #[test]
    fn init_refuses_a_vault_whose_marker_is_lost_and_the_vault_still_opens() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("vault");
        let vault = Vault::init(&root, "pw", CHEAP).unwrap();
        let config = std::fs::read(root.join("config")).unwrap();
        let vault_id = vault.config.vault_id;
        drop(vault);
        std::fs::remove_file(root.join(super::super::layout::MARKER)).unwrap();

        assert!(Vault::exists(&root));
        assert!(matches!(Vault::init(&root, "new", CHEAP), Err(VaultError::AlreadyExists(_))));
        assert_eq!(std::fs::read(root.join("config")).unwrap(), config, "init must not touch the config");
        let reopened = Vault::open(&root, "pw").unwrap();
        assert_eq!(reopened.config.vault_id, vault_id);
        assert!(root.join(super::super::layout::MARKER).is_file(), "the marker is written again");

        std::fs::write(root.join(super::super::layout::MARKER), b"{ garbage").unwrap();
        assert!(Vault::open(&root, "pw").is_ok(), "a damaged marker is only a hint");
        assert!(matches!(Vault::open(&root, "wrong"), Err(VaultError::WrongPassword(_))));
    }

    // Issue 10, finding 1: `init` overwrote a file named `config` in any folder.
    #[test]
    fn init_refuses_any_part_of_a_vault_and_other_files_unless_asked() {
        let dir = tempfile::tempdir().unwrap();
        for part in VAULT_NAMES {
            let root = dir.path().join(format!("with-{part}"));
            std::fs::create_dir_all(&root).unwrap();
            std::fs::write(root.join(part), b"precious").unwrap();
            let options = InitOptions { allow_non_empty: true };
            assert!(
                matches!(Vault::init_with(&root, "pw", CHEAP, options), Err(VaultError::AlreadyExists(_))),
                "{part}"
            );
            assert_eq!(std::fs::read(root.join(part)).unwrap(), b"precious");
        }
        let busy = dir.path().join("busy");
        std::fs::create_dir_all(&busy).unwrap();
        std::fs::write(busy.join("notes.txt"), b"mine").unwrap();
        assert!(matches!(Vault::init(&busy, "pw", CHEAP), Err(VaultError::NotEmpty(_))));
        Vault::init_with(&busy, "pw", CHEAP, InitOptions { allow_non_empty: true }).unwrap();
        assert_eq!(std::fs::read(busy.join("notes.txt")).unwrap(), b"mine");
        assert!(Vault::open(&busy, "pw").is_ok());
    }

    #[test]
    fn a_folder_with_nothing_of_a_vault_is_not_a_vault() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("photo.jpg"), b"x").unwrap();
        assert!(!Vault::exists(dir.path()));
        assert!(matches!(Vault::open(dir.path(), "pw"), Err(VaultError::NotAVault(_))));
    }

    // Issue 10, finding 14: a damaged key slot was reported as a wrong password (exit 3), a deleted config
    // or keys/ as a plain I/O failure (exit 1). Both are damage, and say what is damaged.
    #[test]
    fn damage_to_slots_config_or_keys_is_named_not_a_wrong_password() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("vault");
        drop(Vault::init(&root, "pw", CHEAP).unwrap());
        let slot = std::fs::read_dir(root.join("keys")).unwrap().next().unwrap().unwrap().path();
        let original = std::fs::read(&slot).unwrap();

        let mut text = String::from_utf8(original.clone()).unwrap();
        let at = text.find("\"wrapped\": \"").unwrap() + 13;
        let flipped = if &text[at..=at] == "0" { "1" } else { "0" };
        text.replace_range(at..=at, flipped);
        std::fs::write(&slot, text).unwrap();
        match Vault::open(&root, "pw") {
            Err(VaultError::Damaged { what, .. }) => assert!(what.contains("key slot"), "{what}"),
            other => panic!("a changed slot gave {:?}", other.err()),
        }
        std::fs::write(&slot, &original[..original.len() / 2]).unwrap();
        assert!(matches!(Vault::open(&root, "pw"), Err(VaultError::Damaged { .. })));

        std::fs::write(&slot, &original).unwrap();
        std::fs::rename(root.join("config"), root.join("config.away")).unwrap();
        assert!(matches!(Vault::open(&root, "pw"), Err(VaultError::Missing { .. })));
        std::fs::rename(root.join("config.away"), root.join("config")).unwrap();
        std::fs::rename(root.join("keys"), root.join("keys.away")).unwrap();
        assert!(matches!(Vault::open(&root, "pw"), Err(VaultError::Missing { .. })));
    }

    // Issue 10, finding 20: a recovery code opens the vault when the password is forgotten, sets a new password
    // (which retires the forgotten one) and can be replaced by a new code (which retires the old code).
    #[test]
    fn a_recovery_code_opens_the_vault_and_sets_a_new_password() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("vault");
        let mut vault = Vault::init(&root, "forgotten", CHEAP).unwrap();
        assert!(!vault.has_recovery_code().unwrap());
        let code = vault.new_recovery_code(CHEAP).unwrap();
        assert!(vault.has_recovery_code().unwrap());
        drop(vault);

        let typed = code.to_string().to_lowercase().replace('-', " ");
        let mut vault = Vault::open(&root, &typed).unwrap();
        assert!(vault.opened_with_recovery_code());
        vault.change_password("remembered", CHEAP).unwrap();
        drop(vault);
        assert!(matches!(Vault::open(&root, "forgotten"), Err(VaultError::WrongPassword(_))));
        let mut vault = Vault::open(&root, "remembered").unwrap();
        assert!(!vault.opened_with_recovery_code());
        assert!(Vault::open(&root, &code.to_string()).is_ok(), "the code still works after its use");

        let mut chars: Vec<char> = code.to_string().chars().collect();
        chars[0] = if chars[0] == 'A' { 'B' } else { 'A' };
        let typo: String = chars.into_iter().collect();
        assert!(matches!(Vault::open(&root, &typo), Err(VaultError::RecoveryCode(BadRecoveryCode::Typo))));

        let newer = vault.new_recovery_code(CHEAP).unwrap();
        assert!(matches!(Vault::open(&root, &code.to_string()), Err(VaultError::WrongPassword(_))));
        assert!(Vault::open(&root, &newer.to_string()).is_ok());
        assert!(Vault::open(&root, "remembered").is_ok());
        assert_eq!(std::fs::read_dir(root.join("keys")).unwrap().count(), 2);
    }

    // Issue 10, finding 15: the same password typed in NFC on one computer and NFD on another opens the vault.
    #[test]
    fn passwords_are_unicode_normalised() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("vault");
        let nfc = "K\u{e4}se-Br\u{f6}tchen";
        let nfd = "Ka\u{308}se-Bro\u{308}tchen";
        assert_ne!(nfc.as_bytes(), nfd.as_bytes());
        drop(Vault::init(&root, nfd, CHEAP).unwrap());
        assert!(Vault::open(&root, nfc).is_ok());
        assert!(Vault::open(&root, nfd).is_ok());

        // A vault made before normalisation, with an NFD password wrapped as typed, still opens.
        let old = dir.path().join("old");
        let mut vault = Vault::init(&old, "placeholder", CHEAP).unwrap();
        let slot = KeySlot::create(nfd, CHEAP, &vault.master).unwrap();
        let layout = Layout::new(&old);
        std::fs::write(layout.key_slot(&Id::random()), serde_json::to_vec(&slot).unwrap()).unwrap();
        vault.change_password("other", CHEAP).unwrap();
        drop(vault);
        assert!(Vault::open(&old, nfd).is_ok());
    }
}
