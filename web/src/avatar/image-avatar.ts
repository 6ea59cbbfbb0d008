import type { AvatarImages } from '../api/client-config.js';
import { h, svg } from '../ui/dom.js';
import { type AvatarImageKey, imageFor } from './avatar-state.js';
import type { AvatarView } from './drawn-avatar.js';

/**
 * The owner's own avatar: four images (idle, mouth half open, mouth open, blink) swapped by the same state
 * machine as the drawn one, with the same breathing and thinking dots.
 */
export function createImageAvatar(images: AvatarImages): AvatarView {
  // All four are loaded up front, so a swap never waits for the network mid-sentence.
  const layers = new Map<AvatarImageKey, HTMLImageElement>();
  for (const key of ['idle', 'mouthHalf', 'mouthOpen', 'blink'] as const) {
    const img = h('img', { src: images[key], alt: '', draggable: 'false', decoding: 'async', class: 'avatar-layer' });
    img.hidden = key !== 'idle';
    layers.set(key, img);
  }
  const figure = h('div', { class: 'avatar-images' }, [...layers.values()]);
  const dots = [
    svg('circle', { cx: 10, cy: 40, r: 5, fill: '#a0633a' }),
    svg('circle', { cx: 26, cy: 24, r: 6.5, fill: '#a0633a' }),
    svg('circle', { cx: 44, cy: 9, r: 8, fill: '#a0633a' }),
  ];
  const thought = svg('svg', { viewBox: '0 0 56 50', class: 'avatar-thought', 'aria-hidden': 'true' }, dots);
  const root = h('div', { class: 'avatar-owner' }, [figure, thought]);

  let shown: AvatarImageKey = 'idle';
  return {
    element: root,
    render(frame) {
      const key = imageFor(frame);
      if (key !== shown) {
        const next = layers.get(key);
        const previous = layers.get(shown);
        if (next && previous) {
          next.hidden = false;
          previous.hidden = true;
        }
        shown = key;
      }
      // CSSOM writes, not style attributes: allowed under a strict Content-Security-Policy.
      figure.style.transform = `translateY(${frame.bodyY.toFixed(1)}px) scaleY(${frame.bodyScaleY.toFixed(3)}) rotate(${(frame.tilt * 0.4).toFixed(1)}deg)`;
      dots.forEach((dot, i) => dot.setAttribute('opacity', (frame.dots[i] ?? 0).toFixed(2)));
    },
  };
}
