// sayso widget Turnstile: Cloudflare's challenge under the comment box, for sites that want a
// token with comments. Bundled into the glue with host.js.

let turnstileLoaded;

/// Renders the challenge for widget `w` in `box` (the script is loaded once, unless the page has
/// it); Send waits for the token, which goes to Rust.
export function turnstile(w, box) {
  turnstileLoaded ||= window.turnstile
    ? Promise.resolve()
    : new Promise((loaded) => {
        const script = document.createElement("script");
        script.src = "https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit";
        script.onload = loaded;
        script.onerror = () => console.warn("sayso: Turnstile could not load, so comments cannot be sent");
        document.head.append(script);
      });
  turnstileLoaded.then(() =>
    window.turnstile.render(box, {
      sitekey: w.config.turnstile,
      callback: (token) => {
        w.act(BOUNDARY.TOKEN, 0, token);
        // Enable Send in place: a re-render would take the comment box from under the fingers.
        w.root.querySelector(BOUNDARY.SEND_BUTTON)?.removeAttribute("disabled");
      },
    })
  );
}
