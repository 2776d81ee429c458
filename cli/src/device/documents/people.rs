//! The people a document names, as the flags give them: "NAME", "NAME:TITLE",
//! "NAME:ENFORCEMENT_ID" (a full-width colon too).

use redshield_core::api::{NewParticipant, ParticipantRole};

use crate::failure::Failure;

/// "NAME" or "NAME:MORE" (a full-width colon too).
fn split(spec: &str) -> (&str, Option<&str>) {
    match spec.split_once([':', '：']) {
        Some((name, more)) => (name, Some(more)),
        None => (spec, None),
    }
}

/// "NAME" or "NAME:TITLE".
pub fn person(role: ParticipantRole, spec: &str) -> NewParticipant {
    let (name, title) = split(spec);
    NewParticipant {
        role,
        name: name.into(),
        title: title.map(Into::into),
        enforcement_id: None,
        authority: None,
    }
}

/// Each "NAME:ENFORCEMENT_ID".
pub fn officers(specs: &[String]) -> Result<Vec<NewParticipant>, Failure> {
    specs
        .iter()
        .map(|spec| match split(spec) {
            (name, Some(id)) => Ok(NewParticipant {
                role: ParticipantRole::Officer,
                name: name.into(),
                title: None,
                enforcement_id: Some(id.into()),
                authority: None,
            }),
            (_, None) => Err(Failure::invalid(
                "officer",
                format!("{spec:?}: an officer is \"NAME:ENFORCEMENT_ID\""),
            )),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_are_name_and_title_or_id() {
        let p = person(ParticipantRole::MerchantRepresentative, "赵强：店长");
        assert_eq!(
            (p.name.as_str(), p.title.as_deref()),
            ("赵强", Some("店长"))
        );
        assert_eq!(person(ParticipantRole::Consumer, "王芳").title, None);
        let o = officers(&["张伟:HN-12315-0077".into()]).ok();
        let id = o.as_ref().and_then(|o| o[0].enforcement_id.as_deref());
        assert_eq!(id, Some("HN-12315-0077"));
        assert!(officers(&["张伟".into()]).is_err());
    }
}
