//! Jsonnet inputs, evaluated like conftest's (go-jsonnet's `EvaluateAnonymousSnippet`, imports
//! resolved against the file's directory) with rsjsonnet-lang, a pure-Rust Jsonnet evaluator
//! with the standard library; the result is the manifested JSON.

use std::path::{Path, PathBuf};

use rsjsonnet_lang::arena::Arena;
use rsjsonnet_lang::interner::InternedStr;
use rsjsonnet_lang::lexer::LexError;
use rsjsonnet_lang::program::{
    AnalyzeError, Callbacks, EvalError, EvalStackTraceItem, ImportError, LoadError, NativeError,
    Program, Thunk, Value, ValueKind,
};
use rsjsonnet_lang::span::{SpanContextId, SpanId};

use super::{Document, single};
use crate::ParseError;

/// Calls deeper than this stop evaluation with an error (a runaway recursion, not a crash).
const MAX_STACK: usize = 500;

/// Evaluates a Jsonnet file; `path` names it in errors and locates relative imports.
pub(super) fn parse(path: &str, text: &str) -> Result<Document, ParseError> {
    let arena = Arena::new();
    let mut program = Program::new(&arena);
    program.set_max_stack(MAX_STACK);
    let (context, _) = program.span_manager_mut().insert_source_context(text.len());
    let directory = Path::new(path)
        .parent()
        .map_or_else(PathBuf::new, Path::to_path_buf);
    let mut imports = Imports {
        files: vec![(context, directory)],
    };
    let locate = |program: &Program<'_>, span: Option<SpanId>| -> u32 {
        span.map_or(1, |span| line_of(program, context, text, span))
    };
    let thunk = match program.load_source(context, text.as_bytes(), true, "") {
        Ok(thunk) => thunk,
        Err(error) => {
            let (span, message) = load_error(&error);
            return Err(syntax(path, locate(&program, Some(span)), message));
        }
    };
    let value = program.eval_value(&thunk, &mut imports).map_err(|error| {
        let line = eval_span(&program, context, &error)
            .map(|span| line_of(&program, context, text, span))
            .or_else(|| debug_line(&mut program, context, text, &format!("{:?}", error.kind)))
            .unwrap_or(1);
        syntax(path, line, describe(&format!("{:?}", error.kind)))
    })?;
    let value = to_json(&value, 0).map_err(|()| ParseError::TooDeep {
        path: path.to_owned(),
        line: None,
        limit: super::MAX_DEPTH,
    })?;
    single(path, &value)
}

