//! Flow's catalog format as a table: one [`Shape`] or [`Object`] per Flow model type, from the
//! whole file ([`CATALOG`]) down to shard settings, so it reads side by side with Flow's
//! `models` crate (flow-format.md §1).

use super::{Custom, Entries, Object, Pattern, Rule, Shape, Variants};
use crate::catalog::EntityKind;

const U32: u64 = u32::MAX as u64;
const UINT32: Shape = Shape::UInt {
    min: 0,
    max: U32,
    schema_max: false,
};
const STR_MAP: Entries = Entries {
    keys: None,
    label: None,
    values: Shape::Str,
};

/// `RecommendedDepth`: `true`/`false`, or how deep to recommend fields.
const RECOMMENDED: Shape = Shape::Either(&[
    Shape::Bool,
    Shape::UInt {
        min: 0,
        max: u64::MAX,
        schema_max: false,
    },
]);

const ON_INCOMPATIBLE: Shape = Shape::Enum {
    values: &["abort", "backfill", "disableBinding", "disableTask"],
    legacy: &[],
};

const COMPOSITE_KEY: Shape = Shape::List(&Shape::Text(Pattern::Pointer));

/// `ShardTemplate`: shard settings of captures, materializations and derivations.
static SHARDS: Object = Object {
    item: None,
    fields: &[
        ("disable", Shape::Bool),
        (
            "flags",
            Shape::Map(&Entries {
                keys: Some(Pattern::Token),
                label: Some("flag"),
                values: Shape::Text(Pattern::Token),
            }),
        ),
        ("hotStandbys", UINT32),
        ("logLevel", Shape::Str),
        ("maxTxnDuration", Shape::Duration),
        ("minTxnDuration", Shape::Duration),
        ("readChannelSize", UINT32),
        ("ringBufferSize", UINT32),
    ],
    required: &[],
    closed: true,
    aliases: &[],
    hints: &[],
    rule: None,
};

static CONNECTOR: Object = Object {
    item: None,
    fields: &[
        ("image", Shape::Text(Pattern::Image)),
        ("config", Shape::Any),
    ],
    required: &["image", "config"],
    closed: false,
    aliases: &[],
    hints: &[],
    rule: None,
};

static LOCAL: Object = Object {
    item: None,
    fields: &[
        ("command", Shape::NonEmptyList(&Shape::Str)),
        ("config", Shape::Any),
        ("env", Shape::Map(&STR_MAP)),
        ("protobuf", Shape::Bool),
    ],
    required: &["command", "config"],
    closed: false,
    aliases: &[],
    hints: &[],
    rule: None,
};

static DEKAF: Object = Object {
    item: None,
    fields: &[("variant", Shape::Str), ("config", Shape::Any)],
    required: &["variant", "config"],
    closed: false,
    aliases: &[],
    hints: &[],
    rule: None,
};

const AIRBYTE_HINT: &str =
    "`airbyteSource` endpoints no longer exist; use `connector: {image, config}` \
     with an Estuary connector image";
const INGEST_HINT: &str = "`ingest` endpoints no longer exist; use a `connector` endpoint";

static CAPTURE_ENDPOINT: Variants = Variants {
    what: "endpoint",
    item: None,
    options: &[
        ("connector", Shape::Object(&CONNECTOR)),
        ("local", Shape::Object(&LOCAL)),
    ],
    aliases: &[],
    hints: &[
        ("airbyteSource", AIRBYTE_HINT),
        ("ingest", INGEST_HINT),
        (
            "dekaf",
            "`dekaf` endpoints are only for materializations; a capture uses `connector` or `local`",
        ),
    ],
};

static MATERIALIZATION_ENDPOINT: Variants = Variants {
    what: "endpoint",
    item: None,
    options: &[
        ("connector", Shape::Object(&CONNECTOR)),
        ("local", Shape::Object(&LOCAL)),
        ("dekaf", Shape::Object(&DEKAF)),
    ],
    aliases: &[("flowSink", "connector")],
    hints: &[("airbyteSource", AIRBYTE_HINT), ("ingest", INGEST_HINT)],
};

