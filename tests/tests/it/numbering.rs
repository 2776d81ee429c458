//! The agency the documents name and its 调解书 numbers (Order No. 121 Art. 24; regulations.md:
//! "a document number in the agency's own numbering scheme … not the device's case number"):
//! the centre publishes the agency and gives each device its own block; the device numbers
//! offline from it, and a 调解书 made with no number left is concluded with the number to be
//! written in — over loopback HTTP, on both ledgers.

use std::sync::Arc;

use redshield_core::api::{
    Agency, DocumentAct, FieldCore, MediationMode, NewMediation, NewParticipant, Notice,
    NoticeMethod, ParticipantRole, Performer, RenderFormat, RepresentativeAuthority, Step,
    StrokePoint, Term, TermKind,
};
use redshield_testkit::centre::{Centre, device_uuid, enrol};
use redshield_testkit::postgres::Backend;
use redshield_testkit::{complaint_from, device, on_both_backends};
use serde_json::{Value, json};

fn person(role: ParticipantRole, name: &str) -> NewParticipant {
    NewParticipant {
        role,
        name: name.into(),
        title: (role == ParticipantRole::MerchantRepresentative).then(|| "店长".into()),
        enforcement_id: None,
        authority: (role == ParticipantRole::MerchantRepresentative)
            .then_some(RepresentativeAuthority::LegalRepresentative),
    }
}

/// A 调解书 concluded on the device: on site, a refund due later, signed by everyone.
fn concluded_agreement(phone: &FieldCore, n: usize) -> String {
    let case = phone
        .open_case(complaint_from(&format!("王芳{n}")))
        .unwrap()
        .id;
    phone
        .take_step(case.clone(), Step::Accept, None, None)
        .unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    let doc = phone
        .start_mediation(NewMediation {
            case_id: case,
            mode: MediationMode::OnSite,
            consumer_consents: true,
            merchant_consents: true,
            notice: Some(Notice {
                given_at_ms: now,
                method: NoticeMethod::Oral,
                session_at_ms: now,
                place: "流动维权车旁".into(),
            }),
            place_text: None,
            enforcement: false,
            participants: vec![
                person(ParticipantRole::Consumer, &format!("王芳{n}")),
                person(ParticipantRole::MerchantRepresentative, "赵强"),
            ],
            position: None,
        })
        .unwrap()
        .id;
    let terms = vec![Term {
        kind: TermKind::Refund,
        by: Performer::Merchant,
        what: "退还货款".into(),
        amount_fen: Some(123_456_789),
        due_on: Some("2026-12-31".into()),
        performed_on_the_spot: false,
    }];
    let agree = DocumentAct::Agree {
        terms,
        document_declined: false,
    };
    phone.act_on_document(doc.clone(), agree, None).unwrap();
    for who in 0..3 {
        let sha = phone.document_text(doc.clone()).unwrap().sha256;
        let strokes = vec![
            (0..12)
                .map(|i| StrokePoint {
                    x: f64::from(i) * 9.0,
                    y: f64::from(i % 4) * 6.0,
                    t_ms: i64::from(i) * 16,
                })
                .collect(),
        ];
        let sign = DocumentAct::Sign {
            participant: who,
            text_sha256: sha,
            strokes,
        };
        phone.act_on_document(doc.clone(), sign, None).unwrap();
    }
    phone
        .act_on_document(doc.clone(), DocumentAct::Conclude, None)
        .unwrap();
    doc
}

async fn admin(centre: &Centre, method: &str, path: &str, body: Value) -> (u16, Value) {
    let (status, _, answer) = centre.admin(method, path, &body.to_string()).await;
    (
        status,
        serde_json::from_slice(&answer).unwrap_or(Value::Null),
    )
}

async fn synced(phone: &Arc<FieldCore>) {
    phone.clone().sync(None, None).await.unwrap();
}

