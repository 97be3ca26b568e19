//! Tiny solid-colour PNG images (8-bit RGB), made on request.

/// A `w`×`h` PNG filled with `rgb`. Panics when `w` or `h` is 0, which PNG cannot hold.
pub fn solid_png(rgb: [u8; 3], w: u32, h: u32) -> Vec<u8> {
    let pixels = rgb.repeat(w as usize * h as usize);
    let mut out = Vec::new();
    let mut encoder = ::png::Encoder::new(&mut out, w, h);
    encoder.set_color(::png::ColorType::Rgb);
    encoder.set_depth(::png::BitDepth::Eight);
    // Writing into memory fails only for sizes PNG cannot hold.
    let written = encoder
        .write_header()
        .and_then(|mut writer| writer.write_image_data(&pixels));
    if let Err(e) = written {
        panic!("a {w}x{h} solid PNG: {e}");
    }
    out
}
