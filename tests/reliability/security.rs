//! Security checks: placeholder replaced below.
