//! Captions burnt into the display copy of an evidence photo, like the watermark cameras officers
//! already use: case number, trusted time and coordinates in white on a dark band, bottom left.
//!
//! Only the display copy is drawn on; the original photo is never touched. The image given is
//! already decoded and upright, so "bottom left" is what the reader sees.
//!
//! The font is `font8x8`'s public-domain 8×8 Basic Latin set (`legacy::BASIC_LEGACY`, which needs
//! none of the crate's features), scaled by a whole number so the pixels stay crisp. Only printable
//! ASCII is drawn; anything else shows as `?`. Case numbers, times and coordinates are ASCII, and a
//! Chinese place name would need a CJK font of several megabytes.

use std::ops::Range;

use font8x8::legacy::BASIC_LEGACY;
use image::RgbImage;

/// Font pixels in a glyph cell, each way.
const GLYPH: u32 = 8;
/// Font pixels between two lines: the font's descenders touch the cell's bottom row.
const LEADING: u32 = 2;
/// Font pixels the band reaches beyond the text on every side, so no stroke sits on its edge.
const PAD: u32 = 4;
/// Font pixels between the text and the image's left and bottom edges: one glyph.
const MARGIN: u32 = GLYPH;
/// Glyph height as a share of the image's long edge, in thousandths (2.5 %).
const HEIGHT_PER_MILLE: u64 = 25;
/// What the band keeps of the photo underneath, as a fraction: 2/5, dark enough for white text
/// on snow or sky, light enough that the scene still shows through.
const BAND_KEEP: (u16, u16) = (2, 5);
/// Bytes per pixel of an `RgbImage`.
const CHANNELS: usize = 3;

/// Draws `lines` into the bottom-left of `image` on a dark translucent band, white text, scaled to
/// the image.
///
/// Lines are in reading order: `lines[0]` is the top line and the last line sits one glyph above
/// the bottom edge. Each character takes one glyph cell; characters outside printable ASCII
/// (`' '..='~'`) are drawn as `?`. Glyphs are about 2.5 % of the long edge tall (at least 8 px),
/// shrunk if need be so that every line fits the image's height; what still does not fit, lines
/// wider than the image or more lines than a tiny image can hold, is clipped. Any size of image,
/// 0×0 included, and any number of lines are accepted without panicking.
///
/// Only the band's pixels are read and written, so the cost follows the caption, not the photo.
/// The arithmetic is integer-only: the same input always gives the same pixels.
pub fn burn(image: &mut RgbImage, lines: &[String]) {
    let widest = lines
        .iter()
        .map(|line| line.chars().count())
        .max()
        .unwrap_or(0);
    if widest == 0 {
        // Nothing to read: leave the photo as it was rather than draw an empty band.
        return;
    }
    let (width, height) = image.dimensions();
    let scale = scale_for(width, height, lines.len());
    let cell = i64::from(GLYPH * scale);
    let pitch = i64::from((GLYPH + LEADING) * scale);
    let pad = i64::from(PAD * scale);
    let margin = i64::from(MARGIN * scale);

    // The text block, in image coordinates; i64 because its top may lie above the image and
    // a long line's right end far beyond it.
    let n = lines.len() as i64;
    let left = margin;
    let bottom = i64::from(height) - margin;
    let top = bottom - (n * pitch - i64::from(LEADING * scale));
    let right = left + (widest as i64).saturating_mul(cell);

    let mut canvas = Canvas::new(image);
    canvas.darken(
        left - pad,
        top - pad,
        right.saturating_add(pad),
        bottom + pad,
    );
    for (row, line) in lines.iter().enumerate() {
        let y = top + row as i64 * pitch;
        for (column, c) in line.chars().enumerate() {
            let x = left + column as i64 * cell;
            if x >= i64::from(width) {
                // The rest of the line is off the image; don't walk a long string for nothing.
                break;
            }
            canvas.glyph(x, y, scale, glyph_for(c));
        }
    }
}

/// The whole-number factor for the 8×8 font: glyphs about 2.5 % of the long edge tall, but no
/// taller than lets `line_count` lines, their band and the margin fit the height; at least 1.
fn scale_for(width: u32, height: u32, line_count: usize) -> u32 {
    let long_edge = u64::from(width.max(height));
    // Rounded to the nearest whole factor: 2048 px gives 51.2 px, so 6× (48 px).
    let wanted =
        (long_edge * HEIGHT_PER_MILLE + 500 * u64::from(GLYPH)) / (1000 * u64::from(GLYPH));
    // A wide panorama's long edge would ask for more text than its height holds.
    let lines = u64::try_from(line_count).unwrap_or(u64::MAX);
    let units = lines
        .saturating_mul(u64::from(GLYPH + LEADING))
        .saturating_add(u64::from(MARGIN + PAD));
    let fits = u64::from(height) / units;
    let scale = wanted.min(fits).max(1);
    // Bounded by the long edge / 320, so it always fits a u32.
    u32::try_from(scale).unwrap_or(1)
}

