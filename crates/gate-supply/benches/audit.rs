//! Benchmark of the supply audit (filled in below).

fn main() {}
