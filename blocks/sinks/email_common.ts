// What email_notification v1 and v2 share: their common properties, `{{ $parameters.x }}` substitution with
// per-parameter UQL operations, attachment conversion, and the send flow (disable_sink, cooldown,
// fire-and-forget) over the SMTP client.
import {
  AddressNotAllowedError,
  literal,
  literalOrSelector,
  selector,
  selectorDict,
  WorkflowImage,
  type JsonSchema,
  type NetworkPolicy,
  type StepContext,
  type StepOutputs,
} from '../../engine/index.ts';
import {
  executeOperations,
  fillPlaceholders,
  placeholderNames,
  pyStr,
  type OperationDefinition,
} from '../common/uql/index.ts';
import { invalidParam } from '../common/param-errors.ts';
import { buildMimeMessage, type MailAttachment } from './mime.ts';
import { sendMail, type SmtpSettings } from './smtp.ts';
import { blockSettings } from '../common/settings.ts';

export interface EmailParams {
  subject: string;
  message: string;
  sender_email?: string | null;
  receiver_email: string | string[];
  cc_receiver_email?: string | string[] | null;
  bcc_receiver_email?: string | string[] | null;
  message_parameters?: Record<string, unknown>;
  message_parameters_operations?: Record<string, OperationDefinition[]>;
  attachments?: Record<string, unknown>;
  smtp_server?: string | null;
  sender_email_password?: string | null;
  smtp_port?: number;
  fire_and_forget?: boolean;
  disable_sink?: boolean;
  cooldown_seconds?: number;
}

export const EMAIL_OUTPUTS = [
  { name: 'error_status', kind: ['boolean'] },
  { name: 'throttling_status', kind: ['boolean'] },
  { name: 'message', kind: ['string'] },
];

const addresses = (description: string, example: string) =>
  literalOrSelector([{ type: 'string' }, { type: 'array', items: { type: 'string' } }], ['string', 'list_of_values'], {
    description,
    examples: [example],
  });

/** Properties both versions declare the same way. */
export function emailProperties(attachmentKinds: string[]): Record<string, JsonSchema> {
  return {
    subject: literal({ type: 'string' }, { description: 'Subject of the message.', examples: ['Workflow alert'] }),
    receiver_email: addresses('Destination e-mail address.', 'receiver@gmail.com'),
    message: literal(
      { type: 'string' },
      {
        description: 'Content of the message to be send.',
        examples: ['During last 5 minutes detected {{ $parameters.num_instances }} instances'],
      },
    ),
    message_parameters: selectorDict(['*'], {
      description: 'Data to be used inside the message.',
      default: {},
      examples: [{ predictions: '$steps.model.predictions', reference: '$inputs.reference_class_names' }],
    }),
    message_parameters_operations: literal(
      { type: 'object', additionalProperties: { type: 'array', items: { type: 'object' } } },
      {
        description: 'Preprocessing operations to be performed on message parameters.',
        default: {},
        examples: [{ predictions: [{ type: 'DetectionsPropertyExtract', property_name: 'class_name' }] }],
      },
    ),
    cc_receiver_email: addresses('CC e-mail address.', 'cc-receiver@gmail.com'),
    bcc_receiver_email: addresses('BCC e-mail address.', 'bcc-receiver@gmail.com'),
    attachments: {
      type: 'object',
      additionalProperties: selector(attachmentKinds),
      description: 'Attachments',
      default: {},
      examples: [{ 'report.cvs': '$steps.csv_formatter.csv_content' }],
    },
    smtp_port: literal({ type: 'integer' }, { description: 'SMTP server port.', default: 465, examples: [465] }),
    fire_and_forget: literalOrSelector({ type: 'boolean' }, ['boolean'], {
      description:
        'Boolean flag to run the block asynchronously (True) for faster workflows or synchronously (False) for debugging and error handling.',
      default: true,
      examples: ['$inputs.fire_and_forget', false],
    }),
    disable_sink: literalOrSelector({ type: 'boolean' }, ['boolean'], {
      description: 'Boolean flag to disable block execution.',
      default: false,
      examples: [false, '$inputs.disable_email_notifications'],
    }),
    cooldown_seconds: literalOrSelector({ type: 'integer' }, ['integer'], {
      description: 'Number of seconds until a follow-up notification can be sent.',
      default: 5,
      examples: ['$inputs.cooldown_seconds', 3],
    }),
  };
}

export function senderProperty(): JsonSchema {
  return literalOrSelector({ type: 'string' }, ['string'], {
    description: 'E-mail to be used to send the message.',
    examples: ['sender@gmail.com'],
  });
}

