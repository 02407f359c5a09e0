import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server on loopback (the smtp-server package, nodemailer's sibling) that records what it receives.
 * It offers STARTTLS with a certificate made for this run (openssl, for localhost and 127.0.0.1), accepts AUTH
 * PLAIN and LOGIN only after STARTTLS (smtp-server's default), and checks one user and password.
 */

export interface TestCertificate {
  key: string;
  cert: string;
  /** The certificate's file, for SMTP_CA_FILE. */
  certFile: string;
  cleanup: () => void;
}

export function makeTestCertificate(): TestCertificate {
  const dir = mkdtempSync(path.join(tmpdir(), 'mastodash-smtp-cert-'));
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return {
    key: readFileSync(keyFile, 'utf8'),
    cert: readFileSync(certFile, 'utf8'),
    certFile,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface ReceivedMail {
  envelopeFrom: string | false;
  envelopeTo: string[];
  /** The session was upgraded with STARTTLS before the message. */
  secure: boolean;
  /** The user the session logged in as, if any. */
  user?: string;
  from: string;
  to: string;
  subject: string;
  text: string;
}

export interface SmtpReceiverOptions {
  user: string;
  password: string;
  certificate: TestCertificate;
  /** Listen on this port (0: any free one). */
  port?: number;
  /** Neither offer nor accept STARTTLS (for the "always" case). */
  withoutStartTls?: boolean;
  /** TLS from the first byte, as on port 465 (for SMTP_TLS / SMTP_SSL). */
  implicitTls?: boolean;
}

export interface SmtpReceiver {
  port: number;
  messages: ReceivedMail[];
  /** Every AUTH attempt, with its outcome (the password is not kept). */
  logins: { user: string; method: string; accepted: boolean }[];
  close: () => Promise<void>;
}

export async function startSmtpReceiver(options: SmtpReceiverOptions): Promise<SmtpReceiver> {
  const messages: ReceivedMail[] = [];
  const logins: SmtpReceiver['logins'] = [];
  const server = new SMTPServer({
    key: options.certificate.key,
    cert: options.certificate.cert,
    authMethods: ['PLAIN', 'LOGIN'],
    ...(options.withoutStartTls ? { hideSTARTTLS: true, disabledCommands: ['STARTTLS'] } : {}),
    secure: options.implicitTls ?? false,
    logger: false,
    onAuth(auth, _session, callback) {
      const accepted = auth.username === options.user && auth.password === options.password;
      logins.push({ user: auth.username ?? '', method: auth.method, accepted });
      if (!accepted) {
        callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
        return;
      }
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const address = (value: typeof parsed.to): string =>
            value === undefined ? '' : Array.isArray(value) ? value.map((one) => one.text).join(', ') : value.text;
          messages.push({
            envelopeFrom: session.envelope.mailFrom === false ? false : session.envelope.mailFrom.address,
            envelopeTo: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            secure: session.secure,
            user: typeof session.user === 'string' ? session.user : undefined,
            from: parsed.from?.text ?? '',
            to: address(parsed.to),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
          });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    messages,
    logins,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A TCP server that never lets a conversation finish. Silent: it accepts and never greets. With `dripMs`: it
 * greets, then answers EHLO with one more `250-` continuation line every `dripMs` and never the last one, so
 * the connection is never idle and no greeting or socket timeout fires.
 */
export async function startSilentServer({ dripMs }: { dripMs?: number } = {}): Promise<{
  port: number;
  connections: () => number;
  close: () => Promise<void>;
}> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    let drip: NodeJS.Timeout | undefined;
    if (dripMs !== undefined) {
      socket.write('220 slow.example ESMTP\r\n');
      socket.once('data', () => {
        drip = setInterval(() => socket.write('250-still thinking\r\n'), dripMs);
      });
    }
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(drip);
      sockets.delete(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
