import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, UnsecuredJWT } from 'jose';
import { AccessToken } from 'livekit-server-sdk';
import { signAccessToken } from './access-token.js';
import { AccessTokenError, verifyAccessToken } from './verify-token.js';

const credentials = { apiKey: 'testkey', apiSecret: 'test-secret-0123456789-0123456789-abcdef' };
const secret = new TextEncoder().encode(credentials.apiSecret);
const now = () => Math.floor(Date.now() / 1000);

function guestToken(ttlS = 600): Promise<string> {
  return signAccessToken(credentials, {
    identity: 'g-abc',
    name: '小明',
    ttlS,
    video: { room: 'p-room', roomJoin: true },
  });
}

function jwt(claims: Record<string, unknown>, edit: (jwt: SignJWT) => SignJWT = (j) => j): Promise<string> {
  const base = new SignJWT({ video: { room: 'p-room', roomJoin: true }, ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(credentials.apiKey)
    .setSubject('g-abc')
    .setNotBefore(now() - 1)
    .setExpirationTime(now() + 60);
  return edit(base).sign(secret);
}

async function refused(token: string, creds = credentials): Promise<string> {
  const error = await verifyAccessToken(creds, token).then(
    () => assert.fail('the token was accepted'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof AccessTokenError, String(error));
  if (token) assert.ok(!error.message.includes(token), 'the reason never repeats the token');
  return error.message;
}

test('a token of ours gives identity, name, room and expiry', async () => {
  const verified = await verifyAccessToken(credentials, await guestToken());
  assert.deepEqual(
    { ...verified, expiresAt: undefined },
    {
      identity: 'g-abc',
      name: '小明',
      room: 'p-room',
      expiresAt: undefined,
    },
  );
  assert.ok(Math.abs(verified.expiresAt - now() - 600) <= 2);
});

test("a token of LiveKit's own SDK is read the same way", async () => {
  const token = new AccessToken(credentials.apiKey, credentials.apiSecret, { identity: 'g-sdk', ttl: 60 });
  token.addGrant({ room: 's-family', roomJoin: true });
  const verified = await verifyAccessToken(credentials, await token.toJwt());
  assert.equal(verified.identity, 'g-sdk');
  assert.equal(verified.room, 's-family');
  assert.equal(verified.name, '');
});

test('wrong secret, wrong issuer, expired, not yet valid, or garbage: refused', async () => {
  await refused(await guestToken(), { ...credentials, apiSecret: 'another-secret-0123456789-0123456789' });
  await refused(await guestToken(), { ...credentials, apiKey: 'otherkey' });
  await refused(await jwt({}, (j) => j.setExpirationTime(now() - 60)));
  await refused(await jwt({}, (j) => j.setNotBefore(now() + 120)));
  await refused('not.a.token');
  await refused('');
});

test('another algorithm, even with the right secret, or none at all: refused', async () => {
  const hs512 = await new SignJWT({ video: { room: 'p-room' } })
    .setProtectedHeader({ alg: 'HS512' })
    .setIssuer(credentials.apiKey)
    .setSubject('g-abc')
    .setExpirationTime(now() + 60)
    .sign(new TextEncoder().encode(credentials.apiSecret.repeat(2)));
  await refused(hs512, { ...credentials, apiSecret: credentials.apiSecret.repeat(2) });
  const unsigned = new UnsecuredJWT({ video: { room: 'p-room' } })
    .setIssuer(credentials.apiKey)
    .setSubject('g-abc')
    .setExpirationTime(now() + 60)
    .encode();
  await refused(unsigned);
});

test('no subject, no expiry, no room grant, or a name that is not text: refused', async () => {
  const noSubject = await new SignJWT({ video: { room: 'p-room' } })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(credentials.apiKey)
    .setExpirationTime(now() + 60)
    .sign(secret);
  await refused(noSubject);
  const noExpiry = await new SignJWT({ video: { room: 'p-room' } })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(credentials.apiKey)
    .setSubject('g-abc')
    .sign(secret);
  await refused(noExpiry);
  assert.equal(await refused(await jwt({ video: { roomJoin: true } })), 'no room grant');
  assert.equal(await refused(await jwt({ video: undefined })), 'no room grant');
  assert.equal(await refused(await jwt({ name: 42 })), 'name is not a string');
});
