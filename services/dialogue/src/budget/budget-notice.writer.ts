import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { type KeyPrefix, NoticeWriter } from '@dh/streams';
import { KEYS, REDIS } from '@dh/runtime';

export type BudgetLevel = 'warning' | 'spent';

/** What every guest's page is told (Simplified Chinese first); the page keys on the code `budget`. */
export const BudgetNoticeTexts: Record<BudgetLevel, { zh: string; en: string }> = {
  warning: {
    zh: '本月对话额度已用 80%，用完后开心会改用离线模式，只能简单回答。',
    en: "80% of this month's conversation budget is used; then Kaixin switches to offline mode with simple answers.",
  },
  spent: {
    zh: '本月对话额度已用完，开心改用离线模式，只能简单回答，下个月恢复。',
    en: "This month's conversation budget is used up: Kaixin is in offline mode with simple answers until next month.",
  },
};

/** Writes budget notices for everyone (no room) to stream:notices, which the gateway sends to every page. */
@Injectable()
export class BudgetNoticeWriter {
  private readonly notices: NoticeWriter;

  constructor(@Inject(REDIS) redis: Redis, @Inject(KEYS) keys: KeyPrefix) {
    this.notices = new NoticeWriter(redis, keys);
  }

  async write(level: BudgetLevel, atMs: number): Promise<void> {
    await this.notices.write('budget', BudgetNoticeTexts[level], { atMs });
  }
}
