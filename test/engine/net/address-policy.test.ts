// The address policy on its own: every transition spelling is judged by the IPv4 address it reaches, public
// addresses pass, allow lists take names, addresses and CIDR ranges, and the pinned lookup refuses at connect time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkUrlAllowed,
  isAddressAllowed,
  isPrivateAddress,
  pinnedLookup,
  reachedAddresses,
} from '../../../engine/net/address-policy.ts';

test('IPv6 forms that embed private IPv4 addresses are private', () => {
  for (const ip of [
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:0:a00:1',
    '::127.0.0.1',
    '64:ff9b::a9fe:a9fe',
    '64:ff9b:1::c0a8:1',
    '2002:c0a8:0101::1',
    '2001:0:4136:e378:8000:63bf:80ff:fffe',
    '::',
    '::1',
    'fe80::1%eth0',
    'fc00::1',
    'ff02::1',
    '100.64.0.1',
    '0.0.0.0',
    '255.255.255.255',
    'not-an-ip',
  ]) {
    assert.equal(isPrivateAddress(ip), true, ip);
  }
});

test('public addresses in every spelling pass', () => {
  for (const ip of ['8.8.8.8', '::ffff:8.8.8.8', '64:ff9b::808:808', '2606:4700:4700::1111', '2002:0808:0808::1']) {
    assert.equal(isPrivateAddress(ip), false, ip);
  }
  assert.deepEqual(reachedAddresses('64:ff9b::7f00:1').map(String), ['127.0.0.1']);
});

test('allow list: names, addresses (in any spelling) and CIDR ranges', () => {
  const policy = { allowList: ['camera.local', '10.1.2.3', '192.168.0.0/16'] };
  assert.equal(isAddressAllowed('10.9.9.9', 'camera.local', policy), true);
  assert.equal(isAddressAllowed('::ffff:10.1.2.3', '::ffff:10.1.2.3', policy), true);
  assert.equal(isAddressAllowed('::ffff:c0a8:0001', 'x', policy), true);
  assert.equal(isAddressAllowed('10.1.2.4', 'other', policy), false);
  assert.equal(isAddressAllowed('127.0.0.1', 'x', { allowPrivateNetworks: true }), true);
});

test('pinned lookup refuses a name that resolves to loopback; checkUrlAllowed says why', async () => {
  const error = await new Promise<Error | null>((resolve) =>
    pinnedLookup({})('localhost', { all: true }, ((e: Error | null) => resolve(e)) as never),
  );
  assert.match(String(error?.message), /non-public/);
  await assert.rejects(checkUrlAllowed('http://localhost:1/', {}), /non-public/);
  await assert.rejects(checkUrlAllowed('file:///etc/passwd', {}), /scheme/);
  await assert.rejects(checkUrlAllowed('rtsp://[::ffff:127.0.0.1]/s', {}, ['rtsp:']), /non-public/);
  const ok = await checkUrlAllowed('http://localhost:1/', { allowList: ['localhost'] });
  assert.ok(ok.addresses.length > 0);
});
