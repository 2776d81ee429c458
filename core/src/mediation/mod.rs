//! On-site mediation and on-site records (issue 7, in progress): so far, the signatures drawn
//! on the phone, checked and rendered, and the outcomes — an agreement's terms, the money it
//! recovers, whether a 调解书 is made, the Art. 23 reasons.

pub mod signature;
pub mod terms;
