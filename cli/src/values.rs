//! Flag values spelled as the core spells its enums.

/// CLI spellings of the core's enums.
macro_rules! arg_enum {
    ($name:ident => $core:ident { $($variant:ident),+ $(,)? }) => {
        /// Spelled as the core spells it (the JSON output's values).
        #[derive(Clone, Copy, clap::ValueEnum)]
        #[value(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl From<$name> for $core {
            fn from(arg: $name) -> $core {
                match arg { $($name::$variant => $core::$variant),+ }
            }
        }
    };
}

pub(crate) use arg_enum;
