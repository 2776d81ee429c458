//! A mediation held by telephone concluded on the parties' recorded assent (Order No. 121
//! Art. 20; Order No. 20 Art. 18), and an on-site agreement the business seals (Art. 24:
//! "签字或者盖章").

use crate::common::documents::{act, reason, sign, someone};
use redshield_core::Device;
use redshield_core::api::{
    AssentMethod, DocumentAct, DocumentStatus, MediationMode, NewMediation, Notice, NoticeMethod,
    ParticipantRole, Performer, RenderFormat, RepresentativeAuthority, Term, TermKind,
};
use redshield_core::cases::{CaseState, Outcome, Step};
use redshield_core::evidence::EvidenceKind;
use redshield_testkit::{complaint, device_in, images, new_evidence};

fn accepted(device: &mut Device) -> String {
    let case = device.open_case(&complaint(1)).unwrap();
    device
        .take_step(&case.id, &Step::Accept, None, None)
        .unwrap();
    case.id
}

fn mediation(case: &str, mode: MediationMode) -> NewMediation {
    let now = chrono::Utc::now().timestamp_millis();
    let mut merchant = someone(
        ParticipantRole::MerchantRepresentative,
        "赵强",
        Some("店长"),
    );
    merchant.authority = Some(RepresentativeAuthority::PowerOfAttorney);
    NewMediation {
        case_id: case.into(),
        mode,
        consumer_consents: true,
        merchant_consents: true,
        notice: (mode == MediationMode::OnSite).then(|| Notice {
            given_at_ms: now - 600_000,
            method: NoticeMethod::Oral,
            session_at_ms: now,
            place: "流动维权车旁".into(),
        }),
        place_text: None,
        enforcement: false,
        participants: vec![someone(ParticipantRole::Consumer, "王芳1", None), merchant],
        position: None,
    }
}

/// A refund paid later: on site this would make a 调解书.
fn refund_later() -> Vec<Term> {
    vec![Term {
        kind: TermKind::Refund,
        by: Performer::Merchant,
        what: "退还货款".into(),
        amount_fen: Some(5_980),
        due_on: Some("2026-12-31".into()),
        performed_on_the_spot: false,
    }]
}

fn evidence(device: &mut Device, dir: &std::path::Path, case: &str, file: &str) -> String {
    let path = dir.join(file);
    let (bytes, kind) = match file.ends_with(".m4a") {
        true => (images::m4a(40), EvidenceKind::Recording),
        false => (
            images::jpeg(&images::scene(640, 480), &images::Exif::phone()),
            EvidenceKind::Document,
        ),
    };
    std::fs::write(&path, bytes).unwrap();
    device
        .add_evidence(&new_evidence(case, &path, kind))
        .unwrap()
        .id
}

fn assent(device: &Device, doc: &str, who: u32, recording: Option<&str>) -> DocumentAct {
    DocumentAct::Assent {
        participant: who,
        text_sha256: device.document_text(doc).unwrap().sha256,
        method: AssentMethod::Phone,
        evidence_id: recording.map(Into::into),
        note: Some("来电号码尾号 2233".into()),
    }
}

