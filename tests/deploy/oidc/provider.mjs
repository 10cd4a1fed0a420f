// A real OpenID Connect provider (panva's oidc-provider, pinned in package.json) on loopback, for
// tests/deploy/test_login_e2e.py. Development use only: ephemeral signing keys, in-memory storage, and
// oidc-provider's own development login form, where the "login" typed in is the account (any password).
//
//   node tests/deploy/oidc/provider.mjs      with the environment:
//     OIDC_PORT          port to listen on (127.0.0.1 only)
//     OIDC_REDIRECT_URI  the app's redirect URI, e.g. http://127.0.0.1:8501/oauth2callback
//     OIDC_CLIENT_ID, OIDC_CLIENT_SECRET
//
// Accounts: a login that is an e-mail address is an account with that address and email_verified = true;
// a login starting with "unverified." (e.g. unverified.a@riec.example) gets the rest as its address and
// email_verified = false. The e-mail claims are put in the ID token, which is what Streamlit reads.
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const redirectUri = process.env.OIDC_REDIRECT_URI;
const clientId = process.env.OIDC_CLIENT_ID;
const clientSecret = process.env.OIDC_CLIENT_SECRET;
if (!port || !redirectUri || !clientId || !clientSecret) {
  console.error('provider.mjs: set OIDC_PORT, OIDC_REDIRECT_URI, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;

function account(login) {
  const unverified = login.startsWith('unverified.');
  const email = unverified ? login.slice('unverified.'.length) : login;
  return {
    accountId: login,
    async claims() {
      return { sub: login, email, email_verified: !unverified, name: email.split('@')[0] };
    },
  };
}

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    // Streamlit's logout sends the user to the provider's end_session_endpoint with its redirect URI as
    // post_logout_redirect_uri.
    post_logout_redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  async findAccount(ctx, id) {
    return account(id);
  },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // Streamlit (Authlib) takes the user from the ID token only, as Entra ID and Keycloak provide it.
  conformIdTokenClaims: false,
  // Streamlit sends S256 PKCE when the provider advertises it; demand it, so the test proves it does.
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  cookies: { keys: ['zoo-test-only-cookie-key'] },
});
provider.proxy = false;

// Streamlit asks for prompt=select_account; oidc-provider's development interactions implement only the
// login and consent prompts. Choosing an account is what its login form does, so read it as prompt=login
// (which also shows the form on every login, so the test can log in as another account after logging out).
provider.use(async (ctx, next) => {
  if (ctx.path === '/auth' && typeof ctx.query.prompt === 'string') {
    const prompts = ctx.query.prompt.split(' ').map((p) => (p === 'select_account' ? 'login' : p));
    ctx.query = { ...ctx.query, prompt: [...new Set(prompts)].join(' ') };
  }
  await next();
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
