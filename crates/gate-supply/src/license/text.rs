//! License texts → SPDX ids, with the `spdx` crate's text detection (askalono's algorithm and
//! its bundled SPDX license corpus) and a confidence threshold.

use spdx::detection::TextData;

use super::record::Detected;

/// Below this confidence a match is not trusted (cargo-deny's default threshold).
pub const DEFAULT_THRESHOLD: f32 = 0.8;

/// Below this confidence the closest license says nothing about a text (a list of authors
/// scores 0% against every license, a changelog a few percent), so messages do not name it.
pub const HINT_THRESHOLD: f32 = 0.5;

/// Classifies license texts. Loading decompresses the bundled license corpus (a few hundred
/// milliseconds), so build one and share it.
pub struct TextClassifier {
    store: spdx::detection::Store,
    threshold: f32,
}

impl std::fmt::Debug for TextClassifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextClassifier")
            .field("licenses", &self.store.len())
            .field("threshold", &self.threshold)
            .finish()
    }
}

/// The bundled license corpus could not be loaded (a broken build, not bad input).
#[derive(Debug, thiserror::Error)]
#[error("cannot load the bundled SPDX license text corpus")]
pub struct ClassifierError {
    #[source]
    source: Box<dyn std::error::Error + Send + Sync>,
}

impl TextClassifier {
    /// The classifier over the SPDX license list bundled with the `spdx` crate, with
    /// [`DEFAULT_THRESHOLD`].
    pub fn load() -> Result<TextClassifier, ClassifierError> {
        let store = spdx::detection::Store::load_inline().map_err(|error| ClassifierError {
            source: Box::new(error),
        })?;
        Ok(TextClassifier {
            store,
            threshold: DEFAULT_THRESHOLD,
        })
    }

    /// The same classifier trusting matches at or above `threshold` (clamped to `0.0..=1.0`).
    #[must_use]
    pub fn with_threshold(mut self, threshold: f32) -> TextClassifier {
        self.threshold = threshold.clamp(0.0, 1.0);
        self
    }

    /// The confidence a match needs.
    pub fn threshold(&self) -> f32 {
        self.threshold
    }

    /// The license a text is, if the best match reaches the threshold and spans the text.
    pub fn classify(&self, text: &str) -> Detected {
        if text.trim().is_empty() || text.len() > MAX_TEXT_BYTES {
            return Detected {
                license: None,
                best: String::new(),
                confidence: 0.0,
                error: None,
            };
        }
        let data = TextData::new(text);
        let Some(found) = best_match(&self.store, &data) else {
            return Detected {
                license: None,
                best: String::new(),
                confidence: 0.0,
                error: None,
            };
        };
        let mut confidence = found.score;
        let mut recognised = found.score >= self.threshold;
        if recognised {
            // A text that bundles several licenses (numpy's `License` carries BSD-3-Clause and
            // the GPL of its bundled runtime) can still match its longest one well overall:
            // trust a match only when it spans nearly the whole text.
            let (view, _) = data.optimize_bounds(found.data);
            let (start, end) = view.lines_view();
            let total = data.lines().len().max(1);
            #[allow(clippy::cast_precision_loss)]
            let covered = (end.saturating_sub(start)) as f32 / total as f32;
            let uncovered = total.saturating_sub(end.saturating_sub(start));
            if covered < MIN_COVERAGE && uncovered > MAX_UNCOVERED_LINES {
                recognised = false;
                confidence = confidence.min(covered);
            }
        }
        Detected {
            license: recognised.then(|| found.name.to_owned()),
            best: found.name.to_owned(),
            confidence,
            error: None,
        }
    }
}

/// The best match of a text in the store, the same on every run.
///
/// `Store::analyze` walks a `HashMap` (its order changes from process to process) and sorts
/// by score alone, so among equal scores the winner is random: for a text that is no license
/// at all every license scores 0%, and the "closest" one changed on every run. Messages and
/// fingerprints must not change between runs, so ties go to the name that sorts first, and
/// to a license's original text before its variants.
fn best_match<'s>(store: &'s spdx::detection::Store, data: &TextData) -> Option<Match<'s>> {
    let mut best: Option<Match<'s>> = None;
    for (name, entry) in store.iter() {
        let candidates = std::iter::once(&entry.original)
            .chain(&entry.alternates)
            .chain(&entry.headers);
        for (rank, candidate) in candidates.enumerate() {
            let found = Match {
                name,
                rank,
                score: candidate.match_score(data),
                data: candidate,
            };
            if best.as_ref().is_none_or(|b| found.beats(b)) {
                best = Some(found);
            }
        }
    }
    best
}

/// One candidate text of the store and its score against the text classified.
struct Match<'s> {
    name: &'s str,
    /// 0 for the license's original text, then its alternates and headers in store order.
    rank: usize,
    score: f32,
    data: &'s TextData,
}

impl Match<'_> {
    /// A higher score wins; on a tie, the smaller name, then the smaller rank.
    fn beats(&self, other: &Match<'_>) -> bool {
        self.score
            .total_cmp(&other.score)
            .then_with(|| other.name.cmp(self.name))
            .then_with(|| other.rank.cmp(&self.rank))
            .is_gt()
    }
}

/// Texts longer than this are not classified (the longest SPDX license text is about 100 kB);
/// it bounds the time classification can take.
const MAX_TEXT_BYTES: usize = 512 * 1024;

/// The share of a text's lines a match must span to name the whole text…
const MIN_COVERAGE: f32 = 0.9;

/// …unless what it leaves out is a few lines: a title and copyright lines above the license.
const MAX_UNCOVERED_LINES: usize = 6;

/// Whether a `License` value is a whole license text rather than a name: several lines, or
/// longer than any name (the longest trove classifier is under 70 characters).
pub(crate) fn is_license_text(value: &str) -> bool {
    value.trim().contains('\n') || value.trim().chars().count() > 100
}

/// The first non-blank line of a text, shortened for messages.
pub(crate) fn first_line(text: &str) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or_default();
    if line.chars().count() > 80 {
        let mut short: String = line.chars().take(79).collect();
        short.push('…');
        short
    } else {
        line.to_owned()
    }
}
