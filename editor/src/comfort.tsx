// Comforts: light/dark theme (follows the system until toggled), a ready snippet that runs the saved
// workflow (curl, Python inference_sdk, JavaScript fetch), and the canvas exported as a PNG.
import { getNodesBounds, getViewportForBounds } from '@xyflow/react';
import { toPng } from 'html-to-image';
import { canvasActions } from './Canvas.tsx';
import { useEffect, useState } from 'react';
import { inputKinds } from '../model/kinds.ts';
import { Modal } from './dialogs.tsx';
import { store, useStore } from './store.ts';

type ThemeChoice = 'system' | 'light' | 'dark';
const THEME_KEY = 'sightline-editor-theme';

export interface Theme {
  choice: ThemeChoice;
  dark: boolean;
  next: () => void;
}

export function useTheme(): Theme {
  const [choice, setChoice] = useState<ThemeChoice>(
    () => (localStorage.getItem(THEME_KEY) as ThemeChoice | null) ?? 'system',
  );
  const [media] = useState(() =>
    typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null,
  );
  const [systemDark, setSystemDark] = useState(media?.matches ?? false);
  useEffect(() => {
    if (!media) return;
    const on = (e: MediaQueryListEvent) => setSystemDark(e.matches);
    media.addEventListener('change', on);
    // A change between the first render and this listener would otherwise be missed.
    setSystemDark(media.matches);
    return () => media.removeEventListener('change', on);
  }, [media]);
  const dark = choice === 'dark' || (choice === 'system' && systemDark);
  useEffect(() => {
    document.documentElement.dataset.theme = dark ? 'dark' : 'light';
    localStorage.setItem(THEME_KEY, choice);
  }, [dark, choice]);
  const order: ThemeChoice[] = ['system', 'light', 'dark'];
  return { choice, dark, next: () => setChoice(order[(order.indexOf(choice) + 1) % order.length]!) };
}

/** The snippets that run the open saved workflow on one image. */
export function snippets(
  origin: string,
  workspace: string,
  id: string,
  imageInputs: string[],
  params: string[],
): Record<'curl' | 'python' | 'javascript', string> {
  const images = imageInputs.length ? imageInputs : ['image'];
  const inputsJson = Object.fromEntries([
    ...images.map((n) => [n, { type: 'url', value: 'https://example.com/photo.jpg' }]),
    ...params.map((n) => [n, '…']),
  ]);
  const body = JSON.stringify({ api_key: '', inputs: inputsJson }, null, 2);
  const url = `${origin}/${workspace}/workflows/${id}`;
  const pyImages = images.map((n) => `"${n}": "photo.jpg"`).join(', ');
  const pyParams = params.length ? `\n    parameters={${params.map((n) => `"${n}": ...`).join(', ')}},` : '';
  return {
    curl: `curl -X POST '${url}' \\\n  -H 'Content-Type: application/json' \\\n  -d '${body}'`,
    python: `# pip install inference-sdk\nfrom inference_sdk import InferenceHTTPClient\n\nclient = InferenceHTTPClient(api_url="${origin}", api_key="")\nresult = client.run_workflow(\n    workspace_name="${workspace}",\n    workflow_id="${id}",\n    images={${pyImages}},${pyParams}\n)\nprint(result)`,
    javascript: `const res = await fetch('${url}', {\n  method: 'POST',\n  headers: { 'Content-Type': 'application/json' },\n  body: JSON.stringify(${body.replace(/\n/g, '\n  ')}),\n});\nconsole.log(await res.json());`,
  };
}

function SnippetDialog(props: { onClose: () => void }) {
  const s = useStore();
  const [lang, setLang] = useState<'curl' | 'python' | 'javascript'>('curl');
  const def = s.doc.definition;
  const images = def.inputs.filter((i) => inputKinds(i).includes('image')).map((i) => i.name);
  const params = def.inputs.filter((i) => !inputKinds(i).includes('image')).map((i) => i.name);
  const open = s.open;
  const code = open ? snippets(window.location.origin, open.workspace, open.id, images, params)[lang] : '';
  return (
    <Modal title="Run this workflow from code" onClose={props.onClose} testid="snippet-dialog" wide>
      {!open ? (
        <p data-testid="snippet-unsaved">Save the workflow first (Ctrl+S): the snippet runs the saved version.</p>
      ) : (
        <>
          <div className="segmented">
            {(['curl', 'python', 'javascript'] as const).map((l) => (
              <button
                key={l}
                className={lang === l ? 'on' : ''}
                onClick={() => setLang(l)}
                data-testid={`snippet-${l}`}
              >
                {l === 'python' ? 'Python (inference_sdk)' : l === 'javascript' ? 'JavaScript' : 'curl'}
              </button>
            ))}
          </div>
          {s.dirty && <p className="field-warning">Unsaved changes are not in the saved version the snippet runs.</p>}
          <pre className="snippet" data-testid="snippet-code">
            {code}
          </pre>
          <div className="row">
            <button
              className="primary-button"
              data-testid="snippet-copy"
              onClick={() =>
                void navigator.clipboard
                  ?.writeText(code)
                  .then(() => store.say('Snippet copied.', 'success'))
                  .catch(() => store.say('Copy failed: select the text and copy it.', 'error'))
              }
            >
              Copy
            </button>
          </div>
        </>
      )}
    </Modal>
  );
}

/** The whole graph (every node and wire, not only what is in view) as a PNG download. */
export async function exportPng(): Promise<string | null> {
  const viewport = document.querySelector('.react-flow__viewport') as HTMLElement | null;
  const nodes = canvasActions.nodes();
  if (!viewport || !nodes.length) return null;
  const bounds = getNodesBounds(nodes);
  const width = Math.min(4000, Math.max(400, Math.round(bounds.width + 80)));
  const height = Math.min(4000, Math.max(300, Math.round(bounds.height + 80)));
  const fit = getViewportForBounds(bounds, width, height, 0.2, 2, 0.05);
  const bg = getComputedStyle(document.documentElement).getPropertyValue('--bg').trim() || '#ffffff';
  const url = await toPng(viewport, {
    backgroundColor: bg,
    width,
    height,
    style: {
      width: `${width}px`,
      height: `${height}px`,
      transform: `translate(${fit.x}px, ${fit.y}px) scale(${fit.zoom})`,
    },
  });
  const a = document.createElement('a');
  a.href = url;
  a.download = `${store.open?.id ?? 'workflow'}.png`;
  a.click();
  return url;
}

export function ComfortMenu(props: { theme: Theme }) {
  const [snippet, setSnippet] = useState(false);
  const { theme } = props;
  return (
    <>
      <button
        onClick={() => setSnippet(true)}
        title="Copy a curl / Python / JavaScript snippet"
        data-testid="open-snippet"
      >
        {'</>'}
      </button>
      <button
        onClick={() => void exportPng().catch((e) => store.say(`PNG export failed: ${(e as Error).message}`, 'error'))}
        title="Export the canvas as PNG"
        data-testid="export-png"
      >
        PNG
      </button>
      <button
        onClick={theme.next}
        title={`Theme: ${theme.choice} (click to change)`}
        data-testid="theme-toggle"
        data-theme-choice={theme.choice}
      >
        {theme.choice === 'system' ? '◐' : theme.dark ? '☾' : '☀'}
      </button>
      {snippet && <SnippetDialog onClose={() => setSnippet(false)} />}
    </>
  );
}
