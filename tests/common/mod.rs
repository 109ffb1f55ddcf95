//! Helpers shared by the test suites: the JSON decision corpus and a seeded generator. The
//! integration tests declare `mod common;`; the unit tests of `src/search.rs` include this file
//! through `#[path]`.
#![allow(dead_code, reason = "each suite uses part of it")]

use std::path::Path;

use serde_json::Value;

/// The states of Camunda's `UserTaskStateEnum`, written here independently of the crate's list.
pub const API_STATES: [&str; 9] = [
    "CREATED",
    "CREATING",
    "ASSIGNING",
    "UPDATING",
    "COMPLETING",
    "COMPLETED",
    "CANCELING",
    "CANCELED",
    "FAILED",
];
/// Strings a task may hold in `state` that are no state of the API.
pub const NOT_STATES: [&str; 3] = ["created", "", "DONE"];

/// The decision corpus (`tests/corpus/*.json`) as `(file name, document)`, in file-name order.
pub fn corpus() -> Vec<(String, Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 10,
        "corpus files missing in {}",
        dir.display()
    );
    files
        .into_iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap(),
            )
        })
        .collect()
}

/// xorshift64*: deterministic, no dependency.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items.get(self.below(items.len())).copied().unwrap_or("")
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    /// A task `state`: one of [`API_STATES`] three times in four, else one of [`NOT_STATES`].
    pub fn state(&mut self) -> &'static str {
        if self.chance(75) {
            self.pick(&API_STATES)
        } else {
            self.pick(&NOT_STATES)
        }
    }
    pub fn some<'a>(&mut self, items: &[&'a str], n: usize) -> Vec<&'a str> {
        (0..self.below(n + 1)).map(|_| self.pick(items)).collect()
    }
}
