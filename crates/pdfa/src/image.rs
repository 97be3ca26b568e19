//! PNG tiles to PDF image data: 8-bit RGB passes straight through, the rest is re-encoded losslessly.
//!
//! A non-interlaced 8-bit RGB PNG's IDAT data is a zlib stream of scanlines
//! with PNG filter bytes, which is exactly what PDF's `/FlateDecode` with
//! `/Predictor 15` reads: the pixels are never decoded or re-encoded. Any
//! other PNG (grey, palette, alpha, 16-bit, interlaced) is decoded, composited
//! over white (PDF/A-1 forbids transparency) and written again as 8-bit RGB.

/// Why a tile could not be used.
#[derive(Debug, thiserror::Error)]
pub enum PngError {
    #[error("not a PNG file (no PNG signature)")]
    NotPng,
    #[error("the PNG chunk structure is broken at byte {at}")]
    Truncated { at: usize },
    #[error("the PNG has no IHDR or no IDAT chunk")]
    MissingChunk,
    #[error("the PNG is {width} × {height} px; both must be at least 1")]
    Empty { width: u32, height: u32 },
    #[error("the PNG cannot be decoded")]
    Decode(#[source] png::DecodingError),
    #[error("the PNG cannot be re-encoded as RGB")]
    Encode(#[source] png::EncodingError),
}

/// A picture ready for an image XObject: `/DeviceRGB`, 8 bits, Flate with PNG predictors.
#[derive(Debug, Clone)]
pub(crate) struct RgbImage<'a> {
    pub width: u32,
    pub height: u32,
    /// The zlib stream of PNG-filtered scanlines (the concatenated IDAT data).
    pub data: Data<'a>,
}

/// Image data: the IDAT chunks of the tile itself, or a re-encoded copy.
#[derive(Debug, Clone)]
pub(crate) enum Data<'a> {
    /// The data of every IDAT chunk, in order, borrowed from the caller's PNG bytes.
    Chunks(Vec<&'a [u8]>),
    /// The concatenated IDAT data of a re-encoded PNG.
    Owned(Vec<u8>),
}

impl Data<'_> {
    /// The pieces of the zlib stream, in order.
    pub fn parts(&self) -> impl Iterator<Item = &[u8]> {
        let (chunks, owned): (&[&[u8]], Option<&[u8]>) = match self {
            Data::Chunks(c) => (c, None),
            Data::Owned(v) => (&[], Some(v)),
        };
        chunks.iter().copied().chain(owned)
    }

    /// Length of the zlib stream in bytes.
    pub fn len(&self) -> usize {
        self.parts().map(<[u8]>::len).sum()
    }
}

const SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";

struct Header {
    width: u32,
    height: u32,
    depth: u8,
    colour: u8,
    interlace: u8,
}

/// The header and the data of every IDAT chunk of a PNG, without decoding or copying it.
fn chunks(bytes: &[u8]) -> Result<(Header, Vec<&[u8]>), PngError> {
    if bytes.get(..8) != Some(SIGNATURE) {
        return Err(PngError::NotPng);
    }
    let mut at = 8;
    let mut header = None;
    let mut idat = Vec::new();
    while at < bytes.len() {
        let len = bytes
            .get(at..at + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
            .ok_or(PngError::Truncated { at })?;
        let kind = bytes
            .get(at + 4..at + 8)
            .ok_or(PngError::Truncated { at })?;
        let data = at
            .checked_add(8 + len)
            .and_then(|end| bytes.get(at + 8..end))
            .ok_or(PngError::Truncated { at })?;
        match kind {
            b"IHDR" if data.len() >= 13 => {
                header = Some(Header {
                    width: u32::from_be_bytes([data[0], data[1], data[2], data[3]]),
                    height: u32::from_be_bytes([data[4], data[5], data[6], data[7]]),
                    depth: data[8],
                    colour: data[9],
                    interlace: data[12],
                })
            }
            b"IDAT" if !data.is_empty() => idat.push(data),
            b"IEND" => break,
            _ => {}
        }
        at += 12 + len;
    }
    match header {
        Some(h) if !idat.is_empty() => Ok((h, idat)),
        _ => Err(PngError::MissingChunk),
    }
}

/// Turn PNG bytes into an [`RgbImage`], passing 8-bit RGB data straight through (borrowed, not copied).
pub(crate) fn load(bytes: &[u8]) -> Result<RgbImage<'_>, PngError> {
    let (header, data) = chunks(bytes)?;
    if header.width == 0 || header.height == 0 {
        return Err(PngError::Empty {
            width: header.width,
            height: header.height,
        });
    }
    if header.colour == 2 && header.depth == 8 && header.interlace == 0 {
        return Ok(RgbImage {
            width: header.width,
            height: header.height,
            data: Data::Chunks(data),
        });
    }
    let rgb = reencode(bytes)?;
    let (header, data) = chunks(&rgb)?;
    Ok(RgbImage {
        width: header.width,
        height: header.height,
        data: Data::Owned(data.concat()),
    })
}

