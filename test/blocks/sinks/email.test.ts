// email_notification v1/v2 against a recording SMTP server started on 127.0.0.1: envelope, MIME body and
// attachments, parameters with UQL operations, AUTH PLAIN/LOGIN, STARTTLS and implicit TLS, cooldown,
// fire-and-forget, disable_sink, refused recipients, and v2's managed-proxy refusal.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import {
  ClientCausedStepExecutionError,
  ExecutionEngine,
  WorkflowImage,
  type StepContext,
  type StepOutputs,
} from '../../../engine/index.ts';
import { coreBlocks } from '../../../blocks/index.ts';
import { emailNotificationV1 } from '../../../blocks/sinks/email_notification_v1.ts';
import { emailNotificationV2 } from '../../../blocks/sinks/email_notification_v2.ts';
import { dataPayload, sendMail } from '../../../blocks/sinks/smtp.ts';
import { boxes, stepContext } from '../../helpers/images.ts';
import { parseMime, RecordingSmtpServer, selfSignedCertificate } from '../../helpers/smtp-server.ts';

// The sink network policy refuses loopback unless allow-listed, as the server's SINK_ALLOW_LIST does.
const LOCAL = { settings: { sinkNetwork: { allowList: ['127.0.0.1'] } } };

const runV1 = async (params: Record<string, unknown>, ctx: StepContext) =>
  (await emailNotificationV1.run(params as never, ctx)) as StepOutputs;
const runV2 = async (params: Record<string, unknown>, ctx: StepContext) =>
  (await emailNotificationV2.run(params as never, ctx)) as StepOutputs;

