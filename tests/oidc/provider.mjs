// A real OpenID Connect provider for the tests (npm `oidc-provider`, MIT): discovery, JWKS,
// the authorization endpoint with PKCE required, the token and userinfo endpoints, over
// HTTP on 127.0.0.1. Started by tests/oidc/conftest.py as
//
//     node tests/oidc/provider.mjs <settings.json>
//
// where settings.json holds {"clients": [{client_id, client_secret, redirect_uris}],
// "accounts": {<login>: {sub, email, email_verified, name}}}. It listens on a free
// port and prints one line, {"issuer": "http://127.0.0.1:<port>"}, when it is ready.
//
// What a browser would do at the provider's pages, the test does with plain requests:
//   /interaction/<uid>?login=<login>        logs that person in (no password: the tests
//                                           are about the site, not the provider)
//   /interaction/<uid>?deny=1               refuses, as a person pressing «Cancel» does
// Consent is given for every client at once (`loadExistingGrant`), as a municipality does
// for its own applications. The accounts are read from settings.json at every login, so a
// test can change a person's e-mail address between two logins.
//
// A provider that misbehaves, for the tests of what the site refuses: POST /_test/tamper
// with {"claims": {...}, "key": "own" | "other" | "none"} changes the ID token of the next
// token response (a claim set to null is taken out) and signs it with the provider's own
// key, another key under the same key id, or not at all.

import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const settingsPath = process.argv[2];
const settings = () => JSON.parse(readFileSync(settingsPath, 'utf8'));
const KID = 'test-key-1';
const own = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
let tamper = null; // for the next token response only

const configuration = {
  clients: settings().clients.map((client) => ({
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    ...client,
  })),
  jwks: { keys: [{ ...own.privateKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' }] },
  cookies: { keys: ['only-for-the-tests'] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(_ctx, sub) {
    const claims = Object.values(settings().accounts).find((account) => account.sub === sub);
    if (!claims) return undefined;
    return { accountId: sub, claims: async () => ({ ...claims }) };
  },
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
};

const base64url = (value) => Buffer.from(value).toString('base64url');

function resign(idToken, { claims = {}, key = 'own' }) {
  const payload = JSON.parse(Buffer.from(idToken.split('.')[1], 'base64url'));
  for (const [name, value] of Object.entries(claims)) {
    if (value === null) delete payload[name]; else payload[name] = value;
  }
  const header = key === 'none' ? { alg: 'none', typ: 'JWT' } : { alg: 'RS256', typ: 'JWT', kid: KID };
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  if (key === 'none') return `${input}.`;
  const signer = key === 'other' ? other.privateKey : own.privateKey;
  return `${input}.${sign('sha256', Buffer.from(input), signer).toString('base64url')}`;
}

async function readJson(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return JSON.parse(body || '{}');
}

async function interaction(provider, req, res, url) {
  const details = await provider.interactionDetails(req, res);
  let result;
  if (url.searchParams.get('deny')) {
    result = { error: 'access_denied', error_description: 'the person cancelled' };
  } else if (details.prompt.name === 'login' && settings().accounts[url.searchParams.get('login')]) {
    result = { login: { accountId: settings().accounts[url.searchParams.get('login')].sub } };
  } else {
    res.writeHead(400, { 'content-type': 'text/plain' });
    res.end(`prompt ${details.prompt.name}: add ?login=<a login of settings.json> or ?deny=1`);
    return;
  }
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
}

const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, configuration);
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/token' && tamper && ctx.body?.id_token) {
      ctx.body = { ...ctx.body, id_token: resign(ctx.body.id_token, tamper) };
      tamper = null;
    }
  });
  const handle = provider.callback();
  server.on('request', async (req, res) => {
    const url = new URL(req.url, issuer);
    try {
      if (url.pathname.startsWith('/interaction/')) {
        await interaction(provider, req, res, url);
      } else if (url.pathname === '/_test/tamper' && req.method === 'POST') {
        tamper = await readJson(req);
        res.writeHead(204);
        res.end();
      } else {
        handle(req, res);
      }
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    }
  });
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

process.on('SIGTERM', () => process.exit(0));
