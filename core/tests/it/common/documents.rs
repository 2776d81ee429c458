//! Acting on on-site documents in tests: participants, acts that must pass, refusals that
//! must name their reason, signatures for the current text.

use redshield_core::Device;
use redshield_core::api::{
    DocumentAct, NewParticipant, OnSiteDocument, ParticipantRole, StrokePoint,
};
use redshield_core::error::Error;

pub fn someone(role: ParticipantRole, name: &str, title: Option<&str>) -> NewParticipant {
    NewParticipant {
        role,
        name: name.into(),
        title: title.map(Into::into),
        enforcement_id: None,
        authority: None,
    }
}

pub fn act(device: &mut Device, doc: &str, act: DocumentAct) -> OnSiteDocument {
    device.act_on_document(doc, act, None).unwrap()
}

/// The reason of an `Invalid` refusal; anything else fails the test.
pub fn reason(result: Result<OnSiteDocument, Error>) -> String {
    match result {
        Err(Error::Invalid { reason, .. }) => reason,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// A finger's stroke, different for each `seed`.
pub fn strokes(seed: f64) -> Vec<Vec<StrokePoint>> {
    vec![
        (0..20)
            .map(|i| StrokePoint {
                x: f64::from(i) * 10.0,
                y: (f64::from(i) * seed).sin() * 30.0,
                t_ms: i64::from(i) * 16,
            })
            .collect(),
    ]
}

/// Signs the current text as participant `who`.
pub fn sign(device: &mut Device, doc: &str, who: u32) -> OnSiteDocument {
    let sha = device.document_text(doc).unwrap().sha256;
    act(
        device,
        doc,
        DocumentAct::Sign {
            participant: who,
            text_sha256: sha,
            strokes: strokes(0.3 + f64::from(who)),
        },
    )
}
