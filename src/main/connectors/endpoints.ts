/**
 * The addresses of the cloud services connectors talk to (Dropbox, Microsoft, Google, vendor APIs).
 *
 * Tests run those connectors against local servers that speak the vendors' documented wire format
 * (test/fakes/); they point a service's origin at their server with the environment variable
 * LEDGERDROP_TEST_ENDPOINTS, a JSON object from the real origin to the local one, e.g.
 * `{"https://api.dropboxapi.com": "http://127.0.0.1:40123"}`. Only loopback addresses are
 * accepted as replacements, so the variable can never send a token to another machine.
 */
const LOOPBACK_ORIGIN = /^https?:\/\/(127\.0\.0\.1|\[::1\]|localhost)(:\d+)?$/;

function overrides(env: NodeJS.ProcessEnv): Map<string, string> {
  const raw = env.LEDGERDROP_TEST_ENDPOINTS;
  if (!raw) return new Map();
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('LEDGERDROP_TEST_ENDPOINTS is not valid JSON.');
  }
  const map = new Map<string, string>();
  for (const [from, to] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof to !== 'string' || !LOOPBACK_ORIGIN.test(to)) throw new Error(`LEDGERDROP_TEST_ENDPOINTS: ${from} may only be replaced by a loopback origin such as http://127.0.0.1:8080.`);
    map.set(new URL(from).origin, to);
  }
  return map;
}

/** The address to really use for `url` (a vendor's documented https address). */
export function endpoint(url: string, env: NodeJS.ProcessEnv = process.env): string {
  const parsed = new URL(url);
  const replacement = overrides(env).get(parsed.origin);
  return replacement ? replacement + url.slice(parsed.origin.length) : url;
}
