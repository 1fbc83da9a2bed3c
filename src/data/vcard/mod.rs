//! vCard 2.1, 3.0 and 4.0 in; 3.0 (default) or 4.0 out.
//!
//! Reading is forgiving, because address books are old and exporters are many: every card that can be read is
//! read, and each problem becomes a [`VcardWarning`] naming the card, the line and what was wrong, instead of
//! failing the file. Writing is strict and lossless: a contact written and read back equals the original.
//!
//! The work is split by layer: [`lines`] finds cards and unfolds lines (on bytes), [`property`] parses one line
//! and undoes its transport encoding, [`decode`] holds the escaping rules, [`read`] maps properties to
//! [`Contact`] fields and [`write`] goes back.

mod decode;
mod lines;
mod property;
mod read;
mod stream;
mod write;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::data::Contact;

pub use stream::MAX_CARD_BYTES;
pub use write::{write_vcard, write_vcards};

/// The vCard version a card was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VcardVersion {
    /// vCard 2.1 (old phones, Outlook, Android's default export).
    V2_1,
    /// vCard 3.0 (RFC 2426).
    V3_0,
    /// vCard 4.0 (RFC 6350).
    V4_0,
}

/// The versions Lifeboat writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum VcardWriteVersion {
    /// vCard 3.0: what every phone and address book imports.
    #[default]
    V3_0,
    /// vCard 4.0, on request.
    V4_0,
}

/// A problem in one card that did not stop the rest of the file from importing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VcardWarning {
    /// 1-based position of the card in the file.
    pub card: usize,
    /// 1-based line number in the file.
    pub line: usize,
    /// What was wrong and what was done about it.
    pub reason: String,
}

impl fmt::Display for VcardWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "card {}, line {}: {}", self.card, self.line, self.reason)
    }
}

/// The contacts of a file and the problems met on the way.
#[derive(Debug, Clone, Default)]
pub struct VcardImport {
    /// Every card that could be read, in file order.
    pub contacts: Vec<Contact>,
    /// How many cards the file holds, read or not: `cards - contacts.len()` were left out (each with a
    /// warning).
    pub cards: usize,
    /// Problems, in file order.
    pub warnings: Vec<VcardWarning>,
}

/// Why a vCard file could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum VcardError {
    /// The file could not be opened or read.
    #[error("cannot read the vCard file \"{path}\": {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// Nothing in the input looks like a vCard.
    #[error(
        "{source_name} contains no vCard: there is no BEGIN:VCARD line (is it a jCard/xCard or another format?)"
    )]
    NoCards {
        /// The file name, or "the input".
        source_name: String,
    },
}

/// Why a path that is not a regular file is refused.
const NOT_REGULAR: &str =
    "it is not a regular file (a FIFO, socket or device), and only regular files are read";

/// Reads every card in `input` (any version, any mix; UTF-8, UTF-16 with a byte-order mark, or legacy charsets
/// named by `CHARSET`).
pub fn parse_vcards(input: &[u8]) -> Result<VcardImport, VcardError> {
    parse_named(input, "the input")
}

/// Reads a `.vcf` file, a card at a time: a card over [`MAX_CARD_BYTES`] is left out with a warning.
pub fn read_vcard_file(path: &Path) -> Result<VcardImport, VcardError> {
    let io_error = |source| VcardError::Io { path: path.to_path_buf(), source };
    // A FIFO named `.vcf` would block the read forever.
    if !std::fs::metadata(path).map_err(io_error)?.is_file() {
        return Err(io_error(std::io::Error::new(std::io::ErrorKind::InvalidInput, NOT_REGULAR)));
    }
    let file = std::fs::File::open(path).map_err(io_error)?;
    stream::read_cards(std::io::BufReader::with_capacity(64 * 1024, file), path)
}

fn parse_named(input: &[u8], source_name: &str) -> Result<VcardImport, VcardError> {
    let decoded;
    let input = match encoding_rs::Encoding::for_bom(input) {
        // Outlook and Windows tools sometimes export UTF-16; everything after this works on UTF-8 bytes.
        Some((encoding, bom_length)) if encoding != encoding_rs::UTF_8 => {
            decoded = encoding.decode_without_bom_handling(&input[bom_length..]).0.into_owned();
            decoded.as_bytes()
        }
        Some((_, bom_length)) => &input[bom_length..],
        None => input,
    };
    let cards = lines::split_cards(input);
    if cards.is_empty() {
        return Err(VcardError::NoCards { source_name: source_name.to_string() });
    }
    let mut import = VcardImport { cards: cards.len(), ..VcardImport::default() };
    for card in &cards {
        if let Some(contact) = read::read_card(card, &mut import.warnings) {
            import.contacts.push(contact);
        }
    }
    Ok(import)
}
