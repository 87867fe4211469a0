//! Login tokens: API bearer tokens now, web sessions with the workbench. Both
//! are rows here with only a digest of the secret.

pub mod tokens;
