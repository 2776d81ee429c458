//! The on-site record (现场笔录) and the interview record (询问笔录) on the mediation's
//! machinery: two officers, a party who refuses to sign before a witness (Art. 43), one
//! person per interview, reading back and corrections (Art. 29), a signature on every page;
//! and what a purge leaves of them.

use crate::common::documents::{act, reason, sign, someone};
use redshield_core::Device;
use redshield_core::api::{
    DocumentAct, DocumentKind, DocumentStatus, EntryKind, EvidenceKind, NewEvidence,
    NewParticipant, NewRecord, ParticipantRole, RenderFormat, StrokePoint,
};
use redshield_core::error::Error;
use redshield_testkit::{complaint, device_in, images};

fn second_officer() -> NewParticipant {
    NewParticipant {
        role: ParticipantRole::Officer,
        name: "张伟".into(),
        title: None,
        enforcement_id: Some("HN-12315-0077".into()),
        authority: None,
    }
}

fn new_record(case_id: &str, kind: DocumentKind, party: NewParticipant) -> NewRecord {
    NewRecord {
        case_id: case_id.into(),
        kind,
        subject: "对投诉反映的过期食品销售情况进行现场检查".into(),
        place_text: "长沙市芙蓉区五一大道 1 号某某超市".into(),
        participants: vec![second_officer(), party],
        position: None,
    }
}

fn note(device: &mut Device, doc: &str, speaker: u32, kind: EntryKind, text: &str) {
    act(
        device,
        doc,
        DocumentAct::Note {
            speaker,
            kind,
            text: text.into(),
        },
    );
}

#[test]
fn an_on_site_record_with_a_party_who_refuses_to_sign() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let case = device.open_case(&complaint(1)).unwrap().id;

    // One officer is not enough (Art. 22).
    let mut alone = new_record(
        &case,
        DocumentKind::OnSiteRecord,
        someone(ParticipantRole::Party, "赵强", Some("店长")),
    );
    alone.participants.remove(0);
    assert!(
        matches!(device.open_record(&alone), Err(Error::Invalid { field, .. }) if field == "participants")
    );

    let party = someone(ParticipantRole::Party, "赵强", Some("店长"));
    let doc = device
        .open_record(&new_record(&case, DocumentKind::OnSiteRecord, party))
        .unwrap();
    assert_eq!(doc.title, "现场笔录");
    let id = doc.id;
    note(
        &mut device,
        &id,
        0,
        EntryKind::Finding,
        "货架上有 12 盒超过保质期的纯牛奶",
    );
    let photo = dir.path().join("shelf.jpg");
    std::fs::write(
        &photo,
        images::jpeg(&images::scene(640, 480), &images::Exif::phone()),
    )
    .unwrap();
    let evidence = device
        .add_evidence(&NewEvidence {
            case_id: case.clone(),
            path: photo.to_string_lossy().into_owned(),
            kind: EvidenceKind::Scene,
            note: None,
            caption: false,
            place: None,
            place_time_ms: None,
            rendition: None,
        })
        .unwrap();
    act(
        &mut device,
        &id,
        DocumentAct::LinkEvidence {
            evidence_id: evidence.id.clone(),
        },
    );
    let twice = DocumentAct::LinkEvidence {
        evidence_id: evidence.id.clone(),
    };
    assert!(reason(device.act_on_document(&id, twice, None)).contains("already linked"));
    let text = device.document_text(&id).unwrap().text;
    assert!(text.contains("现场照片，") && text.contains(&evidence.sha256));
    let wrong = device.act_on_document(
        &id,
        DocumentAct::Note {
            speaker: 2,
            kind: EntryKind::Finding,
            text: "x".into(),
        },
        None,
    );
    assert!(reason(wrong).contains("cannot make a finding"));

    // The party will not sign: noted before a witness, who signs to attest it.
    let sha = device.document_text(&id).unwrap().sha256;
    let no_witness = DocumentAct::RefuseToSign {
        participant: 2,
        witness: 1,
        text_sha256: sha.clone(),
        note: None,
    };
    assert!(reason(device.act_on_document(&id, no_witness, None)).contains("not a witness"));
    act(
        &mut device,
        &id,
        DocumentAct::Join {
            participant: someone(ParticipantRole::Witness, "刘洋", None),
        },
    );
    // A witness joining does not change the signed text.
    assert_eq!(device.document_text(&id).unwrap().sha256, sha);
    let doc = act(
        &mut device,
        &id,
        DocumentAct::RefuseToSign {
            participant: 2,
            witness: 3,
            text_sha256: sha,
            note: Some("当事人拒绝签名，已录像".into()),
        },
    );
    assert_eq!(doc.unsigned, vec![0, 1, 3]);
    sign(&mut device, &id, 0);
    sign(&mut device, &id, 1);
    assert!(reason(device.act_on_document(&id, DocumentAct::Conclude, None)).contains("[3]"));
    sign(&mut device, &id, 3);
    let doc = act(&mut device, &id, DocumentAct::Conclude);
    assert_eq!(doc.status, DocumentStatus::Concluded);

    let text = device
        .render_document(&id, RenderFormat::Text, None)
        .unwrap();
    assert!(text.contains(
        "执法人员：李明（执法证号 HN-12315-0042）、张伟（执法证号 HN-12315-0077）（已出示执法证件）"
    ));
    assert!(text.contains("当事人：赵强（店长）　拒绝签名"));
    assert!(text.contains("见证人：刘洋，当事人拒绝签名，已录像"));
    assert!(text.contains("见证人：刘洋　已签名"));
}

