// Sinks on a real server: webhooks and e-mail follow the private-address policy (their own allow list) and say
// only "could not deliver"; file sinks stay under <data dir>/outputs after symlinks; the secrets block reads only
// allow-listed variables, never the server's own keys. Every target is a server of the test's own on 127.0.0.1.
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type RunningServer } from '../helpers/server.ts';
import { get, post } from './http.ts';

let hits = 0;
let target: http.Server;
let targetPort = 0;
let smtp: net.Server;
let smtpPort = 0;
let smtpConnections = 0;
let closedPort = 0;
let server: RunningServer;
let allowing: RunningServer;

before(async () => {
  target = http.createServer((req, res) => {
    hits++;
    req.resume();
    res.end('ok');
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  targetPort = (target.address() as net.AddressInfo).port;
  smtp = net.createServer((socket) => {
    smtpConnections++;
    socket.end('554 no\r\n');
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.address() as net.AddressInfo).port;
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as net.AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  server = await startTestServer({
    env: {
      ROBOFLOW_API_KEY: 'server-own-key',
      MY_SECRET: 'shh',
      WORKFLOW_SECRETS_ALLOWED: 'MY_SECRET,ROBOFLOW_API_KEY',
    },
  });
  allowing = await startTestServer({ env: { SINK_ALLOW_LIST: '127.0.0.1' } });
});
after(async () => {
  await server?.close();
  await allowing?.close();
  await new Promise((resolve) => target?.close(resolve));
  await new Promise((resolve) => smtp?.close(resolve));
});

function oneStep(step: Record<string, unknown>, outputs: string[]) {
  return {
    version: '1.4.0',
    inputs: [],
    steps: [{ name: 's', ...step }],
    outputs: outputs.map((o) => ({ type: 'JsonField', name: o, selector: `$steps.s.${o}` })),
  };
}
const run = (on: RunningServer, definition: unknown) =>
  post(on, '/workflows/run', { specification: definition, inputs: {} });

function webhook(url: string, method = 'POST') {
  return oneStep({ type: 'roboflow_core/webhook_sink@v1', url, method, fire_and_forget: false, cooldown_seconds: 0 }, [
    'error_status',
    'message',
  ]);
}

describe('webhook and e-mail sinks', () => {
  test('loopback in any spelling is refused without a connection', async () => {
    for (const host of ['127.0.0.1', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]', 'localhost', '[64:ff9b::7f00:1]']) {
      const before = hits;
      const answer = await run(server, webhook(`http://${host}:${targetPort}/hook`));
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(answer.body.outputs[0].error_status, true);
      assert.match(answer.body.outputs[0].message, /could not deliver \(destination not allowed/);
      assert.equal(hits, before, `${host} was contacted`);
    }
  });

  test("a webhook PUT to the server's own API saves nothing", async () => {
    const url = `${server.url}/workspaces/hooked/workflows/evil`;
    const definition = oneStep(
      {
        type: 'roboflow_core/webhook_sink@v1',
        url,
        method: 'PUT',
        json_payload: { definition: { version: '1.0', inputs: [], steps: [], outputs: [] } },
        fire_and_forget: false,
        cooldown_seconds: 0,
      },
      ['error_status'],
    );
    await run(server, definition);
    assert.equal((await get(server, '/workspaces/hooked/workflows/evil')).status, 404);
  });

  test('when allowed: delivered; a closed port says only "could not deliver"', async () => {
    const open = await run(allowing, webhook(`http://127.0.0.1:${targetPort}/missing`, 'GET'));
    assert.equal(open.body.outputs[0].error_status, false);
    const closed = await run(allowing, webhook(`http://127.0.0.1:${closedPort}/x`));
    assert.equal(closed.body.outputs[0].message, 'Failed to send notification: could not deliver');
  });

  test('the e-mail sink does not open TCP to a private host', async () => {
    const definition = oneStep(
      {
        type: 'roboflow_core/email_notification@v1',
        subject: 's',
        sender_email: 'a@example.test',
        receiver_email: 'b@example.test',
        message: 'm',
        smtp_server: '127.0.0.1',
        smtp_port: smtpPort,
        sender_email_password: 'x',
        fire_and_forget: false,
        cooldown_seconds: 0,
      },
      ['error_status', 'message'],
    );
    const answer = await run(server, definition);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.match(answer.body.outputs[0].message, /could not deliver \(SMTP server not allowed/);
    assert.equal(smtpConnections, 0);
  });
});

describe('local file sink', () => {
  const sink = (target_directory: string, file_name_prefix = 'out') => ({
    ...oneStep(
      {
        type: 'roboflow_core/local_file_sink@v1',
        content: '$inputs.c',
        file_type: 'txt',
        output_mode: 'separate_files',
        target_directory,
        file_name_prefix,
      },
      ['error_status', 'message'],
    ),
    inputs: [{ type: 'WorkflowParameter', name: 'c', default_value: 'hello' }],
  });

  test('relative targets land in <data dir>/outputs', async () => {
    const answer = await run(server, sink('reports/daily'));
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const dir = path.join(server.config.dataDir, 'outputs', 'reports', 'daily');
    assert.equal(fs.readdirSync(dir).length, 1);
  });

  test('outside targets, escaping prefixes, symlinks out and /proc are refused with 403', async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-outside-'));
    try {
      const root = path.join(server.config.dataDir, 'outputs');
      fs.mkdirSync(root, { recursive: true });
      fs.symlinkSync(outside, path.join(root, 'link-out'));
      for (const [dir, prefix] of [
        [outside, 'out'],
        ['../../escape', 'out'],
        ['/proc/self/x', 'out'],
        ['/proc', 'out'],
        ['ok', '../../../escape'],
        ['link-out', 'out'],
        ['link-out/deeper', 'out'],
      ] as const) {
        const answer = await run(server, sink(dir, prefix));
        assert.equal(answer.status, 403, `${dir} ${prefix}: ${JSON.stringify(answer.body)}`);
        assert.doesNotMatch(JSON.stringify(answer.body), new RegExp(server.config.dataDir));
      }
      assert.deepEqual(fs.readdirSync(outside), []);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe('environment secrets', () => {
  const secrets = (names: string[]) =>
    oneStep(
      { type: 'roboflow_core/environment_secrets_store@v1', variables_storing_secrets: names },
      names.map((n) => n.toLowerCase()),
    );

  test('allow-listed variables are readable', async () => {
    const answer = await run(server, secrets(['MY_SECRET']));
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
  });

  test("the server's own key is refused even when listed; unlisted variables too", async () => {
    for (const name of ['ROBOFLOW_API_KEY', 'PATH', 'HOME']) {
      const answer = await run(server, secrets([name]));
      assert.equal(answer.status, 403, JSON.stringify(answer.body));
      assert.match(answer.body.message, /WORKFLOW_SECRETS_ALLOWED/);
      assert.doesNotMatch(JSON.stringify(answer.body), /server-own-key/);
    }
  });

  test('with no allow list the block is refused', async () => {
    const answer = await run(allowing, secrets(['MY_SECRET']));
    assert.equal(answer.status, 403);
    assert.match(answer.body.message, /now: none/);
  });
});
