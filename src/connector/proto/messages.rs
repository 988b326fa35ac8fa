//! The prost messages of Flow's capture, materialize and flow protos (only the fields flowspec
//! reads or writes; see the parent module for the sources of the field numbers).

pub mod flow {
    //! Messages of `go/protocols/flow/flow.proto`.
    use std::collections::BTreeMap;

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct CollectionSpec {
        #[prost(string, tag = "1")]
        pub name: String,
        #[prost(string, repeated, tag = "3")]
        pub key: Vec<String>,
        #[prost(string, tag = "4")]
        pub uuid_ptr: String,
        #[prost(string, repeated, tag = "5")]
        pub partition_fields: Vec<String>,
        #[prost(message, repeated, tag = "6")]
        pub projections: Vec<Projection>,
        #[prost(string, tag = "7")]
        pub ack_template_json: String,
        #[prost(string, tag = "8")]
        pub write_schema_json: String,
        #[prost(string, tag = "11")]
        pub read_schema_json: String,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Projection {
        #[prost(string, tag = "1")]
        pub ptr: String,
        #[prost(string, tag = "2")]
        pub field: String,
        #[prost(bool, tag = "3")]
        pub explicit: bool,
        #[prost(bool, tag = "4")]
        pub is_partition_key: bool,
        #[prost(bool, tag = "5")]
        pub is_primary_key: bool,
        #[prost(message, optional, tag = "6")]
        pub inference: Option<Inference>,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Inference {
        #[prost(string, repeated, tag = "1")]
        pub types: Vec<String>,
        /// `Inference.Exists`: INVALID=0, MUST=1, MAY=2, IMPLICIT=3, CANNOT=4.
        #[prost(int32, tag = "8")]
        pub exists: i32,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct OAuth2 {
        #[prost(string, tag = "1")]
        pub provider: String,
        #[prost(string, tag = "2")]
        pub auth_url_template: String,
        #[prost(string, tag = "3")]
        pub access_token_url_template: String,
        #[prost(string, tag = "4")]
        pub access_token_body: String,
        #[prost(btree_map = "string, string", tag = "5")]
        pub access_token_headers_json_map: BTreeMap<String, String>,
        #[prost(btree_map = "string, string", tag = "6")]
        pub access_token_response_json_map: BTreeMap<String, String>,
        #[prost(string, tag = "7")]
        pub refresh_token_url_template: String,
        #[prost(string, tag = "8")]
        pub refresh_token_body: String,
        #[prost(btree_map = "string, string", tag = "9")]
        pub refresh_token_headers_json_map: BTreeMap<String, String>,
        #[prost(btree_map = "string, string", tag = "10")]
        pub refresh_token_response_json_map: BTreeMap<String, String>,
        #[prost(string, tag = "11")]
        pub access_token_method: String,
        #[prost(string, tag = "12")]
        pub refresh_token_method: String,
    }
}

pub mod capture {
    //! Messages of `go/protocols/capture/capture.proto`.

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Request {
        #[prost(message, optional, tag = "1")]
        pub spec: Option<request::Spec>,
        #[prost(message, optional, tag = "2")]
        pub discover: Option<request::Discover>,
        #[prost(message, optional, tag = "3")]
        pub validate: Option<request::Validate>,
    }

    pub mod request {
        #[derive(Clone, PartialEq, prost::Message)]
        pub struct Spec {
            #[prost(int32, tag = "1")]
            pub connector_type: i32,
            #[prost(string, tag = "2")]
            pub config_json: String,
        }

        #[derive(Clone, PartialEq, prost::Message)]
        pub struct Discover {
            #[prost(int32, tag = "1")]
            pub connector_type: i32,
            #[prost(string, tag = "2")]
            pub config_json: String,
        }

        #[derive(Clone, PartialEq, prost::Message)]
        pub struct Validate {
            #[prost(string, tag = "1")]
            pub name: String,
            #[prost(int32, tag = "2")]
            pub connector_type: i32,
            #[prost(string, tag = "3")]
            pub config_json: String,
            #[prost(message, repeated, tag = "4")]
            pub bindings: Vec<validate::Binding>,
            #[prost(string, tag = "6")]
            pub last_version: String,
        }

        pub mod validate {
            #[derive(Clone, PartialEq, prost::Message)]
            pub struct Binding {
                #[prost(string, tag = "1")]
                pub resource_config_json: String,
                #[prost(message, optional, tag = "2")]
                pub collection: Option<crate::connector::proto::flow::CollectionSpec>,
                #[prost(uint32, tag = "3")]
                pub backfill: u32,
            }
        }
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Response {
        #[prost(message, optional, tag = "1")]
        pub spec: Option<response::Spec>,
        #[prost(message, optional, tag = "2")]
        pub discovered: Option<response::Discovered>,
        #[prost(message, optional, tag = "3")]
        pub validated: Option<response::Validated>,
    }

    pub mod response {
        #[derive(Clone, PartialEq, prost::Message)]
        pub struct Spec {
            #[prost(uint32, tag = "1")]
            pub protocol: u32,
            #[prost(string, tag = "2")]
            pub config_schema_json: String,
            #[prost(string, tag = "3")]
            pub resource_config_schema_json: String,
            #[prost(string, tag = "4")]
            pub documentation_url: String,
            #[prost(message, optional, tag = "5")]
            pub oauth2: Option<crate::connector::proto::flow::OAuth2>,
            #[prost(string, repeated, tag = "6")]
            pub resource_path_pointers: Vec<String>,
        }

        #[derive(Clone, PartialEq, prost::Message)]
        pub struct Discovered {
            #[prost(message, repeated, tag = "1")]
            pub bindings: Vec<discovered::Binding>,
        }

        pub mod discovered {
            #[derive(Clone, PartialEq, prost::Message)]
            pub struct Binding {
                #[prost(string, tag = "1")]
                pub recommended_name: String,
                #[prost(string, tag = "2")]
                pub resource_config_json: String,
                #[prost(string, tag = "3")]
                pub document_schema_json: String,
                #[prost(string, repeated, tag = "4")]
                pub key: Vec<String>,
                #[prost(bool, tag = "5")]
                pub disable: bool,
                #[prost(string, repeated, tag = "6")]
                pub resource_path: Vec<String>,
            }
        }

        #[derive(Clone, PartialEq, prost::Message)]
        pub struct Validated {
            #[prost(message, repeated, tag = "1")]
            pub bindings: Vec<validated::Binding>,
        }

        pub mod validated {
            #[derive(Clone, PartialEq, prost::Message)]
            pub struct Binding {
                #[prost(string, repeated, tag = "1")]
                pub resource_path: Vec<String>,
            }
        }
    }
}

pub mod materialize {
    //! Messages of `go/protocols/materialize/materialize.proto`.

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Request {
        #[prost(message, optional, tag = "1")]
        pub spec: Option<request::Spec>,
        #[prost(message, optional, tag = "2")]
        pub validate: Option<request::Validate>,
    }

    pub mod request {
        use std::collections::BTreeMap;

        #[derive(Clone, PartialEq, prost::Message)]
        pub struct Spec {
            #[prost(int32, tag = "1")]
            pub connector_type: i32,
            #[prost(string, tag = "2")]
            pub config_json: String,
        }

        #[derive(Clone, PartialEq, prost::Message)]
        pub struct Validate {
            #[prost(string, tag = "1")]
            pub name: String,
            #[prost(int32, tag = "2")]
            pub connector_type: i32,
            #[prost(string, tag = "3")]
            pub config_json: String,
            #[prost(message, repeated, tag = "4")]
            pub bindings: Vec<validate::Binding>,
            #[prost(string, tag = "6")]
            pub last_version: String,
        }

        pub mod validate {
            use super::BTreeMap;

            #[derive(Clone, PartialEq, prost::Message)]
            pub struct Binding {
                #[prost(string, tag = "1")]
                pub resource_config_json: String,
                #[prost(message, optional, tag = "2")]
                pub collection: Option<crate::connector::proto::flow::CollectionSpec>,
                #[prost(btree_map = "string, string", tag = "3")]
                pub field_config_json_map: BTreeMap<String, String>,
                #[prost(uint32, tag = "4")]
                pub backfill: u32,
                #[prost(string, repeated, tag = "5")]
                pub group_by: Vec<String>,
            }
        }
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Response {
        #[prost(message, optional, tag = "1")]
        pub spec: Option<response::Spec>,
        #[prost(message, optional, tag = "2")]
        pub validated: Option<response::Validated>,
    }

    pub mod response {
        use std::collections::BTreeMap;

        #[derive(Clone, PartialEq, prost::Message)]
        pub struct Spec {
            #[prost(uint32, tag = "1")]
            pub protocol: u32,
            #[prost(string, tag = "2")]
            pub config_schema_json: String,
            #[prost(string, tag = "3")]
            pub resource_config_schema_json: String,
            #[prost(string, tag = "4")]
            pub documentation_url: String,
            #[prost(message, optional, tag = "5")]
            pub oauth2: Option<crate::connector::proto::flow::OAuth2>,
            /// `reserved 6` in the current definition; older materializations sent
            /// `resource_path_pointers` here, so it is still read.
            #[prost(string, repeated, tag = "6")]
            pub resource_path_pointers: Vec<String>,
        }

        #[derive(Clone, PartialEq, prost::Message)]
        pub struct Validated {
            #[prost(message, repeated, tag = "1")]
            pub bindings: Vec<validated::Binding>,
        }

        pub mod validated {
            use super::BTreeMap;

            #[derive(Clone, PartialEq, prost::Message)]
            pub struct Constraint {
                #[prost(int32, tag = "2")]
                pub r#type: i32,
                #[prost(string, tag = "3")]
                pub reason: String,
                #[prost(string, tag = "4")]
                pub folded_field: String,
            }

            #[derive(Clone, PartialEq, prost::Message)]
            pub struct Binding {
                #[prost(btree_map = "string, message", tag = "1")]
                pub constraints: BTreeMap<String, Constraint>,
                #[prost(string, repeated, tag = "2")]
                pub resource_path: Vec<String>,
                #[prost(bool, tag = "3")]
                pub delta_updates: bool,
            }
        }
    }
}