static CAPTURE_BINDING: Object = Object {
    item: Some("binding"),
    fields: &[
        ("resource", Shape::Any),
        ("target", Shape::Ref(EntityKind::Collection)),
        ("disable", Shape::Bool),
        ("backfill", UINT32),
    ],
    required: &["resource", "target"],
    closed: true,
    aliases: &[],
    hints: &[(
        "source",
        "capture bindings write into a collection named by `target`, not `source`",
    )],
    rule: None,
};

const TASK_DISABLE_HINT: &str =
    "there is no task-level `disable`; to disable the whole task, set `shards: {disable: true}`";

static CAPTURE_DEF: Object = Object {
    item: None,
    fields: &[
        (
            "autoDiscover",
            Shape::Object(&Object {
                item: None,
                fields: &[
                    ("addNewBindings", Shape::Bool),
                    ("evolveIncompatibleCollections", Shape::Bool),
                ],
                required: &[],
                closed: true,
                aliases: &[],
                hints: &[],
                rule: None,
            }),
        ),
        ("endpoint", Shape::Variant(&CAPTURE_ENDPOINT)),
        ("bindings", Shape::List(&Shape::Object(&CAPTURE_BINDING))),
        ("interval", Shape::Duration),
        ("shards", Shape::Object(&SHARDS)),
        ("redactSalt", Shape::Str),
        ("expectPubId", Shape::Str),
        ("delete", Shape::Bool),
        ("reset", Shape::Bool),
    ],
    required: &["endpoint", "bindings"],
    closed: true,
    aliases: &[],
    hints: &[("disable", TASK_DISABLE_HINT)],
    rule: None,
};

static PARTITION_SELECTOR: Object = Object {
    item: None,
    fields: &[
        (
            "include",
            Shape::Map(&Entries {
                keys: None,
                label: None,
                values: Shape::List(&Shape::Any),
            }),
        ),
        (
            "exclude",
            Shape::Map(&Entries {
                keys: None,
                label: None,
                values: Shape::List(&Shape::Any),
            }),
        ),
    ],
    required: &[],
    closed: true,
    aliases: &[],
    hints: &[],
    rule: None,
};

/// `Source`: a collection name, or `{name, partitions, notBefore, notAfter}`.
const SOURCE: Shape = Shape::Either(&[
    Shape::Ref(EntityKind::Collection),
    Shape::Object(&Object {
        item: None,
        fields: &[
            ("name", Shape::Ref(EntityKind::Collection)),
            ("partitions", Shape::Object(&PARTITION_SELECTOR)),
            ("notBefore", Shape::DateTime),
            ("notAfter", Shape::DateTime),
        ],
        required: &["name"],
        closed: true,
        aliases: &[],
        hints: &[],
        rule: None,
    }),
]);

static FIELDS: Object = Object {
    item: None,
    fields: &[
        ("recommended", RECOMMENDED),
        (
            "require",
            Shape::Map(&Entries {
                keys: Some(Pattern::Field),
                label: Some("required field"),
                values: Shape::Any,
            }),
        ),
        ("exclude", Shape::List(&Shape::Text(Pattern::Field))),
        ("groupBy", Shape::List(&Shape::Text(Pattern::Field))),
    ],
    required: &["recommended"],
    closed: true,
    aliases: &[("include", "require")],
    hints: &[],
    rule: None,
};

static MATERIALIZATION_BINDING: Object = Object {
    item: Some("binding"),
    fields: &[
        ("source", SOURCE),
        ("resource", Shape::Any),
        ("disable", Shape::Bool),
        ("priority", UINT32),
        ("backfill", UINT32),
        ("onIncompatibleSchemaChange", ON_INCOMPATIBLE),
        ("fields", Shape::Object(&FIELDS)),
    ],
    required: &["resource", "source"],
    closed: true,
    aliases: &[],
    hints: &[(
        "target",
        "materialization bindings read from a collection named by `source`, not `target`",
    )],
    rule: None,
};