export function smtpServerProperty(): JsonSchema {
  return literalOrSelector({ type: 'string' }, ['string'], {
    description: 'Custom SMTP server to be used.',
    examples: ['$inputs.smtp_server', 'smtp.google.com'],
  });
}

export function passwordProperty(): JsonSchema {
  return literalOrSelector({ type: 'string' }, ['string', 'secret'], {
    description: 'Sender e-mail password be used when authenticating to SMTP server.',
    examples: ['$inputs.email_password'],
  });
}

function asList(value: string | string[] | null | undefined): string[] {
  if (value == null) return [];
  return (Array.isArray(value) ? value : [value]).map(String).filter((address) => address.length > 0);
}

/** Fills the placeholders whose parameter is given; others stay as written. Operations run only for used ones. */
export async function formatEmailMessage(
  message: string,
  parameters: Record<string, unknown>,
  operations: Record<string, OperationDefinition[]>,
  stepName: string,
): Promise<string> {
  const values: Record<string, unknown> = {};
  for (const name of placeholderNames(message)) {
    if (!Object.hasOwn(parameters, name)) continue;
    values[name] = await executeOperations(parameters[name], operations[name], {
      parameters: {},
      executionContext: `step: ${stepName} | message_parameters_operations.${name}`,
    });
  }
  return fillPlaceholders(message, values);
}

/** Attachment bytes: text as UTF-8, bytes as they are, images as JPEG under a .jpg name. */
export async function toAttachments(attachments: Record<string, unknown> | undefined): Promise<MailAttachment[]> {
  const out: MailAttachment[] = [];
  for (const [name, value] of Object.entries(attachments ?? {})) {
    if (value == null) continue;
    if (value instanceof WorkflowImage) {
      const filename = /\.jpe?g$/i.test(name) ? name : `${name}.jpg`;
      out.push({ filename, content: await value.toJpeg() });
    } else if (value instanceof Uint8Array) {
      out.push({ filename: name, content: value });
    } else {
      out.push({ filename: name, content: Buffer.from(typeof value === 'string' ? value : pyStr(value), 'utf8') });
    }
  }
  return out;
}

export interface SmtpDelivery {
  settings: SmtpSettings;
  sender: string;
}

type Outcome = { error_status: boolean; message: string };

async function deliver(
  delivery: SmtpDelivery,
  recipients: string[],
  mime: string,
  policy: NetworkPolicy,
): Promise<Outcome> {
  try {
    await sendMail({ ...delivery.settings, policy }, { from: delivery.sender, recipients }, mime);
    return { error_status: false, message: 'Notification sent successfully' };
  } catch (error) {
    if (error instanceof AddressNotAllowedError)
      return {
        error_status: true,
        message: 'Failed to send e-mail: could not deliver (SMTP server not allowed by the sink policy)',
      };
    // No details: refused vs closed ports, timeouts or SMTP replies would let workflows map the network.
    return { error_status: true, message: 'Failed to send e-mail: could not deliver' };
  }
}

/** disable_sink, then the step's cooldown, then sending now or in the background. */
export async function runEmailSink(
  p: EmailParams,
  context: StepContext,
  delivery: () => SmtpDelivery | Outcome,
): Promise<StepOutputs> {
  if (p.disable_sink || context.request.disableSinks) {
    return { error_status: false, throttling_status: false, message: 'Sink was disabled by parameter `disable_sink`' };
  }
  const now = Date.now() / 1000;
  const last = context.state.get('email-last') as number | undefined;
  if (last !== undefined && now - last < Number(p.cooldown_seconds ?? 5)) {
    return { error_status: false, throttling_status: true, message: 'Sink cooldown applies' };
  }
  const target = delivery();
  if (!('settings' in target)) return { ...target, throttling_status: false };
  const to = asList(p.receiver_email);
  if (to.length === 0)
    throw invalidParam(context.stepName, 'receiver_email', p.receiver_email, 'at least one receiver address');
  const cc = asList(p.cc_receiver_email);
  const bcc = asList(p.bcc_receiver_email);
  // Message and attachments are built before sending, so a failing UQL operation fails the step (as in Roboflow).
  const text = await formatEmailMessage(
    String(p.message ?? ''),
    p.message_parameters ?? {},
    p.message_parameters_operations ?? {},
    context.stepName,
  );
  const mime = buildMimeMessage({
    from: target.sender,
    to,
    cc,
    subject: String(p.subject ?? ''),
    text,
    attachments: await toAttachments(p.attachments),
  });
  context.state.set('email-last', now);
  const sending = deliver(target, [...to, ...cc, ...bcc], mime, blockSettings(context).sinkNetwork);
  if (p.fire_and_forget ?? true)
    return { error_status: false, throttling_status: false, message: 'Notification sent in the background task' };
  return { ...(await sending), throttling_status: false };
}
