//! What Athena reads of one source, which is what the compacted copy must
//! hold for it: the bytes decompressed when the key ends in `.gz` (Hive's
//! text input picks the codec by file extension), and a line end after the
//! last line when the source has none, so that it is not joined onto the
//! next source's first line. Line ends are otherwise kept as they are
//! (`\n`, `\r\n`, `\r`: Hive's line reader takes all three). An empty
//! source adds nothing.

use std::borrow::Cow;
use std::io::Write;

use flate2::write::MultiGzDecoder;

pub(crate) struct Text {
    gunzip: Option<MultiGzDecoder<Vec<u8>>>,
    /// The last byte handed on, to know whether the source ended its line.
    last: Option<u8>,
}

/// How a source's bytes were put into the output, as the manifest records it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Shape {
    pub gunzipped: bool,
    pub line_end_added: bool,
}

impl Text {
    pub(crate) fn for_key(key: &str) -> Self {
        Text {
            gunzip: key
                .ends_with(".gz")
                .then(|| MultiGzDecoder::new(Vec::new())),
            last: None,
        }
    }

    /// The bytes of `chunk` as Athena reads them: the chunk itself unless
    /// it is decompressed (no copy on the common path).
    pub(crate) fn feed<'a>(&mut self, chunk: &'a [u8]) -> std::io::Result<Cow<'a, [u8]>> {
        let out = match &mut self.gunzip {
            Some(decoder) => {
                decoder.write_all(chunk)?;
                Cow::Owned(std::mem::take(decoder.get_mut()))
            }
            None => Cow::Borrowed(chunk),
        };
        self.note(&out);
        Ok(out)
    }

    /// The rest of a compressed source, and a line end if its last line has none.
    pub(crate) fn finish(mut self) -> std::io::Result<(Vec<u8>, Shape)> {
        let gunzipped = self.gunzip.is_some();
        let mut out = match self.gunzip.take() {
            Some(decoder) => decoder.finish()?,
            None => Vec::new(),
        };
        self.note(&out);
        let line_end_added = self.last.is_some_and(|b| b != b'\n' && b != b'\r');
        if line_end_added {
            out.push(b'\n');
        }
        Ok((
            out,
            Shape {
                gunzipped,
                line_end_added,
            },
        ))
    }

    fn note(&mut self, bytes: &[u8]) {
        if let Some(&b) = bytes.last() {
            self.last = Some(b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(key: &str, chunks: &[&[u8]]) -> (Vec<u8>, Shape) {
        let mut text = Text::for_key(key);
        let mut out = Vec::new();
        for chunk in chunks {
            out.extend_from_slice(&text.feed(chunk).unwrap());
        }
        let (rest, shape) = text.finish().unwrap();
        out.extend(rest);
        (out, shape)
    }

    #[test]
    fn a_last_line_without_its_end_gets_one() {
        assert_eq!(read("a.log", &[b"x\ny"]).0, b"x\ny\n");
        assert!(read("a.log", &[b"x\ny"]).1.line_end_added);
        assert_eq!(read("a.log", &[b"x\n", b"y\n"]).0, b"x\ny\n");
        assert_eq!(read("a.log", &[b"x\r\n"]).0, b"x\r\n");
        assert_eq!(read("a.log", &[b"x\r"]).0, b"x\r");
        assert_eq!(read("a.log", &[]), (Vec::new(), Shape::default()));
        assert_eq!(read("a.log", &[b""]).0, b"");
    }

    #[test]
    fn a_gz_source_is_read_decompressed() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"one\ntwo").unwrap();
        let bytes = gz.finish().unwrap();
        let (half, rest) = bytes.split_at(bytes.len() / 2);
        let (out, shape) = read("a.log.gz", &[half, rest]);
        assert_eq!(out, b"one\ntwo\n");
        assert_eq!(
            shape,
            Shape {
                gunzipped: true,
                line_end_added: true
            }
        );
        // Not gzip after all: refused, either as it is fed or at its end.
        let mut bad = Text::for_key("b.gz");
        let fed = bad.feed(b"not gzip at all");
        assert!(fed.is_err() || bad.finish().is_err());
    }
}