/// Which of the first `rows` rows of a PNG are one flat colour (every pixel the same).
///
/// Decodes only as far as `rows`: the caller asks for no more than it needs.
pub(crate) fn flat_rows(bytes: &[u8], rows: u32) -> Result<Vec<bool>, PngError> {
    let mut decoder = png::Decoder::new(bytes);
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(PngError::Decode)?;
    let channels = reader.output_color_type().0.samples();
    let mut out = Vec::with_capacity(rows as usize);
    while out.len() < rows as usize {
        let Some(row) = reader.next_row().map_err(PngError::Decode)? else {
            break;
        };
        let px = row.data();
        // Every pixel equals its neighbour: one memcmp per row.
        out.push(px.len() <= channels || px[channels..] == px[..px.len() - channels]);
    }
    Ok(out)
}

/// Decode any PNG and write it again as 8-bit RGB, alpha composited over white.
fn reencode(bytes: &[u8]) -> Result<Vec<u8>, PngError> {
    let mut decoder = png::Decoder::new(bytes);
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(PngError::Decode)?;
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).map_err(PngError::Decode)?;
    let pixels = &buf[..info.buffer_size()];
    let over_white = |c: u8, a: u8| -> u8 {
        let (c, a) = (u32::from(c), u32::from(a));
        ((c * a + 255 * (255 - a) + 127) / 255) as u8
    };
    let rgb: Vec<u8> = match info.color_type {
        png::ColorType::Rgb => pixels.to_vec(),
        png::ColorType::Rgba => pixels
            .chunks_exact(4)
            .flat_map(|p| {
                [
                    over_white(p[0], p[3]),
                    over_white(p[1], p[3]),
                    over_white(p[2], p[3]),
                ]
            })
            .collect(),
        png::ColorType::Grayscale => pixels.iter().flat_map(|&g| [g, g, g]).collect(),
        png::ColorType::GrayscaleAlpha => pixels
            .chunks_exact(2)
            .flat_map(|p| {
                let g = over_white(p[0], p[1]);
                [g, g, g]
            })
            .collect(),
        png::ColorType::Indexed => return Err(PngError::MissingChunk),
    };
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, info.width, info.height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(PngError::Encode)?;
    writer.write_image_data(&rgb).map_err(PngError::Encode)?;
    writer.finish().map_err(PngError::Encode)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn concat(data: &Data) -> Vec<u8> {
        let v: Vec<u8> = data.parts().flatten().copied().collect();
        assert_eq!(v.len(), data.len());
        v
    }

    fn png(colour: png::ColorType, pixels: &[u8], w: u32, h: u32) -> Vec<u8> {
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(colour);
        enc.set_depth(png::BitDepth::Eight);
        let mut wr = enc.write_header().unwrap();
        wr.write_image_data(pixels).unwrap();
        wr.finish().unwrap();
        out
    }

    #[test]
    fn rgb_passes_through_and_rgba_is_composited_over_white() {
        let rgb = png(png::ColorType::Rgb, &[1, 2, 3, 4, 5, 6], 2, 1);
        let img = load(&rgb).unwrap();
        assert_eq!((img.width, img.height), (2, 1));
        assert!(matches!(img.data, Data::Chunks(_)), "8-bit RGB is borrowed");
        assert_eq!(chunks(&rgb).unwrap().1.concat(), concat(&img.data));

        let rgba = png(png::ColorType::Rgba, &[0, 0, 0, 0, 10, 20, 30, 255], 2, 1);
        let img = load(&rgba).unwrap();
        let back = png(png::ColorType::Rgb, &[255, 255, 255, 10, 20, 30], 2, 1);
        assert_eq!(concat(&img.data), chunks(&back).unwrap().1.concat());
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(matches!(load(b"hello"), Err(PngError::NotPng)));
        let mut rgb = png(png::ColorType::Rgb, &[1, 2, 3], 1, 1);
        rgb.truncate(20);
        assert!(load(&rgb).is_err());
    }
}
