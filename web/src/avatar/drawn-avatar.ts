import { svg } from '../ui/dom.js';
import type { AvatarFrame } from './avatar-state.js';

/** What the stage needs of a way to draw the avatar: the drawn character, or the owner's images. */
export interface AvatarView {
  readonly element: Element;
  render(frame: AvatarFrame): void;
}

const INK = '#3b2418';
const MOUTH = '#7a2e1e';
const TONGUE = '#ff8a76';
const f1 = (value: number) => value.toFixed(1);

let instances = 0;

/**
 * 开心, drawn: a round, sunny little creature with a sprout on its head, stubby arms and rosy cheeks.
 * Original artwork in SVG; every frame only moves a few transforms and one mouth path.
 */
export function createDrawnAvatar(): AvatarView {
  instances += 1;
  const id = (name: string) => `dh-${name}-${instances}`;

  const defs = svg('defs', {}, [
    svg('radialGradient', { id: id('body'), cx: '38%', cy: '30%', r: '75%' }, [
      svg('stop', { offset: '0%', 'stop-color': '#ffe49a' }),
      svg('stop', { offset: '55%', 'stop-color': '#ffbe55' }),
      svg('stop', { offset: '100%', 'stop-color': '#f59a32' }),
    ]),
    svg('radialGradient', { id: id('halo'), cx: '50%', cy: '50%', r: '50%' }, [
      svg('stop', { offset: '0%', 'stop-color': '#fff3d6' }),
      svg('stop', { offset: '70%', 'stop-color': '#ffe6b8' }),
      svg('stop', { offset: '100%', 'stop-color': '#ffe6b8', 'stop-opacity': '0' }),
    ]),
    svg('clipPath', { id: id('mouth') }, [svg('path', { d: '' })]),
  ]);
  const mouthClip = defs.querySelector('clipPath path') as SVGPathElement;

  const arm = (x: number, flip: number) =>
    svg('g', {}, [
      svg('ellipse', {
        cx: x + flip * 10,
        cy: 150,
        rx: 13,
        ry: 20,
        fill: '#f7a53c',
        transform: `rotate(${flip * -25} ${x + flip * 10} 150)`,
      }),
    ]);
  const armLeft = arm(50, -1);
  const armRight = arm(190, 1);

  const eye = (x: number) => {
    const open = svg('g', {}, [
      svg('ellipse', { cx: 0, cy: 0, rx: 9.5, ry: 12.5, fill: INK }),
      svg('circle', { cx: -3.2, cy: -5, r: 3.6, fill: '#fff' }),
      svg('circle', { cx: 3.4, cy: 4.2, r: 1.6, fill: '#fff', opacity: 0.8 }),
    ]);
    const closed = svg('path', {
      d: 'M-9 -1 Q0 7 9 -1',
      fill: 'none',
      stroke: INK,
      'stroke-width': 3.5,
      'stroke-linecap': 'round',
    });
    const group = svg('g', { transform: `translate(${x} 122)` }, [open, closed]);
    return { group, open, closed, x };
  };
  const eyes = [eye(97), eye(143)];

  const brow = (x: number) =>
    svg('path', {
      d: 'M-8 1 Q0 -4 8 1',
      fill: 'none',
      stroke: '#9a5524',
      'stroke-width': 3,
      'stroke-linecap': 'round',
      transform: `translate(${x} 101)`,
    });
  const brows = [brow(97), brow(143)];

  const cheeks = [
    svg('ellipse', { cx: 80, cy: 143, rx: 11, ry: 7, fill: '#ff7f6e' }),
    svg('ellipse', { cx: 160, cy: 143, rx: 11, ry: 7, fill: '#ff7f6e' }),
  ];

  const smile = svg('path', {
    fill: 'none',
    stroke: MOUTH,
    'stroke-width': 3.5,
    'stroke-linecap': 'round',
  });
  const mouthFill = svg('path', { fill: MOUTH });
  const tongue = svg('ellipse', { cx: 0, rx: 8, fill: TONGUE, 'clip-path': `url(#${id('mouth')})` });
  const mouth = svg('g', { transform: 'translate(120 150)' }, [smile, mouthFill, tongue]);

  const face = svg('g', {}, [...cheeks, ...brows, ...eyes.map((e) => e.group), mouth]);

  const sprout = svg('g', {}, [
    svg('path', {
      d: 'M120 56 Q117 42 121 30',
      fill: 'none',
      stroke: '#4f9a48',
      'stroke-width': 4,
      'stroke-linecap': 'round',
    }),
    svg('path', { d: 'M121 33 C109 19 95 22 92 31 C102 39 113 39 121 33 Z', fill: '#6cc06a' }),
    svg('path', { d: 'M121 31 C130 15 145 15 150 23 C142 33 129 36 121 31 Z', fill: '#86d47f' }),
  ]);

  const body = svg('g', {}, [
    armLeft,
    armRight,
    svg('path', {
      d: 'M120 54 C172 54 198 90 198 134 C198 180 165 208 120 208 C75 208 42 180 42 134 C42 90 68 54 120 54 Z',
      fill: `url(#${id('body')})`,
    }),
    svg('ellipse', { cx: 120, cy: 180, rx: 46, ry: 20, fill: '#ffe7ad', opacity: 0.55 }),
    sprout,
    face,
  ]);

  const dots = [
    svg('circle', { cx: 178, cy: 62, r: 4.5, fill: '#a0633a' }),
    svg('circle', { cx: 193, cy: 47, r: 6, fill: '#a0633a' }),
    svg('circle', { cx: 211, cy: 31, r: 7.5, fill: '#a0633a' }),
  ];
  const sleep = svg('g', { fill: '#a0633a', 'font-weight': 700, 'font-family': 'system-ui, sans-serif' }, [
    svg('text', { x: 170, y: 66, 'font-size': 15 }, ['z']),
    svg('text', { x: 184, y: 48, 'font-size': 21 }, ['Z']),
  ]);

  const shadow = svg('ellipse', { cx: 120, cy: 214, rx: 60, ry: 8, fill: '#e6b980', opacity: 0.55 });
  const feet = svg('g', { fill: '#ef8f34' }, [
    svg('ellipse', { cx: 98, cy: 208, rx: 15, ry: 8 }),
    svg('ellipse', { cx: 142, cy: 208, rx: 15, ry: 8 }),
  ]);

  const root = svg(
    'svg',
    { viewBox: '0 0 240 240', class: 'avatar-drawing', 'aria-hidden': 'true', focusable: 'false' },
    [
      defs,
      svg('circle', { cx: 120, cy: 124, r: 112, fill: `url(#${id('halo')})` }),
      shadow,
      feet,
      body,
      ...dots,
      sleep,
    ],
  );

  let lastMouth = '';
  return {
    element: root,
    render(frame) {
      body.setAttribute(
        'transform',
        `translate(0 ${f1(frame.bodyY)}) translate(120 208) scale(1 ${frame.bodyScaleY.toFixed(3)}) translate(-120 -208)`,
      );
      shadow.setAttribute('rx', f1(60 + frame.bodyY * 1.2));
      sprout.setAttribute('transform', `rotate(${f1(frame.sway)} 120 56)`);
      armLeft.setAttribute('transform', `rotate(${f1(frame.armLeft)} 58 140)`);
      armRight.setAttribute('transform', `rotate(${f1(-frame.armRight)} 182 140)`);
      face.setAttribute(
        'transform',
        `rotate(${f1(frame.tilt)} 120 130) translate(${f1(frame.lookX * 5)} ${f1(frame.lookY * 4)})`,
      );

      const closed = frame.eyeOpen < 0.22;
      for (const e of eyes) {
        e.open.setAttribute(
          'transform',
          `translate(${f1(frame.lookX * 2.5)} ${f1(frame.lookY * 2.5)}) scale(1 ${Math.max(0.1, frame.eyeOpen).toFixed(2)})`,
        );
        e.open.setAttribute('visibility', closed ? 'hidden' : 'visible');
        e.closed.setAttribute('visibility', closed ? 'visible' : 'hidden');
      }
      brows.forEach((b, i) => {
        // Thinking lifts one brow more than the other.
        const lift = frame.brow * (i === 1 && frame.state === 'thinking' ? 9 : 6);
        b.setAttribute('transform', `translate(${i === 0 ? 97 : 143} ${f1(101 - lift)})`);
      });
      for (const cheek of cheeks) cheek.setAttribute('opacity', (0.25 + 0.4 * frame.blush).toFixed(2));

      const open = frame.mouthOpen;
      const key = `${open.toFixed(2)}:${frame.smile.toFixed(2)}`;
      if (key !== lastMouth) {
        lastMouth = key;
        if (open < 0.06) {
          const w = 10 + 3 * frame.smile;
          smile.setAttribute('d', `M${f1(-w)} 0 Q0 ${f1(2 + 8 * frame.smile)} ${f1(w)} 0`);
          smile.setAttribute('visibility', 'visible');
          mouthFill.setAttribute('visibility', 'hidden');
          tongue.setAttribute('visibility', 'hidden');
        } else {
          const hw = 12 - 2 * open;
          const depth = 4 + 18 * open;
          const d = `M${f1(-hw)} 0 Q0 3 ${f1(hw)} 0 Q${f1(hw * 0.9)} ${f1(depth)} 0 ${f1(depth)} Q${f1(-hw * 0.9)} ${f1(depth)} ${f1(-hw)} 0 Z`;
          mouthFill.setAttribute('d', d);
          mouthClip.setAttribute('d', d);
          tongue.setAttribute('cy', f1(depth * 0.95));
          tongue.setAttribute('ry', f1(depth * 0.35));
          smile.setAttribute('visibility', 'hidden');
          mouthFill.setAttribute('visibility', 'visible');
          tongue.setAttribute('visibility', open > 0.25 ? 'visible' : 'hidden');
        }
      }

      dots.forEach((dot, i) => dot.setAttribute('opacity', (frame.dots[i] ?? 0).toFixed(2)));
      sleep.setAttribute('opacity', frame.sleep.toFixed(2));
    },
  };
}
