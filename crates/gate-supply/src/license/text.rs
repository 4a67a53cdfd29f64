//! License texts → SPDX ids, with the `spdx` crate's text detection (askalono's algorithm and
//! its bundled SPDX license corpus) and a confidence threshold.

use super::record::Detected;

/// Below this confidence a match is not trusted (cargo-deny's default threshold).
pub const DEFAULT_THRESHOLD: f32 = 0.8;

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
            };
        }
        let data = spdx::detection::TextData::new(text);
        let found = self.store.analyze(&data);
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
        }
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
