//! Signatures drawn on the phone's screen: the strokes as the finger made them (points with
//! times), checked, and rendered to a PNG — black ink on white, fitted to a fixed box, the same
//! pixels every time for the same strokes.

use image::{GrayImage, Luma};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// One point of a stroke: screen coordinates (any unit, as the app measures them) and time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct StrokePoint {
    pub x: f64,
    pub y: f64,
    pub t_ms: i64,
}

/// Limits against junk and against absurd input.
pub mod limits {
    pub const STROKES: usize = 200;
    pub const POINTS: usize = 20_000;
    /// Coordinates beyond this (in either direction) are not a screen.
    pub const COORDINATE: f64 = 100_000.0;
    pub const WIDTH: u32 = 600;
    pub const HEIGHT: u32 = 200;
    pub const MARGIN: f64 = 12.0;
    /// Pen radius in output pixels.
    pub const PEN: f64 = 2.0;
}

/// Checks strokes as the app sends them: at least one point, a sane number of strokes and
/// points, finite on-screen coordinates, times that do not run backwards within a stroke.
pub fn check(strokes: &[Vec<StrokePoint>]) -> Result<()> {
    let bad = |why: String| Error::invalid("strokes", why);
    let points: usize = strokes.iter().map(Vec::len).sum();
    if points == 0 {
        return Err(bad("a signature has at least one point".into()));
    }
    if strokes.len() > limits::STROKES || points > limits::POINTS {
        return Err(bad(format!(
            "{} strokes, {points} points: at most {} and {}",
            strokes.len(),
            limits::STROKES,
            limits::POINTS
        )));
    }
    for (i, stroke) in strokes.iter().enumerate() {
        for (j, p) in stroke.iter().enumerate() {
            let on_screen = |v: f64| v.is_finite() && v.abs() <= limits::COORDINATE;
            if !on_screen(p.x) || !on_screen(p.y) {
                return Err(bad(format!(
                    "stroke {i}, point {j}: ({}, {}) is not on a screen",
                    p.x, p.y
                )));
            }
        }
        if stroke.windows(2).any(|w| w[1].t_ms < w[0].t_ms) {
            return Err(bad(format!("stroke {i}: its times run backwards")));
        }
    }
    Ok(())
}

/// Renders checked strokes into a `WIDTH` × `HEIGHT` PNG, scaled uniformly to fit.
pub fn render_png(strokes: &[Vec<StrokePoint>]) -> Result<Vec<u8>> {
    check(strokes)?;
    let all = strokes.iter().flatten();
    let (min_x, max_x) = all.clone().fold((f64::MAX, f64::MIN), |(lo, hi), p| {
        (lo.min(p.x), hi.max(p.x))
    });
    let (min_y, max_y) = all.fold((f64::MAX, f64::MIN), |(lo, hi), p| {
        (lo.min(p.y), hi.max(p.y))
    });
    let room_x = f64::from(limits::WIDTH) - 2.0 * limits::MARGIN;
    let room_y = f64::from(limits::HEIGHT) - 2.0 * limits::MARGIN;
    let scale = (room_x / (max_x - min_x).max(1e-9))
        .min(room_y / (max_y - min_y).max(1e-9))
        .min(1e6);
    // Centre the drawing in the box.
    let off_x = limits::MARGIN + (room_x - (max_x - min_x) * scale) / 2.0;
    let off_y = limits::MARGIN + (room_y - (max_y - min_y) * scale) / 2.0;
    let to_px = |p: &StrokePoint| (off_x + (p.x - min_x) * scale, off_y + (p.y - min_y) * scale);
    let mut image = GrayImage::from_pixel(limits::WIDTH, limits::HEIGHT, Luma([255]));
    for stroke in strokes {
        let pixels: Vec<(f64, f64)> = stroke.iter().map(to_px).collect();
        match pixels.as_slice() {
            [] => {}
            [dot] => stamp(&mut image, *dot),
            _ => pixels
                .windows(2)
                .for_each(|w| segment(&mut image, w[0], w[1])),
        }
    }
    let mut png = Vec::new();
    image
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|e| Error::Encoding(format!("signature PNG: {e}")))?;
    Ok(png)
}

