//! What is particular to mediation: an agreement's terms, the money it recovers, whether a
//! 调解书 is made, the Art. 23 reasons. The session itself, its record, signatures and the
//! documents run on the machinery all on-site documents share (`documents`).

pub mod terms;