/// `SourceType`: the capture whose collections a materialization follows.
const SOURCE_CAPTURE: Shape = Shape::Either(&[
    Shape::Ref(EntityKind::Capture),
    Shape::Object(&Object {
        item: None,
        fields: &[
            ("capture", Shape::Ref(EntityKind::Capture)),
            ("deltaUpdates", Shape::Bool),
            ("fieldsRecommended", RECOMMENDED),
            (
                "targetNaming",
                Shape::Enum {
                    values: &[
                        "noSchema",
                        "withSchema",
                        "prefixSchema",
                        "prefixNonDefaultSchema",
                    ],
                    legacy: &[("leaveEmpty", "noSchema"), ("fromSourceName", "withSchema")],
                },
            ),
        ],
        required: &["capture"],
        closed: true,
        aliases: &[],
        hints: &[],
        rule: None,
    }),
]);

static TRIGGER: Object = Object {
    item: Some("trigger"),
    fields: &[
        ("url", Shape::Str),
        ("payloadTemplate", Shape::Str),
        (
            "method",
            Shape::Enum {
                values: &["POST", "PUT", "PATCH"],
                legacy: &[],
            },
        ),
        ("headers", Shape::Map(&STR_MAP)),
        ("timeout", Shape::Duration),
        ("maxAttempts", UINT32),
    ],
    required: &["url", "payloadTemplate"],
    closed: true,
    aliases: &[],
    hints: &[],
    rule: None,
};

static MATERIALIZATION_DEF: Object = Object {
    item: None,
    fields: &[
        ("source", SOURCE_CAPTURE),
        ("onIncompatibleSchemaChange", ON_INCOMPATIBLE),
        (
            "targetNaming",
            Shape::Either(&[Shape::Custom(Custom::TargetNamingStrategy), Shape::Null]),
        ),
        ("endpoint", Shape::Variant(&MATERIALIZATION_ENDPOINT)),
        (
            "bindings",
            Shape::List(&Shape::Object(&MATERIALIZATION_BINDING)),
        ),
        ("shards", Shape::Object(&SHARDS)),
        (
            "triggers",
            Shape::Either(&[
                Shape::Object(&Object {
                    item: None,
                    fields: &[("config", Shape::List(&Shape::Object(&TRIGGER)))],
                    required: &["config"],
                    closed: true,
                    aliases: &[],
                    hints: &[],
                    rule: None,
                }),
                Shape::Null,
            ]),
        ),
        ("expectPubId", Shape::Str),
        ("delete", Shape::Bool),
        ("reset", Shape::Bool),
    ],
    required: &["endpoint", "bindings"],
    closed: true,
    aliases: &[("sourceCapture", "source")],
    hints: &[("disable", TASK_DISABLE_HINT)],
    rule: None,
};

const PROJECTION: Shape = Shape::Either(&[
    Shape::Text(Pattern::Pointer),
    Shape::Object(&Object {
        item: None,
        fields: &[
            ("location", Shape::Text(Pattern::Pointer)),
            ("partition", Shape::Bool),
        ],
        required: &["location"],
        closed: true,
        aliases: &[],
        hints: &[],
        rule: None,
    }),
]);

static JOURNALS: Object = Object {
    item: None,
    fields: &[(
        "fragments",
        Shape::Object(&Object {
            item: None,
            fields: &[
                (
                    "compressionCodec",
                    Shape::Enum {
                        values: &[
                            "NONE",
                            "GZIP",
                            "ZSTANDARD",
                            "SNAPPY",
                            "GZIP_OFFLOAD_DECOMPRESSION",
                        ],
                        legacy: &[],
                    },
                ),
                ("flushInterval", Shape::Duration),
                (
                    "length",
                    Shape::UInt {
                        min: 32,
                        max: 4096,
                        schema_max: true,
                    },
                ),
                ("retention", Shape::Duration),
            ],
            required: &[],
            closed: true,
            aliases: &[],
            hints: &[],
            rule: None,
        }),
    )],
    required: &["fragments"],
    closed: true,
    aliases: &[],
    hints: &[],
    rule: None,
};

