//! Screen models: what each screen of the officers' app shows and allows, decided here once
//! for Android and iOS, which only draw them and send the officer's acts back through the
//! facade. The wording is Chinese, every time is Beijing time whatever the phone's zone, and
//! urgency is decided here, never by a colour rule in an app.

pub mod case_detail;
pub mod case_list;
pub mod deadlines;
pub mod dispatch;
pub mod form;
pub mod intake;
pub mod settings;
pub mod sign_in;
pub mod today;
pub mod trip;
pub mod words;

pub use case_detail::{CaseAction, CaseDetail, EvidenceThumb, HistoryLine, KeyValue};
pub use case_list::{CaseListScreen, CaseRow};
pub use deadlines::{ClockLine, DispatchAction, DispatchCard, Urgency};
pub use dispatch::{DispatchScreen, TimelineStep};
pub use form::{Choice, FormField};
pub use intake::{FormSection, IntakeForm, PlaceHint};
pub use settings::{SettingsScreen, StatusLine};
pub use sign_in::{RosterChoice, SignInScreen};
pub use today::{RunningTrip, StateCount, SyncLine, TodayScreen};
pub use trip::{MileageLine, MonthFigures, TripLive, TripScreen};