#[test]
fn an_interview_is_read_back_corrected_and_signed_on_every_page() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let case = device.open_case(&complaint(2)).unwrap().id;
    let interviewee = someone(ParticipantRole::Interviewee, "赵强", Some("店长"));
    let id = device
        .open_record(&new_record(&case, DocumentKind::Interview, interviewee))
        .unwrap()
        .id;

    // One person per record.
    let another = DocumentAct::Join {
        participant: someone(ParticipantRole::Interviewee, "钱七", None),
    };
    assert!(reason(device.act_on_document(&id, another, None)).contains("one person"));

    for i in 0..12 {
        note(
            &mut device,
            &id,
            0,
            EntryKind::Question,
            &format!("第 {i} 个问题：{}", "请说明进货渠道和销售情况。".repeat(8)),
        );
        note(
            &mut device,
            &id,
            2,
            EntryKind::Answer,
            &format!(
                "第 {i} 个回答：{}",
                "货是从批发市场进的，票据都在。".repeat(8)
            ),
        );
    }
    // Signing before reading back is refused.
    let sha = device.document_text(&id).unwrap().sha256;
    let early = DocumentAct::Sign {
        participant: 2,
        text_sha256: sha,
        strokes: vec![vec![StrokePoint {
            x: 0.0,
            y: 0.0,
            t_ms: 0,
        }]],
    };
    assert!(reason(device.act_on_document(&id, early, None)).contains("read the record back"));

    act(&mut device, &id, DocumentAct::ReadBack);
    let doc = act(
        &mut device,
        &id,
        DocumentAct::Correct {
            entry: 1,
            text: "货是从长沙某批发市场进的，有进货票据。".into(),
        },
    );
    assert_eq!(
        doc.entries[1].corrected_text.as_deref(),
        Some("货是从长沙某批发市场进的，有进货票据。")
    );
    // New words after the reading back must be read back again.
    note(
        &mut device,
        &id,
        0,
        EntryKind::Question,
        "以上所说是否属实？",
    );
    note(&mut device, &id, 2, EntryKind::Answer, "属实。");
    assert!(!device.document(&id).unwrap().read_back);
    act(&mut device, &id, DocumentAct::ReadBack);

    for who in [2, 0, 1] {
        sign(&mut device, &id, who);
    }
    let doc = act(&mut device, &id, DocumentAct::Conclude);
    assert_eq!(doc.status, DocumentStatus::Concluded);

    let text = device
        .render_document(&id, RenderFormat::Text, None)
        .unwrap();
    assert!(text.contains("（更正，原记为：第 0 个回答："));
    assert!(text.contains("以上笔录已向被询问人宣读"));
    // A long interview spans pages; the interviewee's signature is at the foot of every page,
    // then again in the signature block.
    let footers = text.matches("页 共 ").count();
    assert!(footers >= 3, "{footers} pages");
    assert_eq!(
        text.matches("被询问人：赵强（店长）　已签名").count(),
        footers + 1
    );
    let html = device
        .render_document(&id, RenderFormat::Html, None)
        .unwrap();
    assert_eq!(html.matches("<section class=\"page\">").count(), footers);
    // Three signatures in the block, and the interviewee's again on every page.
    assert_eq!(html.matches("data:image/png;base64,").count(), 3 + footers);
}

#[test]
fn a_purge_removes_the_names_but_not_the_record() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let case = device.open_case(&complaint(3)).unwrap().id;
    let party = someone(ParticipantRole::Party, "赵强", Some("店长"));
    let id = device
        .open_record(&new_record(&case, DocumentKind::OnSiteRecord, party))
        .unwrap()
        .id;
    note(&mut device, &id, 0, EntryKind::Finding, "货架上有过期牛奶");

    device.purge_personal_data(&case).unwrap();
    let doc = device.document(&id).unwrap();
    assert_eq!(doc.participants[2].name, None);
    assert_eq!(doc.entries[0].text, None);
    // Officers stay on the record.
    assert_eq!(doc.participants[0].name.as_deref(), Some("李明"));
    let text = device
        .render_document(&id, RenderFormat::Text, None)
        .unwrap();
    assert!(!text.contains("赵强") && !text.contains("过期牛奶"));
    assert!(device.verify_chain().unwrap().is_intact());
}
