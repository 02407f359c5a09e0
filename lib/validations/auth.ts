import { z } from 'zod';

import { encodeText, text } from '../i18n/text';

const USERNAME_REQUIRED = encodeText(text('auth.fields.usernameRequired'));
const PASSWORD_REQUIRED = encodeText(text('auth.fields.passwordRequired'));
const tooLong = (max: number) => encodeText(text('auth.fields.tooLong', { max }));

/** Shared by the login form and the login action. Bounded, so a huge body never reaches the KDF. */
export const loginSchema = z.object({
  username: z.string().trim().min(1, USERNAME_REQUIRED).max(64, tooLong(64)),
  password: z.string().min(1, PASSWORD_REQUIRED).max(1024, tooLong(1024)),
});

export const reauthSchema = z.object({
  password: z.string().min(1, PASSWORD_REQUIRED).max(1024, tooLong(1024)),
});

export const loginLinkSchema = z.object({
  token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, encodeText(text('auth.fields.linkMalformed'))),
});

/** Any fixed origin works: only whether a value stays on it after resolution matters, not its name. */
const OWN_ORIGIN = 'http://dashboard.invalid';

/**
 * Resolves `value` the way a browser resolves a Location header, against our own origin, and keeps it only
 * if it is still a path of the app. A prefix check alone let `/.//evil.com` through: it resolves to
 * `//evil.com`, which the browser then reads as another host.
 */
export function localPathOrRoot(value: string): string {
  if (!value.startsWith('/') || value.includes('\\')) return '/';
  let resolved: URL;
  try {
    resolved = new URL(value, OWN_ORIGIN);
  } catch {
    return '/';
  }
  if (resolved.origin !== OWN_ORIGIN) return '/';
  let decodedPath: string;
  try {
    decodedPath = decodeURIComponent(resolved.pathname);
  } catch {
    return '/';
  }
  // An encoded `//` or `\` is harmless to a browser but not to every proxy or router that decodes first.
  if (decodedPath.startsWith('//') || decodedPath.includes('\\')) return '/';
  return resolved.pathname + resolved.search + resolved.hash;
}

/** Where to go after login: only a path of this app, never another origin. */
export const nextPathSchema = z.string().max(512).transform(localPathOrRoot).catch('/');
