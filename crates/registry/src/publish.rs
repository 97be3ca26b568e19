//! The published förteckning över sociala medier as one self-contained HTML page.

use chrono::NaiveDate;

use crate::Register;

/// Renders the register as a Swedish, accessible, self-contained HTML page.
pub fn forteckning_html(register: &Register, generated: NaiveDate) -> String {
    let _ = (register, generated);
    todo!()
}
