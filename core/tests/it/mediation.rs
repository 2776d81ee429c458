//! A whole on-site mediation on a real store: consent and notice, the record, an objection,
//! a pause for testing, the agreement, both parties' signatures bound to the text, the
//! rendered 调解书, the case's workflow and clocks, and the month's money recovered.

use crate::common::documents::{act, reason, sign, someone, strokes};
use redshield_core::Device;
use redshield_core::api::{
    CopyFor, DocumentAct, DocumentKind, DocumentStatus, EndReason, EntryKind, GeoPosition,
    MediationMode, NewMediation, NewParticipant, Notice, NoticeMethod, ParticipantRole, Performer,
    RenderFormat, StrokePoint, Term, TermKind,
};
use redshield_core::cases::{CaseState, Step};
use redshield_core::clocks::events::PauseReason;
use redshield_core::clocks::{ClockKind, ClockState};
use redshield_core::error::Error;
use redshield_testkit::{complaint, device_in};

fn accepted_complaint(device: &mut Device, n: usize) -> String {
    let case = device.open_case(&complaint(n)).unwrap();
    device
        .take_step(&case.id, &Step::Accept, None, None)
        .unwrap();
    case.id
}

fn new_mediation(case_id: &str) -> NewMediation {
    let now = chrono::Utc::now().timestamp_millis();
    NewMediation {
        case_id: case_id.into(),
        mode: MediationMode::OnSite,
        consumer_consents: true,
        merchant_consents: true,
        notice: Some(Notice {
            given_at_ms: now - 600_000,
            method: NoticeMethod::Oral,
            session_at_ms: now,
            place: "流动维权车旁".into(),
        }),
        place_text: Some("长沙市芙蓉区五一大道 1 号门前".into()),
        enforcement: false,
        participants: vec![
            someone(ParticipantRole::Consumer, "王芳1", None),
            someone(
                ParticipantRole::MerchantRepresentative,
                "赵强",
                Some("店长"),
            ),
        ],
        position: Some(GeoPosition {
            latitude: 28.1942,
            longitude: 112.9823,
            accuracy_m: Some(8.0),
        }),
    }
}

fn terms() -> Vec<Term> {
    vec![
        Term {
            kind: TermKind::Refund,
            by: Performer::Merchant,
            what: "退还两盒牛奶货款".into(),
            amount_fen: Some(5_980),
            due_on: None,
            performed_on_the_spot: true,
        },
        Term {
            kind: TermKind::Compensation,
            by: Performer::Merchant,
            what: "按规定赔偿".into(),
            amount_fen: Some(50_000),
            due_on: Some("2026-12-31".into()),
            performed_on_the_spot: false,
        },
        Term {
            kind: TermKind::Apology,
            by: Performer::Merchant,
            what: "当面赔礼道歉".into(),
            amount_fen: None,
            due_on: None,
            performed_on_the_spot: true,
        },
    ]
}

