type AudioContextCtor = new () => AudioContext;

/**
 * Creates the page's AudioContext inside the click that joins: browsers (iOS Safari above all) only let
 * audio start from a user gesture. A one-sample silent buffer completes the unlock on older iOS.
 */
export function unlockAudio(): AudioContext | null {
  const Ctor =
    window.AudioContext ?? (window as unknown as { webkitAudioContext?: AudioContextCtor }).webkitAudioContext;
  if (!Ctor) return null;
  try {
    const context = new Ctor();
    const source = context.createBufferSource();
    source.buffer = context.createBuffer(1, 1, 22_050);
    source.connect(context.destination);
    source.start(0);
    context.resume().catch(() => undefined);
    return context;
  } catch {
    return null;
  }
}
