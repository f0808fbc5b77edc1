import { fromRemoteError, parseOrThrow, RpcContract, RpcEnvelopeSchema, toRemoteError, ValidationError } from '@herald/contracts';
import { MessageContext, RpcHandler } from './bus';

/** Runs an RPC handler on a raw request and wraps the outcome (value or domain error) in the reply envelope. */
export async function answer<Q, R>(contract: RpcContract<Q, R>, handler: RpcHandler<Q, R>, raw: unknown, ctx: MessageContext): Promise<unknown> {
  try {
    const request = parseOrThrow(contract.request, raw, 'request');
    const value = await handler(request, ctx);
    return { ok: true, value: contract.reply.parse(value) };
  } catch (err) {
    return { ok: false, error: toRemoteError(err) };
  }
}

/** Unwraps a reply envelope: returns the validated value or throws the remote domain error. */
export function unwrapReply<Q, R>(contract: RpcContract<Q, R>, raw: unknown): R {
  const env = RpcEnvelopeSchema.safeParse(raw);
  if (!env.success) throw new ValidationError(`malformed reply to ${contract.key}`);
  if (!env.data.ok) throw fromRemoteError(env.data.error);
  return contract.reply.parse(env.data.value);
}
