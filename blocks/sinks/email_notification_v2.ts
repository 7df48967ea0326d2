// roboflow_core/email_notification@v2: as v1, plus image attachments (sent as JPEG) and an `email_provider`
// choice. Roboflow's managed e-mail proxy lives in Roboflow's cloud, which Sightline does not call: that mode
// is refused unless the step also carries SMTP settings, which are then used.
import { ClientCausedStepExecutionError, defineBlock, literal } from '../../engine/index.ts';
import {
  EMAIL_OUTPUTS,
  emailProperties,
  passwordProperty,
  runEmailSink,
  senderProperty,
  smtpServerProperty,
  type EmailParams,
} from './email_common.ts';

const MANAGED = 'Roboflow Managed API Key';
const CUSTOM = 'Custom SMTP';

interface Params extends EmailParams {
  email_provider?: string;
}

export const emailNotificationV2 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/email_notification@v2',
    humanName: 'Email Notification',
    version: 'v2',
    blockType: 'sink',
    cacheable: false, // side effects (step output cache must not reuse it)
    shortDescription: 'Send notification via e-mail.',
    longDescription:
      'Sends an e-mail through a custom SMTP server (`email_provider: "Custom SMTP"`). The message may contain ' +
      '`{{ $parameters.name }}` placeholders filled from `message_parameters` (optionally transformed by ' +
      '`message_parameters_operations`); attachments may be text, bytes or images (sent as JPEG). Roboflow\u2019s ' +
      'managed e-mail proxy needs Roboflow\u2019s cloud and is not available in Sightline.',
    ui: { section: 'notifications', icon: 'far fa-envelope', blockPriority: 0, popular: true },
    properties: {
      email_provider: literal(
        { type: 'string', enum: [MANAGED, CUSTOM] },
        {
          description:
            'Choose email delivery method: use Roboflow\u2019s managed service or configure your own SMTP server.',
          default: MANAGED,
          examples: [MANAGED, CUSTOM],
        },
      ),
      ...emailProperties(['string', 'bytes', 'image']),
      sender_email: senderProperty(),
      smtp_server: smtpServerProperty(),
      sender_email_password: passwordProperty(),
    },
    required: ['subject', 'receiver_email', 'message'],
    // A password from a secret that is not set fails the step naming it (not a silent skip).
    requiredValues: ['sender_email_password'],
    outputs: EMAIL_OUTPUTS,
    executionEngineCompatibility: '>=1.4.0,<2.0.0',
  },
  run(p, context) {
    return runEmailSink(p, context, () => {
      const hasSmtp = Boolean(p.sender_email && p.smtp_server);
      if ((p.email_provider ?? MANAGED) === MANAGED && !hasSmtp) {
        throw new ClientCausedStepExecutionError(
          `Step ${context.stepName}: email_provider "${MANAGED}" sends through Roboflow\u2019s cloud e-mail proxy, which ` +
            `Sightline does not use. Set email_provider to "${CUSTOM}" with sender_email, smtp_server and sender_email_password.`,
          context.stepName,
          {
            context: 'workflow_execution | step_execution',
            blocksErrors: [
              { block_id: context.stepName, block_type: context.stepType, property_name: 'email_provider' },
            ],
          },
        );
      }
      if (!p.sender_email || !p.smtp_server || !p.sender_email_password) {
        return {
          error_status: true,
          message: 'Custom SMTP requires sender_email, smtp_server, and sender_email_password',
        };
      }
      return {
        sender: String(p.sender_email),
        settings: {
          host: String(p.smtp_server),
          port: Number(p.smtp_port ?? 465),
          username: String(p.sender_email),
          password: String(p.sender_email_password),
        },
      };
    });
  },
});
