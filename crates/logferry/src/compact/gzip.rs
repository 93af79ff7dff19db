//! Compaction's deterministic gzip: the same input bytes give the same
//! output bytes (no file name, a zero time, one compression level), cut
//! into parts of at least the upload's part size as they fill, with the
//! CRC32C of both the uncompressed and the compressed stream.

use std::io::Write;

use flate2::{Compression, GzBuilder};

/// What the gzip stream amounted to.
#[derive(Debug, Clone, Copy)]
pub struct Stream {
    pub uncompressed_bytes: u64,
    pub uncompressed_crc32c: u32,
    pub compressed_bytes: u64,
    pub compressed_crc32c: u32,
}

/// Deterministic gzip into parts of at least `part_size` bytes.
pub(crate) struct Gzip {
    encoder: flate2::write::GzEncoder<Vec<u8>>,
    part_size: u64,
    pub(crate) uncompressed: u64,
    crc32c: u32,
    compressed: u64,
    compressed_crc32c: u32,
}

impl Gzip {
    pub(crate) fn new(part_size: u64) -> Self {
        // No file name and a zero time: the same input gives the same bytes.
        let encoder = GzBuilder::new()
            .mtime(0)
            .operating_system(255)
            .write(Vec::new(), Compression::new(6));
        Gzip {
            encoder,
            part_size,
            uncompressed: 0,
            crc32c: 0,
            compressed: 0,
            compressed_crc32c: 0,
        }
    }

    pub(crate) fn write(&mut self, bytes: &[u8]) {
        self.uncompressed += bytes.len() as u64;
        self.crc32c = crate::s3::checksum::crc32c_append(self.crc32c, bytes);
        self.encoder
            .write_all(bytes)
            .expect("writing to a Vec cannot fail");
    }

    /// The compressed bytes so far, once they fill a part.
    pub(crate) fn full_part(&mut self) -> Option<Vec<u8>> {
        if (self.encoder.get_ref().len() as u64) < self.part_size {
            return None;
        }
        let part = std::mem::take(self.encoder.get_mut());
        self.count(&part);
        Some(part)
    }

    fn count(&mut self, compressed: &[u8]) {
        self.compressed += compressed.len() as u64;
        self.compressed_crc32c =
            crate::s3::checksum::crc32c_append(self.compressed_crc32c, compressed);
    }

    pub(crate) fn finish(self) -> (Vec<u8>, Stream) {
        let Gzip {
            mut encoder,
            mut compressed,
            mut compressed_crc32c,
            uncompressed,
            crc32c,
            ..
        } = self;
        let rest = std::mem::take(encoder.get_mut());
        let tail = encoder
            .finish()
            .expect("finishing a gzip stream into a Vec cannot fail");
        let last = [rest, tail].concat();
        compressed += last.len() as u64;
        compressed_crc32c = crate::s3::checksum::crc32c_append(compressed_crc32c, &last);
        let stream = Stream {
            uncompressed_bytes: uncompressed,
            uncompressed_crc32c: crc32c,
            compressed_bytes: compressed,
            compressed_crc32c,
        };
        (last, stream)
    }
}
