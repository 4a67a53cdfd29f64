//! Reading a report of any supported format: detection, limits and the one file loader.

use std::fs::File;
use std::io::{BufRead, Read};
use std::path::Path;

use crate::{Coverage, CoverageError, PathMap};

/// The report formats this crate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// Cobertura XML (coverage.py, gcovr, istanbul/nyc, cargo-llvm-cov, JaCoCo-converted).
    Cobertura,
    /// `JaCoCo` XML.
    Jacoco,
    /// LCOV tracefiles (`lcov.info`).
    Lcov,
    /// coverage.py's `coverage json` output.
    CoveragePyJson,
}

impl Format {
    /// Tells the format from the first bytes of a report, then from its file name.
    pub fn detect(name: &str, head: &[u8]) -> Option<Format> {
        let text = String::from_utf8_lossy(head);
        let text = text.trim_start_matches('\u{feff}').trim_start();
        if text.starts_with('{') {
            return Some(Format::CoveragePyJson);
        }
        if text.starts_with('<') {
            if text.contains("<coverage") {
                return Some(Format::Cobertura);
            }
            if text.contains("<report") || text.contains("JACOCO") {
                return Some(Format::Jacoco);
            }
        }
        let lcov_record = ["TN:", "SF:"];
        if text
            .lines()
            .take(5)
            .any(|line| lcov_record.iter().any(|r| line.trim_start().starts_with(r)))
        {
            return Some(Format::Lcov);
        }
        let extension = Path::new(name)
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default()
            .to_ascii_lowercase();
        if extension == "info" || extension == "lcov" {
            Some(Format::Lcov)
        } else if extension == "json" {
            Some(Format::CoveragePyJson)
        } else if extension == "xml" && text.is_empty() {
            // An empty .xml file: let the Cobertura parser say what is wrong with it.
            Some(Format::Cobertura)
        } else {
            None
        }
    }
}

/// Resource bounds for untrusted reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest input read, in bytes.
    pub max_bytes: u64,
    /// Deepest XML nesting accepted.
    pub max_depth: usize,
    /// Largest single XML event (a start tag with its attributes, a text node, a comment) or
    /// LCOV line, in bytes: what a reader holds in memory at once.
    pub max_event_bytes: u64,
}

impl Default for Limits {
    /// 4 GiB, 64 levels and 1 MiB per XML event: far beyond real reports, small enough to stop
    /// runaway input. The longest event in real Cobertura and `JaCoCo` reports is a few hundred
    /// bytes (the root tag, a class with its file name); 1 MiB is only reached by an element
    /// or comment that embeds a whole file.
    fn default() -> Limits {
        Limits {
            max_bytes: 4 << 30,
            max_depth: 64,
            max_event_bytes: 1 << 20,
        }
    }
}

/// How to read a report.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// The format; `None` detects it from the content and name.
    pub format: Option<Format>,
    /// How report paths become repository-relative.
    pub paths: PathMap,
    /// Resource bounds.
    pub limits: Limits,
}

/// Reads a report from any reader (it is buffered here). `name` is used for detection and in
/// errors.
pub fn read_report<R: Read>(
    reader: R,
    name: &str,
    options: &ReadOptions,
) -> Result<Coverage, CoverageError> {
    let mut input = Input::new(reader, options.limits.max_bytes);
    let head = match input.peek(BUFFER) {
        Ok(head) => head,
        Err(source) => return Err(input.io_error(name, source)),
    };
    let format = if let Some(format) = options.format {
        format
    } else if let Some(format) = Format::detect(name, &head[..head.len().min(512)]) {
        format
    } else if let Some(line) = entity_declaration(head) {
        // A DOCTYPE full of entities pushes the root element out of the detection window:
        // say what it is rather than "not a coverage report".
        return Err(CoverageError::EntityDeclaration {
            file: name.to_owned(),
            line,
        });
    } else {
        return Err(CoverageError::UnknownFormat {
            file: name.to_owned(),
        });
    };
    let mut coverage = match format {
        Format::Cobertura => crate::cobertura::read(input, name, options),
        Format::Jacoco => crate::jacoco::read(input, name, options),
        Format::Lcov => crate::lcov::read(input, name, options),
        Format::CoveragePyJson => crate::coveragepy_json::read(input, name, options),
    }?;
    coverage.add_report(name);
    Ok(coverage)
}

