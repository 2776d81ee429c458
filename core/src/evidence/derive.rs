//! Copies made from an original photo: an upright display copy (long edge ≤ 2048 px, JPEG
//! quality 80, no metadata at all — so no GPS) and a thumbnail (long edge ≤ 320 px) made from
//! it. The photo is decoded once; a JPEG much larger than the display size is decoded straight
//! at 1/2, 1/4 or 1/8 scale (DCT scaling), which is most of the speed and memory saved, and a
//! PNG is reduced row by row as it is read, so neither is ever held whole at full size.
//!
//! A picture that decodes only in part still gets copies of what decodes (a damaged JPEG as
//! image viewers show it, `jpeg_repair`); one that does not decode at all, or would not fit the
//! decoding budget, gets none, and says why. The original is kept either way.

use std::fs::File;
use std::io::{BufReader, Cursor};
use std::path::Path;

use image::imageops::{self, FilterType};
use image::{Rgb, RgbImage};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::evidence::caption;
use crate::evidence::jpeg_repair::{self, JpegSource};
use crate::evidence::media::{MediaType, Probe};

pub const DISPLAY_LONG_EDGE: u32 = 2048;
pub const THUMBNAIL_LONG_EDGE: u32 = 320;
pub const QUALITY: u8 = 80;
/// A picture is decoded at the smallest scale whose long edge is still at least this: large
/// enough to look like the photo, small enough to skip most of the decoding.
const MIN_DECODED_LONG_EDGE: u32 = 1536;
/// What one decode may hold at once — the rows or frame it reads and the reduced picture —
/// whatever the file's bit depth and channels, so that intake stays within its 150 MB on a
/// phone (a 7000 × 7000 16-bit RGBA PNG is 392 MB decoded whole).
pub const DECODE_BUDGET_BYTES: u64 = 64 << 20;

/// How a derived copy was made, and what it is: recorded with the evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Derived {
    pub sha256: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    /// JPEG quality it was encoded at.
    pub quality: u8,
    /// The long edge it was made to fit.
    pub max_long_edge: u32,
    /// The caption burned into it, line by line (display copy only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ffi", uniffi(default))]
    pub caption: Vec<String>,
}

/// An encoded copy, before it is stored.
pub struct Copy {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

pub struct Copies {
    pub display: Copy,
    pub thumbnail: Copy,
    /// What the decoder could not read: the copies show what decoded, the rest grey.
    pub damage: Option<String>,
}

/// Why a picture has no copies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoCopies {
    pub reason: String,
    /// Nothing of the pixels could be read (against: not decoded here, or over the budget).
    pub unreadable: bool,
}

impl NoCopies {
    fn unreadable(reason: String) -> NoCopies {
        NoCopies {
            reason,
            unreadable: true,
        }
    }

    fn refused(reason: String) -> NoCopies {
        NoCopies {
            reason,
            unreadable: false,
        }
    }
}

/// The copies, or why there are none. `Err` is left for what is not the picture's fault (the
/// stored file cannot be opened, the encoder fails).
pub enum Derivation {
    Made(Copies),
    NotMade(NoCopies),
}

/// Decoded pixels, and what was damaged in them.
struct Decoded {
    image: RgbImage,
    damage: Option<String>,
}

type Decode = std::result::Result<Decoded, NoCopies>;

/// Decodes the picture at `path` once and makes both copies; `caption` lines are burned into
/// the display copy only (after the thumbnail is taken from it).
pub fn copies(
    path: &Path,
    probe: &Probe,
    orientation: u16,
    caption: &[String],
) -> Result<Derivation> {
    let decoded = match decode(path, probe)? {
        Ok(decoded) => decoded,
        Err(none) => return Ok(Derivation::NotMade(none)),
    };
    let display = upright(fit(decoded.image, DISPLAY_LONG_EDGE), orientation);
    let thumbnail = fit(display.clone(), THUMBNAIL_LONG_EDGE);
    let mut display = display;
    if !caption.is_empty() {
        caption::burn(&mut display, caption);
    }
    Ok(Derivation::Made(Copies {
        display: encode(&display)?,
        thumbnail: encode(&thumbnail)?,
        damage: decoded.damage,
    }))
}

