//! Fixtures the end-to-end and the server's tests share: a phone's platform stand-in
//! (keystore, clocks — the app's part, not ours), devices opened on temp dirs with an officer
//! signed in, and a complaint to open.

use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use redshield_core::api::{Business, CaseKind, DemandKind, FieldCore, NewCase, NewMatter, Person};
use redshield_core::platform::{LogLevel, Platform, PlatformError};

pub struct PhonePlatform;

const TAG: &[u8] = b"e2e-wrap:";

impl Platform for PhonePlatform {
    fn monotonic_ms(&self) -> u64 {
        static BOOT: OnceLock<Instant> = OnceLock::new();
        BOOT.get_or_init(Instant::now).elapsed().as_millis() as u64 + 1_000_000
    }

    fn wall_ms(&self) -> i64 {
        chrono::Utc::now().timestamp_millis()
    }

    fn wrap_secret(&self, secret: Vec<u8>) -> Result<Vec<u8>, PlatformError> {
        Ok([TAG, &secret].concat())
    }

    fn unwrap_secret(&self, wrapped: Vec<u8>) -> Result<Vec<u8>, PlatformError> {
        wrapped
            .strip_prefix(TAG)
            .map(<[u8]>::to_vec)
            .ok_or(PlatformError::Failed {
                reason: "not wrapped by this keystore".into(),
            })
    }

    fn log(&self, _level: LogLevel, _target: String, _message: String) {}
}

/// A device store in `dir` with an officer signed in.
pub fn device(dir: &Path, officer: &str) -> Arc<FieldCore> {
    let core = FieldCore::open(dir.display().to_string(), Arc::new(PhonePlatform)).unwrap();
    core.sign_in(officer.into(), format!("HN-12315-{:04}", officer.len()))
        .unwrap();
    core
}

pub fn complaint(name: &str) -> NewCase {
    NewCase {
        kind: CaseKind::Complaint,
        channel: None,
        received_at_ms: None,
        platform_ticket: None,
        complainants: vec![Person {
            name: name.into(),
            phone: "138 1234 5678".into(),
            address: Some("长沙市天心区书院路 9 号".into()),
            id_document: None,
            agent: None,
        }],
        joint_complainants: None,
        respondent: Some(Business {
            name: "长沙市某某超市".into(),
            address: Some("长沙市芙蓉区五一大道 1 号".into()),
            credit_code: None,
            legal_representative: None,
            premises: None,
            online: None,
        }),
        matter: NewMatter {
            occurred_on: None,
            place_text: None,
            place: None,
            goods: Some("纯牛奶".into()),
            amount_paid_fen: Some(5980),
            quantity: Some(2),
            facts: format!("{name} 购买的牛奶已过保质期"),
            demands: vec![DemandKind::Refund],
            demands_text: Some("退货退款".into()),
            evidence: Vec::new(),
        },
        also_report: None,
    }
}

/// A small real JPEG at `path`: a colour gradient.
pub fn photo(path: &Path) {
    let (w, h) = (96u16, 64u16);
    let pixels: Vec<u8> = (0..h)
        .flat_map(|y| (0..w).flat_map(move |x| [x as u8 * 2, y as u8 * 3, 128]))
        .collect();
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 85)
        .encode(&pixels, w, h, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    std::fs::write(path, out).unwrap();
}