#[test]
fn a_whole_on_site_mediation_reaches_a_signed_agreement() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let case = accepted_complaint(&mut device, 1);

    let doc = device.start_mediation(&new_mediation(&case)).unwrap();
    assert_eq!(doc.kind, DocumentKind::Mediation);
    assert_eq!(doc.status, DocumentStatus::Open);
    // The signed-in officer joined as the first mediator.
    assert_eq!(doc.participants[0].role, ParticipantRole::Officer);
    assert_eq!(
        doc.participants[0].enforcement_id.as_deref(),
        Some("HN-12315-0042")
    );
    assert_eq!(device.case(&case).unwrap().state, CaseState::Mediating);
    let id = doc.id.clone();

    act(
        &mut device,
        &id,
        DocumentAct::Note {
            speaker: 1,
            kind: EntryKind::Demand,
            text: "退货退款并赔偿五百元".into(),
        },
    );
    act(
        &mut device,
        &id,
        DocumentAct::Note {
            speaker: 2,
            kind: EntryKind::Response,
            text: "同意退款，赔偿五百元".into(),
        },
    );
    // Speakers must fit their words.
    let wrong = device.act_on_document(
        &id,
        DocumentAct::Note {
            speaker: 2,
            kind: EntryKind::Demand,
            text: "x".into(),
        },
        None,
    );
    assert!(reason(wrong).contains("cannot make a demand entry"));

    // An objection suspends the session until someone else decides it.
    let second = NewParticipant {
        role: ParticipantRole::Officer,
        name: "张伟".into(),
        title: None,
        enforcement_id: Some("HN-12315-0077".into()),
        authority: None,
    };
    act(
        &mut device,
        &id,
        DocumentAct::Join {
            participant: second,
        },
    );
    let doc = act(
        &mut device,
        &id,
        DocumentAct::ObjectToMediator {
            mediator: 3,
            by: 2,
            grounds: "该调解员与投诉人相识".into(),
        },
    );
    assert_eq!(doc.status, DocumentStatus::Suspended);
    let blocked = device.act_on_document(
        &id,
        DocumentAct::Agree {
            terms: terms(),
            document_declined: false,
        },
        None,
    );
    assert!(reason(blocked).contains("suspended"));
    let doc = act(
        &mut device,
        &id,
        DocumentAct::DecideObjection { upheld: true },
    );
    assert_eq!(doc.status, DocumentStatus::Open);
    assert!(doc.participants[3].recused);

    // A pause for testing pauses the 60-day clock (Order No. 121) and the session.
    let doc = act(
        &mut device,
        &id,
        DocumentAct::Pause {
            reason: PauseReason::Testing,
        },
    );
    assert_eq!(doc.status, DocumentStatus::Paused);
    let mediation_clock = |device: &Device| {
        device
            .case_clocks(&case)
            .unwrap()
            .into_iter()
            .find(|c| c.kind == ClockKind::Mediation)
            .unwrap()
    };
    assert_eq!(mediation_clock(&device).state, ClockState::Paused);
    act(&mut device, &id, DocumentAct::Resume);
    assert_eq!(mediation_clock(&device).state, ClockState::Running);

    let doc = act(
        &mut device,
        &id,
        DocumentAct::Agree {
            terms: terms(),
            document_declined: false,
        },
    );
    assert_eq!(doc.mediation_document, Some(true));
    assert_eq!(doc.title, "调解书");
    assert_eq!(doc.recovered_fen, 55_980);
    assert_eq!(doc.unsigned, vec![0, 1, 2]);

    // Consumer signs; then the agreement changes: the signature is void.
    let doc = sign(&mut device, &id, 1);
    assert!(doc.signatures[0].valid);
    let mut changed = terms();
    changed[1].amount_fen = Some(40_000);
    let doc = act(
        &mut device,
        &id,
        DocumentAct::Agree {
            terms: changed.clone(),
            document_declined: false,
        },
    );
    assert!(!doc.signatures[0].valid);
    assert_eq!(doc.unsigned, vec![0, 1, 2]);
    // A signature for a text that is not the current one is refused.
    let stale = device.act_on_document(
        &id,
        DocumentAct::Sign {
            participant: 2,
            text_sha256: doc.signatures[0].text_sha256.clone(),
            strokes: strokes(0.5),
        },
        None,
    );
    assert!(reason(stale).contains("not the current one"));
    let early = device.act_on_document(&id, DocumentAct::Conclude, None);
    assert!(reason(early).contains("not yet signed"));

    sign(&mut device, &id, 1);
    sign(&mut device, &id, 2);
    let doc = sign(&mut device, &id, 0);
    assert!(doc.unsigned.is_empty());
    // Each signer's strokes and image are blobs (the consumer's two signatures, drawn alike,
    // are stored once).
    assert_eq!(files_under(&dir.path().join("blobs")), 6);
    let vehicle = GeoPosition {
        latitude: 28.1950,
        longitude: 112.9830,
        accuracy_m: None,
    };
    let doc = device
        .act_on_document(&id, DocumentAct::Conclude, Some(vehicle))
        .unwrap();
    assert_eq!(doc.status, DocumentStatus::Concluded);
    assert!(doc.closed_at_ms.is_some());
    assert_eq!(device.case(&case).unwrap().state, CaseState::Agreed);
    assert_eq!(doc.recovered_fen, 45_980);

    // Nothing more but a term performed later.
    let again = device.act_on_document(
        &id,
        DocumentAct::End {
            reason: EndReason::NoAgreementPossible,
            note: None,
        },
        None,
    );
    assert!(reason(again).contains("concluded"));
    let doc = act(
        &mut device,
        &id,
        // Terms are numbered from 1, as the document prints them: the second term.
        DocumentAct::PerformTerm {
            term: 2,
            on: "2026-12-20".into(),
        },
    );
    assert_eq!(doc.terms[1].performed_on.as_deref(), Some("2026-12-20"));

    // The 调解书: both parties' names and the terms, the hash, three signature images.
    let html = device
        .render_document(&id, RenderFormat::Html, Some(CopyFor::Consumer))
        .unwrap();
    assert!(html.contains("<h1>调解书</h1>"));
    assert!(html.contains("王芳1") && html.contains("赵强") && html.contains("400.00"));
    assert!(html.contains(&doc.text_sha256));
    assert_eq!(html.matches("data:image/png;base64,").count(), 3);
    assert!(html.contains("投诉人收执"));
    let text = device
        .render_document(&id, RenderFormat::Text, None)
        .unwrap();
    assert!(text.starts_with("调解书\n"));
    assert!(text.contains("另有 1 个签名因文本更改而失效"));
    assert!(text.contains("（N 28.19420 E 112.98230 +/-8 m）；结束："));
    assert!(text.contains("（N 28.19500 E 112.98300）"));

    // Same document, same bytes; and the same again after replaying the log.
    assert_eq!(
        html,
        device
            .render_document(&id, RenderFormat::Html, Some(CopyFor::Consumer))
            .unwrap()
    );
    device.rebuild_projections().unwrap();
    assert_eq!(
        html,
        device
            .render_document(&id, RenderFormat::Html, Some(CopyFor::Consumer))
            .unwrap()
    );

    let month = chrono::Utc::now()
        .with_timezone(&redshield_core::time::BEIJING)
        .format("%Y-%m")
        .to_string();
    let recovered = device.money_recovered(&month).unwrap();
    assert_eq!(recovered.total_fen, 45_980);
    assert_eq!(recovered.agreements, 1);
    // The refund and the compensation performed later; the recused officer gets no credit.
    assert_eq!(recovered.performed_fen, 45_980);
    assert_eq!(recovered.by_officer.len(), 1);
    assert_eq!(recovered.by_officer[0].key, "HN-12315-0042");
    assert!(device.verify_chain().unwrap().is_intact());
}

