import { z } from 'zod';

/** Shared by the login form and the login action. Bounded, so a huge body never reaches the KDF. */
export const loginSchema = z.object({
  username: z.string().trim().min(1, 'Enter your username').max(64, 'At most 64 characters'),
  password: z.string().min(1, 'Enter your password').max(1024, 'At most 1024 characters'),
});

export const reauthSchema = z.object({
  password: z.string().min(1, 'Enter your password').max(1024, 'At most 1024 characters'),
});

export const loginLinkSchema = z.object({
  token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, 'This login link is malformed'),
});

/** Where to go after login: only a local path, never another origin. */
export const nextPathSchema = z
  .string()
  .regex(/^\/(?!\/)[^\s\\]*$/)
  .max(512)
  .catch('/');
