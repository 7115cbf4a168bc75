//! In-process protocol tests: the generated client against the service.