/// Stamps the pen along a segment, a stamp every half pixel.
fn segment(image: &mut GrayImage, a: (f64, f64), b: (f64, f64)) {
    let length = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
    let steps = (length * 2.0).ceil().max(1.0) as usize;
    for k in 0..=steps {
        let t = k as f64 / steps as f64;
        stamp(image, (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t));
    }
}

fn stamp(image: &mut GrayImage, (cx, cy): (f64, f64)) {
    let r = limits::PEN;
    let (x0, x1) = ((cx - r).floor().max(0.0) as u32, (cx + r).ceil() as u32);
    let (y0, y1) = ((cy - r).floor().max(0.0) as u32, (cy + r).ceil() as u32);
    for y in y0..=y1.min(image.height() - 1) {
        for x in x0..=x1.min(image.width() - 1) {
            let (dx, dy) = (f64::from(x) + 0.5 - cx, f64::from(y) + 0.5 - cy);
            if dx * dx + dy * dy <= r * r {
                image.put_pixel(x, y, Luma([0]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stroke(points: &[(f64, f64)]) -> Vec<StrokePoint> {
        points
            .iter()
            .enumerate()
            .map(|(i, &(x, y))| StrokePoint {
                x,
                y,
                t_ms: i as i64 * 16,
            })
            .collect()
    }

    fn decode(png: &[u8]) -> GrayImage {
        image::load_from_memory_with_format(png, image::ImageFormat::Png)
            .unwrap()
            .into_luma8()
    }

    #[test]
    fn strokes_render_the_same_pixels_every_time_fitted_to_the_box() {
        let name = vec![
            stroke(&[(10.0, 50.0), (110.0, 50.0)]),
            stroke(&[(60.0, 0.0), (60.0, 100.0)]),
            stroke(&[(130.0, 30.0)]),
        ];
        let png = render_png(&name).unwrap();
        assert_eq!(png, render_png(&name).unwrap(), "deterministic");
        let image = decode(&png);
        assert_eq!(image.dimensions(), (limits::WIDTH, limits::HEIGHT));
        // The vertical stroke spans the box's height, centred: ink in the middle column, top
        // to bottom inside the margins; none in the corners.
        let ink = |x: u32, y: u32| image.get_pixel(x, y).0[0] == 0;
        let column = (0..limits::WIDTH).find(|&x| (20..180).all(|y| ink(x, y)));
        assert!(column.is_some(), "a vertical line of ink");
        assert!(!ink(0, 0) && !ink(limits::WIDTH - 1, limits::HEIGHT - 1));
        // The same strokes drawn twice as large give the same picture.
        let larger: Vec<Vec<StrokePoint>> = name
            .iter()
            .map(|s| {
                s.iter()
                    .map(|p| StrokePoint {
                        x: p.x * 2.0,
                        y: p.y * 2.0,
                        ..*p
                    })
                    .collect()
            })
            .collect();
        assert_eq!(render_png(&larger).unwrap(), png);
    }

    #[test]
    fn junk_is_refused() {
        let cases: Vec<Vec<Vec<StrokePoint>>> = vec![
            vec![],
            vec![vec![]],
            vec![stroke(&[(f64::NAN, 1.0)])],
            vec![stroke(&[(1e9, 1.0)])],
            vec![vec![
                StrokePoint {
                    x: 1.0,
                    y: 1.0,
                    t_ms: 10,
                },
                StrokePoint {
                    x: 2.0,
                    y: 1.0,
                    t_ms: 5,
                },
            ]],
            vec![stroke(&[(1.0, 1.0)]); limits::STROKES + 1],
            vec![stroke(&vec![(1.0, 1.0); limits::POINTS + 1])],
        ];
        for strokes in cases {
            assert!(
                matches!(render_png(&strokes), Err(Error::Invalid { .. })),
                "{:?}",
                strokes.len()
            );
        }
        // A single dot is a mark, drawn.
        assert!(render_png(&[stroke(&[(5.0, 5.0)])]).is_ok());
    }
}
