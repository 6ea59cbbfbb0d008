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

/**
 * BullMQ priority of a sentence: first sentences have none (BullMQ runs those before any prioritized job) and
 * later ones their index, so when several rooms talk at once every guest's first sentence is synthesized
 * before anyone's second: the time to the first voice does not grow with the other rooms' answers.
 */
export function ttsJobPriority(index: number): number {
  return Math.min(index, 2_097_151);
}

/** Options of every TTS job, set by the producer (dialogue). */
export const TTS_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 200 },
  // Completed jobs are kept an hour so that re-adding a sentence of a redelivered turn is deduplicated.
  removeOnComplete: { age: 3_600, count: 2_000 },
  removeOnFail: { age: 86_400, count: 1_000 },
} as const;
