//! On-site mediation and on-site records (issue 7, in progress): so far, the signatures drawn
//! on the phone, checked and rendered.

pub mod signature;
