use super::*;

fn at(entry: u64, key: &str) -> Cursor {
    Cursor {
        entry,
        key: key.into(),
    }
}

fn tracker() -> Tracker {
    Tracker::new(None, Snapshot::default()).0
}

#[test]
fn through_moves_only_past_settled_objects_in_input_order() {
    let mut t = tracker();
    let a = t.take(at(1, "a"), "s3://b/a".into(), false);
    let b = t.take(at(1, "b"), "s3://b/b".into(), false);
    let c = t.take(at(1, "c"), "s3://b/c".into(), false);
    t.finish(b, true).unwrap();
    t.finish(c, false).unwrap();
    let s = t.snapshot();
    assert_eq!(s.through, None, "a is still in flight");
    assert_eq!(s.done_after, BTreeSet::from([at(1, "b")]));
    assert!(s.pending.is_empty(), "c comes after through: found again");

    t.finish(a, true).unwrap();
    let s = t.snapshot();
    assert_eq!(s.through, Some(at(1, "c")));
    assert!(s.done_after.is_empty());
    assert_eq!(
        s.pending,
        vec![Pending {
            at: at(1, "c"),
            uri: "s3://b/c".into(),
            named: false
        }],
        "a failure the checkpoint passed is kept to retry"
    );
}

#[test]
fn a_resumed_run_retries_first_and_keeps_what_was_verified_beyond() {
    let earlier = Snapshot {
        logferry_checkpoint: 1,
        input: "s3://b/p/".into(),
        through: Some(at(1, "m")),
        pending: vec![Pending {
            at: at(1, "c"),
            uri: "s3://b/p/c".into(),
            named: false,
        }],
        done_after: BTreeSet::from([at(1, "x")]),
    };
    let (mut t, retries) = Tracker::new(None, earlier);
    assert_eq!(retries.len(), 1);
    let s = t.snapshot();
    assert_eq!(s.pending.len(), 1, "an untried retry stays pending");
    assert_eq!(s.done_after, BTreeSet::from([at(1, "x")]));
    t.finish(retries[0].0, true).unwrap();
    let n = t.take(at(1, "n"), "s3://b/p/n".into(), false);
    t.finish(n, true).unwrap();
    let s = t.snapshot();
    assert!(s.pending.is_empty());
    assert_eq!(
        s.through,
        Some(at(1, "n")),
        "a retry does not move through back"
    );
    assert_eq!(s.done_after, BTreeSet::from([at(1, "x")]));
}

#[test]
fn the_window_is_bounded_and_wakes_the_input_when_it_moves() {
    let mut t = tracker();
    let waker = futures::task::noop_waker();
    let first = t.take(at(1, "0000"), "s3://b/0".into(), false);
    for i in 1..WINDOW {
        let n = t.take(at(1, &format!("{i:04}")), format!("s3://b/{i}"), false);
        t.finish(n, true).unwrap();
    }
    assert!(!t.has_room(&waker), "one slow object holds the window");
    t.finish(first, true).unwrap();
    assert!(t.has_room(&waker));
    assert!(t.snapshot().done_after.is_empty());
}

#[test]
fn a_local_checkpoint_replays_its_lines_and_forgives_a_cut_last_line() {
    let snapshot = Snapshot {
        logferry_checkpoint: 1,
        input: "in".into(),
        through: Some(at(2, "")),
        ..Snapshot::default()
    };
    let lines = [
        serde_json::to_string(&snapshot).unwrap(),
        serde_json::to_string(&Line::Done(at(3, ""))).unwrap(),
        serde_json::to_string(&Line::Failed(Pending {
            at: at(1, ""),
            uri: "s3://b/k".into(),
            named: true,
        }))
        .unwrap(),
        "{\"done\":{\"entry\":4".into(),
    ];
    let parsed = Snapshot::parse(&lines.join("\n"), "cp").unwrap();
    assert_eq!(parsed.done_after, BTreeSet::from([at(3, "")]));
    assert_eq!(parsed.pending.len(), 1);
    let broken = [lines[0].as_str(), "nonsense", lines[1].as_str()].join("\n");
    let err = Snapshot::parse(&broken, "cp").unwrap_err().to_string();
    assert!(err.starts_with("cp, line 2"), "{err}");
    let err = format!("{:#}", Snapshot::parse("[]", "cp").unwrap_err());
    assert!(err.contains("not a logferry checkpoint"), "{err}");
}
