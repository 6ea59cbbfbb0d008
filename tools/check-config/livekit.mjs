// Checks of livekit/livekit.yaml. LiveKit decodes its config with yaml.v3 KnownFields: an unknown key stops the
// server at start, in production only. So every key must be one that livekit-server v1.13.5 knows.
import { environmentOf, publishedPorts } from './compose.mjs';
import { result } from './result.mjs';

/**
 * The keys of livekit-server v1.13.5's config (pkg/config/config.go, with mediatransportutil's rtcconfig inlined
 * under rtc and protocol's logger.Config under logging; config-sample.yaml of the same tag). `true` is a leaf
 * (any value), an object lists the keys of a nested map, 'map' is a map with free keys, and 'unlisted' is a section
 * that exists but whose keys are not listed here: check them in v1.13.5's source before adding any.
 */
export const LIVEKIT_KEYS = {
  port: true,
  bind_addresses: true,
  prometheus_port: true,
  prometheus: { port: true, username: true, password: true },
  debug_handler: 'unlisted',
  rtc: {
    udp_port: true,
    tcp_port: true,
    port_range_start: true,
    port_range_end: true,
    use_stun_port_as_ice: true,
    node_ip: true,
    stun_servers: true,
    use_external_ip: true,
    advertise_internal_ip: true,
    skip_external_ip_validation: true,
    use_ice_lite: true,
    interfaces: { includes: true, excludes: true },
    ips: { includes: true, excludes: true },
    enable_loopback_candidate: true,
    use_mdns: true,
    external_ip_only: true,
    batch_io: { batch_size: true, max_flush_interval: true },
    sctp_min_cwnd: true,
    sctp_fast_rtx_wnd: true,
    sctp_cwnd_ca_step: true,
    force_tcp: true,
    turn_servers: true,
    strict_acks: true,
    packet_buffer_size: true,
    packet_buffer_size_video: true,
    packet_buffer_size_audio: true,
    pli_throttle: 'unlisted',
    congestion_control: 'unlisted',
    allow_tcp_fallback: true,
    tcp_fallback_rtt_threshold: true,
    allow_udp_unstable_fallback: true,
    reconnect_on_publication_error: true,
    reconnect_on_subscription_error: true,
    reconnect_on_data_channel_error: true,
    data_channel_max_buffered_amount: true,
    datachannel_slow_threshold: true,
    datachannel_lossy_target_latency: true,
    datachannel_data_track_target_latency: true,
    forward_stats: 'unlisted',
    enable_rtp_stream_restart_detection: true,
  },
  redis: 'unlisted',
  audio: 'unlisted',
  video: 'unlisted',
  room: {
    auto_create: true,
    enabled_codecs: true,
    max_participants: true,
    empty_timeout: true,
    departure_timeout: true,
    enable_remote_unmute: true,
    playout_delay: { enabled: true, min: true, max: true },
    sync_streams: true,
    create_room_timeout: true,
    create_room_attempts: true,
    update_batch_target_size: true,
    max_metadata_size: true,
    max_room_name_length: true,
    max_participant_identity_length: true,
    room_configurations: 'map',
  },
  turn: {
    enabled: true,
    domain: true,
    cert_file: true,
    key_file: true,
    tls_port: true,
    udp_port: true,
    relay_range_start: true,
    relay_range_end: true,
    external_tls: true,
    bind_addresses: true,
    ttl_seconds: true,
    allow_restricted_peer_cidrs: true,
    deny_peer_cidrs: true,
  },
  ingress: { rtmp_base_url: true, whip_base_url: true },
  sip: {},
  webhook: 'unlisted',
  node_selector: 'unlisted',
  key_file: true,
  keys: 'map',
  region: true,
  signal_relay: 'unlisted',
  psrpc: 'unlisted',
  log_level: true,
  logging: {
    json: true,
    level: true,
    sample: true,
    component_levels: 'map',
    sample_initial: true,
    sample_interval: true,
    item_sample_seconds: true,
    item_sample_initial: true,
    item_sample_interval: true,
    pion_level: true,
  },
  limit: {
    num_tracks: true,
    bytes_per_sec: true,
    subscription_limit_video: true,
    subscription_limit_audio: true,
    max_metadata_size: true,
    max_attributes_size: true,
    max_room_name_length: true,
    max_participant_identity_length: true,
    max_participant_name_length: true,
    max_data_blob_key_length: true,
    max_data_blobs_size: true,
    max_data_track_custom_encoding_length: true,
  },
  agents: 'unlisted',
  development: true,
  metric: 'unlisted',
  trace: 'unlisted',
  node_stats: 'unlisted',
  enable_data_tracks: true,
  enable_participant_data_blob: true,
  api: 'unlisted',
};

/** Keys of `config` that `known` does not list, each as the problem to report. */
export function unknownKeys(config, known = LIVEKIT_KEYS, path = '') {
  const unknown = [];
  if (!config || typeof config !== 'object' || Array.isArray(config)) return unknown;
  for (const [key, value] of Object.entries(config)) {
    const here = path ? `${path}.${key}` : key;
    const spec = known[key];
    if (spec === undefined) unknown.push(`unknown key ${here}: livekit-server v1.13.5 would refuse to start`);
    else if (spec === 'unlisted')
      unknown.push(`${here}: a v1.13.5 section whose keys this check does not list; add them from its source first`);
    else if (typeof spec === 'object') unknown.push(...unknownKeys(value, spec, here));
  }
  return unknown;
}