/// The font's 8 rows for `c`, least significant bit leftmost; `?` for anything but printable ASCII.
fn glyph_for(c: char) -> &'static [u8; 8] {
    let c = if matches!(c, ' '..='~') { c } else { '?' };
    &BASIC_LEGACY[c as usize]
}

/// The image's raw RGB bytes with clipped drawing on rectangles.
struct Canvas<'a> {
    bytes: &'a mut [u8],
    width: i64,
    height: i64,
}

impl<'a> Canvas<'a> {
    /// Borrows the image's bytes, row-major, three per pixel.
    fn new(image: &'a mut RgbImage) -> Self {
        let (width, height) = image.dimensions();
        Canvas {
            bytes: image,
            width: i64::from(width),
            height: i64::from(height),
        }
    }

    /// The rectangle `[x0, x1) × [y0, y1)` clipped to the image, as the pixel rows it covers and
    /// the byte span it takes in each; empty ranges if it lies wholly outside.
    fn clip(&self, x0: i64, y0: i64, x1: i64, y1: i64) -> (Range<usize>, Range<usize>) {
        // Clamped to the image, so every value is a valid, non-negative index.
        let (x0, x1) = (x0.clamp(0, self.width), x1.clamp(0, self.width));
        let (y0, y1) = (y0.clamp(0, self.height), y1.clamp(0, self.height));
        let span = x0 as usize * CHANNELS..x1.max(x0) as usize * CHANNELS;
        (y0 as usize..y1.max(y0) as usize, span)
    }

    /// The bytes of `span` in pixel row `y`.
    fn row_mut(&mut self, y: usize, span: &Range<usize>) -> &mut [u8] {
        let start = y * self.width as usize * CHANNELS;
        &mut self.bytes[start + span.start..start + span.end]
    }

    /// Darkens `[x0, x1) × [y0, y1)` to the band's share of its brightness.
    fn darken(&mut self, x0: i64, y0: i64, x1: i64, y1: i64) {
        let (keep, of) = BAND_KEEP;
        let (rows, span) = self.clip(x0, y0, x1, y1);
        for y in rows {
            for byte in self.row_mut(y, &span) {
                // keep/of < 1, so the result is below 256.
                *byte = (u16::from(*byte) * keep / of) as u8;
            }
        }
    }

