//! Key slots: the master secret wrapped under a password-derived key (Argon2id). Several slots can open the
//! same vault, which is how a password changes without re-encrypting anything and how a recovery code can be
//! added later. A slot holds only what is needed to try a password: KDF parameters, salt and the wrapped secret.

use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

use super::crypto::{MasterSecret, unwrap_secret, wrap_secret};

/// Argon2id cost parameters, stored in each slot so they can be raised for new slots later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes over the memory.
    pub passes: u32,
    /// Parallel lanes.
    pub lanes: u32,
}

impl KdfParams {
    /// Whether these costs are ones Lifeboat could have written (`vault init` allows at most 4 GiB and 100
    /// passes). A slot file names its own costs and its check is no secret, so a slot asking for terabytes or
    /// billions of passes is damage, not a reason to hang or abort.
    pub fn is_sane(&self) -> bool {
        (8..=4 * 1024 * 1024).contains(&self.memory_kib)
            && (1..=100).contains(&self.passes)
            && (1..=16).contains(&self.lanes)
    }
}

impl Default for KdfParams {
    /// 64 MiB and 3 passes: about a quarter of a second here, and costly for anyone guessing passwords.
    fn default() -> Self {
        Self { memory_kib: 64 * 1024, passes: 3, lanes: 1 }
    }
}

/// What opens a key slot.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SlotKind {
    /// The vault's password.
    #[default]
    Password,
    /// A recovery code (see `recovery.rs`), for when the password is forgotten.
    Recovery,
}

impl SlotKind {
    fn is_password(&self) -> bool {
        *self == SlotKind::Password
    }
}

/// One way into the vault.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeySlot {
    /// What opens it; slots older than recovery codes are password slots.
    #[serde(default, skip_serializing_if = "SlotKind::is_password")]
    pub kind: SlotKind,
    /// Always "argon2id" for now; other functions can be added as new names.
    pub kdf: String,
    /// Cost parameters.
    #[serde(flatten)]
    pub params: KdfParams,
    /// Random salt, hex.
    pub salt: String,
    /// The wrapped master secret, hex.
    pub wrapped: String,
    /// BLAKE3 of the fields above (hex, 16 bytes), so a slot damaged on disk is told apart from a password
    /// that does not fit it. Slots written before it existed have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<String>,
}

/// A slot that cannot be used at all (as opposed to one that does not fit the password).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnusableSlot;

impl KeySlot {
    /// Makes a password slot opening `master` with `password`.
    #[cfg(test)]
    pub fn create(password: &str, params: KdfParams, master: &MasterSecret) -> Result<Self, UnusableSlot> {
        Self::create_kind(SlotKind::Password, password, params, master)
    }

    /// Makes a slot of `kind` opening `master` with `secret`.
    pub fn create_kind(
        kind: SlotKind,
        password: &str,
        params: KdfParams,
        master: &MasterSecret,
    ) -> Result<Self, UnusableSlot> {
        let salt: [u8; 16] = rand::random();
        let mut kek = derive(password, &salt, params)?;
        let wrapped = wrap_secret(&kek, master);
        kek.zeroize();
        let mut slot = Self {
            kind,
            kdf: "argon2id".into(),
            params,
            salt: hex::encode(salt),
            wrapped: hex::encode(wrapped),
            check: None,
        };
        slot.check = Some(slot.checksum());
        Ok(slot)
    }

    fn checksum(&self) -> String {
        let p = &self.params;
        let text =
            format!("{}|{}|{}|{}|{}|{}", self.kdf, p.memory_kib, p.passes, p.lanes, self.salt, self.wrapped);
        hex::encode(&blake3::hash(text.as_bytes()).as_bytes()[..16])
    }

    /// Whether the slot is as it was written (always true for slots older than the check).
    pub fn is_intact(&self) -> bool {
        self.check.as_ref().is_none_or(|check| *check == self.checksum())
    }

    /// Tries `password`; `Ok(None)` means it does not fit this slot.
    pub fn unlock(&self, password: &str) -> Result<Option<MasterSecret>, UnusableSlot> {
        if self.kdf != "argon2id" || !self.is_intact() || !self.params.is_sane() {
            return Err(UnusableSlot);
        }
        let salt = hex::decode(&self.salt).map_err(|_| UnusableSlot)?;
        let wrapped = hex::decode(&self.wrapped).map_err(|_| UnusableSlot)?;
        let mut kek = derive(password, &salt, self.params)?;
        let secret = unwrap_secret(&kek, &wrapped).ok();
        kek.zeroize();
        Ok(secret)
    }
}

fn derive(password: &str, salt: &[u8], params: KdfParams) -> Result<[u8; 32], UnusableSlot> {
    let argon_params = argon2::Params::new(params.memory_kib, params.passes, params.lanes, Some(32))
        .map_err(|_| UnusableSlot)?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, argon_params);
    let mut out = [0u8; 32];
    argon.hash_password_into(password.as_bytes(), salt, &mut out).map_err(|_| UnusableSlot)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHEAP: KdfParams = KdfParams { memory_kib: 256, passes: 1, lanes: 1 };

    #[test]
    fn a_slot_opens_with_its_password_only() {
        let master = MasterSecret::generate();
        let slot = KeySlot::create("correct horse", CHEAP, &master).unwrap();
        assert_eq!(slot.unlock("correct horse").unwrap().unwrap().0, master.0);
        assert!(slot.unlock("wrong").unwrap().is_none());
    }

    #[test]
    fn nonsense_parameters_are_unusable_not_a_panic() {
        let master = MasterSecret::generate();
        let mut slot = KeySlot::create("pw", CHEAP, &master).unwrap();
        slot.params.memory_kib = 1;
        assert_eq!(slot.unlock("pw").err(), Some(UnusableSlot));
        // A slot (its check recomputed, as anyone can) asking for 4 TiB is unusable at once, not a hang.
        let mut greedy = KeySlot::create("pw", CHEAP, &master).unwrap();
        greedy.params.memory_kib = u32::MAX;
        greedy.check = Some(greedy.checksum());
        assert_eq!(greedy.unlock("pw").err(), Some(UnusableSlot));
        slot.params = CHEAP;
        slot.salt = "zz".into();
        assert_eq!(slot.unlock("pw").err(), Some(UnusableSlot));
    }

    // Issue 10, finding 14: a slot whose bytes changed on disk is damage, not a wrong password.
    #[test]
    fn a_changed_slot_is_unusable_not_a_wrong_password() {
        let master = MasterSecret::generate();
        let slot = KeySlot::create("pw", CHEAP, &master).unwrap();
        assert!(slot.is_intact());
        let mut flipped = slot.clone();
        let last = if flipped.wrapped.ends_with('0') { '1' } else { '0' };
        flipped.wrapped.pop();
        flipped.wrapped.push(last);
        assert!(!flipped.is_intact());
        assert_eq!(flipped.unlock("pw").err(), Some(UnusableSlot));
        let old_style = KeySlot { check: None, ..slot };
        assert!(old_style.unlock("pw").unwrap().is_some(), "slots from before the check still open");
    }
}