fn decode(path: &Path, probe: &Probe) -> Result<Decode> {
    if let Some(problem) = &probe.header_problem {
        return Ok(Err(NoCopies::unreadable(problem.clone())));
    }
    match probe.media_type {
        MediaType::Jpeg => decode_jpeg(path, probe),
        MediaType::Png => decode_png(path, probe),
        MediaType::Heic => Ok(Err(NoCopies::refused(
            "a HEIC is not decoded here: the app passes a JPEG rendition of it \
             (`rendition`), from which the copies are made"
                .into(),
        ))),
        other => Ok(Err(NoCopies::refused(format!(
            "{other} is kept as recorded; it has no copies"
        )))),
    }
}

/// Decodes the JPEG as it is; if that fails, again from its bytes repaired as image viewers
/// read them, the damage recorded.
fn decode_jpeg(path: &Path, probe: &Probe) -> Result<Decode> {
    let file = File::open(path).map_err(|e| Error::file(path, e))?;
    let first = match jpeg_pixels(JpegSource::File(BufReader::new(file)), probe) {
        Ok(image) => {
            return Ok(Ok(Decoded {
                image,
                damage: None,
            }));
        }
        Err(JpegFailure::Unsupported(reason)) => return Ok(Err(NoCopies::refused(reason))),
        Err(JpegFailure::Damaged(e)) => e,
    };
    let bytes = std::fs::read(path).map_err(|e| Error::file(path, e))?;
    let repaired = jpeg_repair::repaired(&bytes);
    drop(bytes);
    Ok(
        match jpeg_pixels(JpegSource::Bytes(Cursor::new(repaired)), probe) {
            Ok(image) => Ok(Decoded {
                image,
                damage: Some(format!(
                    "the JPEG is damaged ({first}); the copies show what decodes, the rest grey"
                )),
            }),
            Err(_) => Err(NoCopies::unreadable(format!(
                "the JPEG cannot be decoded (damaged or cut short): {first}"
            ))),
        },
    )
}

enum JpegFailure {
    Damaged(jpeg_decoder::Error),
    Unsupported(String),
}

fn jpeg_pixels(reader: JpegSource, probe: &Probe) -> std::result::Result<RgbImage, JpegFailure> {
    let mut decoder = jpeg_decoder::Decoder::new(reader);
    let denominator = [8, 4, 2]
        .into_iter()
        .find(|d| probe.width.max(probe.height) / d >= MIN_DECODED_LONG_EDGE)
        .unwrap_or(1);
    let (width, height) = decoder
        .scale(
            probe.width.div_ceil(denominator) as u16,
            probe.height.div_ceil(denominator) as u16,
        )
        .map_err(JpegFailure::Damaged)?;
    let pixels = decoder.decode().map_err(JpegFailure::Damaged)?;
    let info = decoder
        .info()
        .ok_or_else(|| JpegFailure::Unsupported("the JPEG has no frame header".into()))?;
    let (width, height) = (u32::from(width), u32::from(height));
    let rgb = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => pixels,
        jpeg_decoder::PixelFormat::L8 => pixels.iter().flat_map(|&l| [l, l, l]).collect(),
        other => {
            return Err(JpegFailure::Unsupported(format!(
                "{other:?} JPEGs are not converted: the original is kept, without copies"
            )));
        }
    };
    RgbImage::from_raw(width, height, rgb).ok_or_else(|| {
        JpegFailure::Unsupported("the JPEG decoded to fewer pixels than it states".into())
    })
}

