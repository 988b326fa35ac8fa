//! The contexts (where the keyboard is) and the actions (what a key asks for) the keymap's
//! tables are written in.

/// Where the keyboard is; each screen and mode puts together the contexts in force (innermost
/// first) and a key does what the first context binding it says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    /// Keys that work everywhere, overlays included.
    Always,
    /// Keys that work on every screen (not in overlays).
    Screens,
    /// While the catalog loads.
    Loading,
    /// The catalog could not be loaded.
    LoadFailed,
    /// The catalog browser (entity list and detail pane).
    Browse,
    /// The catalog browser when the catalog can be changed (not `--read-only`).
    BrowseEdit,
    List,
    FilterInput,
    Detail,
    /// The detail pane of a capture or materialization.
    Task,
    /// The same, when the catalog can be changed.
    TaskEdit,
    /// The detail pane of a capture (materializations have no discover).
    Capture,
    /// A connector is running.
    Job,
    /// Moving through the config form.
    FormNav,
    /// Changing the config form (not when it is read-only).
    FormEdit,
    /// The focused row is a choice or a union (and the form can be changed).
    FormChoice,
    /// The focused row is an item of a list (and the form can be changed).
    FormItem,
    /// `flowspec config edit`: the form is the whole app.
    FormAlone,
    /// The focused row is a text field that can be typed into.
    FormText,
    /// The focused row is a secret.
    FormSecret,
    /// Typing into a form field.
    FormTyping,
    /// Picking one of a long list of choices.
    Picker,
    Help,
    Diff,
    Confirm,
    /// Asked before a save replaces files without write permission.
    WriteProtected,
    Conflict,
    Problems,
    /// A save would write secrets in plaintext.
    Guard,
    /// Choosing the age recipient to encrypt with.
    KeyPrompt,
    /// Whether to write the chosen recipient into `.sops.yaml`.
    KeyRule,
    /// The Discovered bindings screen's rows.
    Discovered,
    /// Choosing on the Discovered bindings screen (not when read-only).
    DiscoveredEdit,
    /// Typing the Discovered bindings screen's filter.
    DiscoveredFilter,
    /// Typing a row's new target name.
    DiscoveredRename,
    /// The Discovered bindings screen's detail pane.
    DiscoveredDetail,
    /// The Discovered bindings screen as the wizard's Bindings step.
    DiscoveredWizard,
    /// The setup wizard, on any step.
    Wizard,
    /// The wizard's focused field takes text.
    WizardText,
    /// The wizard's focused field is a choice.
    WizardChoice,
    /// The wizard's image reference field (Tab completes).
    WizardImage,
    /// The source collection picker.
    Sources,
    /// Typing the source collection picker's filter.
    SourcesFilter,
    /// Typing the schema name of the target naming.
    SourcesSchema,
    /// The detail pane of a materialization that can be changed.
    MaterializationEdit,
    /// The config form as the wizard's Endpoint config step.
    FormWizard,
}

