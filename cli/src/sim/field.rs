//! One simulated device's field work, seeded: a patrol driven in fixes, realistic cases
//! taken along it (complainants, businesses, goods, valid credit codes), steps taken on some,
//! goods photographed now and then.

use std::path::PathBuf;

use chrono::Utc;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};
use redshield_core::api::{
    Business, CaseKind, Channel, CoreError, DeclineReason, DemandKind, EvidenceKind, FieldCore,
    Fix, GeoPosition, NewCase, NewEvidence, NewMatter, NewTrip, Outcome, Person, Purpose, Step,
};
use redshield_core::time::beijing_today;
use redshield_core::validate::uscc_check_char;

/// Fixes recorded between two cases, one every `FIX_EVERY_MS`.
const FIXES_PER_LEG: usize = 20;
const FIX_EVERY_MS: i64 = 3_000;

pub const SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"];
pub const GIVEN_NAMES: &[&str] = &[
    "芳", "伟", "娜", "秀英", "敏", "静", "磊", "强", "洋", "艳", "军", "丽",
];
const DISTRICTS: &[&str] = &["芙蓉区", "天心区", "岳麓区", "开福区", "雨花区"];
const ROADS: &[&str] = &[
    "五一大道",
    "书院路",
    "劳动路",
    "韶山路",
    "人民路",
    "解放西路",
];
/// A kind of shop and what consumers buy there.
const SHOPS: &[(&str, &[&str])] = &[
    ("超市", &["纯牛奶", "酸奶", "食用油", "大米"]),
    ("电器商行", &["电饭煲", "电风扇", "热水壶"]),
    ("手机店", &["手机", "充电器", "耳机"]),
    ("餐馆", &["套餐", "外卖"]),
    ("药房", &["感冒药", "口罩"]),
    ("健身房", &["年卡", "私教课"]),
    ("培训学校", &["课程"]),
];
const CREDIT_CODE_CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

pub fn pick<T: Copy>(list: &[T], n: u32) -> T {
    list[n as usize % list.len()]
}

/// One device's field work: its own random stream, where its vehicle is, the trip's clock.
pub struct Field {
    rng: StdRng,
    dir: PathBuf,
    latitude: f64,
    longitude: f64,
    heading_deg: f64,
    /// The GNSS time of the next fix: the trip is laid in the recent past, so that every fix
    /// is older than now however fast the simulation runs.
    fix_ms: i64,
    trip: Option<String>,
    pub cases: u64,
    pub photos: u64,
}

impl Field {
    /// Device `number` of a run seeded `seed`, taking `cases` cases, its files in `dir`.
    pub fn new(seed: u64, number: u32, cases: u32, dir: PathBuf) -> Field {
        let mut rng = StdRng::seed_from_u64(seed ^ u64::from(number).rotate_left(32));
        let legs = i64::from(cases) + 1;
        Field {
            // Around Changsha.
            latitude: 28.15 + rng.random_range(0.0..0.1),
            longitude: 112.93 + rng.random_range(0.0..0.1),
            heading_deg: rng.random_range(0.0..360.0),
            fix_ms: Utc::now().timestamp_millis()
                - legs * FIXES_PER_LEG as i64 * FIX_EVERY_MS
                - 60_000,
            rng,
            dir,
            trip: None,
            cases: 0,
            photos: 0,
        }
    }

    pub fn start_trip(&mut self, core: &FieldCore) -> Result<(), CoreError> {
        let officer = core.current_officer().map(|o| o.name).unwrap_or_default();
        let trip = core.start_trip(NewTrip {
            vehicle: format!("湘A·{:05}", self.rng.random_range(10_000..100_000)),
            crew: vec![officer],
            crew_count: Some(self.rng.random_range(1..=3)),
            purpose: Purpose::Patrol,
            case_id: None,
            odometer_km: Some(f64::from(self.rng.random_range(10_000..90_000))),
            odometer_photo: None,
            started_at_ms: Some(self.fix_ms),
        })?;
        self.trip = Some(trip.id);
        Ok(())
    }

    pub fn end_trip(&mut self, core: &FieldCore) -> Result<(), CoreError> {
        if let Some(trip) = self.trip.take() {
            core.end_trip(trip, None)?;
        }
        Ok(())
    }

