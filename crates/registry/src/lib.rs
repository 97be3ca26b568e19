//! The account register, the write-once archive, the journal, BagIt and verification.
