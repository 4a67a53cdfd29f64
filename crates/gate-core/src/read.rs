//! Reading a whole file with a bound on the bytes actually read, not on the size the file
//! reports: a device or FIFO (`/dev/zero`, `<(cmd)`) reports 0 and may never end.

use std::io::Read as _;
use std::path::Path;

/// Reads at most `limit` bytes of `path`; more is an error of kind
/// [`std::io::ErrorKind::FileTooLarge`] rather than a truncated read.
///
/// One byte past the limit is read to tell "exactly at the limit" from "larger", so an endless
/// source (`/dev/zero`) costs `limit + 1` bytes of memory and no more.
///
/// # Errors
///
/// Whatever opening or reading the file gives, and `FileTooLarge` past the limit.
pub fn read_capped(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if u64::try_from(bytes.len()).map_or(true, |read| read > limit) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!("the file is larger than {limit} bytes"),
        ));
    }
    Ok(bytes)
}

/// [`read_capped`] for text: the file must also be UTF-8.
///
/// # Errors
///
/// As [`read_capped`], and [`std::io::ErrorKind::InvalidData`] for bytes that are not UTF-8 (as
/// [`std::fs::read_to_string`] does).
pub fn read_to_string_capped(path: &Path, limit: u64) -> std::io::Result<String> {
    String::from_utf8(read_capped(path, limit)?).map_err(|_| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_files::scratch;

    #[test]
    fn a_file_exactly_at_the_limit_is_read_and_one_byte_more_is_refused() {
        let directory = scratch("read-limit");
        let path = directory.join("file.txt");
        std::fs::write(&path, "12345").unwrap();
        assert_eq!(read_to_string_capped(&path, 5).unwrap(), "12345");
        let error = read_to_string_capped(&path, 4).unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::FileTooLarge);
        assert!(error.to_string().contains("larger than 4 bytes"), "{error}");
        std::fs::remove_dir_all(&directory).unwrap();
    }

    #[test]
    fn non_utf8_is_invalid_data() {
        let directory = scratch("read-utf8");
        let path = directory.join("file.bin");
        std::fs::write(&path, [0xff, 0xfe, 0x00]).unwrap();
        let error = read_to_string_capped(&path, 100).unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidData);
        std::fs::remove_dir_all(&directory).unwrap();
    }

    /// `/dev/zero` reports size 0 and never ends: the cap must stop the read itself.
    #[cfg(unix)]
    #[test]
    fn an_endless_device_stops_at_the_limit() {
        let error = read_capped(Path::new("/dev/zero"), 1024).unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::FileTooLarge);
    }

    /// A FIFO also reports size 0; what it delivers is what counts.
    #[cfg(unix)]
    #[test]
    fn a_fifo_is_bounded_by_what_it_delivers() {
        let directory = scratch("read-fifo");
        let fifo = crate::test_files::fifo(&directory);
        let writer = {
            let fifo = fifo.clone();
            // The reader stops after limit + 1 bytes, so the writer may see a broken pipe.
            std::thread::spawn(move || {
                let _ = std::fs::write(fifo, vec![b'a'; 64]);
            })
        };
        let error = read_capped(&fifo, 16).unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::FileTooLarge);
        writer.join().unwrap();
        std::fs::remove_dir_all(&directory).unwrap();
    }
}
