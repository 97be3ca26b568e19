//! Writing screenshot tiles as 8-bit RGB, non-interlaced PNG, and finding
//! bands of uniform rows in them (candidates for blank regions).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use crate::error::Error;

/// A tile written to disk.
#[derive(Debug)]
pub(crate) struct WrittenTile {
    pub width: u32,
    pub height: u32,
    /// Bands of identical rows of one flat colour, as (first row, end row
    /// exclusive, the colour), at least [`MIN_BAND`] rows.
    pub uniform_bands: Vec<(u32, u32, [u8; 3])>,
}

/// Shortest run of identical rows worth remembering.
pub(crate) const MIN_BAND: u32 = 8;

/// Decode base64 as DevTools sends it (standard alphabet; padding optional).
pub(crate) fn base64_decode(s: &str) -> Option<Vec<u8>> {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    use base64::Engine as _;
    const STANDARD: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    STANDARD.decode(s).ok()
}

/// Re-encode the PNG bytes Chromium returned as 8-bit RGB without alpha
/// (PDF/A-1b forbids transparency), row by row, into `path`.
pub(crate) fn write_rgb_png(data: &[u8], path: &Path) -> Result<WrittenTile, Error> {
    let bad = |reason: String| Error::Image {
        path: path.to_path_buf(),
        reason,
    };
    let mut decoder = png::Decoder::new(data);
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(|e| bad(e.to_string()))?;
    let (width, height) = {
        let info = reader.info();
        (info.width, info.height)
    };
    if width == 0 || height == 0 {
        return Err(bad("the image is empty".into()));
    }
    let (color, _) = reader.output_color_type();
    let channels = match color {
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        png::ColorType::Grayscale => 1,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Indexed => return Err(bad("indexed colour after expansion".into())),
    };
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    // The encoder's own errors; a write that failed (a full disk) stays an I/O error.
    let enc = |e: png::EncodingError| match e {
        png::EncodingError::IoError(source) => Error::Io {
            path: path.to_path_buf(),
            source,
        },
        other => Error::Image {
            path: path.to_path_buf(),
            reason: other.to_string(),
        },
    };
    let file = File::create(path).map_err(io)?;
    let mut encoder = png::Encoder::new(BufWriter::new(file), width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header().map_err(enc)?;
    let mut stream = writer.stream_writer().map_err(enc)?;
    let mut rgb = vec![0u8; width as usize * 3];
    let mut prev: Vec<u8> = Vec::new();
    let mut bands = Vec::new();
    let mut band_start: Option<u32> = None;
    let colour = |row: &[u8]| [row[0], row[1], row[2]];
    let mut y = 0u32;
    while let Some(row) = reader.next_row().map_err(|e| bad(e.to_string()))? {
        let px = row.data();
        match channels {
            3 => rgb.copy_from_slice(px),
            4 => {
                for (out, p) in rgb.chunks_exact_mut(3).zip(px.chunks_exact(4)) {
                    if p[3] == 255 {
                        out.copy_from_slice(&p[..3]);
                    } else {
                        // Flatten transparency onto white, as a viewer would show it.
                        let a = u32::from(p[3]);
                        for (o, &c) in out.iter_mut().zip(&p[..3]) {
                            *o = ((u32::from(c) * a + 255 * (255 - a) + 127) / 255) as u8;
                        }
                    }
                }
            }
            _ => {
                for (out, p) in rgb.chunks_exact_mut(3).zip(px.chunks_exact(channels)) {
                    let a = if channels == 2 { u32::from(p[1]) } else { 255 };
                    let g = ((u32::from(p[0]) * a + 255 * (255 - a) + 127) / 255) as u8;
                    out.copy_from_slice(&[g, g, g]);
                }
            }
        }
        // Slice comparisons are memcmp: fast even in unoptimised builds.
        let uniform = rgb[3..] == rgb[..rgb.len() - 3];
        let same_as_prev = uniform && prev == rgb;
        match (band_start, same_as_prev) {
            (None, _) if uniform => band_start = Some(y),
            (Some(s), false) => {
                if y - s >= MIN_BAND {
                    bands.push((s, y, colour(&prev)));
                }
                band_start = uniform.then_some(y);
            }
            _ => {}
        }
        stream.write_all(&rgb).map_err(io)?;
        prev.clone_from(&rgb);
        y += 1;
    }
    if let Some(s) = band_start {
        if y - s >= MIN_BAND {
            bands.push((s, y, colour(&prev)));
        }
    }
    stream.finish().map_err(enc)?;
    Ok(WrittenTile {
        width,
        height,
        uniform_bands: bands,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An RGBA PNG: 12 px wide, rows 0-9 noisy, 10-29 one flat colour, 30-39 noisy;
    /// pixel (0, 0) fully transparent.
    fn rgba_png() -> Vec<u8> {
        let (w, h) = (12u32, 40u32);
        let mut data = Vec::new();
        for y in 0..h {
            for x in 0..w {
                if (10..30).contains(&y) {
                    data.extend_from_slice(&[200, 10, 20, 255]);
                } else {
                    data.extend_from_slice(&[
                        (x * 20) as u8,
                        (y * 5) as u8,
                        7,
                        if x == 0 && y == 0 { 0 } else { 255 },
                    ]);
                }
            }
        }
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        enc.write_header().unwrap().write_image_data(&data).unwrap();
        out
    }

    #[test]
    fn rgba_becomes_rgb_and_flat_bands_are_found() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.png");
        let t = write_rgb_png(&rgba_png(), &path).unwrap();
        assert_eq!((t.width, t.height), (12, 40));
        assert_eq!(t.uniform_bands, vec![(10, 30, [200, 10, 20])]);
        let mut reader = png::Decoder::new(std::fs::File::open(&path).unwrap())
            .read_info()
            .unwrap();
        let info = reader.info();
        assert_eq!(
            (info.color_type, info.bit_depth, info.interlaced),
            (png::ColorType::Rgb, png::BitDepth::Eight, false)
        );
        let mut buf = vec![0; reader.output_buffer_size()];
        reader.next_frame(&mut buf).unwrap();
        assert_eq!(
            &buf[..3],
            &[255, 255, 255],
            "transparent pixel not flattened onto white"
        );
        assert_eq!(&buf[3..6], &[20, 0, 7]);
        let row = 12 * 3;
        assert_eq!(&buf[15 * row..15 * row + 3], &[200, 10, 20]);
    }

    #[test]
    fn garbage_is_not_a_png() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            write_rgb_png(b"nope", &dir.path().join("x.png")),
            Err(Error::Image { .. })
        ));
    }

    #[test]
    fn base64_round_trip() {
        assert_eq!(base64_decode("aGVsbG8gd29ybGQ=").unwrap(), b"hello world");
        assert_eq!(base64_decode("YQ").unwrap(), b"a");
        assert_eq!(base64_decode("YQ=="), Some(b"a".to_vec()));
        assert_eq!(base64_decode("/+8="), Some(vec![0xff, 0xef]));
        assert_eq!(base64_decode("a b"), None);
        assert_eq!(
            base64_decode("-_8="),
            None,
            "the URL-safe alphabet is not DevTools'"
        );
    }
}