#[test]
fn mediation_ended_without_agreement_starts_the_notice_clock() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let case = accepted_complaint(&mut device, 2);
    let id = device.start_mediation(&new_mediation(&case)).unwrap().id;

    let other = device.act_on_document(
        &id,
        DocumentAct::End {
            reason: EndReason::OtherLegalGround,
            note: None,
        },
        None,
    );
    assert!(reason(other).contains("legal ground"));
    let doc = act(
        &mut device,
        &id,
        DocumentAct::End {
            reason: EndReason::PartyAbsentOrRefuses,
            note: Some("被投诉人拒绝调解".into()),
        },
    );
    assert_eq!(doc.status, DocumentStatus::Ended);
    assert_eq!(doc.title, "调解记录");
    assert_eq!(device.case(&case).unwrap().state, CaseState::NotAgreed);
    let clocks = device.case_clocks(&case).unwrap();
    assert!(
        clocks
            .iter()
            .any(|c| c.kind == ClockKind::EndNotice && c.state == ClockState::Running)
    );

    let twice = device.act_on_document(
        &id,
        DocumentAct::End {
            reason: EndReason::PartyAbsentOrRefuses,
            note: None,
        },
        None,
    );
    assert!(reason(twice).contains("ended"));
    let text = device
        .render_document(&id, RenderFormat::Text, None)
        .unwrap();
    // Order No. 121 Art. 23(2), in its own words and cited (issue 17: each order's words).
    assert!(text.contains(
        "终止调解。依据：《投诉举报处理办法》第二十三条第一款第（二）项，投诉人、被投诉人无正当理由不参加调解，或者明确拒绝调解。"
    ));
}

#[test]
fn bad_input_is_refused_and_records_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());

    // A declined complaint cannot be mediated.
    let declined = device.open_case(&complaint(3)).unwrap();
    let outside = redshield_core::cases::DeclineReason::OutsideRemit;
    device
        .take_step(
            &declined.id,
            &Step::Decline { reason: outside },
            Some("不属于本局管辖"),
            None,
        )
        .unwrap();
    assert!(matches!(
        device.start_mediation(&new_mediation(&declined.id)),
        Err(Error::WrongState { .. })
    ));

    let case = accepted_complaint(&mut device, 4);
    let mut no_consent = new_mediation(&case);
    no_consent.merchant_consents = false;
    assert!(
        reason(device.start_mediation(&no_consent).map(|_| unreachable!())).contains("consent")
    );
    let mut no_notice = new_mediation(&case);
    no_notice.notice = None;
    assert!(
        matches!(device.start_mediation(&no_notice), Err(Error::Invalid { field, .. }) if field == "notice")
    );
    let mut lone = new_mediation(&case);
    lone.enforcement = true;
    assert!(
        matches!(device.start_mediation(&lone), Err(Error::Invalid { field, .. }) if field == "participants")
    );
    assert_eq!(device.case(&case).unwrap().state, CaseState::Accepted);

    let id = device.start_mediation(&new_mediation(&case)).unwrap().id;
    let head = device.head();
    let agree = |terms: Vec<Term>| DocumentAct::Agree {
        terms,
        document_declined: false,
    };
    let mut negative = terms();
    negative[0].amount_fen = Some(-100);
    let mut bad_date = terms();
    bad_date[1].due_on = Some("2026-13-01".into());
    for bad in [agree(Vec::new()), agree(negative), agree(bad_date)] {
        assert!(matches!(
            device.act_on_document(&id, bad, None),
            Err(Error::Invalid { .. })
        ));
    }
    act(&mut device, &id, agree(terms()));
    let sha = device.document_text(&id).unwrap().sha256;
    let sign = |strokes| DocumentAct::Sign {
        participant: 1,
        text_sha256: sha.clone(),
        strokes,
    };
    let huge = vec![vec![StrokePoint {
        x: 1e9,
        y: 0.0,
        t_ms: 0,
    }]];
    for bad in [Vec::new(), vec![Vec::new()], huge] {
        assert!(matches!(
            device.act_on_document(&id, sign(bad), None),
            Err(Error::Invalid { .. })
        ));
    }
    let not_hex = DocumentAct::Sign {
        participant: 1,
        text_sha256: "abc".into(),
        strokes: strokes(0.2),
    };
    assert!(matches!(
        device.act_on_document(&id, not_hex, None),
        Err(Error::Invalid { .. })
    ));
    let nobody = DocumentAct::Sign {
        participant: 9,
        text_sha256: sha.clone(),
        strokes: strokes(0.2),
    };
    assert!(reason(device.act_on_document(&id, nobody, None)).contains("no participant 9"));
    let refusal = DocumentAct::RefuseToSign {
        participant: 2,
        witness: 0,
        text_sha256: sha,
        note: None,
    };
    assert!(reason(device.act_on_document(&id, refusal, None)).contains("end the mediation"));
    assert_eq!(
        device.head().seq,
        head.seq + 1,
        "only the valid agreement was recorded"
    );
    assert_eq!(
        files_under(&dir.path().join("blobs")),
        0,
        "no refused signature left files"
    );
}

