//! Generic planning rules applied to every resource before its own `modify_plan`.
