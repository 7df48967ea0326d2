// The side panels: each collapses to a thin strip and can be resized by dragging its inner edge; the sizes
// are remembered. The grid columns come from CSS variables set on the app element.
import { useEffect, useState, type CSSProperties } from 'react';

const KEY = 'sightline-editor-panels';
const LIMITS = { palette: [180, 480], props: [240, 620] } as const;

interface PanelState {
  palette: number;
  props: number;
  paletteCollapsed: boolean;
  propsCollapsed: boolean;
}

const DEFAULTS: PanelState = { palette: 240, props: 320, paletteCollapsed: false, propsCollapsed: false };

export interface Panels {
  state: PanelState;
  set: (patch: Partial<PanelState>) => void;
  style: CSSProperties;
  className: string;
}

export function usePanels(): Panels {
  const [state, setState] = useState<PanelState>(() => {
    try {
      return { ...DEFAULTS, ...JSON.parse(localStorage.getItem(KEY) ?? '{}') };
    } catch {
      return DEFAULTS;
    }
  });
  useEffect(() => {
    try {
      localStorage.setItem(KEY, JSON.stringify(state));
    } catch {
      /* not remembered */
    }
  }, [state]);
  const style = {
    '--palette-w': state.paletteCollapsed ? '28px' : `${state.palette}px`,
    '--props-w': state.propsCollapsed ? '28px' : `${state.props}px`,
  } as CSSProperties;
  const className = `${state.paletteCollapsed ? 'palette-collapsed' : ''} ${state.propsCollapsed ? 'props-collapsed' : ''}`;
  return { state, set: (patch) => setState((s) => ({ ...s, ...patch })), style, className };
}

/** A panel's collapse button and resize grip, placed over the panel's edge next to the canvas. */
export function PanelEdge(props: { side: 'palette' | 'props'; panels: Panels }) {
  const { side, panels } = props;
  const collapsedKey = side === 'palette' ? 'paletteCollapsed' : 'propsCollapsed';
  const collapsed = panels.state[collapsedKey];
  const [lo, hi] = LIMITS[side];
  const startResize = (e: React.PointerEvent) => {
    e.preventDefault();
    const startX = e.clientX;
    const start = panels.state[side];
    const move = (ev: PointerEvent) => {
      const delta = side === 'palette' ? ev.clientX - startX : startX - ev.clientX;
      panels.set({ [side]: Math.max(lo, Math.min(hi, start + delta)) });
    };
    const up = () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  };
  const arrow = side === 'palette' ? (collapsed ? '›' : '‹') : collapsed ? '‹' : '›';
  return (
    <div className={`panel-edge panel-edge-${side} ${collapsed ? 'collapsed' : ''}`}>
      {!collapsed && (
        <div className="panel-grip" title="Drag to resize" data-testid={`resize-${side}`} onPointerDown={startResize} />
      )}
      <button
        className="panel-toggle"
        title={collapsed ? 'Show panel' : 'Hide panel'}
        data-testid={`collapse-${side}`}
        onClick={() => panels.set({ [collapsedKey]: !collapsed })}
      >
        {arrow}
      </button>
    </div>
  );
}
