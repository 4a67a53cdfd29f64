//! Groovy (Jenkinsfiles), shaped like conftest's: a syntax tree of `{"kind", "text", "line",
//! "column", "children"}` nodes from groovy-parser-go, rooted at `FileNode`, tokens carrying
//! their text (`Identifier` `sh`, `StringLiteral` `'make test'`), a node's position that of its
//! first child. gate parses the Groovy that pipelines are written in — calls with and without
//! parentheses, closures, strings and `GStrings`, property access, lists and maps, `def`,
//! `if`/`for`/`while`/`try`/`return`, imports and annotations — and names its nodes after
//! groovy-parser-go's main kinds (`ExpressionStmt`, `CallExpr`, `IdentExpr`, `LiteralExpr`,
//! `ClosureExpr`, `GStringExpr`…). Punctuation tokens are left out and rarer constructs
//! (classes, operators beyond the common ones) are refused: approximate.

use serde_json::{Map, Value};

use super::{Document, single};
use crate::ParseError;

/// Parses a Groovy file.
pub(super) fn parse(path: &str, text: &str) -> Result<Document, ParseError> {
    let error = |(line, column, message): Failure| ParseError::Syntax {
        path: path.to_owned(),
        format: "groovy",
        line,
        message: format!("at {line}:{column}: {message}"),
    };
    let tokens = lex(text).map_err(error)?;
    let mut parser = Parser {
        tokens,
        at: 0,
        depth: 0,
    };
    let mut children = Vec::new();
    while parser.peek().is_some() {
        if parser.eat(";") || parser.eat_newline() {
            continue;
        }
        children.push(parser.statement().map_err(error)?);
    }
    single(path, &node("FileNode", children).into_json())
}

type Failure = (u32, u32, String);

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Word,
    Str,
    GString(Vec<Piece>),
    Number,
    Punct,
    Newline,
}

#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Text(String),
    /// The tokens of an embedded `${…}` expression, or a `$name.path` reference.
    Code(Vec<Token>),
}

#[derive(Debug, Clone, PartialEq)]
struct Token {
    kind: Kind,
    text: String,
    line: u32,
    column: u32,
}

/// A tree node: a kind and children, or a token with its text and place.
struct Node {
    kind: &'static str,
    text: Option<String>,
    line: u32,
    column: u32,
    children: Vec<Node>,
    /// Levels of nodes down to the deepest token (a token is 1).
    depth: usize,
}

fn node(kind: &'static str, children: Vec<Node>) -> Node {
    let (line, column) = children
        .first()
        .map_or((1, 1), |first| (first.line, first.column));
    let depth = 1 + children.iter().map(|child| child.depth).max().unwrap_or(0);
    Node {
        kind,
        text: None,
        line,
        column,
        children,
        depth,
    }
}

fn leaf(kind: &'static str, token: &Token) -> Node {
    Node {
        kind,
        text: Some(token.text.clone()),
        line: token.line,
        column: token.column,
        children: Vec::new(),
        depth: 1,
    }
}

impl Node {
    fn into_json(self) -> Value {
        let mut map = Map::new();
        map.insert("kind".to_owned(), Value::from(self.kind));
        if let Some(text) = self.text.filter(|text| !text.is_empty()) {
            map.insert("text".to_owned(), Value::String(text));
        }
        map.insert("line".to_owned(), Value::from(self.line));
        map.insert("column".to_owned(), Value::from(self.column));
        if !self.children.is_empty() {
            let children = self.children.into_iter().map(Node::into_json).collect();
            map.insert("children".to_owned(), Value::Array(children));
        }
        Value::Object(map)
    }
}

fn lex(text: &str) -> Result<Vec<Token>, Failure> {
    let chars: Vec<char> = text.chars().collect();
    let mut lexer = Lexer {
        chars: &chars,
        at: 0,
        line: 1,
        column: 1,
        depth: 0,
    };
    lexer.tokens(None)
}

struct Lexer<'a> {
    chars: &'a [char],
    at: usize,
    line: u32,
    column: u32,
    /// How many `${…}` are open: each is lexed by a nested call, so the nesting is bounded.
    depth: usize,
}