    /// Drives to the next stop (a batch of fixes), takes a case there, sometimes takes a
    /// step on it and photographs the goods.
    pub fn take_case(&mut self, core: &FieldCore) -> Result<(), CoreError> {
        self.drive(core)?;
        let kind = match self.rng.random_range(0..20) {
            0..14 => CaseKind::Complaint,
            14..17 => CaseKind::Consultation,
            _ => CaseKind::Report,
        };
        let case = core.open_case(self.new_case(kind))?;
        self.cases += 1;
        if let Some((step, note)) = self.step_for(kind) {
            core.take_step(
                case.id.clone(),
                step,
                note.map(String::from),
                Some(self.here()),
            )?;
        }
        if kind == CaseKind::Complaint && self.rng.random_bool(0.25) {
            self.photograph(core, &case.id)?;
        }
        Ok(())
    }

    fn drive(&mut self, core: &FieldCore) -> Result<(), CoreError> {
        let Some(trip) = self.trip.clone() else {
            return Ok(());
        };
        let mut fixes = Vec::with_capacity(FIXES_PER_LEG);
        for _ in 0..FIXES_PER_LEG {
            self.heading_deg += self.rng.random_range(-15.0..15.0);
            let speed_mps = self.rng.random_range(4.0..12.0);
            let metres = speed_mps * FIX_EVERY_MS as f64 / 1000.0;
            let (sin, cos) = self.heading_deg.to_radians().sin_cos();
            self.latitude += metres * cos / 111_320.0;
            self.longitude += metres * sin / (111_320.0 * self.latitude.to_radians().cos());
            self.fix_ms += FIX_EVERY_MS;
            fixes.push(Fix {
                accuracy_m: Some(self.rng.random_range(3.0..12.0)),
                speed_mps: Some(speed_mps),
                bearing_deg: Some(self.heading_deg.rem_euclid(360.0)),
                provider: Some("fused".into()),
                ..Fix::at(self.latitude, self.longitude, self.fix_ms)
            });
        }
        core.record_fixes(trip, fixes)?;
        Ok(())
    }

    fn here(&self) -> GeoPosition {
        GeoPosition {
            latitude: self.latitude,
            longitude: self.longitude,
            accuracy_m: Some(8.0),
        }
    }

    fn new_case(&mut self, kind: CaseKind) -> NewCase {
        let (shop, goods) = *SHOPS.choose(&mut self.rng).unwrap_or(&SHOPS[0]);
        let goods = goods.choose(&mut self.rng).copied().unwrap_or("商品");
        let merchant = format!("长沙市{}{}", self.name(), shop);
        let anonymous = kind == CaseKind::Report && self.rng.random_bool(0.3);
        let complainants = if anonymous {
            Vec::new()
        } else {
            vec![self.person()]
        };
        let facts = match kind {
            CaseKind::Complaint => format!("在{merchant}购买的{goods}有质量问题，商家拒绝退换"),
            CaseKind::Consultation => format!("咨询{goods}的七日无理由退货规定"),
            CaseKind::Report => format!("{merchant}销售过期{goods}，价格标示不清"),
        };
        NewCase {
            kind,
            channel: Some(Channel::VehicleWalkIn),
            received_at_ms: None,
            platform_ticket: None,
            complainants,
            joint_complainants: None,
            respondent: (kind != CaseKind::Consultation).then(|| self.business(merchant)),
            matter: NewMatter {
                occurred_on: Some(self.recent_day()),
                place_text: None,
                place: Some(self.here()),
                goods: Some(goods.into()),
                amount_paid_fen: Some(self.rng.random_range(500..200_000)),
                quantity: Some(self.rng.random_range(1..=5)),
                facts,
                demands: match kind {
                    CaseKind::Complaint => vec![
                        *[DemandKind::Refund, DemandKind::Replace, DemandKind::Repair]
                            .choose(&mut self.rng)
                            .unwrap_or(&DemandKind::Refund),
                        DemandKind::Compensation,
                    ],
                    _ => Vec::new(),
                },
                demands_text: None,
                evidence: Vec::new(),
                proof: None,
            },
            also_report: None,
        }
    }

