//! The go-plugin host side: cookie check, listener, mTLS, handshake line, controller, stdio,
//! health, logging and debug mode.
