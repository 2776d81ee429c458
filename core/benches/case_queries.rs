//! The app's list queries over a store of 100 000 cases: a page of the newest, by state, by
//! kind, by text (a common two-character word and a rare name), by phone, and one case read
//! whole. Target: each under 20 ms. Beside the text search, the plain alternative it
//! replaces: a LIKE scan of the vault, each value opened (they are sealed at rest).
//!
//! Run: `cargo bench -p redshield-core --bench case_queries` (the first run builds the store
//! under target/tmp/, a minute or two).

use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use redshield_core::cases::{self, CaseKind, CaseQuery, CaseState, Step};
use redshield_core::{Device, cases::NewCase};

use redshield_testkit::{TestPlatform, complaint, device_in};

const CASES: usize = 100_000;
const GOODS: &[&str] = &[
    "纯牛奶",
    "电饭煲",
    "手机",
    "羽绒服",
    "预付卡",
    "装修服务",
    "二手车",
    "保健品",
    "月饼",
    "空调维修",
    "健身卡",
    "培训课程",
    "电动车",
    "冰箱",
    "运动鞋",
    "化妆品",
    "白酒",
    "大米",
];

fn case(n: usize) -> NewCase {
    let mut c = complaint(n);
    c.kind = match n % 10 {
        0 => CaseKind::Report,
        1 | 2 => CaseKind::Consultation,
        _ => CaseKind::Complaint,
    };
    c.complainants[0].name = format!("顾客{n}");
    c.complainants[0].phone = phone(n);
    c.respondent.as_mut().unwrap().name = format!("商户{}", n % 997);
    c.matter.goods = Some(GOODS[n % GOODS.len()].into());
    c.matter.facts = format!(
        "购买的{}出现质量问题，商家拒绝处理（{n}）",
        GOODS[n % GOODS.len()]
    );
    c
}

/// A distinct mobile number per case.
fn phone(n: usize) -> String {
    format!("13{:09}", n * 7919 % 1_000_000_000)
}

/// 100 000 cases, a third of the complaints accepted; made once and kept under target/.
fn big_store() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-100k-cases");
    if let Ok(device) = Device::open(&dir, TestPlatform::new())
        && count(&device) == CASES
    {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    let mut device = device_in(&dir);
    for batch in 0..CASES / 1000 {
        device
            .write(|w| {
                for n in batch * 1000..(batch + 1) * 1000 {
                    let id = cases::open(w, &case(n))?;
                    if n % 10 >= 3 && n % 3 == 0 {
                        cases::take_step(w, id, &Step::Accept, None)?;
                    }
                }
                Ok(())
            })
            .unwrap();
    }
    dir
}

fn count(device: &Device) -> usize {
    device
        .connection()
        .query_row("SELECT count(*) FROM cases", [], |r| r.get::<_, i64>(0))
        .map_or(0, |n| n as usize)
}

fn queries(c: &mut Criterion) {
    let dir = big_store();
    let device = Device::open(&dir, TestPlatform::new()).unwrap();
    let rare_name = "顾客12345";
    let phone = phone(12345);
    let number = device.cases(&CaseQuery::default()).unwrap().cases[7]
        .number
        .clone();
    let mut group = c.benchmark_group("queries over 100 000 cases");
    let mut page = |name: &str, query: CaseQuery, at_least: usize| {
        group.bench_function(name, |b| {
            b.iter(|| {
                let page = device.cases(&query).unwrap();
                assert!(page.cases.len() >= at_least, "{name}");
                page
            })
        });
    };
    page("newest page of 50", CaseQuery::default(), 50);
    page(
        "by state (accepted)",
        CaseQuery {
            state: Some(CaseState::Accepted),
            ..Default::default()
        },
        50,
    );
    page(
        "by kind (report)",
        CaseQuery {
            kind: Some(CaseKind::Report),
            ..Default::default()
        },
        50,
    );
    page(
        "text, common word (牛奶)",
        CaseQuery {
            text: Some("牛奶".into()),
            ..Default::default()
        },
        50,
    );
    page(
        "text, rare name",
        CaseQuery {
            text: Some(rare_name.into()),
            ..Default::default()
        },
        1,
    );
    page(
        "phone",
        CaseQuery {
            phone: Some(phone),
            ..Default::default()
        },
        1,
    );
    group.bench_function("one case, whole", |b| {
        b.iter(|| device.case(&number).unwrap())
    });
    for (what, pattern, expected) in [("牛奶", "%牛奶%", 50), ("a rare name", "%顾客12345%", 1)]
    {
        let name = format!("reference: open and LIKE-scan the vault for {what}, up to 50 cases");
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut stmt = device
                    .connection()
                    .prepare_cached(
                        "SELECT DISTINCT case_id FROM vault
                         WHERE open_value(value, salt) LIKE ?1 LIMIT 50",
                    )
                    .unwrap();
                let ids: Vec<String> = stmt
                    .query_map([pattern], |r| r.get(0))
                    .unwrap()
                    .map(Result::unwrap)
                    .collect();
                assert_eq!(ids.len(), expected);
                ids
            })
        });
    }
    group.finish();
}

criterion_group!(benches, queries);
criterion_main!(benches);
