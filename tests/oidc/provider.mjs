// A real OpenID Provider (node oidc-provider, OpenID Certified) for the single sign-on tests, on 127.0.0.1.
// Configured by environment variables: OIDC_PORT, OIDC_CLIENTS (JSON list of client metadata) and optionally
// OIDC_ACCOUNTS (JSON: login name -> extra claims). Its signing keys are made at each start (a restart is a key
// rotation). The development login form takes any login name, which becomes the account's `sub`; the email is
// the login name if it has an @, else <login>@riverside.nhs.uk.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';

// Without OIDC_CLIENTS it serves the demo (`equiptrain demo --sso`): one client for EquipTrain at EQUIPTRAIN_URL.
const port = Number(process.env.OIDC_PORT || 4011);
const issuer = `http://127.0.0.1:${port}`;
const site = (process.env.EQUIPTRAIN_URL || 'http://127.0.0.1:5000').replace(/\/$/, '');
const demoClient = {
  client_id: 'equiptrain-demo',
  client_secret: 'equiptrain-demo-secret',
  redirect_uris: [`${site}/sign-in/sso/callback`],
  post_logout_redirect_uris: [`${site}/sign-in/sso/signed-out`],
  backchannel_logout_uri: `${site}/sign-in/sso/backchannel-logout`,
  backchannel_logout_session_required: true,
  token_endpoint_auth_method: 'client_secret_basic',
  grant_types: ['authorization_code'],
  response_types: ['code'],
};
const clients = process.env.OIDC_CLIENTS ? JSON.parse(process.env.OIDC_CLIENTS) : [demoClient];
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS || '{}');

function claimsFor(login) {
  const email = login.includes('@') ? login : `${login}@riverside.nhs.uk`;
  return {
    sub: login,
    email,
    email_verified: !login.startsWith('unverified'),
    name: `Test ${login.split('@')[0]}`,
    tid: 'riverside-tenant',
    groups: ['equip-staff'],
    ...(accounts[login] || {}),
  };
}

// A new signing key, under a new kid, at every start.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(8).toString('hex'), use: 'sig', alg: 'RS256' };

const configuration = {
  clients,
  jwks: { keys: [signingKey] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'tid', 'groups'],
  },
  conformIdTokenClaims: false, // put the claims in the ID token, as Entra ID does
  cookies: { keys: ['equiptrain-test-provider'] },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
    backchannelLogout: { enabled: true },
  },
  pkce: { required: () => true },
  // The relying party under test is on 127.0.0.1, which the provider's SSRF guard refuses for back-channel
  // logout calls: the test provider talks to nothing else, so it uses a plain fetch.
  fetch: (url, options) => {
    const { dispatcher, ...rest } = options;
    return fetch(url, rest);
  },
  clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
  async findAccount(ctx, id) {
    return { accountId: id, async claims() { return claimsFor(id); } };
  },
};

const provider = new Provider(issuer, configuration);
provider.on('backchannel.error', (ctx, err, client) => console.error(`back-channel logout to ${client.clientId} failed: ${err} ${err.cause}`));
provider.on('backchannel.success', (ctx, client) => console.log(`back-channel logout sent to ${client.clientId}`));
provider.on('server_error', (ctx, err) => console.error(`server error: ${err.stack}`));
provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
