//! Writing screenshot tiles as 8-bit RGB, non-interlaced PNG, and finding
//! bands of uniform rows in them (candidates for blank regions).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use crate::Error;

/// A tile written to disk.
#[derive(Debug)]
pub(crate) struct WrittenTile {
    pub width: u32,
    pub height: u32,
    /// Bands of identical rows, as (first row, end row exclusive), at least [`MIN_BAND`] rows.
    pub uniform_bands: Vec<(u32, u32)>,
}

/// Shortest run of identical rows worth remembering.
pub(crate) const MIN_BAND: u32 = 8;

/// Decode base64 (standard alphabet, padding optional).
pub(crate) fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in s.as_bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' | b'\n' | b'\r' => continue,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
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
    let file = File::create(path).map_err(io)?;
    let mut encoder = png::Encoder::new(BufWriter::new(file), width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header().map_err(|e| bad(e.to_string()))?;
    let mut stream = writer.stream_writer().map_err(|e| bad(e.to_string()))?;
    let mut rgb = vec![0u8; width as usize * 3];
    let mut prev: Vec<u8> = Vec::new();
    let mut bands = Vec::new();
    let mut band_start: Option<u32> = None;
    let mut y = 0u32;
    while let Some(row) = reader.next_row().map_err(|e| bad(e.to_string()))? {
        let px = row.data();
        for (x, out) in rgb.chunks_exact_mut(3).enumerate() {
            let p = &px[x * channels..x * channels + channels];
            let (r, g, b, a) = match channels {
                4 => (p[0], p[1], p[2], p[3]),
                3 => (p[0], p[1], p[2], 255),
                2 => (p[0], p[0], p[0], p[1]),
                _ => (p[0], p[0], p[0], 255),
            };
            // Flatten any transparency onto white, as a viewer would show it.
            let blend = |c: u8| {
                ((u32::from(c) * u32::from(a) + 255 * (255 - u32::from(a)) + 127) / 255) as u8
            };
            out.copy_from_slice(&[blend(r), blend(g), blend(b)]);
        }
        let uniform = rgb.chunks_exact(3).all(|p| p == &rgb[..3]);
        let same_as_prev = uniform && prev == rgb;
        match (band_start, same_as_prev) {
            (None, _) if uniform => band_start = Some(y),
            (Some(s), false) => {
                if y - s >= MIN_BAND {
                    bands.push((s, y));
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
            bands.push((s, y));
        }
    }
    stream.finish().map_err(|e| bad(e.to_string()))?;
    Ok(WrittenTile {
        width,
        height,
        uniform_bands: bands,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trip() {
        assert_eq!(base64_decode("aGVsbG8gd29ybGQ=").unwrap(), b"hello world");
        assert_eq!(base64_decode("YQ").unwrap(), b"a");
        assert!(base64_decode("a b").is_none());
    }
}
