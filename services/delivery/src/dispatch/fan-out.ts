import { ClientAlert, fanoutContractFor } from '@herald/contracts';
import { Infra } from '@herald/runtime';

/** Pushes an alert to these recipients through every gateway, one message per FANOUT_CHUNK_SIZE recipients. */
export async function fanOut(infra: Infra, alert: ClientAlert, userIds: string[], correlationId?: string): Promise<void> {
  const size = infra.env.FANOUT_CHUNK_SIZE;
  const contract = fanoutContractFor(alert.severity);
  for (let i = 0; i < userIds.length; i += size) await infra.bus.publish(contract, { alert, recipients: userIds.slice(i, i + size) }, { correlationId });
}
