//! Renderers: pure functions from a [`Report`](crate::Report) to text. They format; they decide nothing.