    /// A step officers often take at once: accept or decline a complaint, start checking a
    /// report, answer a consultation; sometimes none yet.
    fn step_for(&mut self, kind: CaseKind) -> Option<(Step, Option<&'static str>)> {
        let roll = self.rng.random_range(0..10);
        match kind {
            CaseKind::Complaint if roll < 6 => Some((Step::Accept, Some("材料齐全，予以受理"))),
            CaseKind::Complaint if roll < 7 => Some((
                Step::Decline {
                    reason: DeclineReason::MaterialsMissing,
                },
                None,
            )),
            CaseKind::Report if roll < 5 => Some((Step::StartVerification, None)),
            CaseKind::Consultation if roll < 8 => Some((
                Step::Close {
                    outcome: Outcome::Answered,
                },
                Some("已当场解答"),
            )),
            _ => None,
        }
    }

    fn photograph(&mut self, core: &FieldCore, case_id: &str) -> Result<(), CoreError> {
        let path = self.dir.join(format!("photo-{}.jpg", self.photos));
        let jpeg = photo(&mut self.rng)?;
        std::fs::write(&path, jpeg).map_err(|e| CoreError::FileUnavailable {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        core.add_evidence(NewEvidence {
            case_id: case_id.to_string(),
            path: path.display().to_string(),
            kind: if self.rng.random_bool(0.5) {
                EvidenceKind::Goods
            } else {
                EvidenceKind::Receipt
            },
            note: None,
            caption: false,
            place: Some(self.here()),
            place_time_ms: None,
            rendition: None,
        })?;
        self.photos += 1;
        Ok(())
    }

    fn name(&mut self) -> String {
        let surname = *SURNAMES.choose(&mut self.rng).unwrap_or(&"王");
        let given = *GIVEN_NAMES.choose(&mut self.rng).unwrap_or(&"芳");
        format!("{surname}{given}")
    }

    fn address(&mut self) -> String {
        let district = *DISTRICTS.choose(&mut self.rng).unwrap_or(&"芙蓉区");
        let road = *ROADS.choose(&mut self.rng).unwrap_or(&"五一大道");
        format!(
            "长沙市{district}{road} {} 号",
            self.rng.random_range(1..400)
        )
    }

    fn person(&mut self) -> Person {
        Person {
            name: self.name(),
            phone: format!(
                "1{}{:09}",
                self.rng.random_range(3..=9),
                self.rng.random_range(0..1_000_000_000)
            ),
            address: Some(self.address()),
            id_document: None,
            agent: None,
        }
    }

    fn business(&mut self, name: String) -> Business {
        Business {
            name,
            address: Some(self.address()),
            credit_code: self.rng.random_bool(0.6).then(|| self.credit_code()),
            legal_representative: None,
            premises: None,
            online: None,
        }
    }

    /// A valid unified social credit code: an enterprise (91) in a Changsha district, a
    /// random organisation code and the right check character.
    fn credit_code(&mut self) -> String {
        let mut code = format!("914301{:02}", self.rng.random_range(2..12));
        for _ in 0..9 {
            let c = CREDIT_CODE_CHARS
                .choose(&mut self.rng)
                .copied()
                .unwrap_or(b'0');
            code.push(char::from(c));
        }
        let check = uscc_check_char(&code).unwrap_or('0');
        code.push(check);
        code
    }

    /// A day in the last three weeks, in Beijing.
    fn recent_day(&mut self) -> String {
        let days = chrono::Days::new(self.rng.random_range(0..21));
        (beijing_today() - days).format("%Y-%m-%d").to_string()
    }
}

/// A small real JPEG (320×240, a gradient under noise), different every time.
fn photo(rng: &mut StdRng) -> Result<Vec<u8>, CoreError> {
    let (width, height) = (320u16, 240u16);
    let tint: [u8; 3] = rng.random();
    let mut pixels = Vec::with_capacity(usize::from(width) * usize::from(height) * 3);
    for y in 0..height {
        for x in 0..width {
            let noise: u8 = rng.random_range(0..24);
            pixels.extend([
                tint[0].wrapping_add((x / 2) as u8).wrapping_add(noise),
                tint[1].wrapping_add((y / 2) as u8),
                tint[2].wrapping_add(noise),
            ]);
        }
    }
    let mut jpeg = Vec::new();
    jpeg_encoder::Encoder::new(&mut jpeg, 85)
        .encode(&pixels, width, height, jpeg_encoder::ColorType::Rgb)
        .map_err(|e| CoreError::Internal {
            reason: format!("the simulated photo: {e}"),
        })?;
    Ok(jpeg)
}
