//! Standard output whose reader has gone (`gate … | head -1`): a quiet stop, never a panic; the
//! verdict's exit code stands (tests/hostile has the failing and erroring cases).

use std::io::Read as _;
use std::process::{Command, Stdio};

#[test]
fn a_closed_standard_output_is_a_quiet_stop_not_a_panic() {
    for args in [&["explain", "--list"][..], &["completions", "bash"]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gate"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the gate binary runs");
        // Closing the read end before the child has started makes its first write fail
        // with EPIPE, whatever the pipe's buffer size.
        drop(child.stdout.take());
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .expect("stderr is piped")
            .read_to_string(&mut stderr)
            .expect("stderr is text");
        let status = child.wait().expect("gate exits");
        assert_eq!(status.code(), Some(0), "gate {args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "gate {args:?}: {stderr}");
        assert_eq!(stderr, "", "gate {args:?}");
    }
}
