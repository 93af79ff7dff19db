//! Compaction with S3 mocked at the client's boundary: what the compactor
//! reads, uploads, writes into its manifest and deletes, checked exactly
//! against values this file computes on its own (its own CRC32C, gzip
//! reader and output name).

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};

use aws_sdk_s3::operation::abort_multipart_upload::AbortMultipartUploadOutput;
use aws_sdk_s3::operation::complete_multipart_upload::CompleteMultipartUploadOutput;
use aws_sdk_s3::operation::create_multipart_upload::CreateMultipartUploadOutput;
use aws_sdk_s3::operation::delete_object::DeleteObjectOutput;
use aws_sdk_s3::operation::get_object::GetObjectOutput;
use aws_sdk_s3::operation::list_objects_v2::ListObjectsV2Output;
use aws_sdk_s3::operation::put_object::PutObjectOutput;
use aws_sdk_s3::operation::upload_part::UploadPartOutput;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{ChecksumAlgorithm, ChecksumType, Object, ObjectCannedAcl};
use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
use base64::Engine as _;
use serde_json::{json, Value};
use sha2::{Digest as _, Sha256};

use super::{CompactError, CompactSettings, Compaction, Compactor, Partition};
use crate::ShipError;

const DAY: &str = "logferry/111122223333/eu-west-1/acme-logs/2026/11/21/";
const QUERY: &str = "logferry-query/111122223333/eu-west-1/acme-logs/2026/11/21/";

