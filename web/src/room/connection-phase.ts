/** What `connection-state` shows (`data-state`), whether the conversation runs over WebRTC or /ws. */
export type ConnectionPhase = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';
