//! Turning a capture into PDF/A bytes, and checking any PDF against PDF/A rules. No I/O.
