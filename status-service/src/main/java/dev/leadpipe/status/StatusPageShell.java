package dev.leadpipe.status;

/**
 * The status page's shell, served open at {@code GET /}: it holds no data. Its script takes the credential from the
 * URL fragment ({@code /#key=<API key or token>}, removed from the address bar at once; a fragment never reaches the
 * server) or from a form, keeps it in the tab's {@code sessionStorage} (gone when the tab closes), and loads
 * {@code GET /v1/status/page} with {@code Authorization: Bearer <credential>}, replacing itself with the rendered
 * page ({@link StatusPage}), whose 10 s refresh reloads the shell. A 401 forgets the credential and asks again; a 403
 * says the credential may not read the status; a 503 (starting) retries after 5 s.
 */
final class StatusPageShell {
    private StatusPageShell() {}

    /** The text {@code /v1/status/page} answers while the state is being restored. */
    static final String STARTING = "<!DOCTYPE html><html><head><title>leadpipe status</title></head>"
            + "<body><p>The status service is starting (its state is being restored); this page refreshes.</p>"
            + "</body></html>";

    static final String HTML = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>leadpipe status</title>
            <style>body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1f2328}</style>
            </head>
            <body>
            <h1>leadpipe status</h1>
            <form id="credential-form" hidden>
            <p><label>API key or token (status:read or operator):
            <input id="credential" type="password" autocomplete="off" size="60"></label>
            <button type="submit">Show status</button></p>
            <p>It is kept in this tab only (sessionStorage) and sent as <code>Authorization: Bearer</code>.</p>
            </form>
            <p id="message"></p>
            <script>
            const KEY = 'leadpipe.credential';
            const form = document.getElementById('credential-form');
            const message = document.getElementById('message');
            function ask(text) {
              message.textContent = text;
              form.hidden = false;
              document.getElementById('credential').focus();
            }
            async function load() {
              const credential = sessionStorage.getItem(KEY);
              if (!credential) { ask(''); return; }
              let r;
              try {
                r = await fetch('/v1/status/page', {headers: {'Authorization': 'Bearer ' + credential}});
              } catch (e) {
                message.textContent = 'The status service cannot be reached; retrying.';
                setTimeout(load, 5000);
                return;
              }
              if (r.status === 401) { sessionStorage.removeItem(KEY); ask('That credential is not valid.'); return; }
              if (r.status === 403) { sessionStorage.removeItem(KEY); ask('That credential may not read the status.'); return; }
              if (r.status === 503) { message.textContent = 'The status service is starting; retrying.'; setTimeout(load, 5000); return; }
              if (!r.ok) { message.textContent = 'The status service answered HTTP ' + r.status + '; retrying.'; setTimeout(load, 10000); return; }
              const html = await r.text();
              document.open();
              document.write(html);
              document.close();
            }
            form.addEventListener('submit', e => {
              e.preventDefault();
              const value = document.getElementById('credential').value.trim();
              if (value) { sessionStorage.setItem(KEY, value); }
              form.hidden = true;
              load();
            });
            const fragment = new URLSearchParams(location.hash.slice(1));
            if (fragment.get('key')) {
              sessionStorage.setItem(KEY, fragment.get('key'));
              history.replaceState(null, '', location.pathname + location.search);
            }
            load();
            </script>
            </body>
            </html>
            """;
}
