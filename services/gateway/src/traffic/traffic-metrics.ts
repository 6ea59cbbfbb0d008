import { Gauge, type Registry } from 'prom-client';

/** The owner's traffic figures (contract section 6), exported by the gateway. */
export class TrafficMetrics {
  readonly egressBps: Gauge;
  readonly capBps: Gauge;
  readonly periodBytes: Gauge;
  readonly budgetBytes: Gauge;
  readonly projectedBytes: Gauge;
  readonly periodEnd: Gauge;
  readonly exhaustion: Gauge;

  constructor(registry: Registry) {
    const gauge = (name: string, help: string) => new Gauge({ name, help, registers: [registry] });
    this.egressBps = gauge('dh_egress_bits_per_second', 'Host egress now (billed interfaces), bits per second');
    this.capBps = gauge(
      'dh_bandwidth_cap_bits_per_second',
      'The server egress cap (BANDWIDTH_CAP_KBPS), bits per second',
    );
    this.periodBytes = gauge('dh_traffic_month_bytes', 'Host egress bytes this billing month');
    this.budgetBytes = gauge('dh_traffic_budget_bytes', 'Monthly traffic budget (MONTHLY_TRAFFIC_GB), bytes');
    this.projectedBytes = gauge('dh_traffic_projected_month_bytes', 'This billing month at the pace so far, bytes');
    this.periodEnd = gauge('dh_traffic_period_end_timestamp_seconds', 'When this billing month ends, unix seconds');
    this.exhaustion = gauge(
      'dh_traffic_exhaustion_timestamp_seconds',
      'When the traffic budget runs out at this month’s pace, unix seconds (+Inf while nothing was sent)',
    );
  }
}
