//! Where a `--checkpoint` lives: a local file, appended to as objects
//! finish, or an `s3://` object in account A, put again whenever the
//! previous put has finished (a put per object would double the requests).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use anyhow::{anyhow, bail, Context, Result};
use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::primitives::ByteStream;
use logferry::error::one_line;
use tokio::sync::{mpsc, oneshot};

use super::checkpoint::replace_file;

pub enum Store {
    Local { path: PathBuf, file: File },
    S3(Remote),
}

pub struct Remote {
    uri: String,
    client: aws_sdk_s3::Client,
    bucket: String,
    key: String,
    /// The writer task's inbox: at most one snapshot waiting.
    next: mpsc::Sender<(String, Option<oneshot::Sender<()>>)>,
    failed: Arc<Mutex<Option<String>>>,
}

impl Store {
    /// Open `spec` (a path or an `s3://` URI) and read what it holds.
    pub async fn open(spec: &str, s3: &aws_sdk_s3::Client) -> Result<(Store, Option<String>)> {
        if spec.starts_with("s3://") {
            let (bucket, key) = super::parse_uri(spec)?;
            if key.is_empty() || key.ends_with('/') {
                bail!("--checkpoint {spec} names no object; give s3://bucket/path/checkpoint.json");
            }
            let text = read_s3(s3, spec, &bucket, &key).await?;
            let remote = Remote::start(spec, s3.clone(), bucket, key);
            return Ok((Store::S3(remote), text));
        }
        let path = PathBuf::from(spec);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                bail!("cannot read --checkpoint {spec} ({e}); give a readable file or a new path")
            }
        };
        let file = append_to(&path)?;
        Ok((Store::Local { path, file }, text))
    }

    /// Whether lines may be appended (a local file).
    pub fn appends(&self) -> bool {
        matches!(self, Store::Local { .. })
    }

    pub fn append(&mut self, line: &[u8]) -> Result<()> {
        match self {
            Store::Local { path, file } => file
                .write_all(line)
                .with_context(|| format!("cannot write the checkpoint {}", path.display())),
            Store::S3(_) => unreachable!("an s3:// checkpoint is replaced, not appended to"),
        }
    }

    /// Whether a snapshot may be handed over now without waiting.
    pub fn ready(&self) -> bool {
        match self {
            Store::Local { .. } => true,
            Store::S3(remote) => remote.next.capacity() > 0,
        }
    }

    /// Replace the checkpoint with `snapshot` (an `s3://` one in the background).
    pub fn replace(&mut self, snapshot: String) -> Result<()> {
        match self {
            Store::Local { path, file } => {
                replace_file(path, &snapshot)?;
                *file = append_to(path)?;
                Ok(())
            }
            Store::S3(remote) => {
                remote.check()?;
                let _ = remote.next.try_send((snapshot, None));
                Ok(())
            }
        }
    }

    /// Replace the checkpoint with `snapshot` and wait until it is written.
    pub async fn finish(&mut self, snapshot: String) -> Result<()> {
        let Store::S3(remote) = self else {
            return self.replace(snapshot);
        };
        let (written, wait) = oneshot::channel();
        remote
            .next
            .send((snapshot, Some(written)))
            .await
            .map_err(|_| anyhow!("the checkpoint writer stopped"))?;
        let _ = wait.await;
        remote.check()
    }
}

fn append_to(path: &PathBuf) -> Result<File> {
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| {
            format!(
                "cannot write --checkpoint {}; give a path in a writable directory",
                path.display()
            )
        })
}

async fn read_s3(
    s3: &aws_sdk_s3::Client,
    uri: &str,
    bucket: &str,
    key: &str,
) -> Result<Option<String>> {
    match s3.get_object().bucket(bucket).key(key).send().await {
        Ok(out) => {
            let bytes = out.body.collect().await.with_context(|| format!("reading {uri}"))?;
            Ok(Some(String::from_utf8_lossy(&bytes.into_bytes()).into_owned()))
        }
        Err(e) if e.code() == Some("NoSuchKey") => Ok(None),
        Err(e) if e.code() == Some("NoSuchBucket") => bail!(
            "the checkpoint bucket {bucket} does not exist; create it in account A, or give a local --checkpoint path"
        ),
        Err(e) => bail!(
            "cannot read --checkpoint {uri} ({}); the identity needs s3:GetObject and s3:PutObject on it",
            one_line(&e)
        ),
    }
}

impl Remote {
    fn start(uri: &str, client: aws_sdk_s3::Client, bucket: String, key: String) -> Remote {
        let (next, mut inbox) = mpsc::channel::<(String, Option<oneshot::Sender<()>>)>(1);
        let failed = Arc::new(Mutex::new(None));
        let remote = Remote {
            uri: uri.to_string(),
            client,
            bucket,
            key,
            next,
            failed: failed.clone(),
        };
        let (client, bucket, key, uri) = (
            remote.client.clone(),
            remote.bucket.clone(),
            remote.key.clone(),
            remote.uri.clone(),
        );
        tokio::spawn(async move {
            while let Some((snapshot, written)) = inbox.recv().await {
                let put = client
                    .put_object()
                    .bucket(&bucket)
                    .key(&key)
                    .body(ByteStream::from(snapshot.into_bytes()))
                    .content_type("application/json")
                    .send()
                    .await;
                if let Err(e) = put {
                    *failed.lock().unwrap() = Some(format!(
                        "cannot write --checkpoint {uri} ({}); the identity needs s3:PutObject on it",
                        one_line(&e)
                    ));
                }
                if let Some(written) = written {
                    let _ = written.send(());
                }
            }
        });
        remote
    }

    fn check(&self) -> Result<()> {
        match self.failed.lock().unwrap().take() {
            Some(e) => Err(anyhow!(e)),
            None => Ok(()),
        }
    }
}
