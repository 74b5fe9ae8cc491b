//! (skeleton) RDB format