/** The release LIVEKIT_KEYS was read from: scripts/livekit-version (what `make dev` and the tests run) and the
 * Compose image must name it too, so that what was tested is what production runs and the key list still holds. */
export const LIVEKIT_KEYS_VERSION = 'v1.13.5';

/** `pinned`: scripts/livekit-version, trimmed (undefined: the file is missing). */
export function checkLiveKitVersion(compose, pinned) {
  const problems = [];
  const image = String(compose?.services?.livekit?.image ?? '').replace(/@sha256:[0-9a-f]+$/, '');
  const colon = image.lastIndexOf(':');
  const [name, tag] = colon < 0 ? [image, ''] : [image.slice(0, colon), image.slice(colon + 1)];
  if (name !== 'livekit/livekit-server') problems.push(`livekit: image "${image}" is not livekit/livekit-server`);
  if (pinned === undefined) problems.push('scripts/livekit-version is missing');
  else {
    if (tag !== pinned)
      problems.push(
        `livekit: image tag ${tag || '(none)'} is not scripts/livekit-version ${pinned} (make dev and tests)`,
      );
    if (pinned !== LIVEKIT_KEYS_VERSION)
      problems.push(
        `scripts/livekit-version ${pinned}: LIVEKIT_KEYS lists ${LIVEKIT_KEYS_VERSION}'s config keys; check them in ${pinned}'s source first`,
      );
  }
  return result(
    'livekit: the Compose image is the version make dev and the tests run (scripts/livekit-version)',
    problems,
  );
}

export function checkLiveKitKeys(config) {
  return result('livekit: livekit.yaml has only keys livekit-server v1.13.5 knows', unknownKeys(config));
}

/**
 * What the project needs from LiveKit, and that the Compose file agrees with it. `env` is the operator's .env
 * when there is one: limit.bytes_per_sec follows its BANDWIDTH_CAP_KBPS (default 4000).
 */
export function checkLiveKitSettings(config, compose, env = {}) {
  const problems = [];
  const rtc = config?.rtc ?? {};
  if (config?.keys !== undefined || config?.key_file !== undefined)
    problems.push('API keys belong in .env (LIVEKIT_KEYS from LIVEKIT_API_KEY / LIVEKIT_API_SECRET), not in the file');
  if (config?.redis !== undefined) problems.push('redis is set: that makes LiveKit multi-node; one node needs none');
  if (rtc.use_external_ip !== false) problems.push('rtc.use_external_ip must be false (NODE_IP gives the address)');
  if (typeof rtc.udp_port !== 'number') problems.push('rtc.udp_port must be one port (one UDP port to publish)');
  if (rtc.port_range_start !== undefined || rtc.port_range_end !== undefined)
    problems.push('rtc.port_range_* would need a published range: use the single rtc.udp_port');
  if (config?.room?.enable_remote_unmute !== true)
    problems.push('room.enable_remote_unmute must be true (the bandwidth governor unmutes the cameras it paused)');
  // 2 × the cap (in+out bytes per second): the last guard behind the gateway's governor, as under `make dev`.
  const capKbps = Number(env.BANDWIDTH_CAP_KBPS || 4000);
  const expected = (2 * capKbps * 1000) / 8;
  if (config?.limit?.bytes_per_sec !== expected)
    problems.push(`limit.bytes_per_sec must be ${expected} (2 × BANDWIDTH_CAP_KBPS ${capKbps} × 1000 / 8)`);

  const service = compose?.services?.livekit;
  const ports = service ? publishedPorts(service) : [];
  const publishes = (port, protocol) =>
    ports.some((p) => p.container === String(port) && p.host === String(port) && p.protocol === protocol);
  if (!publishes(rtc.udp_port, 'udp')) problems.push(`compose does not publish rtc.udp_port ${rtc.udp_port}/udp as is`);
  if (!publishes(rtc.tcp_port, 'tcp')) problems.push(`compose does not publish rtc.tcp_port ${rtc.tcp_port}/tcp as is`);

  const gateway = environmentOf(compose?.services?.gateway);
  const port = config?.port ?? 7880;
  if (gateway.LIVEKIT_URL !== `ws://livekit:${port}`) problems.push(`gateway LIVEKIT_URL is not ws://livekit:${port}`);
  const metricsPort = config?.prometheus?.port;
  if (gateway.LIVEKIT_METRICS_URL !== `http://livekit:${metricsPort}/metrics`)
    problems.push(`gateway LIVEKIT_METRICS_URL does not match prometheus.port ${metricsPort}`);
  const environment = environmentOf(service);
  if (!String(environment.LIVEKIT_KEYS ?? '').includes('LIVEKIT_API_SECRET'))
    problems.push('LIVEKIT_KEYS is not taken from .env');
  if (!String(environment.NODE_IP ?? '').includes('PUBLIC_IP')) problems.push('NODE_IP is not taken from PUBLIC_IP');
  if (!/^\d+MiB$/.test(String(environment.GOMEMLIMIT ?? '')))
    problems.push('GOMEMLIMIT (in MiB, under mem_limit) is not set');
  return result('livekit: settings the project relies on, and the same ports as the Compose file', problems);
}
