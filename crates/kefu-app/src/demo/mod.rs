//! A small, believable dealer group for trying kefu.
