//! Reading a `.vcf` file card by card, so memory follows the largest card and not the file, and a card over
//! [`MAX_CARD_BYTES`] is left out by name instead of costing gigabytes (a 50 MB line took 310 MB when the
//! whole file was read and copied at once).
//!
//! Physical lines are gathered from `BEGIN:VCARD` to `END:VCARD` and each such piece goes through the same
//! [`lines::split_cards_from`] and [`read::read_card`] as an in-memory parse. A line is never read whole
//! beyond the limit: what is over it is skipped on the input. UTF-16 files (some Outlook exports) are
//! decoded whole first, as before; they are small address books in practice.

use std::io::{BufRead, Read};
use std::path::Path;

use super::lines::{is_marker, split_cards_from};
use super::{VcardError, VcardImport, VcardWarning, parse_named, read};

/// The most bytes one card may have, photo included: 16 MiB. A phone's contact photo is well under 1 MB;
/// documented in docs/imports.md.
pub const MAX_CARD_BYTES: usize = 16 * 1024 * 1024;

/// Reads every card of the file at `path` from `input`, as [`super::parse_vcards`] would, a card at a time.
pub(super) fn read_cards(mut input: impl BufRead, path: &Path) -> Result<VcardImport, VcardError> {
    read_cards_with_limit(&mut input, path, MAX_CARD_BYTES)
}

fn read_cards_with_limit(
    input: &mut impl BufRead,
    path: &Path,
    limit: usize,
) -> Result<VcardImport, VcardError> {
    let source_name = format!("\"{}\"", path.display());
    let source_name = source_name.as_str();
    let io_error = |source| VcardError::Io { path: path.to_path_buf(), source };
    let head = input.fill_buf().map_err(io_error)?;
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        let mut whole = Vec::new();
        input.read_to_end(&mut whole).map_err(io_error)?;
        return parse_named(&whole, source_name);
    }
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        input.consume(3);
    }
    let mut import = VcardImport::default();
    let mut piece = Piece::default();
    let mut number = 0;
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = input.by_ref().take(limit as u64 + 1).read_until(b'\n', &mut line).map_err(io_error)?;
        if read == 0 {
            break;
        }
        number += 1;
        let whole_line = line.ends_with(b"\n") || read <= limit;
        if !whole_line {
            // The rest of this line is not kept anywhere: skip it on the input.
            input.skip_until(b'\n').map_err(io_error)?;
        }
        let continuation = matches!(line.first(), Some(b' ' | b'\t'));
        if !piece.open {
            if !continuation && is_marker(&line, b"BEGIN:VCARD") {
                piece = Piece { open: true, first_line: number, ..Piece::default() };
                piece.push(&line, whole_line, limit);
            }
            continue;
        }
        piece.push(&line, whole_line, limit);
        if !continuation && is_marker(&line, b"END:VCARD") {
            piece.finish(&mut import, limit);
            piece = Piece::default();
        }
    }
    if piece.open {
        piece.finish(&mut import, limit);
    }
    if import.cards == 0 {
        return Err(VcardError::NoCards { source_name: source_name.to_string() });
    }
    Ok(import)
}

/// The lines of one card (or of a few, when one lacks its `END:VCARD`), or the fact that they were too many.
#[derive(Default)]
struct Piece {
    open: bool,
    first_line: usize,
    bytes: Vec<u8>,
    too_large: bool,
}

impl Piece {
    fn push(&mut self, line: &[u8], whole: bool, limit: usize) {
        if self.too_large {
            return;
        }
        if !whole || self.bytes.len() + line.len() > limit {
            self.too_large = true;
            self.bytes = Vec::new();
            return;
        }
        self.bytes.extend_from_slice(line);
    }

    fn finish(self, import: &mut VcardImport, limit: usize) {
        let first_card = import.cards + 1;
        if self.too_large {
            import.cards += 1;
            import.warnings.push(VcardWarning {
                card: first_card,
                line: self.first_line,
                reason: format!(
                    "the card is larger than the limit of {} MiB for one card (photo included); it was left out",
                    limit / (1024 * 1024)
                ),
            });
            return;
        }
        for card in split_cards_from(&self.bytes, self.first_line, first_card) {
            import.cards += 1;
            if let Some(contact) = read::read_card(&card, &mut import.warnings) {
                import.contacts.push(contact);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(input: &[u8], limit: usize) -> Result<VcardImport, VcardError> {
        read_cards_with_limit(&mut std::io::BufReader::new(input), Path::new("test.vcf"), limit)
    }

    #[test]
    fn streams_cards_and_leaves_out_one_over_the_limit() {
        let big = format!("PHOTO;ENCODING=b:{}\n", "A".repeat(200));
        let input = format!(
            "BEGIN:VCARD\nFN:Anna\nEND:VCARD\nBEGIN:VCARD\nFN:Big\n{big}END:VCARD\nBEGIN:VCARD\nFN:Carl\n \
             Jr\nEND:VCARD\n"
        );
        let import = read_all(input.as_bytes(), 100).unwrap();
        let names: Vec<_> = import.contacts.iter().filter_map(|c| c.formatted_name.clone()).collect();
        assert_eq!(names, ["Anna", "CarlJr"]);
        assert_eq!(import.cards, 3);
        assert_eq!(import.warnings.len(), 1, "{:?}", import.warnings);
        assert_eq!((import.warnings[0].card, import.warnings[0].line), (2, 4));
        // The same file in memory gives the same contacts.
        let whole = super::super::parse_vcards(input.as_bytes()).unwrap();
        assert_eq!(whole.contacts.len(), 3);
        assert_eq!(whole.contacts[0], import.contacts[0]);
        assert_eq!(whole.contacts[2], import.contacts[1]);
    }
}
