/** How a turn will be answered, decided once per turn and kept, so a redelivery answers the same way. */
export const TurnRoutes = ['greeting', 'rate_limited', 'too_long', 'refused', 'offline', 'llm'] as const;
export type TurnRoute = (typeof TurnRoutes)[number];

export function isTurnRoute(value: unknown): value is TurnRoute {
  return typeof value === 'string' && (TurnRoutes as readonly string[]).includes(value);
}
