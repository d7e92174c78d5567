/**
 * E-mail through an SMTP server, with nodemailer: the title is the subject, the facts the plain-text body.
 * `smtp://[USER[:PASSWORD]@]HOST[:PORT]/?from=ADDRESS&to=ADDRESS[,ADDRESS…]`: port 587 by default, and
 * STARTTLS is required (a password never crosses the network in clear) unless `tls=none` says the relay is
 * trusted (a local relay on port 25). `smtps://` is TLS from the first byte, port 465 by default.
 * offen/docker-volume-backup's (shoutrrr's) `fromAddress` and `toAddresses` are read too.
 */
import { renderMessage } from './message.ts';
import type { NotificationKind } from './notification.ts';

const ADDRESS = /^[^\s@<>,]+@[^\s@<>,]+$/;
const TLS_MODES = ['starttls', 'none'] as const;

interface SmtpSettings {
  from: string;
  to: string[];
  tls: (typeof TLS_MODES)[number] | 'implicit';
}

function settingsOf(url: URL): SmtpSettings | string {
  const query = url.searchParams;
  const from = query.get('from') ?? query.get('fromAddress') ?? '';
  const to = (query.get('to') ?? query.get('toAddresses') ?? '')
    .split(',')
    .map((address) => address.trim())
    .filter(Boolean);
  if (!ADDRESS.test(from)) return 'expected the sender as ?from=ADDRESS';
  if (to.length === 0) return 'expected the recipients as &to=ADDRESS[,ADDRESS…]';
  const wrong = to.find((address) => !ADDRESS.test(address));
  if (wrong !== undefined) return `"${wrong}" is not an e-mail address`;
  const tls = query.get('tls') ?? 'starttls';
  if (url.protocol === 'smtps:') return { from, to, tls: 'implicit' };
  if (!(TLS_MODES as readonly string[]).includes(tls))
    return `tls is ${TLS_MODES.join(' or ')}, not "${tls}"`;
  return { from, to, tls: tls as SmtpSettings['tls'] };
}

export const smtp: NotificationKind = {
  schemes: ['smtp', 'smtps'],
  forms: 'smtp://[USER:PASSWORD@]HOST[:PORT]/?from=ADDRESS&to=ADDRESS[,ADDRESS…][&tls=none] or smtps://…',
  problem(url) {
    if (url.hostname === '') return 'the URL has no host';
    const settings = settingsOf(url);
    return typeof settings === 'string' ? settings : undefined;
  },
  async send(url, notification, options) {
    const settings = settingsOf(url);
    if (typeof settings === 'string') throw new Error(settings);
    // Loaded on first use: the daemon pays for nodemailer only when it sends mail.
    const { createTransport } = (await import('nodemailer')).default;
    const timeout = options.timeoutMs ?? 10_000;
    const user = decodeURIComponent(url.username);
    const transport = createTransport({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port ? Number(url.port) : settings.tls === 'implicit' ? 465 : 587,
      secure: settings.tls === 'implicit',
      requireTLS: settings.tls === 'starttls',
      ignoreTLS: settings.tls === 'none',
      ...(user ? { auth: { user, pass: decodeURIComponent(url.password) } } : {}),
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
    const { title, lines } = renderMessage(notification);
    try {
      await transport.sendMail({
        from: settings.from,
        to: settings.to,
        subject: title,
        text: `${lines.join('\n')}\n`,
        headers: { 'X-Stowage-Event': notification.event, 'X-Stowage-Schedule': notification.schedule },
      });
    } finally {
      transport.close();
    }
  },
};