/// Art. 20: "调解可以采取现场调解方式，也可以采取互联网、电话、音频、视频等非现场调解方式" —
/// and nobody can sign a phone's screen over the telephone. Each party's assent, with how it
/// was given and the recording kept as evidence, concludes the agreement; Art. 24's 调解书 is
/// for on-site agreements, so the 调解记录 records it; it counts as money recovered and the
/// case closes on it.
#[test]
fn a_mediation_by_telephone_concludes_on_the_parties_assent() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let case = accepted(&mut device);
    let doc = device
        .start_mediation(&mediation(&case, MediationMode::Phone))
        .unwrap()
        .id;
    let recording = evidence(&mut device, dir.path(), &case, "call.m4a");
    // No agreement yet: nothing to assent to.
    reason(device.act_on_document(&doc, assent(&device, &doc, 1, None), None));
    let agreed = act(
        &mut device,
        &doc,
        DocumentAct::Agree {
            terms: refund_later(),
            document_declined: false,
        },
    );
    assert_eq!(
        agreed.title, "调解记录",
        "a remote agreement makes no 调解书"
    );
    assert_eq!(agreed.mediation_document, Some(false));

    let given = assent(&device, &doc, 1, Some(&recording));
    act(&mut device, &doc, given);
    // Not concluded without the business's assent.
    let early = device.act_on_document(&doc, DocumentAct::Conclude, None);
    assert!(reason(early).contains("2"));
    let given = assent(&device, &doc, 2, None);
    act(&mut device, &doc, given);
    let signed = sign(&mut device, &doc, 0);
    assert_eq!(signed.unsigned, Vec::<u32>::new());
    let concluded = act(&mut device, &doc, DocumentAct::Conclude);
    assert_eq!(concluded.status, DocumentStatus::Concluded);
    assert_eq!(concluded.number, None, "a 调解记录 is not numbered");
    assert_eq!(concluded.assents.len(), 2);
    assert!(concluded.assents.iter().all(|a| a.valid));

    assert_eq!(device.case(&case).unwrap().state, CaseState::Agreed);
    let month = chrono::Utc::now().format("%Y-%m").to_string();
    let recovered = device.money_recovered(&month).unwrap();
    assert_eq!(
        (recovered.total_fen, recovered.agreements),
        (5_980, 1),
        "counts as money recovered"
    );
    let close = Step::Close {
        outcome: Outcome::Agreement,
    };
    device.take_step(&case, &close, None, None).unwrap();

    let text = device
        .render_document(&doc, RenderFormat::Text, None)
        .unwrap();
    assert!(text.starts_with("调解记录\n"), "{text}");
    assert!(text.contains("本次调解以非现场方式（电话调解）进行，不制作调解书"));
    assert!(text.contains("以电话方式表示同意上述协议"));
    assert!(text.contains(&format!("录音录像存证：{recording}")));
    assert!(text.contains("来电号码尾号 2233"));
    assert!(
        text.contains("（持授权委托书）"),
        "the representative's authority"
    );
    assert!(text.contains("伍拾玖元捌角"), "the amount in capitals");
    assert!(
        text.contains("民事诉讼、仲裁"),
        "Art. 25: the parties' further ways"
    );
}

/// A changed agreement voids the assents given to the old words, as it voids signatures; and
/// on site, the parties sign — assent is for remote mediation.
#[test]
fn assent_is_to_the_words_and_only_remote() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let case = accepted(&mut device);
    let doc = device
        .start_mediation(&mediation(&case, MediationMode::Video))
        .unwrap()
        .id;
    let agree = |amount| DocumentAct::Agree {
        terms: vec![Term {
            amount_fen: Some(amount),
            ..refund_later()[0].clone()
        }],
        document_declined: false,
    };
    act(&mut device, &doc, agree(5_980));
    let given = assent(&device, &doc, 1, None);
    act(&mut device, &doc, given);
    let changed = act(&mut device, &doc, agree(6_980));
    assert!(!changed.assents[0].valid);
    assert!(changed.unsigned.contains(&1));

    let other = device.open_case(&complaint(2)).unwrap().id;
    device.take_step(&other, &Step::Accept, None, None).unwrap();
    let on_site = device
        .start_mediation(&mediation(&other, MediationMode::OnSite))
        .unwrap()
        .id;
    act(&mut device, &on_site, agree(5_980));
    let why = reason(device.act_on_document(&on_site, assent(&device, &on_site, 1, None), None));
    assert!(why.contains("remote"), "{why}");
}

/// Art. 24: the 调解书 "由投诉人和被投诉人双方签字或者盖章". The business seals instead of its
/// representative signing; the impression is photographed as evidence of the case, and the
/// seal, like a signature, is bound to the words.
#[test]
fn the_business_may_seal_instead_of_signing() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let case = accepted(&mut device);
    let doc = device
        .start_mediation(&mediation(&case, MediationMode::OnSite))
        .unwrap()
        .id;
    act(
        &mut device,
        &doc,
        DocumentAct::Agree {
            terms: refund_later(),
            document_declined: false,
        },
    );
    let impression = evidence(&mut device, dir.path(), &case, "seal.jpg");
    let seal = |device: &Device, who| DocumentAct::Seal {
        participant: who,
        text_sha256: device.document_text(&doc).unwrap().sha256,
        evidence_id: impression.clone(),
    };
    let consumer = reason(device.act_on_document(&doc, seal(&device, 1), None));
    assert!(consumer.contains("business"), "{consumer}");
    let given = seal(&device, 2);
    act(&mut device, &doc, given);
    sign(&mut device, &doc, 0);
    sign(&mut device, &doc, 1);
    let concluded = act(&mut device, &doc, DocumentAct::Conclude);
    assert_eq!(concluded.title, "调解书");
    assert_eq!(concluded.seals.len(), 1);
    let text = device
        .render_document(&doc, RenderFormat::Text, None)
        .unwrap();
    assert!(text.contains("已盖章") && text.contains(&impression));
    assert!(
        text.contains("（印章）："),
        "the department's seal placeholder"
    );
    // No block of numbers on this device: the number is left to be written in.
    assert!(text.contains("〔　　　〕　　　号"), "{text}");
}
