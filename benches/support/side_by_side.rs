//! Side-by-side timing of wskex against a peer process: alternating runs, so both see the same
//! machine load, and the median of the per-pair ratios (robust to a busy neighbour).

use std::time::{Duration, Instant};

/// Runs `ours` and `peer` alternately `pairs` times and prints their medians and the median of
/// the per-pair ratios ours/peer under `label`. Returns that ratio.
pub fn print_median_ratio(
    label: &str,
    pairs: usize,
    mut ours: impl FnMut(),
    mut peer: impl FnMut(),
) -> f64 {
    let mut ours_times = Vec::with_capacity(pairs);
    let mut peer_times = Vec::with_capacity(pairs);
    let mut ratios = Vec::with_capacity(pairs);
    for _ in 0..pairs {
        let a = timed(&mut ours);
        let b = timed(&mut peer);
        ours_times.push(a);
        peer_times.push(b);
        ratios.push(a.as_secs_f64() / b.as_secs_f64());
    }
    let ratio = median(&mut ratios);
    println!(
        "{label}: wskex median {:.3} s, peer median {:.3} s, median ratio wskex/peer {ratio:.3} ({pairs} alternating pairs)",
        median_secs(&mut ours_times),
        median_secs(&mut peer_times),
    );
    ratio
}

fn timed(f: &mut impl FnMut()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn median_secs(values: &mut [Duration]) -> f64 {
    values.sort();
    values[values.len() / 2].as_secs_f64()
}
