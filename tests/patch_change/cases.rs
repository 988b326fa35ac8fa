//! The pinned cases of `changes_touch_only_the_changed_lines`: a config, a change to it, the
//! exact output and how many lines it may touch.

use flowspec::yaml::{parse, PathSeg};
use serde_json::{json, Value as Json};

use super::key;

pub struct Case {
    pub name: &'static str,
    pub text: &'static str,
    pub at: Vec<PathSeg>,
    pub new: Json,
    pub want: &'static str,
    /// Lines of `text` that may change (removed) and lines the output adds.
    pub removed: usize,
    pub added: usize,
}

fn config_path() -> Vec<PathSeg> {
    vec![
        key("captures"),
        key("acme/src"),
        key("endpoint"),
        key("connector"),
        key("config"),
    ]
}

const CATALOG: &str = "\
# Acme capture
captures:
  acme/src:
    endpoint:
      connector:
        image: ghcr.io/estuary/source-postgres:v1
        config:
          address: db.internal:5432 # primary
          database: app
          credentials:
            auth_type: password
            password: hunter2
          advanced:
            slot: flow_slot   # replication slot
            publications:
              - flow_pub
              - other_pub
          tables:
            - name: a
              mode: full
            - name: b
              mode: incremental
    bindings:
      - resource: {stream: a}
        target: acme/a
";

fn config() -> Json {
    parse(CATALOG)
        .unwrap()
        .at(&config_path())
        .unwrap()
        .to_json()
}

fn with(f: impl FnOnce(&mut Json)) -> Json {
    let mut c = config();
    f(&mut c);
    c
}

pub fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "add a nested object to a block config",
            text: CATALOG,
            at: config_path(),
            new: with(|c| {
                c["ssh"] = json!({"host": "bastion", "port": 22, "keys": {"user": "me"}})
            }),
            want: "\
# Acme capture
captures:
  acme/src:
    endpoint:
      connector:
        image: ghcr.io/estuary/source-postgres:v1
        config:
          address: db.internal:5432 # primary
          database: app
          credentials:
            auth_type: password
            password: hunter2
          advanced:
            slot: flow_slot   # replication slot
            publications:
              - flow_pub
              - other_pub
          tables:
            - name: a
              mode: full
            - name: b
              mode: incremental
          ssh:
            host: bastion
            port: 22
            keys:
              user: me
    bindings:
      - resource: {stream: a}
        target: acme/a