impl Lexer<'_> {
    fn peek(&self, offset: usize) -> Option<char> {
        self.chars.get(self.at + offset).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek(0)?;
        self.at += 1;
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        Some(c)
    }

    fn starts_with(&self, text: &str) -> bool {
        text.chars()
            .enumerate()
            .all(|(i, c)| self.peek(i) == Some(c))
    }

    /// Tokens to the end, or (inside `${…}`) to the closing brace.
    fn tokens(&mut self, until_brace: Option<()>) -> Result<Vec<Token>, Failure> {
        let mut tokens: Vec<Token> = Vec::new();
        let mut braces = 0usize;
        while let Some(c) = self.peek(0) {
            let (line, column) = (self.line, self.column);
            let token = |kind, text: String| Token {
                kind,
                text,
                line,
                column,
            };
            if c == '\n' {
                self.bump();
                tokens.push(token(Kind::Newline, String::new()));
            } else if c.is_whitespace() || (c == '\\' && self.peek(1) == Some('\n')) {
                self.bump();
                if c == '\\' {
                    self.bump();
                }
            } else if self.comment()? {
            } else if c == '\'' || c == '"' {
                tokens.push(self.string(line, column)?);
            } else if self.starts_with("$/") {
                self.bump();
                self.bump();
                let mut text = String::from("$/");
                while !self.starts_with("/$") {
                    text.push(self.bump().ok_or((
                        line,
                        column,
                        "unclosed $/ string".to_owned(),
                    ))?);
                }
                self.bump();
                self.bump();
                tokens.push(token(Kind::Str, format!("{text}/$")));
            } else if c == '/' && slashy_allowed(tokens.last()) {
                self.bump();
                let mut text = String::from("/");
                loop {
                    let c =
                        self.bump()
                            .ok_or((line, column, "unclosed slashy string".to_owned()))?;
                    text.push(c);
                    if c == '\\' {
                        if let Some(next) = self.bump() {
                            text.push(next);
                        }
                    } else if c == '/' {
                        break;
                    }
                }
                tokens.push(token(Kind::Str, text));
            } else if c.is_ascii_digit() {
                let mut text = String::new();
                while let Some(c) = self.peek(0).filter(|c| {
                    c.is_ascii_alphanumeric()
                        || *c == '_'
                        || (*c == '.' && self.peek(1).is_some_and(|n| n.is_ascii_digit()))
                }) {
                    text.push(c);
                    self.bump();
                }
                tokens.push(token(Kind::Number, text));
            } else if c.is_alphabetic() || c == '_' || c == '$' {
                let mut text = String::new();
                while let Some(c) = self
                    .peek(0)
                    .filter(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
                {
                    text.push(c);
                    self.bump();
                }
                tokens.push(token(Kind::Word, text));
            } else {
                if until_brace.is_some() {
                    if c == '{' {
                        braces += 1;
                    } else if c == '}' {
                        if braces == 0 {
                            self.bump();
                            return Ok(tokens);
                        }
                        braces -= 1;
                    }
                }
                tokens.push(token(Kind::Punct, self.operator()));
            }
        }
        if until_brace.is_some() {
            return Err((self.line, self.column, "unclosed ${ in a string".to_owned()));
        }
        Ok(tokens)
    }

    /// The longest operator here, else one punctuation character.
    fn operator(&mut self) -> String {
        const OPERATORS: &[&str] = &[
            "?.", "*.", "?:", "==", "!=", "<=", ">=", "&&", "||", "->", "++", "--", "+=", "-=",
            "=~", "==~", "<<", "..", "::",
        ];
        let longest = OPERATORS
            .iter()
            .filter(|op| self.starts_with(op))
            .max_by_key(|op| op.len());
        let length = longest.map_or(1, |op| op.chars().count());
        (0..length).filter_map(|_| self.bump()).collect()
    }

    /// Skips a `//`, `#!` or `/* */` comment at the current position, if there is one.
    fn comment(&mut self) -> Result<bool, Failure> {
        let (line, column) = (self.line, self.column);
        if self.starts_with("//") || (self.at == 0 && self.starts_with("#!")) {
            while self.peek(0).is_some_and(|c| c != '\n') {
                self.bump();
            }
            return Ok(true);
        }
        if !self.starts_with("/*") {
            return Ok(false);
        }
        self.bump();
        self.bump();
        while !self.starts_with("*/") {
            if self.bump().is_none() {
                return Err((line, column, "unclosed comment".to_owned()));
            }
        }
        self.bump();
        self.bump();
        Ok(true)
    }

    /// A quoted string: `'…'`, `'''…'''` (plain) or `"…"`, `"""…"""` (`GStrings` when they
    /// interpolate). The text keeps its quotes, as the parser's tokens do.
    fn string(&mut self, line: u32, column: u32) -> Result<Token, Failure> {
        let quote = self.peek(0).unwrap_or('\'');
        let triple = self.peek(1) == Some(quote) && self.peek(2) == Some(quote);
        let delimiter: String = std::iter::repeat_n(quote, if triple { 3 } else { 1 }).collect();
        for _ in 0..delimiter.len() {
            self.bump();
        }
        let mut pieces = Vec::new();
        let mut text = delimiter.clone();
        loop {
            if self.starts_with(&delimiter) {
                for _ in 0..delimiter.len() {
                    self.bump();
                }
                text.push_str(&delimiter);
                break;
            }
            let c = self
                .bump()
                .ok_or((line, column, "unterminated string".to_owned()))?;
            if c == '\n' && !triple {
                return Err((line, column, "unterminated string".to_owned()));
            }
            if c == '\\' {
                text.push(c);
                if let Some(next) = self.bump() {
                    text.push(next);
                }
            } else if c == '$' && quote == '"' && self.peek(0) == Some('{') {
                self.bump();
                text.push('$');
                pieces.push(Piece::Text(std::mem::take(&mut text)));
                if self.depth >= super::MAX_DEPTH {
                    return Err((
                        line,
                        column,
                        format!("strings nested deeper than {} levels", super::MAX_DEPTH),
                    ));
                }
                self.depth += 1;
                let code = self.tokens(Some(()));
                self.depth -= 1;
                pieces.push(Piece::Code(code?));
            } else if c == '$'
                && quote == '"'
                && self.peek(0).is_some_and(|c| c.is_alphabetic() || c == '_')
            {
                text.push('$');
                pieces.push(Piece::Text(std::mem::take(&mut text)));
                let (line, column) = (self.line, self.column);
                let mut name = String::new();
                while let Some(c) = self.peek(0).filter(|c| {
                    c.is_alphanumeric()
                        || *c == '_'
                        || (*c == '.' && self.peek(1).is_some_and(char::is_alphabetic))
                }) {
                    name.push(c);
                    self.bump();
                }
                let mut code = Vec::new();
                for (i, part) in name.split('.').enumerate() {
                    if i > 0 {
                        code.push(Token {
                            kind: Kind::Punct,
                            text: ".".to_owned(),
                            line,
                            column,
                        });
                    }
                    code.push(Token {
                        kind: Kind::Word,
                        text: part.to_owned(),
                        line,
                        column,
                    });
                }
                pieces.push(Piece::Code(code));
            } else {
                text.push(c);
            }
        }
        if pieces.is_empty() {
            return Ok(Token {
                kind: Kind::Str,
                text,
                line,
                column,
            });
        }
        pieces.push(Piece::Text(text));
        Ok(Token {
            kind: Kind::GString(pieces),
            text: String::new(),
            line,
            column,
        })
    }
}