/// Reads the PNG row by row, reducing as it goes (`Shrink`), 16-bit samples cut to 8 and
/// palettes expanded by the decoder: memory is a row and the reduced picture, never the
/// whole picture decoded. Only an interlaced PNG must be decoded whole (its rows arrive in
/// seven passes), and only within the budget. A PNG cut short or damaged part-way keeps the
/// rows read before.
fn decode_png(path: &Path, probe: &Probe) -> Result<Decode> {
    let file = File::open(path).map_err(|e| Error::file(path, e))?;
    let mut decoder = png::Decoder::new(BufReader::new(file));
    decoder.set_limits(png::Limits {
        bytes: DECODE_BUDGET_BYTES as usize,
    });
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = match decoder.read_info() {
        Ok(reader) => reader,
        Err(e) => return Ok(Err(png_unreadable(&e))),
    };
    let (width, height) = (probe.width, probe.height);
    let channels = reader.output_color_type().0.samples();
    let line = reader.output_line_size(width).unwrap_or(usize::MAX) as u64;
    let factor = (width.max(height) / MIN_DECODED_LONG_EDGE).max(1);
    let interlaced = reader.info().interlaced;
    let whole = if interlaced {
        line.saturating_mul(u64::from(height))
    } else {
        line
    };
    let needed = whole.saturating_add(Shrink::bytes(width, height, factor));
    if needed > DECODE_BUDGET_BYTES {
        return Ok(Err(NoCopies::refused(format!(
            "decoding this {width} × {height} px PNG{} needs {} MB at once, over the {} MB \
             budget: no copies are made (the original is kept)",
            if interlaced { " (interlaced)" } else { "" },
            needed.div_ceil(1 << 20),
            DECODE_BUDGET_BYTES >> 20
        ))));
    }
    let mut shrink = Shrink::new(width, height, factor, channels);
    let read = if interlaced {
        let mut frame = vec![0u8; whole as usize];
        reader.next_frame(&mut frame).map(|_| {
            frame
                .chunks_exact(line as usize)
                .for_each(|row| shrink.push(row));
        })
    } else {
        rows(&mut reader, &mut shrink)
    };
    Ok(match read {
        Ok(()) => Ok(Decoded {
            image: shrink.finish(),
            damage: None,
        }),
        Err(e) if shrink.rows_seen > 0 => Ok(Decoded {
            damage: Some(format!(
                "the PNG is damaged ({e}) after {} of {height} rows; the copies show those, \
                 the rest grey",
                shrink.rows_seen
            )),
            image: shrink.finish(),
        }),
        Err(e) => Err(png_unreadable(&e)),
    })
}

fn rows<R: std::io::BufRead + std::io::Seek>(
    reader: &mut png::Reader<R>,
    shrink: &mut Shrink,
) -> std::result::Result<(), png::DecodingError> {
    while let Some(row) = reader.next_row()? {
        shrink.push(row.data());
    }
    Ok(())
}

fn png_unreadable(e: &png::DecodingError) -> NoCopies {
    NoCopies::unreadable(format!(
        "the PNG cannot be decoded (damaged or cut short?): {e}"
    ))
}

/// Reduces a picture by a whole factor as its rows arrive, each output pixel the mean of a
/// `factor` × `factor` block (a box filter; the display copy is fitted from it afterwards).
/// Holds one row of sums and the reduced picture. Rows that never arrive stay grey.
struct Shrink {
    width: u32,
    height: u32,
    factor: u32,
    channels: usize,
    sums: Vec<u32>,
    rows_in_band: u32,
    rows_seen: u32,
    out: RgbImage,
}

impl Shrink {
    fn new(width: u32, height: u32, factor: u32, channels: usize) -> Shrink {
        let (w, h) = (width.div_ceil(factor), height.div_ceil(factor));
        Shrink {
            width,
            height,
            factor,
            channels,
            sums: vec![0; w as usize * 3],
            rows_in_band: 0,
            rows_seen: 0,
            out: RgbImage::from_pixel(w, h, Rgb([128, 128, 128])),
        }
    }

    /// What `new` allocates: the reduced picture and a row of sums.
    fn bytes(width: u32, height: u32, factor: u32) -> u64 {
        let (w, h) = (
            u64::from(width.div_ceil(factor)),
            u64::from(height.div_ceil(factor)),
        );
        w * h * 3 + w * 3 * 4
    }

    /// One row of 8-bit samples: grey, grey and alpha, RGB or RGBA (alpha is dropped).
    fn push(&mut self, row: &[u8]) {
        if self.rows_seen >= self.height {
            return;
        }
        let k = self.factor as usize;
        for (x, pixel) in row
            .chunks_exact(self.channels)
            .enumerate()
            .take(self.width as usize)
        {
            let rgb = if self.channels < 3 {
                [pixel[0]; 3]
            } else {
                [pixel[0], pixel[1], pixel[2]]
            };
            let sum = &mut self.sums[x / k * 3..x / k * 3 + 3];
            for (s, v) in sum.iter_mut().zip(rgb) {
                *s += u32::from(v);
            }
        }
        self.rows_seen += 1;
        self.rows_in_band += 1;
        if self.rows_in_band == self.factor || self.rows_seen == self.height {
            self.flush();
        }
    }