",
            removed: 0,
            added: 5,
        },
        Case {
            name: "change a scalar deep inside, keeping its comment",
            text: CATALOG,
            at: config_path(),
            new: with(|c| c["advanced"]["slot"] = json!("slot2")),
            want: "\
# Acme capture
captures:
  acme/src:
    endpoint:
      connector:
        image: ghcr.io/estuary/source-postgres:v1
        config:
          address: db.internal:5432 # primary
          database: app
          credentials:
            auth_type: password
            password: hunter2
          advanced:
            slot: slot2   # replication slot
            publications:
              - flow_pub
              - other_pub
          tables:
            - name: a
              mode: full
            - name: b
              mode: incremental
    bindings:
      - resource: {stream: a}
        target: acme/a
",
            removed: 1,
            added: 1,
        },
        Case {
            name: "switch a oneOf variant",
            text: CATALOG,
            at: config_path(),
            new: with(|c| {
                c["credentials"] = json!({
                    "auth_type": "key",
                    "private_key": "-----BEGIN KEY-----\nMIIB\n-----END KEY-----\n"
                })
            }),
            want: "\
# Acme capture
captures:
  acme/src:
    endpoint:
      connector:
        image: ghcr.io/estuary/source-postgres:v1
        config:
          address: db.internal:5432 # primary
          database: app
          credentials:
            auth_type: key
            private_key: |
              -----BEGIN KEY-----
              MIIB
              -----END KEY-----
          advanced:
            slot: flow_slot   # replication slot
            publications:
              - flow_pub
              - other_pub
          tables:
            - name: a
              mode: full
            - name: b
              mode: incremental
    bindings:
      - resource: {stream: a}
        target: acme/a
",
            removed: 2,
            added: 5,
        },
        Case {
            name: "remove a multi-line nested key",
            text: CATALOG,
            at: config_path(),
            new: with(|c| {
                c.as_object_mut().unwrap().remove("advanced");
            }),
            want: "\
# Acme capture
captures:
  acme/src:
    endpoint:
      connector:
        image: ghcr.io/estuary/source-postgres:v1
        config:
          address: db.internal:5432 # primary
          database: app
          credentials:
            auth_type: password
            password: hunter2
          tables:
            - name: a
              mode: full
            - name: b
              mode: incremental
    bindings:
      - resource: {stream: a}
        target: acme/a
",
            removed: 5,
            added: 0,
        },
        Case {
            name: "keys with comments on them: changed, removed",
            text: CATALOG,
            at: config_path(),
            new: with(|c| {
                c["address"] = json!("db2:5432");
                c["advanced"].as_object_mut().unwrap().remove("slot");
            }),
            want: "\
# Acme capture
captures:
  acme/src:
    endpoint:
      connector:
        image: ghcr.io/estuary/source-postgres:v1
        config:
          address: db2:5432 # primary
          database: app
          credentials:
            auth_type: password
            password: hunter2
          advanced:
            publications:
              - flow_pub
              - other_pub
          tables:
            - name: a
              mode: full
            - name: b
              mode: incremental
    bindings:
      - resource: {stream: a}
        target: acme/a
",
            removed: 2,
            added: 1,
        },
        Case {
            name: "arrays of scalars grown",
            text: CATALOG,
            at: config_path(),
            new: with(|c| {
                c["advanced"]["publications"] = json!(["flow_pub", "other_pub", "third"])
            }),
            want: "\
# Acme capture
captures:
  acme/src:
    endpoint:
      connector:
        image: ghcr.io/estuary/source-postgres:v1
        config:
          address: db.internal:5432 # primary
          database: app
          credentials:
            auth_type: password
            password: hunter2
          advanced:
            slot: flow_slot   # replication slot
            publications:
              - flow_pub
              - other_pub
              - third
          tables:
            - name: a
              mode: full
            - name: b
              mode: incremental
    bindings:
      - resource: {stream: a}
        target: acme/a
",
            removed: 0,
            added: 1,
        },
        Case {
            name: "arrays of scalars shrunk",
            text: CATALOG,
            at: config_path(),
            new: with(|c| c["advanced"]["publications"] = json!(["other_pub"])),
            want: "\
# Acme capture
captures:
  acme/src:
    endpoint:
      connector:
        image: ghcr.io/estuary/source-postgres:v1
        config:
          address: db.internal:5432 # primary
          database: app
          credentials:
            auth_type: password
            password: hunter2
          advanced:
            slot: flow_slot   # replication slot
            publications:
              - other_pub
          tables:
            - name: a
              mode: full
            - name: b
              mode: incremental
    bindings:
      - resource: {stream: a}
        target: acme/a
",
            removed: 1,
            added: 0,
        },
        Case {
            name: "arrays of objects: one item changed",
            text: CATALOG,
            at: config_path(),
            new: with(|c| c["tables"][1]["mode"] = json!("full")),
            want: "\
# Acme capture
captures:
  acme/src:
    endpoint:
      connector:
        image: ghcr.io/estuary/source-postgres:v1
        config:
          address: db.internal:5432 # primary
          database: app
          credentials:
            auth_type: password
            password: hunter2
          advanced:
            slot: flow_slot   # replication slot
            publications:
              - flow_pub
              - other_pub
          tables:
            - name: a
              mode: full
            - name: b
              mode: full
    bindings:
      - resource: {stream: a}
        target: acme/a
",
            removed: 1,
            added: 1,
        },
        Case {
            name: "a secret with special characters",
            text: CATALOG,
            at: config_path(),
            new: with(|c| c["credentials"]["password"] = json!("  p#ss: 'q' \"w\" ünï ✓ # x")),
            want: "\
# Acme capture
captures:
  acme/src:
    endpoint:
      connector:
        image: ghcr.io/estuary/source-postgres:v1
        config:
          address: db.internal:5432 # primary
          database: app
          credentials:
            auth_type: password
            password: \"  p#ss: 'q' \\\"w\\\" ünï ✓ # x\"
          advanced:
            slot: flow_slot   # replication slot
            publications:
              - flow_pub
              - other_pub
          tables:
            - name: a
              mode: full
            - name: b
              mode: incremental
    bindings:
      - resource: {stream: a}
        target: acme/a
",
            removed: 1,
            added: 1,
        },
        Case {
            name: "edit inside a flow mapping",
            text: CATALOG,
            at: vec![
                key("captures"),
                key("acme/src"),
                key("bindings"),
                PathSeg::Index(0),
                key("resource"),
            ],
            new: json!({"stream": "a2", "namespace": "public", "cursor": ["id"]}),
            want: "\
# Acme capture
captures:
  acme/src:
    endpoint:
      connector:
        image: ghcr.io/estuary/source-postgres:v1
        config:
          address: db.internal:5432 # primary
          database: app
          credentials:
            auth_type: password
            password: hunter2
          advanced:
            slot: flow_slot   # replication slot
            publications:
              - flow_pub
              - other_pub
          tables:
            - name: a
              mode: full
            - name: b
              mode: incremental
    bindings:
      - resource: {stream: a2, namespace: public, cursor: [id]}
        target: acme/a
",
            removed: 1,
            added: 1,
        },
        Case {
            name: "a CRLF file stays CRLF",
            text: "host: a\r\nauth:\r\n  type: password\r\n  password: x\r\nport: 1\r\n",
            at: vec![],
            new: json!({"host": "b", "auth": {"type": "key", "key": "k"}, "port": 1, "tls": {"on": true}}),
            want:
                "host: b\r\nauth:\r\n  type: key\r\n  key: k\r\nport: 1\r\ntls:\r\n  \"on\": true\r\n",
            removed: 3,
            added: 5,
        },
        Case {
            name: "an empty document gets its first keys",
            text: "",
            at: vec![],
            new: json!({"host": "h", "auth": {"type": "password"}, "tags": []}),
            want: "host: h\nauth:\n  type: password\ntags: []\n",
            removed: 0,
            added: 4,
        },
        Case {
            name: "`config:` with an empty value becomes a block mapping",
            text: "image: x\nconfig:\nnext: 1\n",
            at: vec![key("config")],
            new: json!({"host": "h", "ports": [1, 2]}),
            want: "image: x\nconfig:\n  host: h\n  ports:\n    - 1\n    - 2\nnext: 1\n",
            removed: 0,
            added: 4,
        },
        Case {
            name: "a value becoming empty and a scalar becoming a mapping",
            text: "a:\n  x: 1\n  y: 2\nb: 3 # note\n",
            at: vec![],
            new: json!({"a": {}, "b": {"c": 4}}),
            want: "a: {}\nb: # note\n  c: 4\n",
            removed: 4,
            added: 3,
        },
    ]
}