    /// Paints `glyph` white with its cell's top-left corner at `(x, y)`, each font pixel a
    /// `scale`×`scale` square.
    fn glyph(&mut self, x: i64, y: i64, scale: u32, glyph: &[u8; 8]) {
        let s = i64::from(scale);
        for (row, bits) in (0i64..).zip(glyph) {
            for column in 0..i64::from(GLYPH) {
                if (bits >> column) & 1 == 0 {
                    continue;
                }
                let (px, py) = (x + column * s, y + row * s);
                let (rows, span) = self.clip(px, py, px + s, py + s);
                for y in rows {
                    self.row_mut(y, &span).fill(u8::MAX);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;
    use sha2::{Digest as _, Sha256};

    /// A mid-grey photo, so darkening and white text both show.
    fn grey(width: u32, height: u32) -> RgbImage {
        RgbImage::from_pixel(width, height, Rgb([128, 128, 128]))
    }

    fn caption() -> Vec<String> {
        vec![
            "Case 2024-SH-000123".to_owned(),
            "2024-05-17 14:03:22 +08:00 (trusted)".to_owned(),
            "N 31.230416 E 121.473701".to_owned(),
        ]
    }

    #[test]
    fn scale_follows_the_long_edge() {
        assert_eq!(scale_for(2048, 1536, 3), 6);
        assert_eq!(scale_for(1536, 2048, 3), 6);
        assert_eq!(scale_for(4000, 3000, 3), 13);
        assert_eq!(scale_for(100, 100, 3), 1);
        assert_eq!(scale_for(1, 1, 3), 1);
        assert_eq!(scale_for(0, 0, 0), 1);
    }

    #[test]
    fn scale_shrinks_so_a_panorama_holds_every_line() {
        // 8000 px would want 25×, but 3 lines, margin and band need 42 font pixels of height.
        assert_eq!(scale_for(8000, 420, 3), 10);
    }

    #[test]
    fn band_is_darker_text_is_white_and_the_rest_untouched() {
        let mut image = grey(2048, 1536);
        burn(&mut image, &caption());
        // Far from the caption: top right.
        assert_eq!(image.get_pixel(2000, 20), &Rgb([128, 128, 128]));
        // Bottom line's cells span y 1440..1488 from x 48; the leading above them is band only.
        let s: u32 = 6;
        let leading_row = 1536 - 8 * s - 8 * s - 1;
        assert_eq!(image.get_pixel(8 * s + 1, leading_row), &Rgb([51, 51, 51]));
        // The band ends half a glyph right of the widest line (36 characters).
        let band_right = 8 * s + 36 * 8 * s + 4 * s;
        assert_eq!(image.get_pixel(band_right - 1, 1500), &Rgb([51, 51, 51]));
        assert_eq!(image.get_pixel(band_right, 1500), &Rgb([128, 128, 128]));
        // Nothing outside the band changed, and some text is white.
        let band_top = 1536 - (8 + 3 * 10 - 2 + 4) * s;
        let mut white = 0;
        for (x, y, pixel) in image.enumerate_pixels() {
            let in_band = x >= 4 * s && x < band_right && y >= band_top && y < 1536 - 4 * s;
            match pixel.0 {
                [255, 255, 255] => white += 1,
                [51, 51, 51] => assert!(in_band, "darkened outside the band at ({x}, {y})"),
                [128, 128, 128] => assert!(!in_band, "band missed ({x}, {y})"),
                other => panic!("unexpected {other:?} at ({x}, {y})"),
            }
        }
        assert!(white > 1000, "only {white} white pixels");
    }

    #[test]
    fn glyph_bits_are_drawn_left_to_right() {
        // '1' has its flag on the left: row 1 is 0x0E, columns 1..=3.
        let mut image = RgbImage::new(100, 60);
        burn(&mut image, &["1".to_owned()]);
        let (scale, left) = (1, 8);
        let top = 60 - 8 - 8;
        let row1: Vec<bool> = (0..8)
            .map(|c| image.get_pixel(left + c * scale, top + 1) == &Rgb([255, 255, 255]))
            .collect();
        assert_eq!(row1, [false, true, true, true, false, false, false, false]);
    }

    #[test]
    fn non_ascii_is_drawn_as_a_question_mark() {
        let mut chinese = grey(400, 300);
        let mut question = grey(400, 300);
        burn(&mut chinese, &["A沪B".to_owned()]);
        burn(&mut question, &["A?B".to_owned()]);
        assert_eq!(chinese, question);
        let mut tab = grey(400, 300);
        burn(&mut tab, &["A\tB".to_owned()]);
        assert_eq!(tab, question);
    }

    #[test]
    fn same_input_same_pixels() {
        let hash = || {
            let mut image =
                RgbImage::from_fn(640, 480, |x, y| Rgb([x as u8, y as u8, (x ^ y) as u8]));
            burn(&mut image, &caption());
            Sha256::digest(image.as_raw())
        };
        assert_eq!(hash(), hash());
    }

    #[test]
    fn tiny_and_empty_inputs_do_not_panic() {
        for (width, height) in [
            (0, 0),
            (0, 10),
            (10, 0),
            (1, 1),
            (2, 3),
            (9, 9),
            (17, 17),
            (64, 8),
        ] {
            for lines in [vec![], vec![String::new()], caption()] {
                let mut image = grey(width, height);
                burn(&mut image, &lines);
            }
        }
    }

    #[test]
    fn no_lines_or_empty_lines_change_nothing() {
        let before = grey(320, 240);
        for lines in [vec![], vec![String::new(), String::new()]] {
            let mut image = before.clone();
            burn(&mut image, &lines);
            assert_eq!(image, before);
        }
    }

    #[test]
    fn overlong_and_overtall_captions_are_clipped() {
        let mut image = grey(200, 150);
        let long = vec!["0123456789".repeat(10_000)];
        burn(&mut image, &long);
        // The band runs to the right edge.
        assert_eq!(image.get_pixel(199, 150 - 8 - 2), &Rgb([51, 51, 51]));
        let mut image = grey(200, 150);
        let many: Vec<String> = (0..100).map(|i| format!("line {i}")).collect();
        burn(&mut image, &many);
        // More lines than fit: the band reaches the top, the bottom line is still drawn.
        assert_eq!(image.get_pixel(6, 0), &Rgb([51, 51, 51]));
        assert!((8..60).any(|x| image.get_pixel(x, 150 - 8 - 4) == &Rgb([255, 255, 255])));
    }
}