/// The evaluated value as JSON: numbers stay the exact doubles Jsonnet computed (integral ones
/// as integers, as go-jsonnet prints them), hidden fields are left out.
fn to_json(value: &Value<'_>, depth: usize) -> Result<serde_json::Value, ()> {
    if depth > super::MAX_DEPTH {
        return Err(());
    }
    Ok(match value.kind() {
        ValueKind::Null | ValueKind::Function => serde_json::Value::Null,
        ValueKind::Bool(b) => serde_json::Value::Bool(b),
        ValueKind::Number(n) => number(n),
        ValueKind::String(s) => serde_json::Value::String(s),
        ValueKind::Array(items) => serde_json::Value::Array(
            items
                .iter()
                .map(|item| to_json(item, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        ValueKind::Object(fields) => {
            let mut map = serde_json::Map::new();
            for (name, field) in &fields {
                map.insert(name.value().to_owned(), to_json(field, depth + 1)?);
            }
            serde_json::Value::Object(map)
        }
    })
}

fn number(n: f64) -> serde_json::Value {
    #[allow(clippy::cast_possible_truncation)]
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        return serde_json::Value::from(n as i64);
    }
    serde_json::Number::from_f64(n).map_or(serde_json::Value::Null, serde_json::Value::Number)
}

/// Where an evaluation error without a stack position points: the first span the error value
/// holds (printed as `Inline { offset: N, … }`, offsets counted across every loaded source),
/// when it lies in the main file.
fn debug_line(
    program: &mut Program<'_>,
    context: SpanContextId,
    text: &str,
    debug: &str,
) -> Option<u32> {
    let origin = program.span_manager_mut().intern_span(context, 0, 0);
    let base = offset_in(&format!("{origin:?}"))?;
    let offset = offset_in(debug)?.checked_sub(base)?;
    let before = text.get(..offset)?;
    u32::try_from(before.matches('\n').count() + 1).ok()
}

fn offset_in(debug: &str) -> Option<usize> {
    let (_, after) = debug.split_once("offset: ")?;
    let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

fn syntax(path: &str, line: u32, message: String) -> ParseError {
    ParseError::Syntax {
        path: path.to_owned(),
        format: "jsonnet",
        line,
        message,
    }
}

/// The 1-based line of `span` in the main file (line 1 when it is in another file).
fn line_of(program: &Program<'_>, context: SpanContextId, text: &str, span: SpanId) -> u32 {
    let (span_context, start, _) = program.span_manager().get_span(span);
    if span_context != context {
        return 1;
    }
    let before = text.get(..start).unwrap_or(text);
    u32::try_from(before.matches('\n').count() + 1).unwrap_or(u32::MAX)
}

/// The innermost place in the main file where evaluation failed.
fn eval_span(program: &Program<'_>, context: SpanContextId, error: &EvalError) -> Option<SpanId> {
    error
        .stack_trace
        .iter()
        .filter_map(|item| match item {
            EvalStackTraceItem::Expr { span } | EvalStackTraceItem::Variable { span, .. } => {
                Some(*span)
            }
            EvalStackTraceItem::Call { span, .. }
            | EvalStackTraceItem::ArrayItem { span, .. }
            | EvalStackTraceItem::ObjectField { span, .. } => *span,
            _ => None,
        })
        .find(|span| program.span_manager().get_span(*span).0 == context)
}

/// A readable message from the evaluator's error value: its `Debug` form without the spans
/// (`span: Inline { offset: …, len: … }`, `SpanId(…)`), which mean nothing to a reader.
fn describe(debug: &str) -> String {
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    loop {
        let inline = rest.find("Inline {").map(|at| (at, '}'));
        let interned = rest.find("Interned(").map(|at| (at, ')'));
        let Some((at, close)) = [inline, interned].into_iter().flatten().min() else {
            break;
        };
        // Drop the field name before the span too (`span: `, `self_span: `…).
        let head = &rest[..at];
        let head = head.strip_suffix(": ").map_or(head, |h| {
            h.trim_end_matches(|c: char| c.is_alphanumeric() || c == '_')
        });
        out.push_str(head);
        rest = &rest[at..];
        let end = rest.find(close).map_or(rest.len(), |end| end + 1);
        rest = rest[end..].strip_prefix(", ").unwrap_or(&rest[end..]);
    }
    out.push_str(rest);
    out.replace("{ }", "").replace("{  }", "")
}

fn load_error(error: &LoadError) -> (SpanId, String) {
    match error {
        LoadError::Lex(error) => (lex_span(error), describe(&format!("{error:?}"))),
        LoadError::Parse(error) => {
            let rsjsonnet_lang::parser::ParseError::Expected { span, .. } = error;
            (*span, describe(&format!("{error:?}")))
        }
        LoadError::Analyze(error) => (analyze_span(error), describe(&format!("{error:?}"))),
    }
}

fn lex_span(error: &LexError) -> SpanId {
    match error {
        LexError::InvalidChar { span, .. }
        | LexError::InvalidUtf8 { span, .. }
        | LexError::UnfinishedMultilineComment { span }
        | LexError::LeadingZeroInNumber { span }
        | LexError::MissingFracDigits { span }
        | LexError::MissingExpDigits { span }
        | LexError::MissingDigitAfterUnderscore { span }
        | LexError::ExpOverflow { span }
        | LexError::InvalidEscapeInString { span, .. }
        | LexError::IncompleteUnicodeEscape { span }
        | LexError::InvalidUtf16EscapeSequence { span, .. }
        | LexError::UnfinishedString { span }
        | LexError::MissingLineBreakAfterTextBlockStart { span }
        | LexError::MissingWhitespaceTextBlockStart { span }
        | LexError::InvalidTextBlockTermination { span } => *span,
    }
}

fn analyze_span(error: &AnalyzeError) -> SpanId {
    match error {
        AnalyzeError::UnknownVariable { span, .. }
        | AnalyzeError::TextBlockAsImportPath { span }
        | AnalyzeError::ComputedImportPath { span } => *span,
        AnalyzeError::SelfOutsideObject { self_span } => *self_span,
        AnalyzeError::SuperOutsideObject { super_span } => *super_span,
        AnalyzeError::DollarOutsideObject { dollar_span } => *dollar_span,
        AnalyzeError::RepeatedLocalName { repeated_span, .. }
        | AnalyzeError::RepeatedFieldName { repeated_span, .. }
        | AnalyzeError::RepeatedParamName { repeated_span, .. } => *repeated_span,
        AnalyzeError::PositionalArgAfterNamed { arg_span } => *arg_span,
    }
}

/// Reads `import`ed files relative to the importing file's directory, as go-jsonnet does.
struct Imports {
    /// Each loaded file's span context and directory.
    files: Vec<(SpanContextId, PathBuf)>,
}

impl Imports {
    fn resolve(&self, program: &Program<'_>, from: SpanId, path: &str) -> PathBuf {
        let (context, _, _) = program.span_manager().get_span(from);
        let directory = self
            .files
            .iter()
            .find(|(known, _)| *known == context)
            .map_or_else(PathBuf::new, |(_, directory)| directory.clone());
        directory.join(path)
    }

    fn read(
        &self,
        program: &Program<'_>,
        from: SpanId,
        path: &str,
    ) -> Result<(PathBuf, Vec<u8>), ImportError> {
        let file = self.resolve(program, from, path);
        let bytes = gate_core::read_to_string_capped(&file, super::MAX_FILE_BYTES)
            .map_err(|_| ImportError)?
            .into_bytes();
        Ok((file, bytes))
    }
}

impl<'p> Callbacks<'p> for Imports {
    fn import(
        &mut self,
        program: &mut Program<'p>,
        from: SpanId,
        path: &str,
    ) -> Result<Thunk<'p>, ImportError> {
        let (file, bytes) = self.read(program, from, path)?;
        let (context, _) = program
            .span_manager_mut()
            .insert_source_context(bytes.len());
        let directory = file.parent().map_or_else(PathBuf::new, Path::to_path_buf);
        self.files.push((context, directory));
        program
            .load_source(context, &bytes, true, &file.to_string_lossy())
            .map_err(|_| ImportError)
    }

    fn import_str(
        &mut self,
        program: &mut Program<'p>,
        from: SpanId,
        path: &str,
    ) -> Result<String, ImportError> {
        let (_, bytes) = self.read(program, from, path)?;
        String::from_utf8(bytes).map_err(|_| ImportError)
    }

    fn import_bin(
        &mut self,
        program: &mut Program<'p>,
        from: SpanId,
        path: &str,
    ) -> Result<Vec<u8>, ImportError> {
        self.read(program, from, path).map(|(_, bytes)| bytes)
    }

    fn trace(&mut self, _: &mut Program<'p>, _: &str, _: &[EvalStackTraceItem]) {}

    fn native_call(
        &mut self,
        _: &mut Program<'p>,
        _: InternedStr<'p>,
        _: &[Value<'p>],
    ) -> Result<Value<'p>, NativeError> {
        Err(NativeError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// conftest's example (`examples/jsonnet/arith.jsonnet`), part of it.
    #[test]
    fn evaluates_like_go_jsonnet() {
        let text = "{\n  concat_array: [1, 2, 3] + [4],\n  concat_string: '123' + 4,\n  \
                    ex1: 1 + 2 * 3 / (4 + 5),\n  obj: { a: 1, b: 2 } + { b: 3, c: 4 },\n  \
                    obj_member: 'foo' in { foo: 1 },\n  str2: 'The value is %g.' % 5,\n}\n";
        assert_eq!(
            parse("arith.jsonnet", text).unwrap().json(),
            json!({
                "concat_array": [1, 2, 3, 4],
                "concat_string": "1234",
                "ex1": 1.666_666_666_666_666_5,
                "obj": {"a": 1, "b": 3, "c": 4},
                "obj_member": true,
                "str2": "The value is 5.",
            })
        );
    }

    /// Imports resolve against the importing file's directory, as with go-jsonnet's `JPaths`.
    #[test]
    fn imports_are_relative_to_the_file() {
        let directory = tempfile::tempdir().unwrap();
        std::fs::create_dir(directory.path().join("lib")).unwrap();
        std::fs::write(
            directory.path().join("lib/a.libsonnet"),
            "{ b: import 'b.json' }",
        )
        .unwrap();
        std::fs::write(directory.path().join("lib/b.json"), "{\"c\": 1}").unwrap();
        let main = directory.path().join("main.jsonnet");
        let path = main.to_string_lossy();
        let value = parse(
            &path,
            "(import 'lib/a.libsonnet') + { d: importstr 'lib/b.json' }",
        )
        .unwrap()
        .json();
        assert_eq!(value, json!({"b": {"c": 1}, "d": "{\"c\": 1}"}));
    }

    #[test]
    fn errors_name_the_line() {
        let cases = [
            ("{\n  a: 1,\n  b: ,\n}", 3),
            ("{\n  a: missing,\n}", 2),
            ("{\n  a: 1,\n  b: error 'no',\n}", 3),
            ("local f(x) = f(x + 1);\nf(0)", 2),
            ("{\n  a: import 'nowhere.jsonnet',\n}", 2),
        ];
        for (text, line) in cases {
            let error = parse("a.jsonnet", text).unwrap_err().to_string();
            assert!(
                error.starts_with(&format!("a.jsonnet:{line}: invalid jsonnet")),
                "{error}"
            );
        }
    }
}
