//! `GET /v1/embed.js` and `GET /v1/widget/{file}`: the loader and the content-hashed glue and
//! wasm it imports, and the chunks fetched on demand (`later-<hash>.js`, `wall-<hash>.js`: xtask's
//! `build::CHUNKS`), built into the Worker by `build.rs`.

use worker::Response;

use crate::http::{self, Failure};

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// The loader's URL never changes, so it is cached briefly; it names hashed files.
const LOADER_CACHE: &str = "public, max-age=300";
/// Hashed files never change under their name.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The loader the snippet points at.
pub fn embed() -> Result<Response, Failure> {
    serve("embed.js", LOADER_CACHE)
}

/// A content-hashed widget file.
pub fn file(name: &str) -> Result<Response, Failure> {
    if name == "embed.js" {
        return Err(Failure::NotFound);
    }
    serve(name, IMMUTABLE)
}

fn serve(name: &str, cache: &str) -> Result<Response, Failure> {
    let Some((_, content_type, bytes)) = FILES.iter().find(|(n, _, _)| *n == name) else {
        return Err(if FILES.is_empty() { Failure::WidgetMissing } else { Failure::NotFound });
    };
    let response = Response::from_bytes(bytes.to_vec())?;
    response.headers().set("content-type", content_type)?;
    response.headers().set("cache-control", cache)?;
    http::allow_any_origin(response)
}
