//! LCOV tracefiles: `SF`, `DA`, `BRDA`, `BRF`/`BRH`, `end_of_record`.
//!
//! Per-file `BRF`/`BRH` totals win over sums of `BRDA` records: coverage.py writes them from
//! the same numbers its own report uses, and other producers drop `BRDA` lines they exclude.

use std::io::{BufRead, Read};

use crate::model::{BranchScheme, FileCoverage};
use crate::read::{Input, ReadOptions};
use crate::xml::saturate;
use crate::{Coverage, CoverageError};

struct Record {
    path: String,
    file: FileCoverage,
    found: Option<u64>,
    hit: Option<u64>,
}

pub(crate) fn read<R: Read>(
    mut input: Input<R>,
    name: &str,
    options: &ReadOptions,
) -> Result<Coverage, CoverageError> {
    let mut coverage = Coverage::new();
    let mut record: Option<Record> = None;
    let mut raw = Vec::with_capacity(256);
    let mut line_number = 0;
    // `read_until` holds a whole line: bounded, so a line without end (`/dev/zero`) stops early.
    input.limit_events(options.limits.max_event_bytes);
    loop {
        raw.clear();
        line_number += 1;
        input.start_event();
        let read = input.read_until(b'\n', &mut raw).map_err(|source| {
            if input.event_exceeded {
                CoverageError::EventTooLarge {
                    file: name.to_owned(),
                    line: line_number,
                    limit: input.event_limit(),
                }
            } else {
                input.io_error(name, source)
            }
        })?;
        if read == 0 {
            break;
        }
        let invalid = |what: &'static str, value: &str| CoverageError::InvalidValue {
            file: name.to_owned(),
            line: line_number,
            what,
            value: crate::error::excerpt(value),
        };
        let text = std::str::from_utf8(&raw)
            .map_err(|_| invalid("UTF-8 LCOV line", &String::from_utf8_lossy(&raw)))?;
        let text = text.trim_end_matches(['\n', '\r']).trim_start();
        // A byte-order mark (Windows editors) is not whitespace to `trim_start`.
        let text = if line_number == 1 {
            text.trim_start_matches('\u{feff}')
        } else {
            text
        };
        if text.is_empty() {
            continue;
        }
        if text == "end_of_record" {
            let Some(done) = record.take() else {
                return Err(invalid(
                    "LCOV record outside a file (no SF before it)",
                    text,
                ));
            };
            finish(&mut coverage, done, options);
            continue;
        }
        let Some((key, value)) = text.split_once(':') else {
            return Err(invalid("LCOV record", text));
        };
        if key == "SF" {
            if record.is_some() {
                return Err(invalid("LCOV record (SF before end_of_record)", text));
            }
            record = Some(Record {
                path: value.to_owned(),
                file: FileCoverage::default(),
                found: None,
                hit: None,
            });
            continue;
        }
        // Counts are never negative (Cobertura and JaCoCo reject them too); a negative one is a
        // counter that overflowed or a broken writer, so nothing in the record can be trusted.
        if is_negative_count(key, value) {
            return Err(invalid("LCOV count (negative)", text));
        }
        let needs_file = matches!(key, "DA" | "BRDA" | "BRF" | "BRH");
        let Some(current) = record.as_mut().filter(|_| needs_file) else {
            if needs_file {
                return Err(invalid(
                    "LCOV record outside a file (no SF before it)",
                    text,
                ));
            }
            // TN, VER, FN, FNDA, FNF, FNH, LF, LH: nothing the totals need.
            continue;
        };
        record_field(current, key, value).ok_or_else(|| invalid("LCOV record", text))?;
    }
    if let Some(open) = record {
        return Err(CoverageError::MissingEndOfRecord {
            file: name.to_owned(),
            line: line_number,
            source_file: crate::error::excerpt(&open.path),
        });
    }
    Ok(coverage)
}

/// Whether a record's count field is negative: `DA:3,-1`, `BRDA:3,0,0,-1`, `LH:-2`, `FNDA:-1,f`.
/// (`BRDA`'s taken count `-` alone means "never reached", not a sign.)
fn is_negative_count(key: &str, value: &str) -> bool {
    let count = match key {
        "DA" => value.split(',').nth(1),
        "BRDA" => value.split(',').nth(3),
        "FNDA" => value.split(',').next(),
        "LF" | "LH" | "BRF" | "BRH" | "FNF" | "FNH" => Some(value),
        _ => None,
    };
    count.is_some_and(|count| {
        count
            .trim()
            .strip_prefix('-')
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit() || c == '.'))
    })
}

