//! Content-defined chunking: files are cut where their content says, not at fixed offsets, so an insertion
//! near the start of a file changes one chunk, not all of them. Cut points come from FastCDC's gear hash
//! (`fastcdc::v2020::cut_gear`); the gear table is mixed with a per-vault secret seed so that chunk sizes do
//! not reveal which known file a vault holds.
//!
//! The buffer is ours rather than `fastcdc::StreamCDC`'s, which allocates a fresh vector for every chunk:
//! here a chunk is a borrowed slice of one reusable buffer.

use std::io::{self, Read};

use fastcdc::v2020::{MASKS, cut_gear, get_gear_with_seed};
use serde::{Deserialize, Serialize};

/// Chunk size bounds and the secret seed, stored in the sealed vault config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChunkerParams {
    /// No chunk is smaller (except a file's last).
    pub min_size: u32,
    /// Chunks average about this size.
    pub avg_size: u32,
    /// No chunk is larger.
    pub max_size: u32,
    /// Mixed into the gear table.
    pub seed: u64,
}

impl ChunkerParams {
    /// Sizes chosen for phone data: 512 KiB – 1 MiB – 8 MiB, so a 4 MB photo is a handful of chunks and the
    /// per-chunk overhead stays small.
    pub fn new_random() -> Self {
        Self { min_size: 512 * 1024, avg_size: 1024 * 1024, max_size: 8 * 1024 * 1024, seed: rand::random() }
    }

    /// Whether the sizes are ones the cutter accepts (a damaged or hostile config must not panic).
    pub fn is_valid(&self) -> bool {
        use fastcdc::v2020::{AVERAGE_MAX, AVERAGE_MIN, MAXIMUM_MAX, MAXIMUM_MIN, MINIMUM_MAX, MINIMUM_MIN};
        (MINIMUM_MIN..=MINIMUM_MAX).contains(&self.min_size)
            && (AVERAGE_MIN..=AVERAGE_MAX).contains(&self.avg_size)
            && (MAXIMUM_MIN..=MAXIMUM_MAX).contains(&self.max_size)
            && self.min_size <= self.avg_size
            && self.avg_size <= self.max_size
    }
}

/// Precomputed tables for one vault, shared by every chunker of a backup.
pub struct Cutter {
    params: ChunkerParams,
    masks: [u64; 4],
    gear: Box<[u64; 256]>,
    gear_ls: Box<[u64; 256]>,
}

impl Cutter {
    /// Tables for `params`, which must be valid.
    pub fn new(params: ChunkerParams) -> Self {
        let bits = params.avg_size.ilog2() as usize;
        // Normalisation level 1, as FastCDC recommends: a harder mask before the average size and an easier
        // one after it pull chunk sizes towards the average.
        let mask_s = MASKS[bits + 1];
        let mask_l = MASKS[bits - 1];
        let (gear, gear_ls) = get_gear_with_seed(params.seed);
        Self { params, masks: [mask_s, mask_l, mask_s << 1, mask_l << 1], gear, gear_ls }
    }

    /// Where the first chunk of `data` ends.
    fn cut(&self, data: &[u8]) -> usize {
        let [mask_s, mask_l, mask_s_ls, mask_l_ls] = self.masks;
        let (_, cut) = cut_gear(
            data,
            self.params.min_size as usize,
            self.params.avg_size as usize,
            self.params.max_size as usize,
            mask_s,
            mask_l,
            mask_s_ls,
            mask_l_ls,
            &self.gear,
            &self.gear_ls,
        );
        cut
    }

    /// Starts chunking `reader`, which is expected to hold about `size_hint` bytes. The buffer starts at
    /// that size and grows only if the stream turns out longer: a full-size buffer is 16 MiB, and zeroing one
    /// for each of ten thousand small files costs more than backing them up.
    pub fn chunks_sized<R: Read>(&self, reader: R, size_hint: u64) -> Chunks<'_, R> {
        let full = 2 * self.params.max_size as usize;
        let initial = usize::try_from(size_hint).unwrap_or(usize::MAX).saturating_add(1).min(full);
        Chunks { cutter: self, reader, buffer: vec![0; initial], start: 0, end: 0, eof: false }
    }
}

