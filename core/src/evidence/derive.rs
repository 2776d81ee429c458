//! Copies made from an original photo: an upright display copy (long edge ≤ 2048 px, JPEG
//! quality 80, no metadata at all — so no GPS) and a thumbnail (long edge ≤ 320 px) made from
//! it. The photo is decoded once; a JPEG much larger than the display size is decoded straight
//! at 1/2, 1/4 or 1/8 scale (DCT scaling), which is most of the speed and memory saved.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use image::imageops::{self, FilterType};
use image::{ImageReader, Limits, RgbImage};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::evidence::caption;
use crate::evidence::media::{MediaType, Probe};

pub const DISPLAY_LONG_EDGE: u32 = 2048;
pub const THUMBNAIL_LONG_EDGE: u32 = 320;
pub const QUALITY: u8 = 80;
/// A JPEG is decoded at the smallest scale whose long edge is still at least this: large
/// enough to look like the photo, small enough to skip most of the decoding.
const MIN_DECODED_LONG_EDGE: u32 = 1536;

/// How a derived copy was made, and what it is: recorded with the evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, uniffi::Record)]
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
    #[uniffi(default)]
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
}

/// Decodes the photo at `path` once and makes both copies; `caption` lines are burned into the
/// display copy only (after the thumbnail is taken from it).
pub fn copies(path: &Path, probe: &Probe, orientation: u16, caption: &[String]) -> Result<Copies> {
    let decoded = match probe.media_type {
        MediaType::Jpeg => decode_jpeg(path, probe)?,
        MediaType::Png => decode_png(path, probe)?,
        other => {
            return Err(Error::invalid(
                "file",
                format!("{other} is kept as recorded; it has no copies"),
            ));
        }
    };
    let display = upright(fit(decoded, DISPLAY_LONG_EDGE), orientation);
    let thumbnail = fit(display.clone(), THUMBNAIL_LONG_EDGE);
    let mut display = display;
    if !caption.is_empty() {
        caption::burn(&mut display, caption);
    }
    Ok(Copies {
        display: encode(&display)?,
        thumbnail: encode(&thumbnail)?,
    })
}

fn decode_jpeg(path: &Path, probe: &Probe) -> Result<RgbImage> {
    let file = File::open(path).map_err(|e| Error::file(path, e))?;
    let mut decoder = jpeg_decoder::Decoder::new(BufReader::new(file));
    let denominator = [8, 4, 2]
        .into_iter()
        .find(|d| probe.width.max(probe.height) / d >= MIN_DECODED_LONG_EDGE)
        .unwrap_or(1);
    let (width, height) = decoder
        .scale(
            probe.width.div_ceil(denominator) as u16,
            probe.height.div_ceil(denominator) as u16,
        )
        .map_err(damaged)?;
    let pixels = decoder.decode().map_err(damaged)?;
    let info = decoder
        .info()
        .ok_or_else(|| Error::invalid("file", "the JPEG has no frame header"))?;
    let (width, height) = (u32::from(width), u32::from(height));
    let rgb = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => pixels,
        jpeg_decoder::PixelFormat::L8 => pixels.iter().flat_map(|&l| [l, l, l]).collect(),
        other => {
            return Err(Error::invalid(
                "file",
                format!("{other:?} JPEGs are not supported: capture a colour (RGB) JPEG"),
            ));
        }
    };
    RgbImage::from_raw(width, height, rgb)
        .ok_or_else(|| Error::invalid("file", "the JPEG decoded to fewer pixels than it states"))
}

fn damaged(e: jpeg_decoder::Error) -> Error {
    Error::invalid(
        "file",
        format!("the JPEG cannot be decoded (damaged or cut short?): {e}"),
    )
}

fn decode_png(path: &Path, probe: &Probe) -> Result<RgbImage> {
    let file = File::open(path).map_err(|e| Error::file(path, e))?;
    let mut reader = ImageReader::with_format(BufReader::new(file), image::ImageFormat::Png);
    let mut limits = Limits::default();
    limits.max_image_width = Some(probe.width);
    limits.max_image_height = Some(probe.height);
    reader.limits(limits);
    let image = reader.decode().map_err(|e| {
        Error::invalid(
            "file",
            format!("the PNG cannot be decoded (damaged or cut short?): {e}"),
        )
    })?;
    Ok(image.into_rgb8())
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
    fn fitting_keeps_the_aspect_and_never_enlarges() {
        let image = RgbImage::new(4000, 3000);
        assert_eq!(fit(image, 2048).dimensions(), (2048, 1536));
        assert_eq!(fit(RgbImage::new(100, 50), 320).dimensions(), (100, 50));
        assert_eq!(fit(RgbImage::new(5000, 3), 320).dimensions(), (320, 1));
    }
}