/// Applies one `DA`, `BRDA`, `BRF` or `BRH` record; `None` when its fields are malformed.
fn record_field(current: &mut Record, key: &str, value: &str) -> Option<()> {
    let number = |field: &str| field.trim().parse::<u64>().ok();
    let line_number = |field: &str| {
        number(field)
            .and_then(|n| u32::try_from(n).ok())
            .filter(|&n| n > 0)
    };
    let mut fields = value.split(',');
    match key {
        "DA" => {
            let line = line_number(fields.next()?)?;
            let hits = fields.next()?.trim();
            // Some tools write floats; only "ran or not" is needed.
            let hits = number(hits).or_else(|| {
                let value: f64 = hits.parse().ok()?;
                (value.is_finite() && value >= 0.0).then_some(u64::from(value > 0.0))
            })?;
            current.file.push_line(line, saturate(hits));
        }
        "BRDA" => {
            let line = line_number(fields.next()?)?;
            let block = fields.next()?;
            let branch = fields.next()?;
            let taken = fields.next()?.trim();
            let ran = taken != "-" && number(taken)? > 0;
            // `lcov -a` merges runs by (line, block, branch): so does gate.
            let id = branch_id(block.trim(), branch.trim());
            current
                .file
                .push_named_branch(BranchScheme::LcovBlocks, line, id, ran);
        }
        "BRF" => current.found = Some(number(value)?),
        "BRH" => current.hit = Some(number(value)?),
        _ => {}
    }
    Some(())
}

/// A branch's name within its line: FNV-1a (64-bit) of `block`, a separator and `branch`.
/// coverage.py writes text (`jump to line 6`), gcc and llvm numbers; a hash keeps either in
/// 8 bytes.
fn branch_id(block: &str, branch: &str) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let bytes = block.bytes().chain([0xff]).chain(branch.bytes());
    bytes.fold(OFFSET, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(PRIME)
    })
}

fn finish(coverage: &mut Coverage, record: Record, options: &ReadOptions) {
    let Record {
        path,
        mut file,
        found,
        hit,
    } = record;
    file.normalise();
    if let Some(found) = found {
        file.declare_branches(hit.unwrap_or(0), found);
    }
    coverage.insert(options.paths.resolve(&path, &[]), file);
}

#[cfg(test)]
mod tests {
    use crate::{CoverageError, Format, PathMap, ReadOptions, parse_report};

    fn parse(text: &str) -> Result<crate::Coverage, CoverageError> {
        let options = ReadOptions {
            format: Some(Format::Lcov),
            paths: PathMap::new().with_root("/repo"),
            ..ReadOptions::default()
        };
        parse_report(text.as_bytes(), "lcov.info", &options)
    }

    #[test]
    fn a_line_longer_than_the_event_limit_is_an_error_naming_file_and_line() {
        let long = format!("TN:\nSF:/repo/src/a.c\nFN:1,{}\n", "x".repeat(2 << 20));
        match parse(&long) {
            Err(error @ CoverageError::EventTooLarge { line: 3, .. }) => {
                assert!(error.to_string().starts_with("lcov.info:3: "), "{error}");
            }
            other => panic!("expected EventTooLarge at line 3, got {other:?}"),
        }
        // The same record with a name of ordinary length reads.
        assert!(parse("TN:\nSF:/repo/src/a.c\nFN:1,main\nDA:1,1\nend_of_record\n").is_ok());
    }

    #[test]
    fn reads_records_and_prefers_brf_brh() {
        let text = "TN:\nSF:/repo/src/a.c\nFN:1,main\nDA:1,3\nDA:2,0\nDA:3,1,abc\nBRDA:3,0,0,1\nBRDA:3,0,1,-\nBRDA:3,0,2,0\nBRF:4\nBRH:2\nLF:3\nLH:2\nend_of_record\n";
        let coverage = parse(text).unwrap();
        let file = coverage.file("src/a.c").unwrap();
        assert_eq!(file.branch(3).map(|b| (b.covered, b.total)), Some((1, 3)));
        let t = file.totals();
        assert_eq!(
            (
                t.statements,
                t.covered_statements,
                t.branches,
                t.covered_branches
            ),
            (3, 2, 4, 2)
        );
    }

    #[test]
    fn negative_counts_are_errors_naming_the_line() {
        for record in [
            "DA:3,-1",
            "BRDA:3,0,0,-1",
            "LH:-2",
            "LF:-1",
            "BRF:-4",
            "FNDA:-1,main",
        ] {
            let text = format!("SF:a.c\nDA:1,1\n{record}\nend_of_record\n");
            let error = parse(&text).unwrap_err().to_string();
            assert!(error.starts_with("lcov.info:3:"), "{record}: {error}");
            assert!(error.contains("negative"), "{record}: {error}");
        }
        // `-` alone is a branch never reached.
        assert!(parse("SF:a.c\nDA:1,1\nBRDA:1,0,0,-\nend_of_record\n").is_ok());
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let text = "SF:a.c\nDA:1,1\nDA:2,0\nend_of_record\n";
        assert_eq!(
            parse(&format!("\u{feff}{text}")).unwrap(),
            parse(text).unwrap()
        );
    }

    #[test]
    fn errors_name_the_line() {
        let error = parse("SF:a.c\nDA:1,1\nDA:x\n").unwrap_err().to_string();
        assert!(error.starts_with("lcov.info:3:"), "{error}");
        let truncated = parse("SF:a.c\nDA:1,1\n").unwrap_err().to_string();
        assert_eq!(
            truncated,
            "lcov.info:3: the report ends inside the record of SF:a.c, which has no \
             end_of_record line (truncated?)"
        );
        assert!(parse("DA:1,1\n").is_err());
        assert!(parse("garbage\n").is_err());
    }
}
