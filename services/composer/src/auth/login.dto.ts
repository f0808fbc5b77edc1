import { z } from 'zod';

export const LoginRequest = z.object({
  username: z.string().trim().min(1, 'required').max(256),
  password: z.string().min(1, 'required').max(1024),
});
export type LoginRequest = z.infer<typeof LoginRequest>;
