//! The departments cases are referred to (Art. 16(1): outside market regulation's remit). A
//! directory that is reference data: the centre can replace it (its `DepartmentsPublished`);
//! until it does, the built-in list below applies.

use rusqlite::{Connection, params};

use crate::error::{Error, Result};
use crate::events::{EventBody, Projection};
use crate::validate::one_line;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Department {
    /// Stable code, written in events: lower-case ASCII letters, digits, `_`.
    pub code: String,
    pub name: String,
}

/// The departments complaint centres refer to most, by their common names.
const BUILT_IN: &[(&str, &str)] = &[
    ("quality", "质量技术监督部门（质监）"),
    ("drugs", "药品监督管理部门（药监）"),
    ("health", "卫生健康部门（卫生）"),
    ("prices", "价格主管部门（物价）"),
    ("tobacco", "烟草专卖局（烟草）"),
    ("police", "公安机关"),
    ("transport", "交通运输部门"),
    ("culture_tourism", "文化和旅游部门"),
    ("housing", "住房和城乡建设部门"),
    ("telecom", "通信管理部门"),
    ("finance", "金融监督管理部门"),
    ("agriculture", "农业农村部门"),
    ("education", "教育部门"),
    ("human_resources", "人力资源和社会保障部门"),
    ("postal", "邮政管理部门"),
    ("courts", "人民法院"),
    ("consumer_association", "消费者协会"),
];

/// The directory in force: the loaded one, or the built-in list.
pub fn directory(conn: &Connection) -> Result<Vec<Department>> {
    let mut stmt = conn.prepare_cached("SELECT code, name FROM departments ORDER BY position")?;
    let loaded = stmt
        .query_map([], |r| {
            Ok(Department {
                code: r.get(0)?,
                name: r.get(1)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if !loaded.is_empty() {
        return Ok(loaded);
    }
    Ok(BUILT_IN
        .iter()
        .map(|(code, name)| Department {
            code: code.to_string(),
            name: name.to_string(),
        })
        .collect())
}

/// The department with `code`, or an error listing none: the app shows the directory.
pub fn find(conn: &Connection, code: &str) -> Result<Department> {
    let code = code.trim();
    directory(conn)?
        .into_iter()
        .find(|d| d.code == code)
        .ok_or_else(|| {
            Error::invalid(
                "department",
                format!("{code:?} is not in the departments directory"),
            )
        })
}

/// Replaces the directory, after checking every entry. Cases already referred keep the code
/// they were referred with.
pub fn load(conn: &Connection, departments: &[Department]) -> Result<()> {
    let checked = check(departments)?;
    conn.execute("DELETE FROM departments", [])?;
    let mut insert = conn.prepare_cached("INSERT INTO departments (code, name) VALUES (?1, ?2)")?;
    for d in checked {
        insert.execute(params![d.code, d.name])?;
    }
    Ok(())
}

/// A directory as it would be loaded: not empty, every code 1 to 32 of `[a-z0-9_]` and used
/// once, every name one line. The centre checks with this before it publishes one.
pub fn check(departments: &[Department]) -> Result<Vec<Department>> {
    if departments.is_empty() {
        return Err(Error::invalid(
            "departments",
            "the directory must not be empty",
        ));
    }
    let mut seen = std::collections::HashSet::new();
    let mut checked = Vec::with_capacity(departments.len());
    for (i, d) in departments.iter().enumerate() {
        let code = d.code.trim();
        let valid = (1..=32).contains(&code.len())
            && code
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !valid {
            return Err(Error::invalid(
                format!("departments[{i}].code"),
                "is 1 to 32 lower-case letters, digits or _",
            ));
        }
        if !seen.insert(code) {
            return Err(Error::invalid(
                format!("departments[{i}].code"),
                format!("{code:?} appears twice"),
            ));
        }
        checked.push(Department {
            code: code.to_string(),
            name: one_line(&format!("departments[{i}].name"), &d.name, 64)?,
        });
    }
    Ok(checked)
}

/// A directory loaded on the device itself (the centre's arrive as its `DepartmentsPublished`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DepartmentsLoaded {
    pub departments: Vec<Department>,
}

impl EventBody for DepartmentsLoaded {
    const TOPICS: &'static [crate::events::Topic] = &[crate::events::Topic::Reference];
    const TYPE: &'static str = "DepartmentsLoaded";
    const VERSION: u32 = 1;

    fn project(&self, at: &Projection) -> Result<()> {
        load(at.conn, &self.departments)
    }
}