/// A `/` starts a slashy string where a value is expected, not after one.
fn slashy_allowed(previous: Option<&Token>) -> bool {
    match previous {
        None => true,
        Some(token) => match &token.kind {
            Kind::Punct => !matches!(token.text.as_str(), ")" | "]" | "}"),
            Kind::Newline => true,
            Kind::Word => matches!(token.text.as_str(), "return" | "in" | "sh"),
            _ => false,
        },
    }
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
    depth: usize,
}

const KEYWORDS: &[&str] = &[
    "if", "else", "for", "while", "try", "catch", "finally", "return", "def", "import", "in",
];

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn peek_text(&self) -> Option<&str> {
        self.peek()
            .filter(|t| matches!(t.kind, Kind::Punct | Kind::Word))
            .map(|t| t.text.as_str())
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn eat(&mut self, punct: &str) -> bool {
        if self
            .peek()
            .is_some_and(|t| t.kind == Kind::Punct && t.text == punct)
        {
            self.at += 1;
            return true;
        }
        false
    }

    fn eat_newline(&mut self) -> bool {
        if self.peek().is_some_and(|t| t.kind == Kind::Newline) {
            self.at += 1;
            return true;
        }
        false
    }

    fn skip_newlines(&mut self) {
        while self.eat_newline() {}
    }

    fn fail<T>(&self, message: impl Into<String>) -> Result<T, Failure> {
        let token = self.peek().or_else(|| self.tokens.last());
        let (line, column) = token.map_or((1, 1), |t| (t.line, t.column));
        Err((line, column, message.into()))
    }

    fn expect(&mut self, punct: &str) -> Result<(), Failure> {
        self.skip_newlines();
        if self.eat(punct) {
            return Ok(());
        }
        let found = self.peek().map_or("the end of the file".to_owned(), |t| {
            format!("{:?}", t.text)
        });
        self.fail(format!("expected {punct:?}, found {found}"))
    }

    fn enter(&mut self) -> Result<(), Failure> {
        self.depth += 1;
        if self.depth > super::MAX_DEPTH {
            return self.fail(format!("nested deeper than {} levels", super::MAX_DEPTH));
        }
        Ok(())
    }

    /// Refuses a node nested past the limit: each is an object and a list of children in the
    /// document, and operator chains (`a.b.c…`, `1 + 1 + …`) nest without recursing here.
    fn bounded(&self, node: Node) -> Result<Node, Failure> {
        if node.depth > super::MAX_DEPTH / 2 {
            return self.fail(format!("nested deeper than {} levels", super::MAX_DEPTH));
        }
        Ok(node)
    }

    fn statement(&mut self) -> Result<Node, Failure> {
        self.enter()?;
        let statement = self.statement_within_depth();
        self.depth -= 1;
        statement
    }

    fn statement_within_depth(&mut self) -> Result<Node, Failure> {
        let Some(token) = self.peek().cloned() else {
            return self.fail("expected a statement");
        };
        if token.kind == Kind::Punct && token.text == "@" {
            return self.annotation(&token);
        }
        let keyword = if token.kind == Kind::Word {
            token.text.as_str()
        } else {
            ""
        };
        match keyword {
            "import" => {
                self.next();
                let mut children = vec![leaf("Keyword", &token)];
                while let Some(t) = self
                    .peek()
                    .filter(|t| t.kind != Kind::Newline && t.text != ";")
                    .cloned()
                {
                    self.next();
                    if t.kind == Kind::Word {
                        children.push(leaf("Identifier", &t));
                    }
                }
                Ok(node("ImportDecl", children))
            }
            "if" => self.if_statement(&token),
            "for" | "while" => self.loop_statement(&token),
            "try" => self.try_statement(&token),
            "return" => {
                self.next();
                let mut children = vec![leaf("Keyword", &token)];
                if self
                    .peek()
                    .is_some_and(|t| t.kind != Kind::Newline && t.text != "}" && t.text != ";")
                {
                    children.push(self.expression()?);
                }
                Ok(node("ReturnStmt", children))
            }
            "def" => self.declaration(&token),
            _ => Ok(node("ExpressionStmt", vec![self.command()?])),
        }
    }

    fn annotation(&mut self, at: &Token) -> Result<Node, Failure> {
        self.next();
        let name =
            self.next()
                .ok_or((at.line, at.column, "expected an annotation name".to_owned()))?;
        let mut children = vec![leaf("Identifier", &name)];
        if self.eat("(") {
            children.extend(self.arguments(")")?);
        }
        Ok(node("Annotation", children))
    }

    fn if_statement(&mut self, keyword: &Token) -> Result<Node, Failure> {
        self.next();
        self.expect("(")?;
        let condition = self.expression()?;
        self.expect(")")?;
        let mut children = vec![leaf("Keyword", keyword), condition, self.body()?];
        let mark = self.at;
        self.skip_newlines();
        if self.peek_text() == Some("else") {
            self.next();
            self.skip_newlines();
            children.push(if self.peek_text() == Some("if") {
                self.statement()?
            } else {
                self.body()?
            });
        } else {
            self.at = mark;
        }
        Ok(node("IfStmt", children))
    }

    fn loop_statement(&mut self, keyword: &Token) -> Result<Node, Failure> {
        self.next();
        self.expect("(")?;
        let mut children = vec![leaf("Keyword", keyword)];
        while !self.eat(")") {
            if self.peek().is_none() {
                return self.fail("unclosed (");
            }
            if self.eat(";") || self.eat(":") || self.eat_newline() {
                continue;
            }
            if matches!(self.peek_text(), Some("in" | "def")) {
                self.next();
                continue;
            }
            children.push(self.expression()?);
        }
        children.push(self.body()?);
        let kind = if keyword.text == "for" {
            "ForStmt"
        } else {
            "WhileStmt"
        };
        Ok(node(kind, children))
    }

    fn try_statement(&mut self, keyword: &Token) -> Result<Node, Failure> {
        self.next();
        let mut children = vec![leaf("Keyword", keyword), self.body()?];
        loop {
            let mark = self.at;
            self.skip_newlines();
            match self.peek_text() {
                Some("catch") => {
                    self.next();
                    self.expect("(")?;
                    self.names_until_paren(&mut children)?;
                    children.push(self.body()?);
                }
                Some("finally") => {
                    self.next();
                    children.push(self.body()?);
                }
                _ => {
                    self.at = mark;
                    return Ok(node("TryStmt", children));
                }
            }
        }
    }

    /// The names up to a closing parenthesis (parameters, a caught exception).
    fn names_until_paren(&mut self, children: &mut Vec<Node>) -> Result<(), Failure> {
        while !self.eat(")") {
            match self.next() {
                Some(t) if t.kind == Kind::Word => children.push(leaf("Identifier", &t)),
                Some(_) => {}
                None => return self.fail("unclosed ("),
            }
        }
        Ok(())
    }

    fn declaration(&mut self, keyword: &Token) -> Result<Node, Failure> {
        self.next();
        let mut children = vec![leaf("Keyword", keyword)];
        let Some(name) = self.next().filter(|t| t.kind == Kind::Word) else {
            return self.fail("expected a name after def");
        };
        children.push(leaf("Identifier", &name));
        if self.eat("=") {
            self.skip_newlines();
            children.push(self.expression()?);
        } else if self.eat("(") {
            // A method: its parameters and body.
            self.names_until_paren(&mut children)?;
            children.push(self.body()?);
            return Ok(node("MethodDecl", children));
        }
        Ok(node("VarDeclStmt", children))
    }

    /// `{ statements }` or one statement.
    fn body(&mut self) -> Result<Node, Failure> {
        self.skip_newlines();
        if self.peek_text() == Some("{") {
            self.next();
            let children = self.statements("}")?;
            return Ok(node("BlockStmt", children));
        }
        self.statement()
    }

    fn statements(&mut self, close: &str) -> Result<Vec<Node>, Failure> {
        let mut children = Vec::new();
        loop {
            if self.eat(close) {
                return Ok(children);
            }
            if self.eat(";") || self.eat_newline() {
                continue;
            }
            if self.peek().is_none() {
                return self.fail(format!("expected {close:?}, found the end of the file"));
            }
            children.push(self.statement()?);
        }
    }

    /// An expression, or a command call without parentheses (`sh 'make'`, `agent any`).
    fn command(&mut self) -> Result<Node, Failure> {
        let start = self.at;
        let callee = self.expression()?;
        let starts_argument = self.peek().is_some_and(|t| match &t.kind {
            Kind::Str | Kind::GString(_) | Kind::Number => true,
            Kind::Word => !KEYWORDS.contains(&t.text.as_str()) || t.text == "in",
            Kind::Punct => matches!(t.text.as_str(), "[" | "-" | "!"),
            Kind::Newline => false,
        });
        let plain_callee = matches!(callee.kind, "IdentExpr" | "PropertyExpr") && self.at > start;
        if !(starts_argument && plain_callee) {
            return Ok(callee);
        }
        let mut children = vec![callee];
        loop {
            children.push(self.argument()?);
            if !self.eat(",") {
                break;
            }
            self.skip_newlines();
        }
        if self.peek_text() == Some("{") {
            children.push(self.closure()?);
        }
        Ok(node("CallExpr", children))
    }

    fn expression(&mut self) -> Result<Node, Failure> {
        self.enter()?;
        let expression = self.binary(0);
        self.depth -= 1;
        expression
    }

    /// Binary operators by precedence, lowest first.
    fn binary(&mut self, level: usize) -> Result<Node, Failure> {
        const LEVELS: &[&[&str]] = &[
            &["=", "+=", "-=", "?:"],
            &["||"],
            &["&&"],
            &[
                "==",
                "!=",
                "=~",
                "==~",
                "<",
                ">",
                "<=",
                ">=",
                "in",
                "instanceof",
            ],
            &["+", "-", "<<", ".."],
            &["*", "/", "%"],
        ];
        let Some(operators) = LEVELS.get(level) else {
            return self.unary();
        };
        let mut left = self.binary(level + 1)?;
        while let Some(op) = self
            .peek()
            .filter(|t| {
                matches!(t.kind, Kind::Punct | Kind::Word) && operators.contains(&t.text.as_str())
            })
            .cloned()
        {
            self.next();
            self.skip_newlines();
            let right = self.binary(level + 1)?;
            left = self.bounded(node(
                if op.text == "=" {
                    "AssignExpr"
                } else {
                    "BinaryExpr"
                },
                vec![left, leaf("Operator", &op), right],
            ))?;
        }
        if level == 0 && self.peek_text() == Some("?") {
            self.next();
            let yes = self.expression()?;
            self.expect(":")?;
            let no = self.expression()?;
            left = node("TernaryExpr", vec![left, yes, no]);
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Node, Failure> {
        if let Some(op) = self
            .peek()
            .filter(|t| t.kind == Kind::Punct && matches!(t.text.as_str(), "!" | "-" | "++" | "--"))
            .cloned()
        {
            self.next();
            self.enter()?;
            let operand = self.unary();
            self.depth -= 1;
            return self.bounded(node("UnaryExpr", vec![leaf("Operator", &op), operand?]));
        }
        let mut value = self.primary()?;
        loop {
            match self.peek_text() {
                Some("." | "?." | "*.") => {
                    self.next();
                    self.skip_newlines();
                    let name = self
                        .next()
                        .filter(|t| t.kind == Kind::Word || matches!(t.kind, Kind::Str));
                    let Some(name) = name else {
                        return self.fail("expected a property name");
                    };
                    value =
                        self.bounded(node("PropertyExpr", vec![value, leaf("Identifier", &name)]))?;
                }
                Some("(") => {
                    self.next();
                    let mut children = vec![value];
                    children.extend(self.arguments(")")?);
                    if self.peek_text() == Some("{") {
                        children.push(self.closure()?);
                    }
                    value = self.bounded(node("CallExpr", children))?;
                }
                Some("{") if matches!(value.kind, "IdentExpr" | "PropertyExpr") => {
                    let closure = self.closure()?;
                    value = self.bounded(node("CallExpr", vec![value, closure]))?;
                }
                Some("[") => {
                    self.next();
                    let index = self.expression()?;
                    self.expect("]")?;
                    value = self.bounded(node("IndexExpr", vec![value, index]))?;
                }
                _ => return Ok(value),
            }
        }
    }

    fn arguments(&mut self, close: &str) -> Result<Vec<Node>, Failure> {
        let mut children = Vec::new();
        loop {
            self.skip_newlines();
            if self.eat(close) {
                return Ok(children);
            }
            if self.peek().is_none() {
                return self.fail(format!("expected {close:?}, found the end of the file"));
            }
            children.push(self.argument()?);
            self.skip_newlines();
            if !self.eat(",") {
                self.expect(close)?;
                return Ok(children);
            }
        }
    }

    /// An argument, possibly named (`label: 'x'`).
    fn argument(&mut self) -> Result<Node, Failure> {
        let named = self
            .peek()
            .is_some_and(|t| matches!(t.kind, Kind::Word | Kind::Str))
            && self
                .tokens
                .get(self.at + 1)
                .is_some_and(|t| t.kind == Kind::Punct && t.text == ":");
        if named {
            let name = self.next().unwrap_or_else(|| unreachable!("checked above"));
            self.next();
            self.skip_newlines();
            let value = self.expression()?;
            return Ok(node("MapEntry", vec![leaf("Identifier", &name), value]));
        }
        self.expression()
    }

    fn closure(&mut self) -> Result<Node, Failure> {
        self.expect("{")?;
        // Parameters: `{ a, b -> … }`.
        let mut children = Vec::new();
        let arrow = (self.at..self.tokens.len())
            .take_while(|i| {
                matches!(self.tokens[*i].kind, Kind::Word | Kind::Punct)
                    && matches!(self.tokens[*i].text.as_str(), "," | "->")
                    || self.tokens[*i].kind == Kind::Word
            })
            .find(|i| self.tokens[*i].text == "->");
        if let Some(arrow) = arrow {
            while self.at < arrow {
                let token = self
                    .next()
                    .unwrap_or_else(|| unreachable!("before the arrow"));
                if token.kind == Kind::Word {
                    children.push(leaf("Identifier", &token));
                }
            }
            self.next();
        }
        children.extend(self.statements("}")?);
        let mut closure = node("ClosureExpr", children);
        if closure.children.is_empty() {
            closure.line = self.tokens[self.at - 1].line;
        }
        Ok(closure)
    }

    fn primary(&mut self) -> Result<Node, Failure> {
        self.skip_newlines();
        let Some(token) = self.next() else {
            return self.fail("expected an expression");
        };
        Ok(match &token.kind {
            Kind::Str => node("LiteralExpr", vec![leaf("StringLiteral", &token)]),
            Kind::Number => node("LiteralExpr", vec![leaf("NumberLiteral", &token)]),
            Kind::GString(pieces) => {
                let mut children = Vec::new();
                let count = pieces.len();
                for (index, piece) in pieces.iter().enumerate() {
                    match piece {
                        Piece::Text(text) => {
                            let kind = if index == 0 {
                                "GStringBegin"
                            } else if index + 1 == count {
                                "GStringEnd"
                            } else {
                                "GStringPart"
                            };
                            let part = Token {
                                text: text.clone(),
                                ..token.clone()
                            };
                            children.push(leaf(kind, &part));
                        }
                        Piece::Code(code) => {
                            let mut inner = Parser {
                                tokens: code.clone(),
                                at: 0,
                                depth: self.depth,
                            };
                            if inner.peek().is_some() {
                                children.push(inner.expression()?);
                            }
                        }
                    }
                }
                node("GStringExpr", children)
            }
            Kind::Word => match token.text.as_str() {
                "true" | "false" | "null" => node("LiteralExpr", vec![leaf("Keyword", &token)]),
                "new" => {
                    let inner = self.unary()?;
                    node("NewExpr", vec![leaf("Keyword", &token), inner])
                }
                word if KEYWORDS.contains(&word) => {
                    self.at -= 1;
                    return self.fail(format!("unexpected {word:?}"));
                }
                _ => node("IdentExpr", vec![leaf("Identifier", &token)]),
            },
            Kind::Punct => match token.text.as_str() {
                "(" => {
                    let inner = self.expression()?;
                    self.expect(")")?;
                    node("ParenExpr", vec![inner])
                }
                "[" => {
                    let items = self.arguments("]")?;
                    let map = items.first().is_some_and(|item| item.kind == "MapEntry")
                        || self
                            .tokens
                            .get(self.at.wrapping_sub(2))
                            .is_some_and(|t| t.text == ":");
                    let mut list = node(if map { "MapExpr" } else { "ListExpr" }, items);
                    if list.children.is_empty() {
                        list.line = token.line;
                        list.column = token.column;
                    }
                    list
                }
                "{" => {
                    self.at -= 1;
                    self.closure()?
                }
                other => {
                    self.at -= 1;
                    return self.fail(format!("unexpected {other:?}"));
                }
            },
            Kind::Newline => unreachable!("newlines were skipped"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// conftest's JSON contract test (`parser/groovy/groovy_test.go`).
    #[test]
    fn command_call_contract() {
        assert_eq!(
            parse("Jenkinsfile", "sh 'echo ok'").unwrap().json(),
            json!({"kind": "FileNode", "line": 1, "column": 1, "children": [
                {"kind": "ExpressionStmt", "line": 1, "column": 1, "children": [
                    {"kind": "CallExpr", "line": 1, "column": 1, "children": [
                        {"kind": "IdentExpr", "line": 1, "column": 1, "children": [
                            {"kind": "Identifier", "text": "sh", "line": 1, "column": 1},
                        ]},
                        {"kind": "LiteralExpr", "line": 1, "column": 4, "children": [
                            {"kind": "StringLiteral", "text": "'echo ok'", "line": 1, "column": 4},
                        ]},
                    ]},
                ]},
            ]})
        );
    }

    fn find<'a>(value: &'a Value, kind: &str, text: Option<&str>) -> Option<&'a Value> {
        if value["kind"] == kind && text.is_none_or(|text| value["text"] == text) {
            return Some(value);
        }
        value["children"]
            .as_array()?
            .iter()
            .find_map(|child| find(child, kind, text))
    }

    /// conftest's `TestParser` and `TestParserScriptedPipelineAndGString` cases.
    #[test]
    fn declarative_and_scripted_pipelines() {
        let text = "pipeline {\n  agent any\n  stages {\n    stage('Build') {\n      steps {\n\
                    \x20       sh 'make build'\n      }\n    }\n  }\n}";
        let tree = parse("Jenkinsfile", text).unwrap().json();
        let shell = find(&tree, "Identifier", Some("sh")).unwrap();
        assert_eq!((&shell["line"], &shell["column"]), (&json!(6), &json!(9)));
        assert!(find(&tree, "ClosureExpr", None).is_some());
        assert!(find(&tree, "StringLiteral", Some("'make build'")).is_some());
        let text = "node {\n  def target = \"${env.BRANCH_NAME}\"\n  sh \"make deploy TARGET=${target}\"\n}";
        let tree = parse("Jenkinsfile", text).unwrap().json();
        assert!(find(&tree, "GStringExpr", None).is_some());
        assert!(find(&tree, "Identifier", Some("node")).is_some());
        let text = "// comment\npipeline { agent any }\n";
        let printed = parse("Jenkinsfile", text).unwrap().json().to_string();
        assert!(
            !printed.contains("comment") && !printed.contains("\"text\":\"\""),
            "{printed}"
        );
    }

    /// Each of these overflowed the stack: nested `${"${…}"}` strings were lexed recursively
    /// without a bound.
    #[test]
    fn deep_gstrings_are_refused_not_a_crash() {
        let text = format!("x = {}1{}", "\"${".repeat(50_000), "}\"".repeat(50_000));
        let error = parse("Jenkinsfile", &text).unwrap_err().to_string();
        assert!(error.contains("nested deeper than 64"), "{error}");
    }

    /// Operator chains of 100,000 links overflowed the stack: they nest nodes in a loop.
    #[test]
    fn long_operator_chains_are_refused_not_a_crash() {
        let chains = [
            format!("x = a{}", ".b".repeat(100_000)),
            format!("x = 1{}", " + 1".repeat(100_000)),
            format!("x = f{}", "(1)".repeat(100_000)),
            format!("x = {}a", "!".repeat(100_000)),
        ];
        for text in chains {
            let error = parse("Jenkinsfile", &text).unwrap_err().to_string();
            assert!(error.contains("nested deeper than 64"), "{error}");
        }
    }

    #[test]
    fn errors_name_the_line() {
        let cases = [
            ("pipeline {", 1),
            ("a(\n'x'\n", 2),
            ("x = \"open\n", 1),
            ("\n\nif (a) {\n", 3),
        ];
        for (text, line) in cases {
            let error = parse("Jenkinsfile", text).unwrap_err().to_string();
            assert!(
                error.starts_with(&format!("Jenkinsfile:{line}: invalid groovy")),
                "{error}"
            );
        }
    }
}
