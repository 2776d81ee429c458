//! The on-site documents on a device: mediations and records, their acts, their renderings,
//! and the month's money recovered.

use crate::documents::model::{
    CopyFor, DocumentText, MoneyRecovered, NewMediation, NewRecord, OnSiteDocument, RenderFormat,
};
use crate::documents::notice::{self, CaseNotice, NoticeKind};
use crate::documents::render::{self, Images};
use crate::documents::view::{self, Readable};
use crate::documents::{self, DocumentAct, projection};
use crate::error::Result;
use crate::position::GeoPosition;
use crate::statistics::recovered;

use super::Device;

impl Device {
    /// Starts a mediation on an accepted complaint; the case moves to mediating.
    pub fn start_mediation(&mut self, new: &NewMediation) -> Result<OnSiteDocument> {
        let place = new.position.map(|p| p.to_point("position")).transpose()?;
        let id = self.write(|w| {
            w.position = place;
            documents::start_mediation(w, new)
        })?;
        self.document(&id.to_string())
    }

    /// Opens a 现场笔录 or 询问笔录 on a case.
    pub fn open_record(&mut self, new: &NewRecord) -> Result<OnSiteDocument> {
        let place = new.position.map(|p| p.to_point("position")).transpose()?;
        let id = self.write(|w| {
            w.position = place;
            documents::open_record(w, new)
        })?;
        self.document(&id.to_string())
    }

    /// Does one act on a document, where the officer stands.
    pub fn act_on_document(
        &mut self,
        id: &str,
        act: DocumentAct,
        place: Option<GeoPosition>,
    ) -> Result<OnSiteDocument> {
        let place = place.map(|p| p.to_point("place")).transpose()?;
        let (blobs, calendar) = (self.blobs(), self.calendar()?);
        self.write(|w| {
            w.position = place;
            documents::act(w, id, act, &blobs, &calendar).map(drop)
        })?;
        self.document(id)
    }

    pub fn document(&self, id: &str) -> Result<OnSiteDocument> {
        Ok(self.readable(id)?.doc)
    }

    /// A case's documents, oldest first.
    pub fn case_documents(&self, case: &str) -> Result<Vec<OnSiteDocument>> {
        let case_id = crate::cases::id_of(&self.store.conn, case)?;
        projection::of_case(&self.store.conn, &case_id.to_string())?
            .into_iter()
            .map(|s| Ok(view::read(&self.store.conn, s)?.doc))
            .collect()
    }

    /// The text a signer is shown, and the SHA-256 a signature must be given for.
    pub fn document_text(&self, id: &str) -> Result<DocumentText> {
        let r = self.readable(id)?;
        Ok(DocumentText {
            text: r.text,
            sha256: r.sha256.to_hex(),
        })
    }

    /// The document for print (HTML, signatures embedded) or as plain text, for one copy.
    pub fn render_document(
        &self,
        id: &str,
        format: RenderFormat,
        copy: Option<CopyFor>,
    ) -> Result<String> {
        let r = self.readable(id)?;
        Ok(match format {
            RenderFormat::Text => render::plain(&r, copy),
            RenderFormat::Html => render::html(&r, copy, &self.signature_images(&r)?),
        })
    }

    /// Issues the case's notice of `kind` (不予受理告知书, 终止调解告知书): its words made now and
    /// frozen in a signed event. An end notice stops the end-notice clock.
    pub fn issue_notice(&mut self, case: &str, kind: NoticeKind) -> Result<CaseNotice> {
        let case_id = crate::cases::id_of(&self.store.conn, case)?;
        self.write(|w| notice::issue(w, case_id, kind))?;
        Ok(notice::read(&self.store.conn, &case_id.to_string(), kind)?.notice)
    }

    /// The notices a case was given, oldest first.
    pub fn case_notices(&self, case: &str) -> Result<Vec<CaseNotice>> {
        notice::of_case(&self.store.conn, case)
    }

    /// The case's last notice of `kind` for print (HTML) or as plain text.
    pub fn render_notice(
        &self,
        case: &str,
        kind: NoticeKind,
        format: RenderFormat,
    ) -> Result<String> {
        let read = notice::read(&self.store.conn, case, kind)?;
        Ok(render::notice(&read, format))
    }

    /// 挽回经济损失 of a Beijing month (`YYYY-MM`).
    pub fn money_recovered(&self, month: &str) -> Result<MoneyRecovered> {
        recovered::month(&self.store.conn, month)
    }

    fn readable(&self, id: &str) -> Result<Readable> {
        let state = projection::get(&self.store.conn, id.trim())?;
        view::read(&self.store.conn, state)
    }

    fn signature_images(&self, r: &Readable) -> Result<Images> {
        let blobs = self.blobs();
        let mut images = Images::new();
        for s in r
            .state
            .signatures
            .iter()
            .filter(|s| s.text_sha256 == r.sha256)
        {
            let path = blobs.path(&s.image_sha256);
            let png = std::fs::read(&path).map_err(|e| crate::Error::file(&path, e))?;
            images.insert(s.image_sha256.to_hex(), png);
        }
        Ok(images)
    }
}
