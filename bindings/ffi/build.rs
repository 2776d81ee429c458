//! How the shared library is linked. Its relocations (a pointer's worth for every vtable entry
//! and string table slot: 210 kB of `.rela.dyn`) are packed, as the phones' loaders read them:
//! Android's linker takes its own packed format from API 23 (our minSdk is 26; RELR would need
//! 28), glibc takes RELR from 2.36 (Debian 12, where the desktop tests load the library).
//! Apple's linker packs its fixups by itself; the static library is not linked here at all.

fn main() {
    let packed = match std::env::var("CARGO_CFG_TARGET_OS").as_deref() {
        Ok("android") => Some("-Wl,--pack-dyn-relocs=android"),
        Ok("linux") => Some("-Wl,-z,pack-relative-relocs"),
        _ => None,
    };
    if let Some(flag) = packed {
        println!("cargo:rustc-cdylib-link-arg={flag}");
    }
}