/// Derivation lambdas, migrations and modules are strings (inline code or a file path).
static DERIVE_USING: Variants = Variants {
    what: "derivation type",
    item: None,
    options: &[
        ("connector", Shape::Object(&CONNECTOR)),
        ("local", Shape::Object(&LOCAL)),
        (
            "sqlite",
            Shape::Object(&Object {
                item: None,
                fields: &[("migrations", Shape::List(&Shape::Str))],
                required: &[],
                closed: true,
                aliases: &[],
                hints: &[],
                rule: None,
            }),
        ),
        (
            "typescript",
            Shape::Object(&Object {
                item: None,
                fields: &[("module", Shape::Str)],
                required: &["module"],
                closed: true,
                aliases: &[],
                hints: &[],
                rule: None,
            }),
        ),
        (
            "python",
            Shape::Object(&Object {
                item: None,
                fields: &[
                    ("module", Shape::Str),
                    ("dependencies", Shape::Map(&STR_MAP)),
                ],
                required: &["module"],
                closed: true,
                aliases: &[],
                hints: &[],
                rule: None,
            }),
        ),
    ],
    aliases: &[],
    hints: &[],
};

/// `Shuffle`: `any`, `{key: [...]}` or `{lambda: ...}`.
const SHUFFLE: Shape = Shape::Either(&[
    Shape::Enum {
        values: &["any"],
        legacy: &[],
    },
    Shape::Variant(&Variants {
        what: "shuffle",
        item: None,
        options: &[("key", COMPOSITE_KEY), ("lambda", Shape::Any)],
        aliases: &[],
        hints: &[],
    }),
]);

static TRANSFORM: Object = Object {
    item: Some("transform"),
    fields: &[
        ("name", Shape::Text(Pattern::Token)),
        ("source", SOURCE),
        ("shuffle", SHUFFLE),
        ("lambda", Shape::Any),
        ("priority", UINT32),
        ("readDelay", Shape::Duration),
        ("disable", Shape::Bool),
        ("backfill", UINT32),
    ],
    required: &["name", "source", "shuffle"],
    closed: true,
    aliases: &[],
    hints: &[
        (
            "publish",
            "`publish` and `update` lambdas are gone; a transform has one `lambda`",
        ),
        (
            "update",
            "`publish` and `update` lambdas are gone; a transform has one `lambda`",
        ),
    ],
    rule: None,
};

static DERIVE: Object = Object {
    item: None,
    fields: &[
        ("using", Shape::Variant(&DERIVE_USING)),
        ("transforms", Shape::List(&Shape::Object(&TRANSFORM))),
        (
            "shuffleKeyTypes",
            Shape::List(&Shape::Enum {
                values: &["boolean", "integer", "string"],
                legacy: &[],
            }),
        ),
        ("shards", Shape::Object(&SHARDS)),
        ("redactSalt", Shape::Str),
    ],
    required: &["using", "transforms"],
    closed: true,
    aliases: &[],
    hints: &[(
        "register",
        "registers are gone; derivations keep state with `using: {sqlite: ...}`",
    )],
    rule: None,
};

static COLLECTION_DEF: Object = Object {
    item: None,
    fields: &[
        ("key", Shape::NonEmptyList(&Shape::Text(Pattern::Pointer))),
        ("schema", Shape::Any),
        ("writeSchema", Shape::Any),
        ("readSchema", Shape::Any),
        (
            "projections",
            Shape::Map(&Entries {
                keys: Some(Pattern::Field),
                label: Some("projection"),
                values: PROJECTION,
            }),
        ),
        ("journals", Shape::Object(&JOURNALS)),
        ("derive", Shape::Object(&DERIVE)),
        ("expectPubId", Shape::Str),
        ("delete", Shape::Bool),
        ("reset", Shape::Bool),
    ],
    required: &["key"],
    closed: true,
    aliases: &[],
    hints: &[(
        "derivation",
        "`derivation` is the old name of `derive` (which now takes `using` and `transforms`)",
    )],
    rule: Some(Rule::CollectionSchemas),
};