/// The chunks of one stream.
pub struct Chunks<'a, R> {
    cutter: &'a Cutter,
    reader: R,
    buffer: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
}

impl<R: Read> Chunks<'_, R> {
    /// The next chunk, borrowed until the next call; `None` at the end of the stream.
    pub fn next_chunk(&mut self) -> io::Result<Option<&[u8]>> {
        let max = self.cutter.params.max_size as usize;
        if self.end - self.start < max && !self.eof {
            self.buffer.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
            let full = 2 * max;
            loop {
                if self.end == self.buffer.len() {
                    if self.buffer.len() >= full {
                        break;
                    }
                    // Longer than the hint: from here on, the full window cut points need.
                    self.buffer.resize(full, 0);
                }
                match self.reader.read(&mut self.buffer[self.end..]) {
                    Ok(0) => {
                        self.eof = true;
                        break;
                    }
                    Ok(n) => self.end += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
        }
        if self.start == self.end {
            return Ok(None);
        }
        let available = &self.buffer[self.start..self.end];
        let cut = self.cutter.cut(available).max(1).min(available.len());
        let chunk = self.start..self.start + cut;
        self.start += cut;
        Ok(Some(&self.buffer[chunk]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pseudo_random(len: usize, seed: u64) -> Vec<u8> {
        let mut state = seed;
        (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect()
    }

    fn cut_all(cutter: &Cutter, data: &[u8]) -> Vec<Vec<u8>> {
        let mut chunks = cutter.chunks_sized(data, u64::MAX);
        let mut out = Vec::new();
        while let Some(chunk) = chunks.next_chunk().unwrap() {
            out.push(chunk.to_vec());
        }
        out
    }

    #[test]
    fn chunks_reassemble_and_respect_bounds() {
        let params = ChunkerParams { min_size: 4096, avg_size: 16384, max_size: 65536, seed: 42 };
        let cutter = Cutter::new(params);
        let data = pseudo_random(1_000_000, 1);
        let chunks = cut_all(&cutter, &data);
        assert_eq!(chunks.concat(), data);
        assert!(chunks.len() > 20, "about 60 chunks expected, got {}", chunks.len());
        for chunk in &chunks[..chunks.len() - 1] {
            assert!(chunk.len() >= 4096 && chunk.len() <= 65536);
        }
    }

    #[test]
    fn an_insertion_changes_only_nearby_chunks() {
        let params = ChunkerParams { min_size: 4096, avg_size: 16384, max_size: 65536, seed: 7 };
        let cutter = Cutter::new(params);
        let data = pseudo_random(1_000_000, 2);
        let mut edited = data.clone();
        edited.splice(500_000..500_000, b"an insertion in the middle".iter().copied());
        let before = cut_all(&cutter, &data);
        let after = cut_all(&cutter, &edited);
        let shared = after.iter().filter(|c| before.contains(c)).count();
        assert!(shared + 3 >= after.len(), "only chunks around the edit may change");
    }

    #[test]
    fn a_wrong_size_hint_changes_nothing() {
        let params = ChunkerParams { min_size: 4096, avg_size: 16384, max_size: 65536, seed: 3 };
        let cutter = Cutter::new(params);
        let data = pseudo_random(500_000, 9);
        let expected = cut_all(&cutter, &data);
        for hint in [0, 1, 4095, 70_000, 499_999, 500_000, 10_000_000] {
            let mut chunks = cutter.chunks_sized(data.as_slice(), hint);
            let mut got = Vec::new();
            while let Some(chunk) = chunks.next_chunk().unwrap() {
                got.push(chunk.to_vec());
            }
            assert_eq!(got, expected, "hint {hint}");
        }
    }

    #[test]
    fn empty_and_tiny_inputs() {
        let cutter = Cutter::new(ChunkerParams::new_random());
        assert!(cut_all(&cutter, b"").is_empty());
        assert_eq!(cut_all(&cutter, b"x"), vec![b"x".to_vec()]);
        assert!(!ChunkerParams { min_size: 1, ..ChunkerParams::new_random() }.is_valid());
    }
}
