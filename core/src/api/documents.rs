//! On-site documents (mediations, records) and notices: acts, words, renderings; money recovered.

use super::*;

#[cfg_attr(feature = "ffi", uniffi::export)]
impl FieldCore {
    /// Starts an on-site, phone or video mediation on an accepted complaint, with both
    /// parties' consent (Art. 18) and, on site, the notice given (Art. 20). The signed-in
    /// officer is a mediator; the case moves to mediating.
    pub fn start_mediation(&self, mediation: NewMediation) -> ApiResult<OnSiteDocument> {
        Ok(self.device().start_mediation(&mediation)?)
    }

    /// Opens an on-site record (现场笔录) or an interview record (询问笔录) on a case.
    pub fn open_record(&self, record: NewRecord) -> ApiResult<OnSiteDocument> {
        Ok(self.device().open_record(&record)?)
    }

    /// One act on a document — a participant, a note, the terms, a signature, the end … —
    /// checked against the document's rules and recorded where the officer stands.
    #[uniffi::method(default(place = None))]
    pub fn act_on_document(
        &self,
        document_id: String,
        act: DocumentAct,
        place: Option<GeoPosition>,
    ) -> ApiResult<OnSiteDocument> {
        Ok(self.device().act_on_document(&document_id, act, place)?)
    }

    pub fn get_document(&self, document_id: String) -> ApiResult<OnSiteDocument> {
        Ok(self.device().document(&document_id)?)
    }

    /// A case's mediations and records, oldest first.
    pub fn case_documents(&self, case_id: String) -> ApiResult<Vec<OnSiteDocument>> {
        Ok(self.device().case_documents(&case_id)?)
    }

    /// What a signer is shown, and the SHA-256 their signature is given for: show this text,
    /// then pass its hash with the strokes.
    pub fn document_text(&self, document_id: String) -> ApiResult<DocumentText> {
        Ok(self.device().document_text(&document_id)?)
    }

    /// The document as A4 HTML (signatures embedded) or plain text, for one party's copy.
    #[uniffi::method(default(copy = None))]
    pub fn render_document(
        &self,
        document_id: String,
        format: RenderFormat,
        copy: Option<CopyFor>,
    ) -> ApiResult<String> {
        Ok(self.device().render_document(&document_id, format, copy)?)
    }

    /// Issues the case's notice of `kind`: the 不予受理告知书 after a decline (its reasons and
    /// the Consumer Protection Law's Art. 39 ways), the 终止调解告知书 after a mediation ended
    /// (the ground and the parties' rights; it stops the 7-working-day clock).
    pub fn issue_notice(&self, case_id: String, kind: NoticeKind) -> ApiResult<CaseNotice> {
        Ok(self.device().issue_notice(&case_id, kind)?)
    }

    /// The notices a case was given, oldest first.
    pub fn case_notices(&self, case_id: String) -> ApiResult<Vec<CaseNotice>> {
        Ok(self.device().case_notices(&case_id)?)
    }

    /// The case's last notice of `kind`, as A4 HTML or plain text.
    pub fn render_notice(
        &self,
        case_id: String,
        kind: NoticeKind,
        format: RenderFormat,
    ) -> ApiResult<String> {
        Ok(self.device().render_notice(&case_id, kind, format)?)
    }

    /// 挽回经济损失 of a Beijing month (`YYYY-MM`): agreements concluded in it, per case and
    /// per officer.
    pub fn money_recovered(&self, month: String) -> ApiResult<MoneyRecovered> {
        Ok(self.device().money_recovered(&month)?)
    }
}