    /// Writes the band's means into the reduced picture's row and clears the sums.
    fn flush(&mut self) {
        let y = (self.rows_seen - 1) / self.factor;
        for (ox, sum) in self.sums.chunks_exact_mut(3).enumerate() {
            let cols = self.factor.min(self.width - ox as u32 * self.factor);
            let count = cols * self.rows_in_band;
            let mean = |s: u32| ((s + count / 2) / count) as u8;
            self.out.put_pixel(
                ox as u32,
                y,
                Rgb([mean(sum[0]), mean(sum[1]), mean(sum[2])]),
            );
            sum.fill(0);
        }
        self.rows_in_band = 0;
    }

    fn finish(mut self) -> RgbImage {
        if self.rows_in_band > 0 {
            self.flush();
        }
        self.out
    }
}

/// Scaled down, if needed, so the long edge is at most `long_edge`.
fn fit(image: RgbImage, long_edge: u32) -> RgbImage {
    let (w, h) = image.dimensions();
    let long = w.max(h);
    if long <= long_edge {
        return image;
    }
    let scale = |side: u32| {
        ((u64::from(side) * u64::from(long_edge)).div_ceil(u64::from(long)) as u32).max(1)
    };
    imageops::resize(
        &image,
        scale(w).min(long_edge),
        scale(h).min(long_edge),
        FilterType::Triangle,
    )
}

/// Applies the EXIF orientation, so the copy shows the scene as the officer saw it.
fn upright(image: RgbImage, orientation: u16) -> RgbImage {
    match orientation {
        2 => imageops::flip_horizontal(&image),
        3 => imageops::rotate180(&image),
        4 => imageops::flip_vertical(&image),
        5 => imageops::flip_horizontal(&imageops::rotate90(&image)),
        6 => imageops::rotate90(&image),
        7 => imageops::flip_horizontal(&imageops::rotate270(&image)),
        8 => imageops::rotate270(&image),
        _ => image,
    }
}

/// Baseline JPEG with a JFIF header only: no EXIF, no GPS, nothing of the original's metadata.
fn encode(image: &RgbImage) -> Result<Copy> {
    let (width, height) = image.dimensions();
    let mut jpeg = Vec::with_capacity((width * height / 4) as usize);
    jpeg_encoder::Encoder::new(&mut jpeg, QUALITY)
        .encode(
            image.as_raw(),
            width as u16,
            height as u16,
            jpeg_encoder::ColorType::Rgb,
        )
        .map_err(|e| Error::Encoding(format!("JPEG: {e}")))?;
    Ok(Copy {
        jpeg,
        width,
        height,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shrinking_averages_blocks_and_keeps_edges() {
        // 5 × 3 grey rows by 2: blocks of 2 × 2, the last column and row narrower.
        let mut shrink = Shrink::new(5, 3, 2, 1);
        shrink.push(&[0, 100, 200, 200, 50]);
        shrink.push(&[100, 200, 0, 0, 150]);
        shrink.push(&[10, 10, 20, 20, 30]);
        let out = shrink.finish();
        assert_eq!(out.dimensions(), (3, 2));
        let row = |y| (0..3).map(|x| out.get_pixel(x, y)[0]).collect::<Vec<_>>();
        assert_eq!(row(0), [100, 100, 100]);
        assert_eq!(row(1), [10, 20, 30]);
    }

    #[test]
    fn rows_that_never_arrive_stay_grey() {
        let mut shrink = Shrink::new(4, 4, 1, 4);
        shrink.push(&[255, 0, 0, 255].repeat(4));
        assert_eq!(shrink.rows_seen, 1);
        let out = shrink.finish();
        assert_eq!(out.get_pixel(0, 0), &Rgb([255, 0, 0]));
        assert_eq!(out.get_pixel(3, 3), &Rgb([128, 128, 128]));
    }

    #[test]
    fn fitting_keeps_the_aspect_and_never_enlarges() {
        let image = RgbImage::new(4000, 3000);
        assert_eq!(fit(image, 2048).dimensions(), (2048, 1536));
        assert_eq!(fit(RgbImage::new(100, 50), 320).dimensions(), (100, 50));
        assert_eq!(fit(RgbImage::new(5000, 3), 320).dimensions(), (320, 1));
    }
}
