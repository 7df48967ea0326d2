// The server's access key (SIGHTLINE_API_KEY), asked once when the server answers 401 and kept in sessionStorage for
// this tab (never localStorage: it goes when the tab closes). Rendered in its own root, above whatever is open.
import { useState } from 'react';
import { createRoot, type Root } from 'react-dom/client';

/** Also read by the API docs page (/docs) so a key typed here works there. */
export const ACCESS_KEY_STORAGE = 'sightline.apiKey';

export function storedAccessKey(): string | undefined {
  try {
    return window.sessionStorage.getItem(ACCESS_KEY_STORAGE) || undefined;
  } catch {
    return undefined;
  }
}

function storeAccessKey(key: string): void {
  try {
    window.sessionStorage.setItem(ACCESS_KEY_STORAGE, key);
  } catch {
    // Storage off (private mode): the key lives until the page reloads.
  }
}

let pending: Promise<boolean> | null = null;
let fallbackKey: string | undefined;

/** Current key: stored, or typed this page load when storage is unavailable. */
export function accessKey(): string | undefined {
  return storedAccessKey() ?? fallbackKey;
}

/**
 * Ask for the key once even when several requests fail together; resolves true when a key was entered (retry the
 * request), false when the user cancelled.
 */
export function askForAccessKey(serverMessage: string): Promise<boolean> {
  pending ??= new Promise<boolean>((resolve) => {
    const host = document.createElement('div');
    document.body.appendChild(host);
    const root: Root = createRoot(host);
    const done = (key: string | null) => {
      root.unmount();
      host.remove();
      pending = null;
      if (key) {
        fallbackKey = key;
        storeAccessKey(key);
      }
      resolve(!!key);
    };
    root.render(<AccessKeyPrompt message={serverMessage} hadKey={!!accessKey()} onDone={done} />);
  });
  return pending;
}

function AccessKeyPrompt(props: { message: string; hadKey: boolean; onDone: (key: string | null) => void }) {
  const [key, setKey] = useState('');
  return (
    <div className="modal-backdrop">
      <form
        className="modal"
        data-testid="access-key-prompt"
        onSubmit={(e) => {
          e.preventDefault();
          if (key.trim()) props.onDone(key.trim());
        }}
      >
        <div className="modal-head">
          <h3>{props.hadKey ? 'That key was not accepted' : 'This server needs its access key'}</h3>
        </div>
        <div className="modal-body">
          <p>
            The server was started with <code>SIGHTLINE_API_KEY</code>. Enter that key to use the editor; it is kept for
            this browser tab only.
          </p>
          <p className="muted">{props.message}</p>
          <input
            type="password"
            autoFocus
            autoComplete="off"
            placeholder="Access key"
            aria-label="Access key"
            data-testid="access-key-input"
            value={key}
            onChange={(e) => setKey(e.target.value)}
            style={{ width: '100%' }}
          />
          <div className="row">
            <button type="submit" className="primary" data-testid="access-key-submit" disabled={!key.trim()}>
              Continue
            </button>
            <button type="button" onClick={() => props.onDone(null)}>
              Cancel
            </button>
          </div>
        </div>
      </form>
    </div>
  );
}