static INGEST: Object = Object {
    item: None,
    fields: &[
        ("collection", Shape::Ref(EntityKind::Collection)),
        ("documents", Shape::Any),
        ("description", Shape::Str),
    ],
    required: &["collection", "documents"],
    closed: true,
    aliases: &[],
    hints: &[],
    rule: None,
};

static VERIFY: Object = Object {
    item: None,
    fields: &[
        ("collection", SOURCE),
        ("documents", Shape::Any),
        ("description", Shape::Str),
    ],
    required: &["collection", "documents"],
    closed: true,
    aliases: &[],
    hints: &[],
    rule: None,
};

/// One test step: `{ingest: ...}` or `{verify: ...}`.
pub static TEST_STEP: Shape = Shape::Variant(&Variants {
    what: "test step",
    item: Some("step"),
    options: &[
        ("ingest", Shape::Object(&INGEST)),
        ("verify", Shape::Object(&VERIFY)),
    ],
    aliases: &[],
    hints: &[],
});

const TEST_DEF: Shape = Shape::Either(&[
    Shape::Object(&Object {
        item: None,
        fields: &[
            ("description", Shape::Str),
            ("steps", Shape::List(&TEST_STEP)),
            ("expectPubId", Shape::Str),
            ("delete", Shape::Bool),
        ],
        required: &["steps"],
        closed: true,
        aliases: &[],
        hints: &[],
        rule: None,
    }),
    Shape::Custom(Custom::LegacyTestSteps),
]);

/// A whole catalog file (`struct Catalog`).
pub static CATALOG: Object = Object {
    item: None,
    fields: &[
        ("$schema", Shape::Str),
        ("import", Shape::List(&Shape::Text(Pattern::RelativeUrl))),
        (
            "captures",
            Shape::Map(&Entries {
                keys: Some(Pattern::CatalogName),
                label: Some("capture"),
                values: Shape::Object(&CAPTURE_DEF),
            }),
        ),
        (
            "collections",
            Shape::Map(&Entries {
                keys: Some(Pattern::CatalogName),
                label: Some("collection"),
                values: Shape::Object(&COLLECTION_DEF),
            }),
        ),
        (
            "materializations",
            Shape::Map(&Entries {
                keys: Some(Pattern::CatalogName),
                label: Some("materialization"),
                values: Shape::Object(&MATERIALIZATION_DEF),
            }),
        ),
        (
            "tests",
            Shape::Map(&Entries {
                keys: Some(Pattern::CatalogName),
                label: Some("test"),
                values: TEST_DEF,
            }),
        ),
    ],
    required: &[],
    closed: true,
    aliases: &[],
    hints: &[
        (
            "storageMappings",
            "storage mappings no longer live in catalog files (the control plane keeps them); remove it",
        ),
        (
            "npmDependencies",
            "`npmDependencies` no longer exists; TypeScript derivations manage their own dependencies, remove it",
        ),
        (
            "resources",
            "`resources` no longer exists in catalog files; remove it",
        ),
        (
            "derivations",
            "derivations are collections with a `derive` stanza, under `collections`",
        ),
    ],
    rule: None,
};

/// The strategies of a materialization's `targetNaming`, with the keys each one needs.
pub const TARGET_NAMING_STRATEGIES: &[(&str, &[&str], &[&str])] = &[
    // (strategy, required keys besides `strategy`, optional keys)
    ("matchSourceStructure", &[], &[]),
    ("singleSchema", &["schema"], &[]),
    ("prefixTableNames", &["schema"], &["skipCommonDefaults"]),
];