impl Context {
    /// Heading in the help overlay and the README.
    pub fn title(self) -> &'static str {
        match self {
            Context::Always => "Everywhere",
            Context::Screens => "On every screen",
            Context::Loading => "While loading",
            Context::LoadFailed => "Load failure",
            Context::Browse => "Catalog browser",
            Context::BrowseEdit => "Catalog browser (not read-only)",
            Context::List => "Entity list",
            Context::FilterInput => "Filter input",
            Context::Detail => "Detail pane",
            Context::Task => "Capture or materialization",
            Context::TaskEdit => "Capture or materialization (not read-only)",
            Context::Capture => "Capture",
            Context::Job => "While a connector runs",
            Context::FormNav => "Config form",
            Context::FormEdit => "Config form (editable)",
            Context::FormChoice => "On a choice or a union",
            Context::FormItem => "On a list item",
            Context::FormAlone => "Config form (config edit)",
            Context::FormText => "On a text field",
            Context::FormSecret => "On a secret field",
            Context::FormTyping => "Typing into a field",
            Context::Picker => "Choice picker",
            Context::Help => "Help",
            Context::Diff => "Save (diff)",
            Context::Confirm => "Confirmation",
            Context::WriteProtected => "Saving a read-only file",
            Context::Conflict => "File changed on disk",
            Context::Problems => "Problems",
            Context::Guard => "Secrets in plaintext",
            Context::KeyPrompt => "Choosing a sops key",
            Context::KeyRule => "Writing the key into .sops.yaml",
            Context::Discovered => "Discovered bindings",
            Context::DiscoveredEdit => "Discovered bindings (not read-only)",
            Context::DiscoveredFilter => "Discovered bindings filter",
            Context::DiscoveredRename => "Renaming a target",
            Context::DiscoveredDetail => "Discovered binding detail",
            Context::DiscoveredWizard => "Discovered bindings (setup wizard)",
            Context::Wizard => "Setup wizard",
            Context::WizardText => "Setup wizard: a text field",
            Context::WizardChoice => "Setup wizard: a choice",
            Context::WizardImage => "Setup wizard: the image reference",
            Context::Sources => "Source collections",
            Context::SourcesFilter => "Source collections filter",
            Context::SourcesSchema => "Target naming: the schema name",
            Context::MaterializationEdit => "Materialization (not read-only)",
            Context::FormWizard => "Config form (setup wizard)",
        }
    }

    /// Every context, in the order the README lists them.
    pub const ALL: [Context; 46] = [
        Context::List,
        Context::FilterInput,
        Context::Detail,
        Context::Task,
        Context::TaskEdit,
        Context::Capture,
        Context::MaterializationEdit,
        Context::Job,
        Context::Browse,
        Context::BrowseEdit,
        Context::Screens,
        Context::Always,
        Context::Loading,
        Context::LoadFailed,
        Context::FormNav,
        Context::FormEdit,
        Context::FormChoice,
        Context::FormItem,
        Context::FormAlone,
        Context::FormWizard,
        Context::FormText,
        Context::FormSecret,
        Context::FormTyping,
        Context::Picker,
        Context::Discovered,
        Context::DiscoveredEdit,
        Context::DiscoveredFilter,
        Context::DiscoveredRename,
        Context::DiscoveredDetail,
        Context::DiscoveredWizard,
        Context::Wizard,
        Context::WizardText,
        Context::WizardChoice,
        Context::WizardImage,
        Context::Sources,
        Context::SourcesFilter,
        Context::SourcesSchema,
        Context::Diff,
        Context::Confirm,
        Context::WriteProtected,
        Context::Conflict,
        Context::Guard,
        Context::KeyPrompt,
        Context::KeyRule,
        Context::Problems,
        Context::Help,
    ];
}

/// Everything a key can ask for. Resolved by the keymap, handled by the screen, the overlay or
/// the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Quit,
    ForceQuit,
    Suspend,
    Help,
    Save,
    Back,
    Open,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Filter,
    ClearFilter,
    SwitchPane,
    ToggleBinding,
    ToggleGrouping,
    Problems,
    Yes,
    No,
    Reload,
    ShowDiff,
    Spec,
    Discover,
    Validate,
    Pull,
    CancelJob,
    EditConfig,
    EditResource,
    FormActivate,
    FormPrev,
    FormNext,
    FormLeft,
    FormRight,
    FormReset,
    Reveal,
    Undo,
    Redo,
    CloseForm,
    Commit,
    /// Keep what was typed and go on to the next field.
    CommitNext,
    CancelEdit,
    /// A printable character typed as text (into a field, the filter, the picker).
    TypeText,
    /// A text-editing key (Backspace, Delete, arrows, Home, End) applied to the text.
    EditText,
    MoveItemUp,
    MoveItemDown,
    OpenEditor,
    /// Encrypt the focused field on save, or write it in plaintext.
    ToggleLock,
    /// Write secrets in plaintext anyway.
    Plaintext,
    /// Re-encrypt an encrypted config with the keys found now, not the ones it had.
    Rekey,
    /// Toggle every row the filter shows.
    ToggleAll,
    /// Rename a row's target.
    Rename,
    /// Let Flow manage a collection's schema, or leave it alone.
    TakeOver,
    /// Open the setup wizard (a new capture or materialization).
    NewTask,
    /// The wizard's next step.
    Next,
    /// Complete the typed text (an image reference).
    Complete,
    /// Link a capture instead of picking collections.
    LinkCapture,
    /// Add bindings to a materialization from the source picker.
    AddBindings,
    /// Remove the selected binding (asks first).
    RemoveBinding,
}