#[test]
fn a_party_who_declines_the_document_gets_the_mediation_record() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let case = accepted_complaint(&mut device, 5);
    let id = device.start_mediation(&new_mediation(&case)).unwrap().id;
    act(
        &mut device,
        &id,
        DocumentAct::Note {
            speaker: 1,
            kind: EntryKind::Statement,
            text: "双方同意当场退款".into(),
        },
    );
    let doc = act(
        &mut device,
        &id,
        DocumentAct::Agree {
            terms: terms(),
            document_declined: true,
        },
    );
    assert_eq!(doc.mediation_document, Some(false));
    assert_eq!(doc.title, "调解记录");
    let text = device.document_text(&id).unwrap().text;
    assert!(
        text.contains("调解经过"),
        "the record keeps the notes: {text}"
    );
    assert!(text.contains("双方当事人同意不制作调解书"));
}

#[test]
fn the_document_never_shows_the_report_its_complainant_also_filed() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let mut new = complaint(6);
    new.also_report = Some("该超市长期销售过期食品".into());
    let opened = device.open_case(&new).unwrap();
    let report = device.case(opened.linked_case.as_deref().unwrap()).unwrap();
    device
        .take_step(&opened.id, &Step::Accept, None, None)
        .unwrap();
    let id = device
        .start_mediation(&new_mediation(&opened.id))
        .unwrap()
        .id;
    act(
        &mut device,
        &id,
        DocumentAct::Agree {
            terms: terms(),
            document_declined: false,
        },
    );
    for format in [RenderFormat::Html, RenderFormat::Text] {
        let rendered = device.render_document(&id, format, None).unwrap();
        assert!(rendered.contains(&opened.number));
        assert!(!rendered.contains(&report.number));
        assert!(!rendered.contains("长期销售过期食品"));
        // The measures' own title names 举报; nothing else may.
        let without_title = rendered.replace("投诉举报处理", "");
        assert!(!without_title.contains("举报"), "{without_title}");
    }
}

#[test]
fn a_mediation_with_a_document_ends_through_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let case = accepted_complaint(&mut device, 7);
    let id = device.start_mediation(&new_mediation(&case)).unwrap().id;
    let step = Step::EndMediation { agreement: false };
    let bypass = device.take_step(&case, &step, None, None);
    assert!(matches!(bypass, Err(Error::Invalid { reason, .. }) if reason.contains(&id)));
    assert_eq!(device.case(&case).unwrap().state, CaseState::Mediating);
}

#[test]
fn an_agreement_needs_both_parties_at_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let case = accepted_complaint(&mut device, 8);
    let mut phone = new_mediation(&case);
    phone.mode = MediationMode::Phone;
    phone.notice = None;
    phone.participants.truncate(1);
    let id = device.start_mediation(&phone).unwrap().id;
    act(
        &mut device,
        &id,
        DocumentAct::Agree {
            terms: terms(),
            document_declined: false,
        },
    );
    sign(&mut device, &id, 0);
    sign(&mut device, &id, 1);
    let alone = device.act_on_document(&id, DocumentAct::Conclude, None);
    assert!(reason(alone).contains("merchant's representative"));
}

fn files_under(dir: &std::path::Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .map(|e| e.unwrap().path())
        .map(|p| if p.is_dir() { files_under(&p) } else { 1 })
        .sum()
}