/// CRC32C (Castagnoli, reflected), bit by bit: independent of the crate's.
fn crc32c(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0x82F6_3B78
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn b64(crc: u32) -> String {
    base64::engine::general_purpose::STANDARD.encode(crc.to_be_bytes())
}

fn gzip(text: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(text).unwrap();
    e.finish().unwrap()
}

/// An archived source: key (under the day), ETag, the bytes S3 holds, and
/// the CRC32C S3 stored for them.
#[derive(Clone)]
struct Stored {
    key: String,
    etag: String,
    bytes: Vec<u8>,
    crc: u32,
}

fn stored(name: &str, bytes: Vec<u8>) -> Stored {
    Stored {
        key: format!("{DAY}{name}"),
        etag: format!("\"etag-{name}\""),
        crc: crc32c(&bytes),
        bytes,
    }
}

/// What the mocked client saw.
#[derive(Default)]
struct Seen {
    parts: Vec<(i32, Vec<u8>)>,
    created: Vec<(Option<ObjectCannedAcl>, Option<ChecksumAlgorithm>)>,
    completed_crc: Option<String>,
    manifest: Option<(Vec<u8>, Option<ObjectCannedAcl>)>,
    deleted: Vec<String>,
    got: Vec<String>,
    aborted: usize,
}

fn listing(objects: impl IntoIterator<Item = (String, String, i64)>) -> ListObjectsV2Output {
    let contents = objects
        .into_iter()
        .map(|(key, etag, size)| Object::builder().key(key).e_tag(etag).size(size).build());
    ListObjectsV2Output::builder()
        .set_contents(Some(contents.collect()))
        .build()
}

/// A client over `sources` (the day's archive) and `present` (the day's
/// query prefix), recording into `seen`.
fn client(sources: &[Stored], present: &[&str], seen: &Arc<Mutex<Seen>>) -> aws_sdk_s3::Client {
    let mut rules = read_rules(sources, present, seen);
    rules.extend(upload_rules(seen));
    rules.extend(manifest_rules(seen));
    let rules: Vec<&Rule> = rules.iter().collect();
    mock_client!(aws_sdk_s3, RuleMode::MatchAny, rules.as_slice())
}

/// Listing the day and the query prefix, and reading each source by ETag.
fn read_rules(sources: &[Stored], present: &[&str], seen: &Arc<Mutex<Seen>>) -> Vec<Rule> {
    let listed: Vec<_> = sources
        .iter()
        .map(|s| (s.key.clone(), s.etag.clone(), s.bytes.len() as i64))
        .collect();
    let present: Vec<_> = present
        .iter()
        .map(|name| (format!("{QUERY}{name}"), "\"old\"".to_string(), 10))
        .collect();
    let (by_key, seen) = (sources.to_vec(), seen.clone());
    let sources = sources.to_vec();
    vec![
        mock!(aws_sdk_s3::Client::list_objects_v2)
            .match_requests(|r| r.prefix() == Some(DAY))
            .then_output(move || listing(listed.clone())),
        mock!(aws_sdk_s3::Client::list_objects_v2)
            .match_requests(|r| r.prefix() == Some(QUERY))
            .then_output(move || listing(present.clone())),
        mock!(aws_sdk_s3::Client::get_object)
            // Only the listed version: the compactor reads by ETag.
            .match_requests(move |r| {
                seen.lock()
                    .unwrap()
                    .got
                    .push(r.key().unwrap_or_default().into());
                by_key.iter().any(|s| {
                    Some(s.key.as_str()) == r.key() && Some(s.etag.as_str()) == r.if_match()
                })
            })
            .then_compute_output(move |r| {
                let s = sources
                    .iter()
                    .find(|s| Some(s.key.as_str()) == r.key())
                    .unwrap();
                GetObjectOutput::builder()
                    .body(ByteStream::from(s.bytes.clone()))
                    .e_tag(&s.etag)
                    .checksum_crc32_c(b64(s.crc))
                    .checksum_type(ChecksumType::FullObject)
                    .build()
            }),
    ]
}

/// The manifest and the deletes of older outputs, each recorded.
fn manifest_rules(seen: &Arc<Mutex<Seen>>) -> Vec<Rule> {
    let [s1, s2] = [(); 2].map(|()| seen.clone());
    vec![
        mock!(aws_sdk_s3::Client::put_object)
            .match_requests(move |r| {
                let body = r.body().bytes().unwrap_or_default().to_vec();
                s1.lock().unwrap().manifest = Some((body, r.acl().cloned()));
                true
            })
            .then_output(|| PutObjectOutput::builder().build()),
        mock!(aws_sdk_s3::Client::delete_object)
            .match_requests(move |r| {
                s2.lock()
                    .unwrap()
                    .deleted
                    .push(r.key().unwrap_or_default().into());
                true
            })
            .then_output(|| DeleteObjectOutput::builder().build()),
    ]
}

/// The multipart upload of the output (or its abort), each step recorded.
fn upload_rules(seen: &Arc<Mutex<Seen>>) -> Vec<Rule> {
    let [s1, s2, s3, s6] = [(); 4].map(|()| seen.clone());
    vec![
        mock!(aws_sdk_s3::Client::create_multipart_upload)
            .match_requests(move |r| {
                s1.lock()
                    .unwrap()
                    .created
                    .push((r.acl().cloned(), r.checksum_algorithm().cloned()));
                true
            })
            .then_output(|| {
                CreateMultipartUploadOutput::builder()
                    .upload_id("u-1")
                    .build()
            }),
        mock!(aws_sdk_s3::Client::upload_part)
            .match_requests(move |r| {
                let body = r.body().bytes().unwrap_or_default().to_vec();
                s2.lock()
                    .unwrap()
                    .parts
                    .push((r.part_number().unwrap_or(0), body));
                true
            })
            .then_compute_output(|r| {
                let crc = crc32c(r.body().bytes().unwrap_or_default());
                UploadPartOutput::builder()
                    .e_tag("\"p\"")
                    .checksum_crc32_c(b64(crc))
                    .build()
            }),
        mock!(aws_sdk_s3::Client::complete_multipart_upload)
            .match_requests(move |r| {
                s3.lock().unwrap().completed_crc = r.checksum_crc32_c().map(str::to_string);
                r.checksum_type() == Some(&ChecksumType::FullObject)
            })
            .then_compute_output(|r| {
                CompleteMultipartUploadOutput::builder()
                    .set_checksum_crc32_c(r.checksum_crc32_c().map(str::to_string))
                    .build()
            }),
        mock!(aws_sdk_s3::Client::abort_multipart_upload)
            .match_requests(move |r| {
                s6.lock().unwrap().aborted += 1;
                r.upload_id() == Some("u-1")
            })
            .then_output(|| AbortMultipartUploadOutput::builder().build()),
    ]
}

fn compactor(client: aws_sdk_s3::Client) -> Compactor {
    let config = CompactSettings {
        archive_bucket: Some("archive-b".into()),
        ..Default::default()
    }
    .validate()
    .expect("valid settings");
    Compactor::new(client, &config)
}

fn partition() -> Partition {
    Partition::new("111122223333", "eu-west-1", "acme-logs", "2026-11-21").unwrap()
}

/// The output's name: the first 12 bytes, in hex, of SHA-256 over each
/// source's key, a NUL, its ETag and a newline, in key order.
fn name_of(sources: &[Stored]) -> String {
    let mut digest = Sha256::new();
    for s in sources {
        digest.update(format!("{}\0{}\n", s.key, s.etag));
    }
    digest.finalize()[..12]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The manifest of the four sources of the test below: each source's
/// ETag, size, stored checksum, offset and shape; the output's size and
/// CRC32C.
fn expected_manifest(sources: &[Stored], text: &[u8], compressed: &[u8]) -> Value {
    let name = name_of(sources);
    let source = |s: &Stored, offset: u64, gunzipped: bool, line_end_added: bool| {
        json!({
            "key": s.key, "etag": s.etag, "version_id": null, "size": s.bytes.len(),
            "checksum": format!("CRC32C:{}", b64(s.crc)), "offset": offset,
            "gunzipped": gunzipped, "line_end_added": line_end_added,
        })
    };
    json!({
        "partition": {"account": "111122223333", "region": "eu-west-1", "bucket": "acme-logs", "day": "2026-11-21"},
        "output_key": format!("{QUERY}part-{name}.gz"),
        "manifest_key": format!("{QUERY}_manifest-{name}.json"),
        "sources": [
            source(&sources[0], 0, false, false),
            source(&sources[1], 8, true, true),
            source(&sources[2], 20, false, false),
            source(&sources[3], 20, false, true),
        ],
        "uncompressed_bytes": text.len(),
        "uncompressed_crc32c": b64(crc32c(text)),
        "compressed_bytes": compressed.len(),
        "removed": [],
    })
}

#[tokio::test]
async fn a_partition_becomes_one_upload_and_a_manifest_that_says_exactly_what_it_holds() {
    let sources = vec![
        stored("a.log", b"one\ntwo\n".to_vec()),
        stored("b.log.gz", gzip(b"three\r\nfour")),
        stored("c.log", Vec::new()),
        stored("d.log", b"five".to_vec()),
    ];
    let seen = Arc::new(Mutex::new(Seen::default()));
    let present = ["part-0ld.gz", "_manifest-0ld.json", "notes.txt"];
    let compactor = compactor(client(&sources, &present, &seen));

    let written = match compactor.compact(&partition()).await.unwrap() {
        Compaction::Written(c) => c,
        other => panic!("{other:?}"),
    };

    let text = b"one\ntwo\nthree\r\nfour\nfive\n";
    let seen = seen.lock().unwrap();
    assert_eq!(
        seen.got,
        sources.iter().map(|s| s.key.clone()).collect::<Vec<_>>()
    );
    assert_eq!(
        seen.created,
        vec![(
            Some(ObjectCannedAcl::BucketOwnerFullControl),
            Some(ChecksumAlgorithm::Crc32C)
        )]
    );
    // One part (the output is small), numbered 1; it gunzips to the text.
    assert_eq!(seen.parts.iter().map(|p| p.0).collect::<Vec<_>>(), vec![1]);
    let compressed: Vec<u8> = seen.parts.iter().flat_map(|p| p.1.clone()).collect();
    let mut gunzipped = Vec::new();
    flate2::read::MultiGzDecoder::new(&compressed[..])
        .read_to_end(&mut gunzipped)
        .unwrap();
    assert_eq!(gunzipped, text);
    // S3 is asked to check the whole output's CRC32C on completion.
    assert_eq!(seen.completed_crc, Some(b64(crc32c(&compressed))));

    let expected = expected_manifest(&sources, text, &compressed);
    let (manifest, acl) = seen.manifest.clone().expect("a manifest was written");
    let manifest: Value = serde_json::from_slice(&manifest).unwrap();
    assert_eq!(manifest, expected);
    assert_eq!(acl, Some(ObjectCannedAcl::BucketOwnerFullControl));
    // The older output and its manifest go (in key order); nothing else
    // under the prefix.
    let removed = vec![
        format!("{QUERY}_manifest-0ld.json"),
        format!("{QUERY}part-0ld.gz"),
    ];
    assert_eq!(seen.deleted, removed);
    assert_eq!(written.removed, removed);
    assert_eq!(written.output_key, expected["output_key"]);
}

#[tokio::test]
async fn an_output_made_from_the_same_sources_is_left_alone_and_nothing_is_read() {
    let sources = [stored("a.log", b"one\n".to_vec())];
    let name = name_of(&sources);
    let (part, manifest) = (format!("part-{name}.gz"), format!("_manifest-{name}.json"));
    let seen = Arc::new(Mutex::new(Seen::default()));
    let compactor = compactor(client(&sources, &[&part, &manifest], &seen));
    match compactor.compact(&partition()).await.unwrap() {
        Compaction::Unchanged(key) => assert_eq!(key, format!("{QUERY}{part}")),
        other => panic!("{other:?}"),
    }
    let seen = seen.lock().unwrap();
    assert!(seen.got.is_empty() && seen.created.is_empty() && seen.deleted.is_empty());
    assert!(seen.manifest.is_none() && seen.aborted == 0);
}

/// The client here does not check bodies against the stored checksum (the
/// mock hands the body over as an output), so only logferry's own check
/// stands between a changed byte and the compacted copy.
#[tokio::test]
async fn a_source_that_differs_from_its_stored_checksum_is_caught_by_logferrys_own_check() {
    let mut sources = vec![
        stored("a.log", b"one\n".to_vec()),
        stored("b.log", b"two\n".to_vec()),
    ];
    sources[1].bytes = b"tw0\n".to_vec();
    let seen = Arc::new(Mutex::new(Seen::default()));
    let err = compactor(client(&sources, &[], &seen))
        .compact(&partition())
        .await
        .unwrap_err();
    match &err {
        CompactError::Transfer(ShipError::VerifyMismatch { key, detail, .. }) => {
            assert_eq!(key, &sources[1].key);
            assert!(detail.contains("the bytes read have"), "{detail}");
        }
        other => panic!("{other}"),
    }
    let seen = seen.lock().unwrap();
    assert!(seen.manifest.is_none(), "a manifest for a refused output");
    assert!(seen.completed_crc.is_none(), "the upload was completed");
    assert_eq!(seen.aborted, 1, "the upload was left behind");
}

#[tokio::test]
async fn a_source_without_a_full_object_checksum_is_refused_with_the_reason() {
    let sources = [stored("a.log", b"one\n".to_vec())];
    // The same listing, but S3 stored no checksum for the object.
    let rules = [
        mock!(aws_sdk_s3::Client::list_objects_v2).then_output({
            let s = sources[0].clone();
            move || listing([(s.key.clone(), s.etag.clone(), 4)])
        }),
        mock!(aws_sdk_s3::Client::get_object).then_output(|| {
            GetObjectOutput::builder()
                .body(ByteStream::from_static(b"one\n"))
                .build()
        }),
        mock!(aws_sdk_s3::Client::create_multipart_upload).then_output(|| {
            CreateMultipartUploadOutput::builder()
                .upload_id("u-1")
                .build()
        }),
        mock!(aws_sdk_s3::Client::abort_multipart_upload)
            .then_output(|| AbortMultipartUploadOutput::builder().build()),
    ];
    let err = compactor(mock_client!(aws_sdk_s3, RuleMode::MatchAny, &rules))
        .compact(&partition())
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("has no full-object checksum"), "{err}");
    assert!(err.contains(&sources[0].key), "{err}");
}
