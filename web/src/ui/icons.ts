import { svg } from './dom.js';

/** Small inline icons (no icon font, nothing fetched). */
const icon = (paths: string[], extra: Record<string, string> = {}) =>
  svg(
    'svg',
    { viewBox: '0 0 24 24', width: 22, height: 22, 'aria-hidden': 'true', focusable: 'false', class: 'icon' },
    paths.map((d) =>
      svg('path', {
        d,
        fill: 'none',
        stroke: 'currentColor',
        'stroke-width': 2,
        'stroke-linecap': 'round',
        'stroke-linejoin': 'round',
        ...extra,
      }),
    ),
  );

export const micIcon = () =>
  icon(['M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3Z', 'M19 11a7 7 0 0 1-14 0', 'M12 18v3']);
export const micOffIcon = () =>
  icon([
    'M15 9.3V6a3 3 0 0 0-5.7-1.3',
    'M9 9v3a3 3 0 0 0 5.1 2.1',
    'M19 11a7 7 0 0 1-1.2 3.9',
    'M5 11a7 7 0 0 0 10.7 5.9',
    'M12 18v3',
    'M3 3l18 18',
  ]);
export const sendIcon = () => icon(['M4 12l16-8-6 16-2.5-6.5L4 12Z']);
export const speakerIcon = () => icon(['M4 9v6h4l5 4V5L8 9H4Z', 'M16.5 8.5a5 5 0 0 1 0 7', 'M19 6a8.5 8.5 0 0 1 0 12']);
export const closeIcon = () => icon(['M6 6l12 12', 'M18 6L6 18']);
