import type { ChainableCommander } from 'ioredis';

/** Runs a MULTI and returns each command's reply; throws the first command error instead of hiding it. */
export async function execAll(multi: ChainableCommander): Promise<unknown[]> {
  const replies = await multi.exec();
  if (!replies) throw new Error('Redis transaction aborted');
  return replies.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}
