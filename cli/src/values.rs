//! Flag values spelled as the core spells its enums (`as_str`, the JSON output's words), from
//! the core's own list of variants: a variant the core adds is a value the CLI takes, with no
//! list here to keep in step.

use std::ffi::OsStr;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use redshield_core::api::{
    AssentMethod, CaseKind, CaseState, Channel, ClockKind, CopyFor, DeclineReason, DemandKind,
    DispatchStep, DocumentKind, EndReason, EntryKind, EvidenceKind, MediationMode, NoticeKind,
    NoticeMethod, Outcome, ParticipantRole, PauseReason, ProofKind, Purpose, RenderFormat,
    RepresentativeAuthority, SatisfactionWord, TrackFormat,
};

/// A core enum that travels as text: its variants and each one's spelling.
pub trait Spelled: Copy + PartialEq + Send + Sync + 'static {
    fn variants() -> &'static [Self];
    fn spelling(self) -> &'static str;
}

macro_rules! spelled {
    ($($name:ty),+ $(,)?) => {$(
        impl Spelled for $name {
            fn variants() -> &'static [Self] {
                <$name>::ALL
            }

            fn spelling(self) -> &'static str {
                self.as_str()
            }
        }
    )+};
}

spelled!(
    AssentMethod,
    CaseKind,
    CaseState,
    Channel,
    ClockKind,
    CopyFor,
    DeclineReason,
    DemandKind,
    DispatchStep,
    DocumentKind,
    EndReason,
    EntryKind,
    EvidenceKind,
    MediationMode,
    NoticeKind,
    NoticeMethod,
    Outcome,
    ParticipantRole,
    PauseReason,
    ProofKind,
    Purpose,
    RenderFormat,
    RepresentativeAuthority,
    SatisfactionWord,
    TrackFormat,
);

/// The parser of a flag taking a core enum: every variant by default, or the ones a command
/// allows, with any alias or help a command adds. Help and errors list the spellings.
#[derive(Clone)]
pub struct CoreValues<T> {
    choices: Vec<(T, PossibleValue)>,
}

/// Every variant of `T`.
pub fn every<T: Spelled>() -> CoreValues<T> {
    only(T::variants())
}

/// The variants `allowed`, in the core's order.
pub fn only<T: Spelled>(allowed: &[T]) -> CoreValues<T> {
    let choices = T::variants()
        .iter()
        .filter(|v| allowed.contains(v))
        .map(|&v| (v, PossibleValue::new(v.spelling())))
        .collect();
    CoreValues { choices }
}

impl<T: Spelled> CoreValues<T> {
    /// Every variant but `left_out`.
    pub fn except(mut self, left_out: &[T]) -> CoreValues<T> {
        self.choices.retain(|(v, _)| !left_out.contains(v));
        self
    }

    /// Another spelling `value` is taken under (not shown in help).
    pub fn alias(self, value: T, alias: &'static str) -> CoreValues<T> {
        self.change(value, |p| p.alias(alias))
    }

    /// What `value` means, for `--help`.
    pub fn help(self, value: T, help: &'static str) -> CoreValues<T> {
        self.change(value, |p| p.help(help))
    }

    fn change(
        mut self,
        value: T,
        change: impl Fn(PossibleValue) -> PossibleValue,
    ) -> CoreValues<T> {
        for (v, possible) in &mut self.choices {
            if *v == value {
                *possible = change(possible.clone());
            }
        }
        self
    }
}

impl<T: Spelled> TypedValueParser for CoreValues<T> {
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<T, clap::Error> {
        let possible = self.choices.iter().map(|(_, p)| p.clone());
        let text = PossibleValuesParser::new(possible).parse_ref(cmd, arg, value)?;
        let chosen = self.choices.iter().find(|(_, p)| p.matches(&text, false));
        Ok(chosen
            .map(|(v, _)| *v)
            .expect("the parser took only a listed value"))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(self.choices.iter().map(|(_, p)| p.clone())))
    }
}
