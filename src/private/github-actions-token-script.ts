/**
 * The exec credential plugin of `KubeconfigLogin.gitHubActions()`: a Node.js script (run as
 * `node -e <script>`; Node.js 18 or later, for the global `fetch`) that asks the GitHub Actions
 * runner for an ID token each time kubectl runs it, and prints it as an ExecCredential with the
 * token's expiry, so that kubectl (client-go) runs it again once the token has expired.
 *
 * The request is the one GitHub documents and @actions/core's `getIDToken()` makes: GET
 * `$ACTIONS_ID_TOKEN_REQUEST_URL&audience=<audience, URI-encoded>` with
 * `Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN`; the answer's `value` is the token
 * (GitHub docs, "About security hardening with OpenID Connect", "Methods for requesting the OIDC
 * token"). The audience comes from the environment (the kubeconfig's `env`), so the script is
 * one constant: no value is ever pasted into it.
 *
 * The token goes to stdout only, inside the ExecCredential: it is never written to a file, and
 * no message names it, nor anything the token endpoint answered (a JSON parse error would quote
 * the text it failed on): each failure has its own fixed message.
 */

/** The environment variable that carries the audience (the provider's client ID) to the script. */
export const AUDIENCE_VARIABLE = 'CDK_EKS_OIDC_AUDIENCE';

/** The script, one statement a line; the comments stay here, out of the kubeconfig. */
export const GITHUB_ACTIONS_TOKEN_SCRIPT = [
  // Each failure: one fixed message on stderr, exit code 1, nothing on stdout (kubectl shows stderr).
  'const fail = (message) => { console.error("cdk-eks-oidc: " + message); process.exit(1); };',
  // The runner sets these two only for jobs allowed to request tokens.
  'const url = process.env.ACTIONS_ID_TOKEN_REQUEST_URL, bearer = process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;',
  'if (!url || !bearer) fail("ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set: run this in a GitHub Actions job with permissions: id-token: write");',
  // The audience the cluster expects in `aud`: the provider's client ID, from the kubeconfig's env.
  `const audience = process.env.${AUDIENCE_VARIABLE};`,
  `if (!audience) fail("${AUDIENCE_VARIABLE} is not set: use the kubeconfig as rendered, whose exec entry sets it");`,
  // The request URL already has a query (`?api-version=...`): the audience is appended, as @actions/core does.
  'fetch(url + "&audience=" + encodeURIComponent(audience), { headers: { Authorization: "bearer " + bearer }, signal: AbortSignal.timeout(30000) })',
  // A network failure: its code (ECONNREFUSED, ...) alone.
  '  .catch((error) => fail("the runner\'s token endpoint could not be reached (" + ((error.cause && error.cause.code) || error.name) + ")"))',
  // An error status: the status alone, not the body.
  '  .then((response) => response.ok ? response.text() : fail("the runner\'s token endpoint answered HTTP " + response.status))',
  '  .then((body) => {',
  // The answer is {"count": ..., "value": "<JWT>"}.
  '    let token;',
  '    try { token = JSON.parse(body).value; } catch { fail("the runner\'s token endpoint did not answer JSON"); }',
  '    if (typeof token !== "string" || token.split(".").length !== 3) fail("the runner\'s token endpoint answered no token");',
  // The expiry, from the token's payload (base64url JSON): kubectl asks again once it has passed.
  '    let exp;',
  '    try { exp = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()).exp; } catch { fail("the token\'s payload is not JSON"); }',
  '    if (!Number.isFinite(exp)) fail("the token has no exp claim");',
  // The ExecCredential of the v1 exec API, expirationTimestamp in RFC 3339 (seconds, UTC).
  '    const expirationTimestamp = new Date(exp * 1000).toISOString().replace(/\\.\\d+Z$/, "Z");',
  '    process.stdout.write(JSON.stringify({ apiVersion: "client.authentication.k8s.io/v1", kind: "ExecCredential", status: { token, expirationTimestamp } }));',
  '  })',
  // Anything else (the answer cut off while read): a fixed message too.
  '  .catch(() => fail("reading the runner\'s token endpoint\'s answer failed"));',
].join('\n');