/// The 1-based line of the first `<!ENTITY` of an XML document's head, if it declares one.
fn entity_declaration(head: &[u8]) -> Option<u64> {
    let xml = head
        .trim_ascii_start()
        .strip_prefix(b"\xef\xbb\xbf")
        .unwrap_or(head);
    if !xml.trim_ascii_start().starts_with(b"<") {
        return None;
    }
    let at = head.windows(8).position(|window| window == b"<!ENTITY")?;
    Some(count_newlines(&head[..at]) + 1)
}

/// Reads a report held in memory.
pub fn parse_report(
    bytes: &[u8],
    name: &str,
    options: &ReadOptions,
) -> Result<Coverage, CoverageError> {
    read_report(bytes, name, options)
}

/// Reads the report at `path` (the crate's only file access besides the other `load_*` and
/// [`PathMap::with_checkout`]'s existence checks).
pub fn load_report(path: &Path, options: &ReadOptions) -> Result<Coverage, CoverageError> {
    load_report_as(path, &path.display().to_string(), options)
}

/// Reads the report at `path`, naming it `name` in errors, notes and findings (a
/// project-relative name for a path that was joined onto the project's directory).
pub fn load_report_as(
    path: &Path,
    name: &str,
    options: &ReadOptions,
) -> Result<Coverage, CoverageError> {
    let name = name.to_owned();
    let io = |source| CoverageError::Io {
        file: name.clone(),
        source,
    };
    let file = File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    if size > options.limits.max_bytes {
        return Err(CoverageError::TooLarge {
            file: name,
            limit: options.limits.max_bytes,
        });
    }
    read_report(file, &name, options)
}

/// Settings and baseline files bigger than this are refused: no real one comes near it.
const MAX_TEXT_BYTES: u64 = 256 * 1024 * 1024;

/// Reads a whole settings or baseline file, capping the bytes read (a FIFO reports size 0).
pub(crate) fn read_text(path: &Path) -> std::io::Result<String> {
    gate_core::read_to_string_capped(path, MAX_TEXT_BYTES)
}

/// Reads several reports and merges them (a file in two reports keeps the most hits per line).
pub fn load_reports<P: AsRef<Path>>(
    paths: &[P],
    options: &ReadOptions,
) -> Result<Coverage, CoverageError> {
    let mut all = Coverage::new();
    for path in paths {
        all.merge(load_report(path.as_ref(), options)?);
    }
    Ok(all)
}

/// The reader every parser pulls from: its own buffer (so lines are counted one whole buffer at a
/// time, in a single vectorisable pass, instead of on every small `consume`), and a size limit.
pub(crate) struct Input<R> {
    inner: R,
    buffer: Box<[u8]>,
    start: usize,
    end: usize,
    /// Newlines in all bytes before `buffer[..end]` was loaded.
    newlines_before: u64,
    loaded: u64,
    limit: u64,
    pub(crate) exceeded: bool,
    /// Bytes consumed since [`Input::start_event`], and their bound: the XML reader copies one
    /// whole event into its buffer, so this keeps that buffer from growing without end.
    event_bytes: u64,
    event_limit: u64,
    pub(crate) event_exceeded: bool,
}

const BUFFER: usize = 1 << 16;

impl<R: Read> Input<R> {
    fn new(inner: R, limit: u64) -> Input<R> {
        Input {
            inner,
            buffer: vec![0; BUFFER].into_boxed_slice(),
            start: 0,
            end: 0,
            newlines_before: 0,
            loaded: 0,
            limit,
            exceeded: false,
            event_bytes: 0,
            event_limit: u64::MAX,
            event_exceeded: false,
        }
    }

    /// Bounds the bytes of each event from now on: an XML tag or text, an LCOV line.
    pub(crate) fn limit_events(&mut self, limit: u64) {
        self.event_limit = limit;
    }

    /// A new event starts at the next unread byte.
    pub(crate) fn start_event(&mut self) {
        self.event_bytes = 0;
    }

    /// The bound set by [`Input::limit_events`].
    pub(crate) fn event_limit(&self) -> u64 {
        self.event_limit
    }

