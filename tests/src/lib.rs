//! The end-to-end tests are `tests/it`; their helpers are `redshield-testkit`'s. A package
//! needs a library or a binary besides its tests: this is it.

#![forbid(unsafe_code)]