async fn two_devices_number_from_their_own_blocks(backend: Backend) {
    let centre = Centre::on(backend).await;
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let phones = [
        device(dirs[0].path(), "李明"),
        device(dirs[1].path(), "张伟"),
    ];
    for phone in &phones {
        enrol(&centre, phone).await;
    }
    let agency =
        json!({"name": "长沙市芙蓉区市场监督管理局", "numbering": "芙市监消调〔{year}〕{n}号"});
    let (status, _) = admin(&centre, "PUT", "/v1/admin/reference/agency", agency).await;
    assert_eq!(status, 200);
    let bad = json!({"name": "某局", "numbering": "第{n}号"});
    let (status, _) = admin(&centre, "PUT", "/v1/admin/reference/agency", bad).await;
    assert_eq!(status, 400, "a scheme without the year");

    let year = chrono::Utc::now()
        .with_timezone(&redshield_core::time::BEIJING)
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .unwrap();
    let block = |phone: &FieldCore, first: u32, last: u32| {
        (
            format!("/v1/admin/devices/{}/document-numbers", device_uuid(phone)),
            json!({"year": year, "first": first, "last": last}),
        )
    };
    let (path, body) = block(&phones[0], 1, 1);
    assert_eq!(admin(&centre, "POST", &path, body).await.0, 200);
    let (path, body) = block(&phones[1], 101, 200);
    assert_eq!(admin(&centre, "POST", &path, body).await.0, 200);
    // A block sharing a number with one given is refused, to any device.
    let (path, body) = block(&phones[1], 1, 5);
    let (status, refusal) = admin(&centre, "POST", &path, body).await;
    assert_eq!(status, 400);
    assert!(refusal.to_string().contains("overlap"), "{refusal}");
    let nobody = format!("/v1/admin/devices/{}/document-numbers", uuid::Uuid::nil());
    let body = json!({"year": year, "first": 900, "last": 901});
    assert_eq!(admin(&centre, "POST", &nobody, body).await.0, 404);
    let (_, listed) = admin(&centre, "GET", "/v1/admin/document-numbers", Value::Null).await;
    assert_eq!(listed["blocks"].as_array().unwrap().len(), 2);

    for phone in &phones {
        synced(phone).await;
    }
    assert_eq!(
        phones[0].agency().unwrap(),
        Some(Agency {
            name: "长沙市芙蓉区市场监督管理局".into(),
            commissioned: None,
            numbering: "芙市监消调〔{year}〕{n}号".into(),
        })
    );
    let left = phones[1].document_numbers().unwrap();
    assert_eq!((left.len(), left[0].left), (1, 100));

    // Offline from here: each device numbers from its own block.
    let first = concluded_agreement(&phones[0], 1);
    let other = concluded_agreement(&phones[1], 2);
    let number = |phone: &FieldCore, doc: &str| phone.get_document(doc.into()).unwrap().number;
    assert_eq!(
        number(&phones[0], &first),
        Some(format!("芙市监消调〔{year}〕1号"))
    );
    assert_eq!(
        number(&phones[1], &other),
        Some(format!("芙市监消调〔{year}〕101号"))
    );
    // The first device's block is spent: the next 调解书 leaves its number to be written in.
    let unnumbered = concluded_agreement(&phones[0], 3);
    assert_eq!(number(&phones[0], &unnumbered), None);
    assert_eq!(phones[0].document_numbers().unwrap()[0].left, 0);

    // The 调解书 as layout 2 prints it (Order No. 121 Art. 24, Art. 25).
    let text = phones[0]
        .render_document(first.clone(), RenderFormat::Text, None)
        .unwrap();
    for words in [
        "长沙市芙蓉区市场监督管理局\n调解书\n",
        &format!("芙市监消调〔{year}〕1号"),
        "根据《市场监督管理投诉举报处理办法》（国家市场监督管理总局令第121号）",
        "赵强（店长）（法定代表人（负责人））",
        "金额人民币1234567.89元（大写：壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分）",
        "并加盖长沙市芙蓉区市场监督管理局印章",
        "（《投诉举报处理办法》第二十五条）",
        "长沙市芙蓉区市场监督管理局（印章）：",
    ] {
        assert!(text.contains(words), "{words:?} missing:\n{text}");
    }
    let blank = phones[0]
        .render_document(unnumbered, RenderFormat::Text, None)
        .unwrap();
    assert!(blank.contains("〔　　　〕　　　号"));

    // The numbers reach the centre's replica with the documents, and a replay keeps them.
    synced(&phones[0]).await;
    phones[0].rebuild_projections().unwrap();
    assert_eq!(
        number(&phones[0], &first),
        Some(format!("芙市监消调〔{year}〕1号"))
    );
}

on_both_backends!(two_devices_number_from_their_own_blocks);
