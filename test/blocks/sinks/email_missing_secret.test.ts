// An e-mail step whose SMTP password comes from a secret that is not set fails naming it (Roboflow's sinks report
// their errors; ours skipped the step silently). Over HTTP with the environment secrets store and a recording
// SMTP server; the same workflow with the secret set sends the mail.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type RunningServer } from '../../helpers/server.ts';
import { RecordingSmtpServer } from '../../helpers/smtp-server.ts';
import { post } from '../../server/http.ts';

const servers: Array<{ close?: () => Promise<void>; stop?: () => Promise<void> }> = [];
after(async () => {
  for (const s of servers) await (s.close?.() ?? s.stop?.());
});

function workflow(smtpPort: number) {
  return {
    version: '1.4.0',
    inputs: [],
    steps: [
      {
        type: 'roboflow_core/environment_secrets_store@v1',
        name: 'secrets',
        variables_storing_secrets: ['SIGHTLINE_TEST_SMTP_PASSWORD'],
      },
      {
        type: 'roboflow_core/email_notification@v1',
        name: 'email',
        subject: 'Alert',
        message: 'Something happened',
        receiver_email: 'ops@example.test',
        sender_email: 'alerts@example.test',
        smtp_server: '127.0.0.1',
        smtp_port: smtpPort,
        sender_email_password: '$steps.secrets.sightline_test_smtp_password',
        fire_and_forget: false,
        cooldown_seconds: 0,
      },
    ],
    outputs: [{ type: 'JsonField', name: 'email', selector: '$steps.email.*' }],
  };
}

async function server(password: string | undefined): Promise<RunningServer> {
  const env: Record<string, string> = {
    WORKFLOW_SECRETS_ALLOWED: 'SIGHTLINE_TEST_SMTP_PASSWORD',
    SINK_ALLOW_LIST: '127.0.0.1',
  };
  if (password !== undefined) env.SIGHTLINE_TEST_SMTP_PASSWORD = password;
  const running = await startTestServer({ env });
  servers.push(running);
  return running;
}

test('missing secret: the e-mail step fails naming the secret; nothing is sent', async () => {
  delete process.env.SIGHTLINE_TEST_SMTP_PASSWORD;
  const smtp = await new RecordingSmtpServer({
    auth: { user: 'alerts@example.test', password: 's3cret', mechanisms: ['PLAIN', 'LOGIN'] },
  }).start();
  servers.push(smtp);
  const app = await server(undefined);
  const res = await post(app, '/workflows/run', { specification: workflow(smtp.port), inputs: {} });
  assert.equal(res.status, 500, JSON.stringify(res.body).slice(0, 500));
  assert.equal(res.body.error_type, 'StepExecutionError');
  assert.match(res.body.message, /\$steps\.email/);
  assert.match(
    res.body.inner_error_message,
    /sender_email_password.*\$steps\.secrets\.sightline_test_smtp_password is empty/,
  );
  assert.equal(res.body.blocks_errors[0].block_id, 'email');
  assert.equal(res.body.blocks_errors[0].property_name, 'sender_email_password');
  assert.equal(smtp.mails.length, 0);
});

test('secret set: the mail is sent', async () => {
  const smtp = await new RecordingSmtpServer({
    auth: { user: 'alerts@example.test', password: 's3cret', mechanisms: ['PLAIN', 'LOGIN'] },
  }).start();
  servers.push(smtp);
  const app = await server('s3cret');
  const res = await post(app, '/workflows/run', { specification: workflow(smtp.port), inputs: {} });
  assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 500));
  assert.equal(res.body.outputs[0].email.error_status, false, JSON.stringify(res.body.outputs[0]));
  assert.equal(smtp.mails.length, 1);
});
