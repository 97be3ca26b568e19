//! `pdfa::check` passes what we write and fails what is not PDF/A.
