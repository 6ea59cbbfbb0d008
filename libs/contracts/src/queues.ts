import { TTS_QUEUE } from './names.js';

export { TTS_QUEUE };

/** BullMQ keys live under the deployment prefix too: `<REDIS_PREFIX>bull:tts:*`. */
export function bullPrefix(redisPrefix: string): string {
  return `${redisPrefix}bull`;
}

/** BullMQ job id of one sentence: adding it twice (a redelivered utterance) is a no-op while the job is kept. */
export function ttsJobId(turnId: string, index: number): string {
  return `${turnId}-${index}`;
}

/** Options of every TTS job, set by the producer (dialogue). */
export const TTS_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 200 },
  // Completed jobs are kept an hour so that re-adding a sentence of a redelivered turn is deduplicated.
  removeOnComplete: { age: 3_600, count: 2_000 },
  removeOnFail: { age: 86_400, count: 1_000 },
} as const;