const servers: RecordingSmtpServer[] = [];
async function startServer(
  options: ConstructorParameters<typeof RecordingSmtpServer>[0] = {},
): Promise<RecordingSmtpServer> {
  const server = await new RecordingSmtpServer(options).start();
  servers.push(server);
  return server;
}
after(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

const AUTH = { user: 'alerts@example.test', password: 's3cret', mechanisms: ['PLAIN', 'LOGIN'] };
const base = {
  subject: 'Alert',
  sender_email: 'alerts@example.test',
  sender_email_password: 's3cret',
  smtp_server: '127.0.0.1',
  message_parameters: {},
  message_parameters_operations: {},
  attachments: {},
  fire_and_forget: false,
  disable_sink: false,
  cooldown_seconds: 0,
};

describe('email_notification@v1', () => {
  test('through the engine: parameters with UQL operations, To/Cc/Bcc envelope, text and CSV attachments', async () => {
    const server = await startServer({ auth: AUTH });
    const engine = new ExecutionEngine({ blocks: coreBlocks, services: LOCAL });
    const definition = {
      version: '1.4.0',
      inputs: [
        { type: 'WorkflowParameter', name: 'port' },
        { type: 'WorkflowParameter', name: 'password' },
        { type: 'WorkflowParameter', name: 'classes' },
      ],
      steps: [
        { type: 'roboflow_core/csv_formatter@v1', name: 'csv', columns_data: { n: '$inputs.port' } },
        {
          type: 'roboflow_core/email_notification@v1',
          name: 'mail',
          subject: 'Zone alert \u2014 gate',
          sender_email: 'alerts@example.test',
          receiver_email: ['ops@example.test', 'boss@example.test'],
          cc_receiver_email: 'cc@example.test',
          bcc_receiver_email: ['hidden@example.test'],
          message:
            'Seen {{ $parameters.count }} objects: {{$parameters.classes}}. Unknown {{ $parameters.missing }}.\n.starts with a dot',
          message_parameters: { count: '$inputs.classes', classes: '$inputs.classes' },
          message_parameters_operations: { count: [{ type: 'SequenceLength' }] },
          attachments: { 'report.csv': '$steps.csv.csv_content' },
          smtp_server: '127.0.0.1',
          smtp_port: '$inputs.port',
          sender_email_password: '$inputs.password',
          fire_and_forget: false,
          cooldown_seconds: 0,
        },
      ],
      outputs: [{ type: 'JsonField', name: 'result', selector: '$steps.mail.*' }],
    };
    // smtp_port is literal-only in Roboflow's manifest: a selector there is refused at compile time
    await assert.rejects(async () =>
      engine.run(definition, { port: server.port, password: 's3cret', classes: ['car', 'dog'] }),
    );
    (definition.steps[1] as Record<string, unknown>).smtp_port = server.port;
    const result = (await engine.run(definition, { port: server.port, password: 's3cret', classes: ['car', 'dog'] }))
      .outputs[0]!.result;
    assert.deepEqual(result, {
      error_status: false,
      throttling_status: false,
      message: 'Notification sent successfully',
    });
    assert.equal(server.mails.length, 1);
    const mail = server.mails[0]!;
    assert.equal(mail.from, 'alerts@example.test');
    assert.deepEqual(mail.recipients, [
      'ops@example.test',
      'boss@example.test',
      'cc@example.test',
      'hidden@example.test',
    ]);
    assert.deepEqual(mail.auth, { mechanism: 'PLAIN', user: 'alerts@example.test', password: 's3cret' });
    const { headers, parts } = parseMime(mail.data);
    assert.equal(headers.to, 'ops@example.test, boss@example.test');
    assert.equal(headers.cc, 'cc@example.test');
    assert.equal(headers.bcc, undefined, 'Bcc never appears in the headers');
    assert.equal(
      Buffer.from(/=\?utf-8\?b\?(.*)\?=/.exec(headers.subject!)![1]!, 'base64').toString('utf8'),
      'Zone alert \u2014 gate',
    );
    assert.equal(parts.length, 2);
    assert.equal(
      parts[0]!.body.toString('utf8'),
      "Seen 2 objects: ['car', 'dog']. Unknown {{ $parameters.missing }}.\r\n.starts with a dot",
    );
    assert.match(parts[1]!.headers['content-disposition']!, /attachment; filename="report.csv"/);
    assert.match(parts[1]!.body.toString('utf8'), /^n,timestamp\n/);
  });

  test('AUTH LOGIN when PLAIN is not offered; a wrong password is reported in error_status', async () => {
    const server = await startServer({ auth: { ...AUTH, mechanisms: ['LOGIN'] } });
    const ok = await runV1(
      { ...base, smtp_port: server.port, receiver_email: 'a@example.test', message: 'hi' },
      stepContext('step', { services: LOCAL }),
    );
    assert.equal(ok.error_status, false, String(ok.message));
    assert.equal(server.mails[0]!.auth!.mechanism, 'LOGIN');
    const bad = await runV1(
      {
        ...base,
        smtp_port: server.port,
        receiver_email: 'a@example.test',
        message: 'hi',
        sender_email_password: 'nope',
      },
      stepContext('step', { services: LOCAL }),
    );
    assert.equal(bad.error_status, true);
    assert.equal(bad.message, 'Failed to send e-mail: could not deliver');
    assert.equal(server.mails.length, 1);
  });

  test('cooldown throttles the step; disable_sink skips; fire_and_forget returns before delivery', async () => {
    const server = await startServer({ auth: AUTH });
    const ctx = stepContext('notify', { services: LOCAL });
    const params = {
      ...base,
      smtp_port: server.port,
      receiver_email: 'a@example.test',
      message: 'm',
      cooldown_seconds: 60,
    };
    assert.equal((await runV1(params, ctx)).throttling_status, false);
    assert.deepEqual(await runV1(params, ctx), {
      error_status: false,
      throttling_status: true,
      message: 'Sink cooldown applies',
    });
    assert.equal(server.mails.length, 1);
    assert.deepEqual(await runV1({ ...params, disable_sink: true }, stepContext('step', { services: LOCAL })), {
      error_status: false,
      throttling_status: false,
      message: 'Sink was disabled by parameter `disable_sink`',
    });
    const background = await runV1({ ...params, fire_and_forget: true }, stepContext('step', { services: LOCAL }));
    assert.deepEqual(background, {
      error_status: false,
      throttling_status: false,
      message: 'Notification sent in the background task',
    });
    await server.waitForMails(2);
    assert.equal(server.mails.length, 2);
  });

  test('refused recipients: some refused still delivers to the rest, all refused is an error; unreachable server too', async () => {
    const server = await startServer({ auth: AUTH, reject: ['nobody@example.test'] });
    const some = await runV1(
      { ...base, smtp_port: server.port, receiver_email: ['nobody@example.test', 'a@example.test'], message: 'm' },
      stepContext('step', { services: LOCAL }),
    );
    assert.equal(some.error_status, false);
    assert.deepEqual(server.mails[0]!.recipients, ['a@example.test']);
    const none = await runV1(
      { ...base, smtp_port: server.port, receiver_email: 'nobody@example.test', message: 'm' },
      stepContext('step', { services: LOCAL }),
    );
    assert.equal(none.error_status, true);
    assert.equal(none.message, 'Failed to send e-mail: could not deliver');
    const closed = await startServer();
    await closed.stop();
    const down = await runV1(
      { ...base, smtp_port: closed.port, receiver_email: 'a@example.test', message: 'm' },
      stepContext('step', { services: LOCAL }),
    );
    assert.equal(down.error_status, true);
    assert.equal(down.message, 'Failed to send e-mail: could not deliver');
  });

  const certificate = selfSignedCertificate();
  test(
    'STARTTLS when offered and implicit TLS on request; an untrusted certificate fails the send',
    { skip: certificate ? false : 'openssl not available' },
    async () => {
      const starttls = await startServer({ mode: 'starttls', auth: AUTH, certificate: certificate! });
      const refused = await runV1(
        { ...base, smtp_port: starttls.port, receiver_email: 'a@example.test', message: 'm' },
        stepContext('step', { services: LOCAL }),
      );
      assert.equal(refused.error_status, true, 'self-signed certificate is not trusted');
      assert.equal(refused.message, 'Failed to send e-mail: could not deliver');
      const settings = {
        host: '127.0.0.1',
        port: starttls.port,
        username: AUTH.user,
        password: AUTH.password,
        tls: { ca: certificate!.cert },
      };
      await sendMail(settings, { from: AUTH.user, recipients: ['a@example.test'] }, 'Subject: x\r\n\r\nbody');
      assert.equal(starttls.mails.length, 1);
      assert.equal(starttls.mails[0]!.tls, true, 'upgraded before AUTH and DATA');
      assert.ok(starttls.commands.indexOf('STARTTLS') < starttls.commands.findIndex((c) => c.startsWith('AUTH')));
      const implicit = await startServer({ mode: 'implicit', auth: AUTH, certificate: certificate! });
      await sendMail(
        { ...settings, port: implicit.port, security: 'implicit' },
        { from: AUTH.user, recipients: ['b@example.test'] },
        'Subject: y\r\n\r\nbody',
      );
      assert.deepEqual(implicit.mails[0]!.recipients, ['b@example.test']);
      assert.equal(implicit.mails[0]!.tls, true);
    },
  );

  test('dot-stuffing and CRLF normalisation of the DATA payload', () => {
    assert.equal(dataPayload('.a\nb\n..c'), '..a\r\nb\r\n...c\r\n.\r\n');
  });
});

describe('email_notification@v2', () => {
  test('Custom SMTP: image attachments go as JPEG with a .jpg name, bytes as they are', async () => {
    const server = await startServer({ auth: AUTH });
    const image = await WorkflowImage.decode(
      await sharp({ create: { width: 8, height: 6, channels: 3, background: { r: 0, g: 0, b: 255 } } })
        .png()
        .toBuffer(),
      { parentId: 'i' },
    );
    const result = await runV2(
      {
        ...base,
        email_provider: 'Custom SMTP',
        smtp_port: server.port,
        receiver_email: 'a@example.test',
        message: 'Found {{ $parameters.dets }}',
        message_parameters: {
          dets: boxes([
            [0, 0, 1, 1, 0, 'cat'],
            [0, 0, 1, 1, 1, 'dog'],
          ]),
        },
        message_parameters_operations: { dets: [{ type: 'DetectionsPropertyExtract', property_name: 'class_name' }] },
        attachments: { snapshot: image, 'raw.bin': new Uint8Array([0, 1, 2, 255]) },
      },
      stepContext('step', { services: LOCAL }),
    );
    assert.equal(result.error_status, false, String(result.message));
    const { parts } = parseMime(server.mails[0]!.data);
    assert.equal(parts[0]!.body.toString('utf8'), "Found ['cat', 'dog']");
    assert.match(parts[1]!.headers['content-disposition']!, /filename="snapshot.jpg"/);
    assert.equal(parts[1]!.headers['content-type'], 'image/jpeg');
    const meta = await sharp(parts[1]!.body).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 8, 6]);
    assert.deepEqual([...parts[2]!.body], [0, 1, 2, 255]);
  });

  test('the managed proxy is refused with a clear error; Custom SMTP without settings reports error_status', async () => {
    const params = {
      ...base,
      receiver_email: 'a@example.test',
      message: 'm',
      sender_email: null,
      smtp_server: null,
      sender_email_password: null,
    };
    await assert.rejects(
      async () =>
        runV2({ ...params, email_provider: 'Roboflow Managed API Key' }, stepContext('mailer', { services: LOCAL })),
      (error: unknown) => error instanceof ClientCausedStepExecutionError && /mailer.*Custom SMTP/.test(error.message),
    );
    const missing = await runV2({ ...params, email_provider: 'Custom SMTP' }, stepContext('step', { services: LOCAL }));
    assert.deepEqual(missing, {
      error_status: true,
      throttling_status: false,
      message: 'Custom SMTP requires sender_email, smtp_server, and sender_email_password',
    });
  });

  test('managed provider with SMTP settings given sends through them', async () => {
    const server = await startServer({ auth: AUTH });
    const result = await runV2(
      { ...base, smtp_port: server.port, receiver_email: 'a@example.test', message: 'm' },
      stepContext('step', { services: LOCAL }),
    );
    assert.equal(result.error_status, false, String(result.message));
    assert.equal(server.mails.length, 1);
  });
});
