import { z } from 'zod';

export const LoginRequest = z.object({
  username: z.string().trim().min(1, 'required').max(256),
  password: z.string().min(1, 'required').max(1024),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

/** Refresh and logout carry the refresh token in the body, never in the query string (it would land in logs). */
export const RefreshRequest = z.object({ refreshToken: z.string().min(20, 'malformed refresh token').max(200) }).strict();
export type RefreshRequest = z.infer<typeof RefreshRequest>;
