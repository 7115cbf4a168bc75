//! Black-box tests of the mock over real HTTP (reqwest against `spawn()` on port 0).

mod api;
mod faults;
mod persistence;
mod secrets;
mod support;
mod validation;
