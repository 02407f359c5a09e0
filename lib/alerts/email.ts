import 'server-only';

import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { isIP } from 'node:net';

import { redactText } from '../audit/redact';
import type { SmtpSettings } from '../config';
import { elapsedSince, type DeliveryFailureReason, type DeliveryResult } from './delivery';
import { renderEmail, type AlertMessage, type AlertOrigin } from './messages';

/**
 * Alert e-mails through Mastodon's SMTP server, with nodemailer. `smtpTransportOptions` is the one
 * translation of Mastodon's settings (lib/config/alert-channels.ts) into nodemailer's options.
 */

export function smtpTransportOptions(smtp: SmtpSettings, timeoutMs: number): SMTPTransport.Options {
  return {
    host: smtp.host,
    port: smtp.port,
    secure: smtp.security === 'implicit',
    requireTLS: smtp.security === 'always',
    ignoreTLS: smtp.security === 'never',
    auth: smtp.auth ? { user: smtp.auth.user, pass: smtp.auth.password } : undefined,
    authMethod: smtp.auth?.method,
    name: smtp.heloName,
    tls: {
      rejectUnauthorized: smtp.verifyCertificate,
      ...(smtp.ca ? { ca: smtp.ca } : {}),
      // The name the certificate must carry; an IP address is checked against the certificate's IP entries.
      ...(isIP(smtp.host) === 0 ? { servername: smtp.host } : {}),
    },
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
    // nodemailer's logger would print the SMTP conversation, AUTH included.
    logger: false,
    debug: false,
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

interface NodemailerError {
  code?: string;
  responseCode?: number;
  message: string;
  syscall?: string;
}

function asNodemailerError(error: unknown): NodemailerError {
  if (error instanceof Error) {
    const fields = error as Error & { code?: unknown; responseCode?: unknown; syscall?: unknown };
    return {
      message: error.message,
      code: typeof fields.code === 'string' ? fields.code : undefined,
      responseCode: typeof fields.responseCode === 'number' ? fields.responseCode : undefined,
      syscall: typeof fields.syscall === 'string' ? fields.syscall : undefined,
    };
  }
  return { message: String(error) };
}

const TLS_WORDS = /certificate|self[- ]signed|ssl|tls|wrong version number|handshake/i;

/** nodemailer's error codes (nodemailer/lib/errors.js) onto the closed set of reasons. */
export function smtpFailureReason(error: NodemailerError): DeliveryFailureReason {
  // 530: "Authentication required", the answer to MAIL FROM when AUTH was not done.
  if (error.code === 'EAUTH' || error.code === 'ENOAUTH' || error.responseCode === 530) return 'auth_refused';
  if (error.code === 'ETIMEDOUT') return 'timeout';
  if (error.code === 'ETLS' || error.code === 'EREQUIRETLS') return 'tls';
  if (error.code === 'ESOCKET') return TLS_WORDS.test(error.message) ? 'tls' : 'unreachable';
  if (error.code === 'ECONNECTION' || error.code === 'EDNS') return 'unreachable';
  if (error.code === 'EENVELOPE' || error.code === 'EMESSAGE') return 'refused_by_server';
  return 'failed';
}

function withoutSecrets(text: string, smtp: SmtpSettings): string {
  const password = smtp.auth?.password;
  const plain = password ? text.split(password).join('[redacted]') : text;
  return redactText(plain.replace(/\s+/g, ' ').trim(), 300);
}

export interface EmailDelivery {
  smtp: SmtpSettings;
  to: string[];
  timeoutMs: number;
}

/** One attempt: resolves with the outcome within about `timeoutMs`, never rejects. */
export async function sendEmail(
  { smtp, to, timeoutMs }: EmailDelivery,
  message: AlertMessage,
  origin: AlertOrigin,
): Promise<DeliveryResult> {
  const startedAt = performance.now();
  const { subject, text } = renderEmail(message, origin);
  let deadline: NodeJS.Timeout | undefined;
  try {
    const transport = nodemailer.createTransport(smtpTransportOptions(smtp, timeoutMs));
    const sending = transport.sendMail({ from: smtp.from, to, subject, text });
    // nodemailer's timeouts bound each wait; this bounds a server that answers slowly but never finishes.
    const timedOut = new Promise<'timeout'>((resolve) => {
      deadline = setTimeout(() => resolve('timeout'), timeoutMs);
      deadline.unref();
    });
    const outcome = await Promise.race([sending, timedOut]);
    if (outcome === 'timeout') {
      sending.catch(() => undefined);
      transport.close();
      return {
        ok: false,
        channel: 'email',
        reason: 'timeout',
        detail: `${smtp.host}:${smtp.port} did not finish within ${timeoutMs / 1000} s`,
        durationMs: elapsedSince(startedAt),
      };
    }
    transport.close();
    return { ok: true, channel: 'email', durationMs: elapsedSince(startedAt) };
  } catch (error) {
    const details = asNodemailerError(error);
    return {
      ok: false,
      channel: 'email',
      reason: smtpFailureReason(details),
      detail: withoutSecrets(`${smtp.host}:${smtp.port}: ${details.message}`, smtp),
      durationMs: elapsedSince(startedAt),
    };
  } finally {
    clearTimeout(deadline);
  }
}
