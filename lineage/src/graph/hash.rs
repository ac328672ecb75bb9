//! A small, fast hasher for the graph's integer-keyed maps.
//!
//! The maps are keyed by node indices, interned symbols and dataset ids: integers the
//! graph itself hands out, never attacker-chosen strings, so SipHash's flooding
//! resistance buys nothing while its cost shows in the fixed point, which does several
//! million lookups. This is the Fx multiply-rotate scheme (as in rustc), with a final
//! rotation so the high bits SwissTable uses for its control bytes are mixed too.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hasher};

/// Builds [`FxHasher`]s; the `S` parameter of the graph's maps.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FxBuild;

/// The hasher state: one word.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0xf135_7aea_2e62_a9c5;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.hash.rotate_left(26)
    }
}

impl BuildHasher for FxBuild {
    type Hasher = FxHasher;
    #[inline]
    fn build_hasher(&self) -> FxHasher {
        FxHasher::default()
    }
}

/// A `HashMap` with [`FxBuild`].
pub(crate) type FxHashMap<K, V> = HashMap<K, V, FxBuild>;
/// A `HashSet` with [`FxBuild`].
pub(crate) type FxHashSet<K> = HashSet<K, FxBuild>;
