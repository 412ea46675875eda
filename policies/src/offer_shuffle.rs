//! `shuffleOffers`: the random order in which a round's offers are swept (spec §5.2.1).
//!
//! Spark uses Scala's `Random.shuffle` on an unseeded global RNG: an in-place Fisher–Yates
//! from the back (`for n = len down to 2: k = nextInt(n); swap(n-1, k)`). We keep the
//! algorithm and replace the RNG by a seeded, portable ChaCha8 stream, so runs are
//! reproducible; bit-exact agreement with a real run is impossible without the JVM's RNG
//! state. Spark's own tests use the identity, which [`OfferShuffle::Identity`] provides.

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

/// How offers are ordered before each round.
#[derive(Debug)]
pub enum OfferShuffle {
    /// Keep the given order (Spark's tests).
    Identity,
    /// Seeded Fisher–Yates.
    Seeded(Box<ChaCha8Rng>),
}

impl OfferShuffle {
    /// A seeded shuffle on its own stream (stream id 0x0FFE5 = "offers").
    pub fn seeded(seed: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(0x0FFE5);
        OfferShuffle::Seeded(Box::new(rng))
    }

    /// Shuffles `items` in place.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        let OfferShuffle::Seeded(rng) = self else {
            return;
        };
        for n in (2..=items.len()).rev() {
            let k = rng.random_range(0..n as u64) as usize;
            items.swap(n - 1, k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_keeps_order_and_seeded_is_reproducible() {
        let mut v = [1, 2, 3, 4, 5];
        OfferShuffle::Identity.shuffle(&mut v);
        assert_eq!(v, [1, 2, 3, 4, 5]);
        let (mut a, mut b) = ((0..20).collect::<Vec<_>>(), (0..20).collect::<Vec<_>>());
        OfferShuffle::seeded(7).shuffle(&mut a);
        OfferShuffle::seeded(7).shuffle(&mut b);
        assert_eq!(a, b);
        assert_ne!(a, (0..20).collect::<Vec<_>>());
    }
}
