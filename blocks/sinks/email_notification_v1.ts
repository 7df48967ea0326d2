// roboflow_core/email_notification@v1: e-mails a message (with `{{ $parameters.x }}` placeholders) and
// attachments through the user's SMTP server; port 465 uses implicit TLS, other ports STARTTLS when offered.
import { defineBlock } from '../../engine/index.ts';
import {
  EMAIL_OUTPUTS,
  emailProperties,
  passwordProperty,
  runEmailSink,
  senderProperty,
  smtpServerProperty,
  type EmailParams,
} from './email_common.ts';

export const emailNotificationV1 = defineBlock<EmailParams>({
  manifest: {
    type: 'roboflow_core/email_notification@v1',
    humanName: 'Email Notification',
    version: 'v1',
    blockType: 'sink',
    cacheable: false, // side effects (step output cache must not reuse it)
    shortDescription: 'Send notification via e-mail.',
    longDescription:
      'Sends an e-mail through a custom SMTP server. The message may contain `{{ $parameters.name }}` placeholders ' +
      'filled from `message_parameters` (each optionally transformed by `message_parameters_operations`). ' +
      'Attachments come from other steps (text is sent as UTF-8). `cooldown_seconds` (default 5) throttles ' +
      'follow-up notifications of the step; with `fire_and_forget` the workflow does not wait for delivery.',
    ui: { section: 'notifications', icon: 'far fa-envelope' },
    properties: {
      ...emailProperties(['string', 'bytes']),
      sender_email: senderProperty(),
      smtp_server: smtpServerProperty(),
      sender_email_password: passwordProperty(),
    },
    required: ['subject', 'receiver_email', 'message', 'sender_email', 'smtp_server', 'sender_email_password'],
    // A password from a secret that is not set fails the step naming it (not a silent skip).
    requiredValues: ['sender_email_password'],
    outputs: EMAIL_OUTPUTS,
    executionEngineCompatibility: '>=1.4.0,<2.0.0',
  },
  run(p, context) {
    return runEmailSink(p, context, () => ({
      sender: String(p.sender_email),
      settings: {
        host: String(p.smtp_server),
        port: Number(p.smtp_port ?? 465),
        username: String(p.sender_email),
        password: p.sender_email_password ?? undefined,
      },
    }));
  },
});