    /// The 1-based line of the next unread byte (only computed when an error needs it).
    pub(crate) fn line(&self) -> u64 {
        self.newlines_before + count_newlines(&self.buffer[..self.start]) + 1
    }

    /// Up to `n` bytes ahead without consuming them.
    fn peek(&mut self, n: usize) -> std::io::Result<&[u8]> {
        let available = self.fill_buf()?;
        Ok(&available[..available.len().min(n)])
    }

    /// The error for a failed read: the size limit if that is what stopped it.
    pub(crate) fn io_error(&self, file: &str, source: std::io::Error) -> CoverageError {
        if self.exceeded {
            CoverageError::TooLarge {
                file: file.to_owned(),
                limit: self.limit,
            }
        } else {
            CoverageError::Io {
                file: file.to_owned(),
                source,
            }
        }
    }
}

impl<R: Read> Read for Input<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for Input<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.event_bytes > self.event_limit {
            self.event_exceeded = true;
            return Err(std::io::Error::other(
                "XML event larger than the size limit",
            ));
        }
        if self.start == self.end {
            self.newlines_before += count_newlines(&self.buffer[..self.end]);
            self.start = 0;
            self.end = 0;
            let n = loop {
                match self.inner.read(&mut self.buffer) {
                    Ok(n) => break n,
                    Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(error) => return Err(error),
                }
            };
            self.loaded += n as u64;
            if self.loaded > self.limit {
                self.exceeded = true;
                return Err(std::io::Error::other("input larger than the size limit"));
            }
            self.end = n;
        }
        Ok(&self.buffer[self.start..self.end])
    }

    fn consume(&mut self, amount: usize) {
        self.event_bytes += amount as u64;
        self.start = (self.start + amount).min(self.end);
    }
}

fn count_newlines(bytes: &[u8]) -> u64 {
    // Byte-wide counters over short chunks let LLVM use 16 or 32 lanes at a time.
    bytes
        .chunks(255)
        .map(|chunk| {
            u64::from(
                chunk
                    .iter()
                    .fold(0u8, |count, &b| count + u8::from(b == b'\n')),
            )
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_formats_from_content_then_name() {
        let d = |name, head: &str| Format::detect(name, head.as_bytes());
        assert_eq!(
            d("x", "<?xml version=\"1.0\" ?>\n<coverage version=\"7\">"),
            Some(Format::Cobertura)
        );
        assert_eq!(
            d(
                "x",
                "<?xml version=\"1.0\"?><!DOCTYPE report PUBLIC \"-//JACOCO//DTD Report 1.1//EN\" \"report.dtd\"><report name=\"x\">"
            ),
            Some(Format::Jacoco)
        );
        assert_eq!(d("x", "TN:\nSF:/a.c\n"), Some(Format::Lcov));
        assert_eq!(
            d("x", "\u{feff} {\"meta\":{}}"),
            Some(Format::CoveragePyJson)
        );
        assert_eq!(d("lcov.info", ""), Some(Format::Lcov));
        assert_eq!(d("notes.txt", "hello"), None);
    }

    /// Hands out two bytes per read, so lines are counted across many buffer refills.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.len().min(out.len()).min(2);
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn counts_lines_across_refills() {
        let mut input = Input::new(Trickle(b"ab\ncd\n\nef\n"), 100);
        assert_eq!(input.line(), 1);
        let mut line = Vec::new();
        input.read_until(b'\n', &mut line).unwrap();
        assert_eq!(input.line(), 2);
        input.read_until(b'\n', &mut line).unwrap();
        input.read_until(b'\n', &mut line).unwrap();
        assert_eq!(input.line(), 4);
        input.consume(1);
        assert_eq!(input.line(), 4);
    }

    #[test]
    fn enforces_the_size_limit() {
        let mut line = Vec::new();
        let mut fits = Input::new(&b"a\nb\nc"[..], 5);
        while fits.read_until(b'\n', &mut line).unwrap() > 0 {}
        let mut input = Input::new(Trickle(b"a\nb\nc\n"), 5);
        let mut result = Ok(1);
        while matches!(result, Ok(n) if n > 0) {
            result = input.read_until(b'\n', &mut line);
        }
        assert!(result.is_err() && input.exceeded);
    }
}
